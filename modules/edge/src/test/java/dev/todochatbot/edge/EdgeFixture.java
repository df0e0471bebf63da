package dev.todochatbot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.AppPort;
import dev.todochatbot.platform.DatabaseConfig;
import dev.todochatbot.platform.Observability;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.TestHttp;
import dev.todochatbot.platform.testing.TestPostgres;
import dev.todochatbot.audit.AuditService;
import dev.todochatbot.audit.AuditServiceConfig;
import dev.todochatbot.devsidecar.AppDirectory;
import dev.todochatbot.devsidecar.DevSidecar;
import dev.todochatbot.devsidecar.DevSidecarConfig;
import dev.todochatbot.platform.SidecarConfig;
import dev.todochatbot.tasks.OutboxRelay;
import dev.todochatbot.tasks.TaskService;
import dev.todochatbot.tasks.TaskServiceConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/** The edge, its sidecar, the task and audit services, for real, on free ports and a database of their own. */
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

  /**
   * The edge beside a devsidecar that knows the task and audit services' addresses (service
   * invocation only: these tests publish nothing, so the sidecar loads no components).
   *
   * @param withServices false leaves the services unknown to the sidecar, to test what the edge says then
   */
  static EdgeFixture start(String name, boolean withServices) {
    return start(name, withServices, GENEROUS_LIMITS);
  }

  /** Sign-up and sign-in limits no test class reaches, but SignInLimitsApiTest, which sets its own. */
  static final SignInLimits.Settings GENEROUS_LIMITS = new SignInLimits.Settings(10_000, 10_000, 10_000, 0);

  static EdgeFixture start(String name, boolean withServices, SignInLimits.Settings limits) {
    DatabaseConfig database = TestPostgres.newDatabase(name);
    Vertx vertx = Observability.newVertx();
    var apps = new AppDirectory();
    int edgePort = TestHttp.freePort();
    DevSidecar sidecar = Await.result(DevSidecar.start(vertx,
        DevSidecarConfig.of("edge", 0, edgePort, noComponents(), Optional.empty()), apps));
    var sidecarConfig = new SidecarConfig("127.0.0.1", sidecar.httpPort(), "pubsub", "secretstore");
    // the task service's own sidecar loads no components either: its outbox waits, which these tests do not look
    // at; its /readyz asks it. The audit service's is not started: nothing here asks the audit service's readiness
    int taskPort = TestHttp.freePort();
    DevSidecar taskSidecar = Await.result(DevSidecar.start(vertx,
        DevSidecarConfig.of("task-service", 0, taskPort, noComponents(), Optional.empty()), new AppDirectory()));
    var taskConfig = new TaskServiceConfig(taskPort, 1, 4, database, SECRET, Duration.ofHours(1),
        new SidecarConfig("127.0.0.1", taskSidecar.httpPort(), "pubsub", "secretstore"), OutboxRelay.Settings.DEFAULT,
        AppPort.loopback());
    var auditConfig = new AuditServiceConfig(TestHttp.freePort(), 1, 4, database, SECRET, Duration.ofHours(1),
        new SidecarConfig("127.0.0.1", TestHttp.freePort(), "pubsub", "secretstore"), AppPort.loopback());
    var edgeConfig = new EdgeConfig(edgePort, TestHttp.freePort(), 1, 4, database, SECRET, Duration.ofHours(1), Duration.ofSeconds(20),
        256 * 1024, sidecarConfig, limits, AppPort.loopback(), "127.0.0.1");
    if (withServices) {
      Await.result(TaskService.deploy(vertx, taskConfig));
      Await.result(AuditService.deploy(vertx, auditConfig));
      apps.register("task-service", "127.0.0.1", taskConfig.port());
      apps.register("audit-service", "127.0.0.1", auditConfig.port());
    }
    Await.result(Edge.deploy(vertx, edgeConfig));
    return new EdgeFixture(vertx, database, edgeConfig, taskConfig);
  }

  private static Path noComponents() {
    try {
      return Files.createTempDirectory("no-components");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
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
