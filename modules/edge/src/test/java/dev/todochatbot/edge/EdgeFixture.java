package dev.todochatbot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.DatabaseConfig;
import dev.todochatbot.platform.Observability;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.TestHttp;
import dev.todochatbot.platform.testing.TestPostgres;
import dev.todochatbot.tasks.TaskService;
import dev.todochatbot.tasks.TaskServiceConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;

/** The edge and the task service, for real, on free ports and a database of their own. */
final class EdgeFixture implements AutoCloseable {

  static final String SECRET = "edge-test-secret-that-is-long-enough-for-hs256";

  final Vertx vertx;
  final DatabaseConfig database;
  final EdgeConfig edgeConfig;
  final TaskServiceConfig taskConfig;
  final TestHttp http;

  private EdgeFixture(Vertx vertx, DatabaseConfig database, EdgeConfig edgeConfig, TaskServiceConfig taskConfig) {
    this.vertx = vertx;
    this.database = database;
    this.edgeConfig = edgeConfig;
    this.taskConfig = taskConfig;
    this.http = new TestHttp(edgeConfig.port());
  }

  static EdgeFixture start(String name) {
    return start(name, true);
  }

  /** @param withTaskService false leaves the task service's port unanswered, to test what the edge says then */
  static EdgeFixture start(String name, boolean withTaskService) {
    DatabaseConfig database = TestPostgres.newDatabase(name);
    var taskConfig = new TaskServiceConfig(TestHttp.freePort(), 1, 4, database, SECRET, Duration.ofHours(1));
    var edgeConfig = new EdgeConfig(TestHttp.freePort(), 1, 4, database, SECRET, Duration.ofHours(1),
        "http://localhost:" + taskConfig.port());
    Vertx vertx = Observability.newVertx();
    if (withTaskService) {
      Await.result(TaskService.deploy(vertx, taskConfig));
    }
    Await.result(Edge.deploy(vertx, edgeConfig));
    return new EdgeFixture(vertx, database, edgeConfig, taskConfig);
  }

  /** Signs up a new person and answers the session (token and user). */
  JsonObject signUp(String timeZone) {
    String email = "p-" + UUID.randomUUID() + "@example.com";
    var body = new JsonObject().put("email", email).put("password", "correct horse battery").put("name", "Pat");
    if (timeZone != null) {
      body.put("timeZone", timeZone);
    }
    var answer = http.post("/api/auth/signup", null, body);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
    return answer.json();
  }

  String newUser() {
    return signUp(null).getString("token");
  }

  JsonObject createTask(String token, JsonObject body) {
    var answer = http.post("/api/tasks", token, body);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
    return answer.json();
  }

  @Override
  public void close() {
    Await.result(vertx.close());
  }
}
