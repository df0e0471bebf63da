package dev.todochatbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Helm itself: lint, schema and the values that must change what is rendered. */
class HelmChartTest {

  /**
   * helm-java 0.0.21's lint takes no values file, so each one is linted as Helm would merge it: a copy
   * of the chart whose values.yaml is values.yaml with the file's values over it.
   */
  @ParameterizedTest
  @MethodSource("dev.todochatbot.deploy.RenderedChart#valuesFiles")
  void chartPassesStrictLintWithEveryValuesFile(String valuesFile, @TempDir Path copies) throws IOException {
    var result = new Helm(RenderedChart.chartWithValues(valuesFile, copies)).lint().strict().call();

    assertThat(result.isFailed()).as("helm lint --strict with %s: %s", valuesFile, result.getMessages()).isFalse();
    assertThat(result.getMessages()).as(valuesFile)
        .noneMatch(message -> message.contains("[ERROR]") || message.contains("[WARNING]"));
  }

  @Test
  void lintWithAValuesFileSeesWhatThatFileBreaks(@TempDir Path copies) throws IOException {
    Path broken = copies.resolve("broken-values.yaml");
    Files.writeString(broken, "kafka:\n  authType: password\n");
    Path chart = RenderedChart.chartWithValues(RenderedChart.CHART.relativize(broken).toString(), copies.resolve("chart"));

    var result = new Helm(chart).lint().strict().call();

    assertThat(result.isFailed()).as("password auth without a user").isTrue();
    assertThat(String.join("\n", result.getMessages())).contains("saslUsername");
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
