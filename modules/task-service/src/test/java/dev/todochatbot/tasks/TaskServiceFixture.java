package dev.todochatbot.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.AppPort;
import dev.todochatbot.platform.DatabaseConfig;
import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.SidecarConfig;
import dev.todochatbot.platform.Tokens;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.TestHttp;
import dev.todochatbot.platform.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;

/** The task service running for real on a free port, against a database of its own. */
final class TaskServiceFixture implements AutoCloseable {

  static final String SECRET = "test-secret-that-is-long-enough-for-hs256!";

  final Vertx vertx;
  final DatabaseConfig database;
  final TestHttp http;
  final Tokens tokens;

  private TaskServiceFixture(Vertx vertx, DatabaseConfig database, TestHttp http, Tokens tokens) {
    this.vertx = vertx;
    this.database = database;
    this.http = http;
    this.tokens = tokens;
  }

  /** Without a sidecar: events wait in the outbox (for tests of the API alone). */
  static TaskServiceFixture start(String name) {
    return start(name, new SidecarConfig("127.0.0.1", TestHttp.freePort(), "pubsub", "secretstore"),
        OutboxRelay.Settings.DEFAULT);
  }

  static TaskServiceFixture start(String name, SidecarConfig sidecar, OutboxRelay.Settings outbox) {
    return start(Vertx.vertx(), TestPostgres.newDatabase(name), sidecar, outbox);
  }

  /** Another instance on a database that may be shared with a first one (replicas). */
  static TaskServiceFixture start(Vertx vertx, DatabaseConfig database, SidecarConfig sidecar,
      OutboxRelay.Settings outbox) {
    int port = TestHttp.freePort();
    var config = new TaskServiceConfig(port, 2, 4, database, SECRET, Duration.ofHours(1), sidecar, outbox,
        AppPort.loopback());
    Await.result(TaskService.deploy(vertx, config));
    return new TaskServiceFixture(vertx, database, new TestHttp(port), Tokens.create(vertx, SECRET, Duration.ofHours(1)));
  }

  /** Events written and not yet known to be published. */
  int outboxRows() {
    try (var connection = java.sql.DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
        var result = connection.createStatement().executeQuery("SELECT count(*) FROM tasks.outbox")) {
      result.next();
      return result.getInt(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A token for a new user of its own (tests never share users). */
  String newUser() {
    return newUser("UTC");
  }

  String newUser(String timeZone) {
    UUID id = UUID.randomUUID();
    return tokens.issue(new Principal(id, id + "@example.com", timeZone));
  }

  JsonObject create(String token, JsonObject body) {
    var answer = http.post("/api/tasks", token, body);
    assertThat(answer.status()).as("create %s -> %s", body, answer).isEqualTo(201);
    return answer.json();
  }

  JsonObject create(String token, String title) {
    return create(token, new JsonObject().put("title", title));
  }

  @Override
  public void close() {
    Await.result(vertx.close());
  }
}
