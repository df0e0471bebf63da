package dev.todochatbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * minikube/up.sh's prerequisite check, run for real by bash with a PATH that lacks tools: it must
 * name every missing tool at once, exit non-zero, and call none of the tools that are present
 * (each present one is a stand-in that records being called). Not a test of the rollout, which
 * needs Docker and a cluster.
 */
class MinikubeUpPrerequisitesTest {

  static final Path SCRIPT = RenderedChart.CHART.getParent().getParent().resolve("minikube/up.sh");
  static final List<String> TOOLS = List.of("docker", "minikube", "kubectl", "helm", "dapr", "java", "mvn", "make", "git", "base64");

  @TempDir
  Path bin;

  @Test
  void withNoToolsEveryOneIsNamedAndItStops() throws Exception {
    var run = run(Map.of());

    assertThat(run.exitCode()).isNotZero();
    for (String tool : TOOLS) {
      assertThat(run.stderr()).contains("missing: " + tool + " is not on PATH; ");
    }
    assertThat(run.stderr()).contains("10 prerequisite(s) missing");
    assertThat(run.stdout()).as("nothing was started").isEmpty();
  }

  @Test
  void onlyTheMissingToolsAreNamedAndNoPresentOneIsCalled() throws Exception {
    var run = run(Map.of("docker", 0, "minikube", 0, "kubectl", 0, "helm", 0, "git", 0, "base64", 0));

    assertThat(run.exitCode()).isNotZero();
    assertThat(missingTools(run.stderr())).containsExactlyInAnyOrder("dapr", "java", "mvn", "make");
    assertThat(run.stderr()).contains("4 prerequisite(s) missing");
    assertThat(calls()).as("tools called before the check finished").isEmpty();
  }

  @Test
  void aDockerWhoseDaemonDoesNotAnswerStopsItBeforeMinikubeStarts() throws Exception {
    var tools = new java.util.HashMap<String, Integer>();
    TOOLS.forEach(tool -> tools.put(tool, 0));
    tools.put("docker", 1);

    var run = run(tools);

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.stderr()).contains("docker is installed but its daemon does not answer");
    assertThat(calls()).containsExactly("docker info");
  }

  private record Run(int exitCode, String stdout, String stderr) {}

  /** Runs the script with PATH holding only a stand-in per entry (tool -> its exit code). */
  private Run run(Map<String, Integer> present) throws IOException, InterruptedException {
    for (var tool : present.entrySet()) {
      Path stub = bin.resolve(tool.getKey());
      Files.writeString(stub, "#!/bin/sh\necho \"" + tool.getKey() + " $*\" >> '" + bin.resolve("calls.log") + "'\nexit "
          + tool.getValue() + "\n");
      Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    var process = new ProcessBuilder(bash(), SCRIPT.toString())
        .directory(bin.toFile())
        .redirectOutput(bin.resolve("stdout").toFile())
        .redirectError(bin.resolve("stderr").toFile());
    process.environment().clear();
    process.environment().put("PATH", bin.toString());
    process.environment().put("HOME", bin.toString());
    Process started = process.start();
    assertThat(started.waitFor(30, TimeUnit.SECONDS)).as("the script finished").isTrue();
    return new Run(started.exitValue(), Files.readString(bin.resolve("stdout")), Files.readString(bin.resolve("stderr")));
  }

  private List<String> calls() throws IOException {
    Path log = bin.resolve("calls.log");
    return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
  }

  private static List<String> missingTools(String stderr) {
    return stderr.lines().filter(line -> line.startsWith("missing: "))
        .map(line -> line.substring("missing: ".length(), line.indexOf(' ', "missing: ".length()))).toList();
  }

  /** bash by absolute path: the script's PATH deliberately has no bash in it. */
  private static String bash() {
    return Stream.of("/bin/bash", "/usr/bin/bash", "/usr/local/bin/bash").filter(path -> Files.isExecutable(Path.of(path)))
        .findFirst().orElseThrow(() -> new IllegalStateException("no bash in /bin, /usr/bin or /usr/local/bin"));
  }
}
