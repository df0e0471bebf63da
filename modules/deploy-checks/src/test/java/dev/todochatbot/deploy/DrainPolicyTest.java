package dev.todochatbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How a pod stops, for every values file: the app drains (DRAIN_DELAY, then at most DRAIN_TIMEOUT),
 * its sidecar keeps relaying its calls for that long (block-shutdown-duration) and then drains itself
 * (graceful-shutdown-seconds), and Kubernetes waits for all of it before killing the pod.
 */
class DrainPolicyTest {

  static Stream<Arguments> deployments() {
    return RenderedChart.valuesFiles().flatMap(file -> RenderedChart.of(file).deployments().stream()
        .map(deployment -> Arguments.of(file, deployment.getMetadata().getName(), deployment)));
  }

  private static Container app(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static String env(Deployment deployment, String name) {
    return app(deployment).getEnv().stream().filter(variable -> variable.getName().equals(name)).map(EnvVar::getValue)
        .findFirst().orElseThrow(() -> new AssertionError(deployment.getMetadata().getName() + " has no " + name));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("deployments")
  void thePodOutlivesTheDrainOfItsAppAndItsSidecar(String valuesFile, String name, Deployment deployment) {
    Map<String, String> annotations = deployment.getSpec().getTemplate().getMetadata().getAnnotations();
    long delay = Long.parseLong(env(deployment, "DRAIN_DELAY"));
    long timeout = Long.parseLong(env(deployment, "DRAIN_TIMEOUT"));
    long sidecarGrace = Long.parseLong(annotations.get("dapr.io/graceful-shutdown-seconds"));
    long podGrace = deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();

    assertThat(delay).as("DRAIN_DELAY: the pod must keep serving while it leaves the endpoints").isPositive();
    assertThat(timeout).as("DRAIN_TIMEOUT").isPositive();
    assertThat(annotations).as("the sidecar relays the app's calls for as long as the app drains")
        .containsEntry("dapr.io/block-shutdown-duration", (delay + timeout) + "s");
    int probeInterval = Integer.parseInt(annotations.get("dapr.io/app-health-probe-interval"));
    int threshold = Integer.parseInt(annotations.get("dapr.io/app-health-threshold"));
    assertThat((long) probeInterval * threshold).as("seconds of failed /healthz probes before daprd ends its block early: "
        + "longer than the drain's work in flight (DRAIN_TIMEOUT %d), whose servers /healthz goes with", timeout)
        .isGreaterThan(timeout);
    assertThat(podGrace).as("terminationGracePeriodSeconds > DRAIN_DELAY %d + DRAIN_TIMEOUT %d + sidecar's graceful "
        + "shutdown %d", delay, timeout, sidecarGrace).isGreaterThan(delay + timeout + sidecarGrace);
    assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .as("a rollout starts the new pod before an old one drains").isZero();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("deployments")
  void logsOfTheAppAndItsSidecarAreJsonLinesForLoki(String valuesFile, String name, Deployment deployment) {
    assertThat(env(deployment, "LOG_FORMAT")).isEqualTo("json");
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry("dapr.io/log-as-json", "true");
  }

  @Test
  void aGracePeriodTooShortForTheDrainIsRefusedWithTheSumItMustExceed() {
    assertThatThrownBy(() -> RenderedChart.render("values.yaml", command -> command
        .set("terminationGracePeriodSeconds", 30)
        .set("drain.delaySeconds", 5)
        .set("drain.timeoutSeconds", 20)
        .set("dapr.gracefulShutdownSeconds", 20)))
        .hasMessageContaining("terminationGracePeriodSeconds (30) must be longer than")
        .hasMessageContaining("(45)");
  }
}
