package dev.todochatbot.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.TestHttp;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code make run} as a person uses it: start, work, stop, start again, and find everything as it was. */
class StandaloneTest {

  @TempDir
  Path dataDir;

  private Env env(int port, int taskPort) {
    return new Env(Map.of("NOTIFICATION_SERVICE_PORT", "0", "DATA_DIR", dataDir.toString(), "PORT", String.valueOf(port),
        "TASK_SERVICE_PORT", String.valueOf(taskPort), "AUDIT_SERVICE_PORT", "0", "RECURRENCE_SERVICE_PORT", "0", "EDGE_EVENTS_PORT", "0", "TASK_SERVICE_INSTANCES", "1",
        "EDGE_INSTANCES", "1", "AUDIT_SERVICE_INSTANCES", "1")).with(Map.of("CHAT_SERVICE_PORT", "0"));
  }

  @Test
  void tasksAndSignInsSurviveARestart() throws Exception {
    int port = TestHttp.freePort();
    // 0: the services' own ports are chosen when they bind, so nothing started meanwhile can take them
    int taskPort = 0;
    var http = new TestHttp(port);
    String token;
    String taskId;
    try (Main.Running running = Await.result(Main.start(env(port, taskPort)))) {
      assertThat(running.port()).isEqualTo(port);
      assertThat(new TestHttp(running.taskServicePort()).get("/readyz", null).status()).isEqualTo(200);
      var session = http.post("/api/auth/signup", null, new JsonObject().put("email", "ada@example.com")
          .put("password", "analytical engine").put("name", "Ada"));
      assertThat(session.status()).isEqualTo(201);
      token = session.json().getString("token");
      var task = http.post("/api/tasks", token, new JsonObject().put("title", "Write the first program"));
      assertThat(task.status()).isEqualTo(201);
      taskId = task.json().getString("id");
    }

    Path secret = dataDir.resolve("jwt-secret");
    assertThat(Files.getPosixFilePermissions(secret)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(dataDir.resolve("postgres").resolve("PG_VERSION")).exists();

    try (Main.Running again = Await.result(Main.start(env(port, taskPort)))) {
      assertThat(again.postgres()).as("the embedded PostgreSQL, on the same data").isNotNull();
      // the token from before the restart still works: the signing key was kept beside the data
      var task = http.get("/api/tasks/" + taskId, token);
      assertThat(task.status()).isEqualTo(200);
      assertThat(task.json().getString("title")).isEqualTo("Write the first program");
      // the embedded broker kept its data too: the task's event reached the audit trail, once
      dev.todochatbot.platform.testing.Await.until("the creation in the task's history", java.time.Duration.ofSeconds(20),
          () -> http.get("/api/tasks/" + taskId + "/history", token).status() == 200);
      assertThat(http.get("/api/tasks/" + taskId + "/history", token).json().getJsonArray("items")).hasSize(1);
      assertThat(dataDir.resolve("kafka")).isDirectory();
      var login = http.post("/api/auth/login", null,
          new JsonObject().put("email", "ada@example.com").put("password", "analytical engine"));
      assertThat(login.status()).isEqualTo(200);
    }
  }

  @Test
  void aSecondInstanceOnTheSameDataIsRefusedWithAReason() {
    int port = TestHttp.freePort();
    try (Main.Running running = Await.result(Main.start(env(port, 0)))) {
      var failure = org.assertj.core.api.Assertions.catchThrowable(
          () -> Await.result(Main.start(env(TestHttp.freePort(), 0))));
      assertThat(failure).hasMessageContaining("already using the database in");
      assertThat(new TestHttp(running.port()).get("/readyz", null).status()).isEqualTo(200);
    }
  }
}
