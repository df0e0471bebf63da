package dev.todochatbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Service invocation is refused in the callee's sidecar unless the caller is one of the apps that
 * really call it, so a compromised or misconfigured service cannot reach the others' APIs.
 */
class DaprAccessControlTest {

  /**
   * Who calls whom, as the code does: the edge forwards the public API (EdgeVerticle, Realtime), the
   * chat's tools call the task and notification services (TaskTools), the recurrence service asks the
   * task service for the next occurrence (RecurrenceApiVerticle). Nothing calls the edge or the
   * recurrence service by invocation.
   */
  private static final Map<String, Set<String>> CALLERS = Map.of(
      "edge", Set.of(),
      "task-service", Set.of("edge", "chat-service", "recurrence-service"),
      "audit-service", Set.of("edge"),
      "chat-service", Set.of("edge"),
      "recurrence-service", Set.of(),
      "notification-service", Set.of("edge", "chat-service"));

  @ParameterizedTest
  @MethodSource("dev.todochatbot.deploy.RenderedChart#valuesFiles")
  void eachAppsSidecarAdmitsOnlyTheAppsThatCallItFromTheReleasesNamespace(String valuesFile) {
    var chart = RenderedChart.of(valuesFile);

    for (var deployment : chart.deployments()) {
      String app = deployment.getMetadata().getName();
      String configName = deployment.getSpec().getTemplate().getMetadata().getAnnotations().get("dapr.io/config");
      var config = chart.dapr("Configuration").stream().filter(candidate -> Dapr.name(candidate).equals(configName))
          .findFirst().orElseThrow(() -> new AssertionError(app + " points at a Configuration the chart lacks: " + configName));
      var acl = Dapr.map(Dapr.map(config, "spec"), "accessControl");

      assertThat(acl).as("access control of %s", app).containsEntry("defaultAction", "deny")
          .containsEntry("trustDomain", "public");
      @SuppressWarnings("unchecked")
      var policies = (List<Map<String, Object>>) acl.get("policies");
      assertThat(policies).as("policies of %s", app).allSatisfy(policy -> assertThat(policy)
          .containsEntry("defaultAction", "allow")
          .containsEntry("trustDomain", "public")
          .containsEntry("namespace", RenderedChart.NAMESPACE)
          .doesNotContainKey("operations"));
      assertThat(policies.stream().map(policy -> (String) policy.get("appId")).collect(Collectors.toSet()))
          .as("callers %s admits", app).isEqualTo(CALLERS.get(app));
    }
  }

  @Test
  void everyAppHasItsOwnConfiguration() {
    var chart = RenderedChart.of("values.yaml");

    assertThat(chart.deployments()).extracting(deployment ->
            deployment.getSpec().getTemplate().getMetadata().getAnnotations().get("dapr.io/config"))
        .doesNotHaveDuplicates().hasSameSizeAs(CALLERS.keySet());
  }

  @Test
  void aCallerThatIsNotOneOfTheServicesIsRefusedByName() {
    assertThatThrownBy(() -> RenderedChart.render("values.yaml",
        command -> command.set("services.audit-service.invokedBy[0]", "edgee")))
        .hasMessageContaining("services.audit-service.invokedBy names edgee");
  }

  @Test
  void turnedOffTheSidecarsHaveNoAccessControlAtAll() {
    var chart = RenderedChart.render("values.yaml", command -> command.set("dapr.accessControl.enabled", "false"));

    assertThat(chart.dapr("Configuration"))
        .allSatisfy(config -> assertThat(Dapr.map(config, "spec")).doesNotContainKey("accessControl"));
  }
}
