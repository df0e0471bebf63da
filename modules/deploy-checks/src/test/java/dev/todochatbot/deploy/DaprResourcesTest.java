package dev.todochatbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart's Dapr resources: only documented fields, and the same components and policies as the
 * local run in dapr/, so what passes `dapr run -f dapr/dapr.yaml` is what runs on Kubernetes.
 */
class DaprResourcesTest {

  @ParameterizedTest
  @MethodSource("dev.todochatbot.deploy.RenderedChart#valuesFiles")
  void everyDaprResourceUsesOnlyItsKindsDocumentedFields(String valuesFile) {
    var resources = RenderedChart.of(valuesFile).daprResources();

    assertThat(resources).extracting(resource -> resource.get("kind"))
        .containsOnly("Component", "Resiliency", "Configuration");
    assertThat(resources).extracting(resource -> resource.get("apiVersion")).containsOnly("dapr.io/v1alpha1");
    assertThat(resources.stream().flatMap(resource -> Dapr.undocumentedFields(resource).stream()
        .map(path -> resource.get("kind") + "/" + Dapr.name(resource) + " " + path)))
        .as("fields Dapr does not document").isEmpty();
  }

  @ParameterizedTest
  @MethodSource("dev.todochatbot.deploy.RenderedChart#valuesFiles")
  void componentsAreTwinsOfTheLocalOnes(String valuesFile) {
    var local = DaprFiles.components();
    var chart = RenderedChart.of(valuesFile).dapr("Component");

    assertThat(chart).extracting(Dapr::name).containsExactlyInAnyOrderElementsOf(local.keySet());
    for (Map<String, Object> component : chart) {
      var twin = local.get(Dapr.name(component));
      assertThat(Dapr.scopes(component)).as("scopes of %s", Dapr.name(component))
          .containsExactlyInAnyOrderElementsOf(Dapr.scopes(twin));
      assertThat(Dapr.map(component, "spec").get("version")).isEqualTo("v1");
      if (Dapr.type(twin).startsWith("secretstores.")) {
        // a local file on a laptop, Kubernetes Secrets in the cluster: same name, another kind of store
        assertThat(Dapr.type(component)).isEqualTo("secretstores.kubernetes");
        continue;
      }
      assertThat(Dapr.type(component)).as("type of %s", Dapr.name(component)).isEqualTo(Dapr.type(twin));
      // the broker's credentials are the one thing a cluster adds (KafkaAuthTest holds them)
      var withoutAuth = new java.util.HashSet<>(Dapr.metadataNames(component));
      withoutAuth.removeAll(KafkaAuthTest.AUTH_METADATA);
      assertThat(withoutAuth).as("metadata of %s", Dapr.name(component)).isEqualTo(Dapr.metadataNames(twin));
    }
  }

  @ParameterizedTest
  @MethodSource("dev.todochatbot.deploy.RenderedChart#valuesFiles")
  void realtimeGivesEveryEdgeReplicaItsOwnConsumerAndPubsubSharesOnePerApp(String valuesFile) {
    var chart = RenderedChart.of(valuesFile);

    assertThat(metadataValue(chart, "realtime", "consumerID")).isEqualTo("{podName}");
    assertThat(metadataValue(chart, "realtime", "initialOffset")).isEqualTo("newest");
    assertThat(metadataValue(chart, "pubsub", "consumerID")).as("defaults to the app id").isNull();
    assertThat(metadataValue(chart, "pubsub", "initialOffset")).isEqualTo("oldest");
    assertThat(metadataValue(chart, "reminder-sweep", "route")).isEqualTo("/reminders/sweep");
  }

  @ParameterizedTest
  @MethodSource("dev.todochatbot.deploy.RenderedChart#valuesFiles")
  void resiliencyIsTheLocalOne(String valuesFile) {
    var resiliency = RenderedChart.of(valuesFile).dapr("Resiliency");

    assertThat(resiliency).singleElement()
        .satisfies(policy -> assertThat(policy.get("spec")).isEqualTo(DaprFiles.resiliency().get("spec")));
  }

  @ParameterizedTest
  @MethodSource("dev.todochatbot.deploy.RenderedChart#valuesFiles")
  void configurationTracesAndCountsEverySidecar(String valuesFile) {
    var configuration = RenderedChart.of(valuesFile).dapr("Configuration");

    assertThat(configuration).hasSameSizeAs(DaprFiles.appPorts().keySet()).allSatisfy(config -> {
      var spec = Dapr.map(config, "spec");
      assertThat(Dapr.map(spec, "tracing").get("samplingRate")).isInstanceOfSatisfying(String.class,
          rate -> assertThat(Double.parseDouble(rate)).isBetween(0.0, 1.0));
      assertThat(Dapr.map(spec, "metrics")).containsEntry("enabled", true);
    });
  }

  private static Object metadataValue(RenderedChart chart, String component, String name) {
    return chart.dapr("Component").stream().filter(candidate -> component.equals(Dapr.name(candidate)))
        .flatMap(candidate -> Dapr.metadata(candidate).stream())
        .filter(item -> name.equals(item.get("name")))
        .map(item -> item.get("value")).findFirst().orElse(null);
  }
}
