package dev.todochatbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Helm itself: lint, schema and the values that must change what is rendered. */
class HelmChartTest {

  @Test
  void chartPassesStrictLint() {
    var result = new Helm(RenderedChart.CHART).lint().strict().call();

    assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages()).noneMatch(message -> message.contains("[ERROR]") || message.contains("[WARNING]"));
  }

  @ParameterizedTest
  @MethodSource("dev.todochatbot.deploy.RenderedChart#valuesFiles")
  void everyValuesFileRendersADeploymentPerDaprApp(String valuesFile) {
    var chart = RenderedChart.of(valuesFile);

    assertThat(chart.deployments()).extracting(deployment -> deployment.getMetadata().getName())
        .containsExactlyInAnyOrderElementsOf(DaprFiles.appPorts().keySet());
  }

  @Test
  void schemaRejectsAMisspeltValue() {
    assertThatThrownBy(() -> RenderedChart.render("values.yaml", command -> command.set("services.edge.replicaz", 3)))
        .hasMessageContaining("replicaz");
  }

  @Test
  void schemaRejectsASecretValueWhereOnlyItsNameBelongs() {
    assertThatThrownBy(() -> RenderedChart.render("values.yaml", command -> command.set("secrets.jwtSecret.value", "hunter2")))
        .hasMessageContaining("value");
  }

  @Test
  void schemaRejectsAServiceMissingFromTheValues() {
    assertThatThrownBy(() -> RenderedChart.render("values.yaml", command -> command.set("services.chat-service", "null")))
        .hasMessageContaining("chat-service");
  }

  @Test
  void imageRepositoryAndTagComeFromEachServicesValues() {
    var chart = RenderedChart.render("values.yaml", command -> command
        .set("services.edge.image.repository", "registry.example.com/todo/edge")
        .set("services.edge.image.tag", "1.2.3")
        .set("imageTag", "2.0.0"));

    assertThat(image(chart, "edge")).isEqualTo("registry.example.com/todo/edge:1.2.3");
    assertThat(image(chart, "task-service")).isEqualTo("ghcr.io/todo-chatbot/todo-chatbot/task-service:2.0.0");
  }

  private static String image(RenderedChart chart, String app) {
    Deployment deployment = chart.deployments().stream()
        .filter(candidate -> candidate.getMetadata().getName().equals(app)).findFirst().orElseThrow();
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }
}
