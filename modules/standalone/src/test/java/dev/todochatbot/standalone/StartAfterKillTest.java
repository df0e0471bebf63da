package dev.todochatbot.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.ChildProcess;
import dev.todochatbot.platform.testing.TestHttp;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code make run} killed with SIGKILL (an OOM kill, {@code kill -9}): the JVM dies, the embedded
 * PostgreSQL it started lives on with its data directory, and the next {@code make run} on the same
 * {@code DATA_DIR} must still start, with everything that was acknowledged before the kill.
 */
class StartAfterKillTest {

  private static final String EMAIL = "restart@example.com";
  private static final String PASSWORD = "restart test: a long passphrase 7319";

  @TempDir
  Path dataDir;

  private Map<String, String> env(int port) {
    return Map.of("DATA_DIR", dataDir.toString(), "PORT", String.valueOf(port), "EDGE_EVENTS_PORT", "0",
        "TASK_SERVICE_PORT", "0", "AUDIT_SERVICE_PORT", "0", "RECURRENCE_SERVICE_PORT", "0",
        "NOTIFICATION_SERVICE_PORT", "0", "CHAT_SERVICE_PORT", "0");
  }

  @Test
  void afterASigkillTheNextStartStopsThePostgresLeftBehindAndFindsTheAccountAndItsTask() {
    int port = TestHttp.freePort();
    var http = new TestHttp(port);
    String taskId;
    long leftBehind;
    try (var first = ChildProcess.start(Main.class, env(port), "768m")) {
      awaitReady(first, port);
      var session = http.post("/api/auth/signup", null,
          new JsonObject().put("email", EMAIL).put("password", PASSWORD).put("name", "Restart"));
      assertThat(session.status()).as("sign-up: %s", session).isEqualTo(201);
      var task = http.post("/api/tasks", session.json().getString("token"),
          new JsonObject().put("title", "Survive a kill -9"));
      assertThat(task.status()).as("create: %s", task).isEqualTo(201);
      taskId = task.json().getString("id");

      first.kill();
      leftBehind = postmaster().orElseThrow(() -> new AssertionError(
          "no PostgreSQL left running on " + dataDir + " after the SIGKILL: the test no longer reproduces the crash"));
    }

    try (var second = ChildProcess.start(Main.class, env(port), "768m")) {
      awaitReady(second, port);
      assertThat(ProcessHandle.of(leftBehind).filter(ProcessHandle::isAlive)).as("the PostgreSQL left behind").isEmpty();
      assertThat(second.lines()).as("one line says what was done with it")
          .filteredOn(line -> line.contains("PostgreSQL") && line.contains("pid " + leftBehind)).hasSize(1);
      assertThat(second.lines()).as("the schemas' versions on a start that migrates nothing")
          .anyMatch(line -> line.matches(".*Schema tasks at version \\d+.*"))
          .noneMatch(line -> line.contains("version null"));

      var login = http.post("/api/auth/login", null, new JsonObject().put("email", EMAIL).put("password", PASSWORD));
      assertThat(login.status()).as("sign-in: %s", login).isEqualTo(200);
      var task = http.get("/api/tasks/" + taskId, login.json().getString("token"));
      assertThat(task.status()).as("the task: %s", task).isEqualTo(200);
      assertThat(task.json().getString("title")).isEqualTo("Survive a kill -9");

      int before = second.lines().size();
      second.terminate();
      assertThat(second.awaitExit(Duration.ofSeconds(60))).as("exit code; output:\n%s", second.tail()).isZero();
      List<String> stop = second.lines().subList(before, second.lines().size());
      assertThat(stop).as("a normal stop's output")
          .noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception"))
          .anyMatch(line -> line.matches(".*Embedded PostgreSQL on localhost:\\d+ stopped in \\d+ ms.*"));
    }
    assertThat(postmaster()).as("PostgreSQL after a normal stop").isEmpty();
  }

  /** Until Main says it is ready: the edge answers a little before, and a SIGTERM then finds no handler yet. */
  private static void awaitReady(ChildProcess process, int port) {
    process.awaitHealthy(port, Duration.ofSeconds(120));
    Await.until(Duration.ofSeconds(60), () -> process.lines().stream().anyMatch(line -> line.contains("todo-chatbot is ready")),
        () -> "never ready:\n" + process.tail());
  }

  /** The PostgreSQL running on this test's data directory, if any (its pid file names it; its working directory is that directory). */
  private Optional<Long> postmaster() {
    Path data = dataDir.resolve("postgres");
    try {
      List<String> lines = Files.readAllLines(data.resolve("postmaster.pid"));
      long pid = Long.parseLong(lines.get(0).strip());
      boolean ours = ProcessHandle.of(pid).isPresent()
          && Files.isSameFile(Path.of("/proc", String.valueOf(pid), "cwd"), data);
      return ours ? Optional.of(pid) : Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Whatever happened, no PostgreSQL of this test outlives it. */
  @AfterEach
  void stopWhatIsLeft() throws Exception {
    Optional<ProcessHandle> left = postmaster().flatMap(ProcessHandle::of);
    if (left.isPresent()) {
      left.get().destroyForcibly();
      left.get().onExit().get(10, TimeUnit.SECONDS);
    }
  }
}
