package dev.todochatbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rendered alerts through Prometheus's own promtool: {@code check rules} parses every expression
 * and annotation template as Prometheus will, and {@code test rules} plays the failures that must page
 * (src/test/resources/promtool/alerts.test.yaml) and checks that each alert fires when it should and
 * not before. promtool comes with Debian's {@code prometheus} package (.ci/run installs it); without it
 * these are skipped and say so.
 */
class PromtoolTest {

  static Path promtool;

  @TempDir
  Path dir;

  @BeforeAll
  static void findPromtool() {
    promtool = Optional.ofNullable(System.getenv("PROMTOOL")).map(Path::of)
        .or(() -> Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
            .map(entry -> Path.of(entry, "promtool")).filter(Files::isExecutable).findFirst())
        .orElse(null);
    Assumptions.assumeTrue(promtool != null,
        "promtool not found (apt-get install prometheus, or PROMTOOL=<path>): the alerts are not run through Prometheus");
  }

  @Test
  void prometheusAcceptsEveryRuleAndAnnotationTemplate() throws Exception {
    Path rules = write(dir.resolve("rules.yaml"), groups(false));

    var result = run(dir, promtool.toString(), "check", "rules", rules.toString());

    assertThat(result.exit()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
  }

  @Test
  void eachFailureThatMustPageFiresItsAlertInTimeAndNotBefore() throws Exception {
    // annotations are for people; their templates are checked above, and here they would only repeat the rule file
    write(dir.resolve("rules.yaml"), groups(true));
    Path tests = dir.resolve("alerts.test.yaml");
    try (InputStream in = PromtoolTest.class.getResourceAsStream("/promtool/alerts.test.yaml")) {
      Files.copy(in, tests);
    }

    var result = run(dir, promtool.toString(), "test", "rules", tests.toString());

    assertThat(result.exit()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
  }

  /** The PrometheusRule's groups as the chart renders them with monitoring on, as a rule file. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> groups(boolean withoutAnnotations) {
    String document = Stream.of(RenderedChart.of("values-minikube.yaml").text().split("(?m)^---\\s*$"))
        .filter(text -> text.contains("kind: PrometheusRule")).findFirst().orElseThrow();
    var spec = (Map<String, Object>) RenderedChart.yaml(document).get("spec");
    if (withoutAnnotations) {
      for (var group : (List<Map<String, Object>>) spec.get("groups")) {
        ((List<Map<String, Object>>) group.get("rules")).forEach(each -> each.remove("annotations"));
      }
    }
    return spec;
  }

  private static Path write(Path file, Map<String, Object> content) throws IOException {
    return Files.writeString(file, Serialization.yamlMapper().writeValueAsString(content));
  }

  record Result(int exit, String output) {}

  private static Result run(Path dir, String... command) throws Exception {
    Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(dir.toFile())
        .redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("promtool did not finish within 60 s: " + output);
    }
    return new Result(process.exitValue(), output);
  }
}
