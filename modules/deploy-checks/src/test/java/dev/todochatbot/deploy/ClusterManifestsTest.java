package dev.todochatbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What minikube/up.sh and doks/bootstrap.sh apply besides the chart (Redpanda, PostgreSQL, the
 * ClusterIssuer), held to the Kubernetes model and to the chart values that name them, and the two
 * scripts held to the same pinned versions.
 */
class ClusterManifestsTest {

  static final Path ROOT = RenderedChart.CHART.getParent().getParent();

  static Stream<Path> manifestFiles() throws IOException {
    var files = new ArrayList<Path>();
    for (String dir : List.of("minikube/manifests", "doks/manifests")) {
      try (var listing = Files.list(ROOT.resolve(dir))) {
        listing.filter(file -> file.toString().endsWith(".yaml")).sorted().forEach(files::add);
      }
    }
    return files.stream();
  }

  static List<HasMetadata> objects(Path file) {
    var objects = new ArrayList<HasMetadata>();
    for (String document : read(file).split("(?m)^---\\s*$")) {
      if (!document.lines().allMatch(line -> line.isBlank() || line.strip().startsWith("#"))) {
        objects.add(Serialization.unmarshal(document));
      }
    }
    return objects;
  }

  @ParameterizedTest
  @MethodSource("manifestFiles")
  void everyObjectIsInTheKubernetesModelWithNoUnknownField(Path file) {
    var unknown = new ArrayList<String>();
    var objects = objects(file);
    for (var object : objects) {
      if (!(object instanceof GenericKubernetesResource)) {
        KubernetesModelTest.collectUnknown(object, object.getKind() + "/" + object.getMetadata().getName(), unknown);
      }
    }

    assertThat(objects).as(file.toString()).isNotEmpty();
    assertThat(objects).filteredOn(GenericKubernetesResource.class::isInstance)
        .as("objects of kinds without a typed model in %s", file)
        .allSatisfy(object -> assertThat(object.getApiVersion()).isEqualTo("cert-manager.io/v1"));
    assertThat(unknown).as("fields outside the Kubernetes model in %s", file).isEmpty();
  }

  /** kafka.brokers in each values file is a Service port in the Kafka manifest installed beside it. */
  @ParameterizedTest
  @CsvSource({"values-minikube.yaml, minikube/manifests/kafka.yaml", "values-production.yaml, doks/manifests/kafka.yaml"})
  void theChartsKafkaBrokersAreTheInstalledBroker(String valuesFile, String manifest) {
    @SuppressWarnings("unchecked")
    var kafka = (Map<String, Object>) RenderedChart.yaml(RenderedChart.CHART.resolve(valuesFile)).get("kafka");
    var broker = Pattern.compile("([a-z0-9-]+)\\.([a-z0-9-]+)\\.svc\\.cluster\\.local:(\\d+)")
        .matcher(String.valueOf(kafka.get("brokers")));
    assertThat(broker.matches()).as("%s kafka.brokers %s is service.namespace.svc.cluster.local:port", valuesFile, kafka.get("brokers"))
        .isTrue();

    var services = objects(ROOT.resolve(manifest)).stream().filter(Service.class::isInstance).map(Service.class::cast).toList();
    assertThat(services)
        .as("a Service %s in namespace %s with port %s in %s", broker.group(1), broker.group(2), broker.group(3), manifest)
        .anySatisfy(service -> {
          assertThat(service.getMetadata().getName()).isEqualTo(broker.group(1));
          assertThat(service.getMetadata().getNamespace()).isEqualTo(broker.group(2));
          assertThat(service.getSpec().getPorts()).anySatisfy(port -> assertThat(port.getPort()).isEqualTo(Integer.parseInt(broker.group(3))));
        });
  }

  /**
   * Production's Kafka client settings against the broker doks/ runs: TLS with the private CA's
   * certificate, SASL as the one user the broker makes on first start, with the mechanism
   * bootstrap.sh gives it, and that user allowed everything (a superuser, as there are no ACLs).
   */
  @Test
  @SuppressWarnings("unchecked")
  void productionsKafkaClientIsTheUserTheInClusterBrokerMakes() {
    var kafka = (Map<String, Object>) RenderedChart.yaml(RenderedChart.CHART.resolve("values-production.yaml")).get("kafka");
    var config = objects(ROOT.resolve("doks/manifests/kafka.yaml")).stream()
        .filter(io.fabric8.kubernetes.api.model.ConfigMap.class::isInstance).map(io.fabric8.kubernetes.api.model.ConfigMap.class::cast)
        .filter(map -> map.getMetadata().getName().equals("redpanda-config")).findFirst().orElseThrow().getData();
    var cluster = RenderedChart.yaml(config.get(".bootstrap.yaml"));
    var broker = (Map<String, Object>) RenderedChart.yaml(config.get("redpanda.yaml")).get("redpanda");

    assertThat(kafka).containsEntry("authType", "password").containsEntry("caCert", true);
    assertThat(cluster).containsEntry("enable_sasl", true);
    assertThat((List<String>) cluster.get("superusers")).contains(String.valueOf(kafka.get("saslUsername")));
    assertThat((List<Map<String, Object>>) broker.get("kafka_api")).allSatisfy(listener ->
        assertThat(listener).containsEntry("authentication_method", "sasl"));
    assertThat((List<Map<String, Object>>) broker.get("kafka_api_tls")).allSatisfy(tls -> assertThat(tls).containsEntry("enabled", true));
    assertThat(read(ROOT.resolve("doks/bootstrap.sh")))
        .contains("KAFKA_USER=" + kafka.get("saslUsername"))
        .contains(":SCRAM-" + kafka.get("saslMechanism"));
  }

  @Test
  void productionsIngressNamesTheClusterIssuerBootstrapInstalls() {
    var issuers = objects(ROOT.resolve("doks/manifests/cluster-issuer.yaml"));
    @SuppressWarnings("unchecked")
    var ingress = (Map<String, Map<String, Object>>) (Object) RenderedChart.yaml(RenderedChart.CHART.resolve("values-production.yaml")).get("ingress");

    assertThat(issuers).singleElement().satisfies(issuer -> {
      assertThat(issuer.getKind()).isEqualTo("ClusterIssuer");
      assertThat(issuer.getMetadata().getName()).isEqualTo(ingress.get("annotations").get("cert-manager.io/cluster-issuer"));
    });
  }

  /** A component both scripts install runs the same version on a laptop and in production. */
  @Test
  void minikubeAndDoksPinTheSameVersions() {
    var minikube = pins(ROOT.resolve("minikube/up.sh"));
    var doks = pins(ROOT.resolve("doks/bootstrap.sh"));

    assertThat(minikube).containsKeys("DAPR_VERSION", "KUBE_PROMETHEUS_STACK_VERSION", "LOKI_VERSION", "ALLOY_VERSION");
    assertThat(doks).containsKeys("DAPR_VERSION", "CERT_MANAGER_VERSION", "INGRESS_NGINX_VERSION");
    minikube.forEach((name, version) -> {
      if (doks.containsKey(name)) {
        assertThat(doks.get(name)).as("%s in doks/bootstrap.sh", name).isEqualTo(version);
      }
    });
    Stream.of(minikube, doks).flatMap(pins -> pins.values().stream())
        .forEach(version -> assertThat(version).as("a pinned version").matches("v?\\d+\\.\\d+\\.\\d+"));
  }

  /** A file renamed or moved would otherwise break the scripts only when someone runs them on a cluster. */
  @ParameterizedTest
  @CsvSource({"minikube/up.sh", "doks/bootstrap.sh"})
  void everyFileTheScriptsApplyOrInstallExists(String script) {
    Path dir = ROOT.resolve(script).getParent();
    var matcher = Pattern.compile("\\$(here|root)/([\\w./-]+\\.ya?ml)").matcher(read(ROOT.resolve(script)));
    var named = new ArrayList<Path>();
    while (matcher.find()) {
      named.add((matcher.group(1).equals("here") ? dir : ROOT).resolve(matcher.group(2)));
    }

    assertThat(named).as("YAML files %s names", script).isNotEmpty()
        .allSatisfy(file -> assertThat(file).as("named in %s", script).isRegularFile());
  }

  /** The readonly NAME_VERSION=... lines of a script. */
  private static Map<String, String> pins(Path script) {
    var pins = new TreeMap<String, String>();
    var matcher = Pattern.compile("(?m)^readonly ([A-Z_]+_VERSION)=(\\S+)").matcher(read(script));
    while (matcher.find()) {
      pins.put(matcher.group(1), matcher.group(2));
    }
    return pins;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
