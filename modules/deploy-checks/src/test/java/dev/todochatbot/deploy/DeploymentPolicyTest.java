package dev.todochatbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What every Deployment must have, for every values file, checked one Deployment at a time. */
class DeploymentPolicyTest {

  /** Pod annotations the Dapr 1.16 sidecar injector reads (docs.dapr.io, "Dapr arguments and annotations"). */
  private static final Set<String> DAPR_ANNOTATIONS = Set.of(
      "dapr.io/enabled", "dapr.io/app-id", "dapr.io/app-port", "dapr.io/app-protocol", "dapr.io/config",
      "dapr.io/enable-app-health-check", "dapr.io/app-health-check-path", "dapr.io/app-health-probe-interval",
      "dapr.io/app-health-probe-timeout", "dapr.io/app-health-threshold", "dapr.io/enable-metrics", "dapr.io/metrics-port",
      "dapr.io/log-level", "dapr.io/log-as-json", "dapr.io/graceful-shutdown-seconds", "dapr.io/block-shutdown-duration",
      "dapr.io/sidecar-cpu-request", "dapr.io/sidecar-cpu-limit", "dapr.io/sidecar-memory-request",
      "dapr.io/sidecar-memory-limit", "dapr.io/sidecar-readonly-root-filesystem", "dapr.io/sidecar-drop-all-capabilities",
      "dapr.io/sidecar-seccomp-profile-type", "dapr.io/app-max-concurrency", "dapr.io/http-max-request-size",
      "dapr.io/env", "dapr.io/volume-mounts", "dapr.io/volume-mounts-rw", "dapr.io/api-token-secret",
      "dapr.io/app-token-secret");

  static Stream<Arguments> deployments() {
    return RenderedChart.valuesFiles().flatMap(file -> RenderedChart.of(file).deployments().stream()
        .map(deployment -> Arguments.of(file, deployment.getMetadata().getName(), deployment)));
  }

  private static Container app(Deployment deployment) {
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers()).hasSize(1);
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static Map<String, String> annotations(Deployment deployment) {
    return deployment.getSpec().getTemplate().getMetadata().getAnnotations();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("deployments")
  void daprAnnotationsNameTheAppAndItsPortAsDaprYamlDoes(String valuesFile, String name, Deployment deployment) {
    var annotations = annotations(deployment);
    var appPorts = DaprFiles.appPorts();
    String appId = annotations.get("dapr.io/app-id");

    assertThat(annotations).containsEntry("dapr.io/enabled", "true")
        .containsEntry("dapr.io/app-protocol", "http")
        .containsEntry("dapr.io/enable-app-health-check", "true")
        .containsEntry("dapr.io/app-health-check-path", "/healthz");
    assertThat(appPorts).containsKey(appId);
    assertThat(annotations.get("dapr.io/app-port")).isEqualTo(String.valueOf(appPorts.get(appId)));
    assertThat(app(deployment).getPorts()).extracting(ContainerPort::getContainerPort).contains(appPorts.get(appId));
    assertThat(app(deployment).getEnv()).as("the app is told to listen on its app-port")
        .anyMatch(variable -> String.valueOf(appPorts.get(appId)).equals(variable.getValue()));
    assertThat(annotations.keySet()).filteredOn(key -> key.startsWith("dapr.io/"))
        .as("annotations the injector knows").isSubsetOf(DAPR_ANNOTATIONS);
    assertThat(annotations.get("dapr.io/config"))
        .isIn(RenderedChart.of(valuesFile).dapr("Configuration").stream().map(Dapr::name).toList());
  }

  /**
   * Every sidecar asks for the API token and shows its app the app token, and the app has the same two
   * from the same Secrets: without them a caller on the pod network could read the signing key through
   * the sidecar, or forge an event into the app's routes (issue 14).
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("deployments")
  void sidecarAndAppShareDaprsTwoTokensFromTheirSecrets(String valuesFile, String name, Deployment deployment) {
    var annotations = annotations(deployment);
    var secrets = NoSecretValuesTest.secretReferences(valuesFile);
    String apiSecret = (String) secrets.get("daprApiToken").get("name");
    String appSecret = (String) secrets.get("appApiToken").get("name");

    assertThat(apiSecret).isNotEqualTo(appSecret);
    assertThat(annotations).containsEntry("dapr.io/api-token-secret", apiSecret)
        .containsEntry("dapr.io/app-token-secret", appSecret);
    var fromSecrets = new java.util.TreeMap<String, String>();
    app(deployment).getEnv().stream().filter(variable -> variable.getValueFrom() != null)
        .forEach(variable -> fromSecrets.put(variable.getName(), variable.getValueFrom().getSecretKeyRef().getName()
            + "/" + variable.getValueFrom().getSecretKeyRef().getKey()));
    assertThat(fromSecrets).isEqualTo(Map.of("DAPR_API_TOKEN", apiSecret + "/token", "APP_API_TOKEN",
        appSecret + "/token"));
    // listening on the pod's address needs the app token (AppPort refuses to start otherwise)
    assertThat(app(deployment).getEnv()).anyMatch(variable -> variable.getName().equals("INTERNAL_HOST")
        && "0.0.0.0".equals(variable.getValue()));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("deployments")
  void sidecarHasResourcesAndDrainsBeforeThePodIsKilled(String valuesFile, String name, Deployment deployment) {
    var annotations = annotations(deployment);
    var soft = new SoftAssertions();
    for (String resource : new String[] {"cpu", "memory"}) {
      Quantity request = new Quantity(annotations.get("dapr.io/sidecar-" + resource + "-request"));
      Quantity limit = new Quantity(annotations.get("dapr.io/sidecar-" + resource + "-limit"));
      soft.assertThat(request.getNumericalAmount()).as("sidecar %s request", resource).isPositive();
      soft.assertThat(limit.getNumericalAmount()).as("sidecar %s limit", resource).isGreaterThanOrEqualTo(request.getNumericalAmount());
    }
    long drain = Long.parseLong(annotations.get("dapr.io/graceful-shutdown-seconds"));
    soft.assertThat(drain).isPositive();
    soft.assertThat(deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
        .as("terminationGracePeriodSeconds leaves the sidecar its graceful shutdown").isGreaterThan(drain);
    soft.assertAll();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("deployments")
  void probesAskTheAppsOwnHealthEndpoints(String valuesFile, String name, Deployment deployment) {
    Container container = app(deployment);

    assertHttpProbe(container, container.getReadinessProbe(), "/readyz");
    assertHttpProbe(container, container.getLivenessProbe(), "/healthz");
  }

  private static void assertHttpProbe(Container container, Probe probe, String path) {
    assertThat(probe).as("%s probe", path).isNotNull();
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    IntOrString port = probe.getHttpGet().getPort();
    assertThat(container.getPorts()).as("the probe's port is a declared container port")
        .anyMatch(declared -> port.getStrVal() != null ? port.getStrVal().equals(declared.getName())
            : port.getIntVal().equals(declared.getContainerPort()));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("deployments")
  void containerHasRequestsAndLimitsForCpuAndMemory(String valuesFile, String name, Deployment deployment) {
    var resources = app(deployment).getResources();

    for (String resource : new String[] {"cpu", "memory"}) {
      Quantity request = resources.getRequests().get(resource);
      Quantity limit = resources.getLimits().get(resource);
      assertThat(request).as("%s request", resource).isNotNull();
      assertThat(limit).as("%s limit", resource).isNotNull();
      assertThat(Quantity.getAmountInBytes(limit)).as("%s limit >= request", resource)
          .isGreaterThanOrEqualTo(Quantity.getAmountInBytes(request));
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("deployments")
  void runsAsNonRootOnAReadOnlyRootWithATmpEmptyDir(String valuesFile, String name, Deployment deployment) {
    var pod = deployment.getSpec().getTemplate().getSpec();
    var container = app(deployment).getSecurityContext();

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(container.getRunAsNonRoot()).isTrue();
    assertThat(container.getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getCapabilities().getDrop()).contains("ALL");
    assertThat(container.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(container.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    var tmp = app(deployment).getVolumeMounts().stream().filter(mount -> mount.getMountPath().equals("/tmp")).findFirst();
    assertThat(tmp).as("a writable /tmp").isPresent();
    assertThat(pod.getVolumes()).anyMatch(volume -> volume.getName().equals(tmp.get().getName()) && volume.getEmptyDir() != null);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("deployments")
  void rollsOutWithoutEverGoingBelowTheWantedCount(String valuesFile, String name, Deployment deployment) {
    var strategy = deployment.getSpec().getStrategy();

    assertThat(strategy.getType()).isEqualTo("RollingUpdate");
    assertThat(strategy.getRollingUpdate().getMaxUnavailable()).isEqualTo(new IntOrString(0));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("deployments")
  void replicasSpreadOverNodesAndZones(String valuesFile, String name, Deployment deployment) {
    var podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();

    assertThat(deployment.getSpec().getTemplate().getSpec().getTopologySpreadConstraints())
        .allSatisfy(constraint -> assertThat(podLabels).containsAllEntriesOf(constraint.getLabelSelector().getMatchLabels()))
        .extracting(constraint -> constraint.getTopologyKey())
        .containsExactlyInAnyOrder("kubernetes.io/hostname", "topology.kubernetes.io/zone");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("deployments")
  void serviceSelectsThePodsAndExposesTheirHttpPort(String valuesFile, String name, Deployment deployment) {
    var chart = RenderedChart.of(valuesFile);
    Service service = chart.all(Service.class).stream()
        .filter(candidate -> candidate.getMetadata().getName().equals(name)).findFirst().orElseThrow();
    var podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();

    assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
    assertThat(podLabels).containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(service.getSpec().getPorts()).singleElement()
        .satisfies(port -> assertThat(port.getTargetPort().getStrVal()).isEqualTo("http"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("deployments")
  void autoscaledDeploymentsLeaveTheReplicaCountToTheirAutoscaler(String valuesFile, String name, Deployment deployment) {
    var chart = RenderedChart.of(valuesFile);
    var autoscaler = chart.all(HorizontalPodAutoscaler.class).stream()
        .filter(hpa -> hpa.getSpec().getScaleTargetRef().getName().equals(name)).findFirst();

    if (autoscaler.isPresent()) {
      assertThat(deployment.getSpec().getReplicas()).as("replicas left to the HPA").isNull();
      assertThat(autoscaler.get().getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
      assertThat(autoscaler.get().getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2)
          .isLessThanOrEqualTo(autoscaler.get().getSpec().getMaxReplicas());
    } else {
      assertThat(deployment.getSpec().getReplicas()).isPositive();
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("deployments")
  void disruptionBudgetsSelectExactlyTheirDeploymentsPods(String valuesFile, String name, Deployment deployment) {
    var podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
    var budgets = RenderedChart.of(valuesFile).all(PodDisruptionBudget.class).stream()
        .filter(pdb -> podLabels.entrySet().containsAll(pdb.getSpec().getSelector().getMatchLabels().entrySet()))
        .toList();

    assertThat(budgets).hasSizeLessThanOrEqualTo(1);
    if (valuesFile.equals("values-production.yaml")) {
      assertThat(budgets).as("production keeps a budget for %s", name).hasSize(1);
    }
  }
}
