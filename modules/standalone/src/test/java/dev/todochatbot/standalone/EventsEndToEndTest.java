package dev.todochatbot.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.audit.AuditService;
import dev.todochatbot.audit.AuditServiceConfig;
import dev.todochatbot.embedded.testing.TestKafka;
import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.events.Topics;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.EventSchemas;
import dev.todochatbot.platform.testing.TestHttp;
import dev.todochatbot.platform.testing.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event backbone end to end in one JVM, as {@code make run} wires it: the public API, the task
 * service's outbox, its devsidecar, a real Kafka broker, the audit service's devsidecar and the audit
 * trail. Nothing in between is faked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventsEndToEndTest {

  static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
  static Path dataDir;

  Env env;
  Main.Running running;
  TestHttp http;

  /** Which sidecars the system runs with: the devsidecar here, real daprd in {@link EventsOnDaprdTest}. */
  String sidecar() {
    return Sidecars.DEVSIDECAR;
  }

  /** Which of the sidecar's APIs the events are published through ({@code DAPR_API}). */
  String daprApi() {
    return "http";
  }

  /** How the subscribers receive them ({@code DAPR_SUBSCRIBE}): routes the sidecar calls, or streams. */
  String subscribe() {
    return "http";
  }

  @BeforeAll
  void start() {
    var database = TestPostgres.newDatabase("events_e2e");
    env = new Env(Map.of(
        "DATA_DIR", dataDir.toString(),
        "DATABASE_URL", dev.todochatbot.platform.DatabaseConfig.url(database.host(), database.port(), database.database(),
            database.user(), database.password()),
        "KAFKA_BROKERS", TestKafka.bootstrapServers(),
        "JWT_SECRET", "end-to-end-secret-that-is-long-enough-for-hs256",
        "PORT", "0", "TASK_SERVICE_PORT", "0", "AUDIT_SERVICE_PORT", "0",
        "TASK_SERVICE_INSTANCES", "1", "EDGE_INSTANCES", "1", "AUDIT_SERVICE_INSTANCES", "1"))
        .with(Map.of("RECURRENCE_SERVICE_PORT", "0", "EDGE_EVENTS_PORT", "0", "NOTIFICATION_SERVICE_PORT", "0", "CHAT_SERVICE_PORT", "0", "SIDECAR", sidecar(),
            "DAPR_API", daprApi(), "DAPR_SUBSCRIBE", subscribe()));
    running = Await.result(Main.start(env));
    http = new TestHttp(running.port());
  }

  @AfterAll
  void stop() {
    running.close();
  }

  record User(String id, String token) {}

  User signUp() {
    var answer = http.post("/api/auth/signup", null, new JsonObject().put("email", "e2e-" + UUID.randomUUID()
        + "@example.com").put("password", "correct horse battery").put("name", "Eve"));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
    return new User(answer.json().getJsonObject("user").getString("id"), answer.json().getString("token"));
  }

  String create(User user, String title) {
    var answer = http.post("/api/tasks", user.token(), new JsonObject().put("title", title));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
    return answer.json().getString("id");
  }

  /** The task's history through the public port, every page. */
  List<JsonObject> history(User user, String taskId) {
    var events = new ArrayList<JsonObject>();
    String cursor = null;
    do {
      var answer = http.get("/api/tasks/" + taskId + "/history?limit=200" + (cursor == null ? "" : "&cursor=" + cursor),
          user.token());
      if (answer.status() == 404) {
        return List.of();
      }
      assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
      answer.json().getJsonArray("items").forEach(item -> events.add((JsonObject) item));
      cursor = answer.json().getString("nextCursor");
    } while (cursor != null);
    return events;
  }

  List<JsonObject> awaitHistory(User user, String taskId, int count) {
    Await.until(count + " events in the history of " + taskId, PATIENCE, () -> history(user, taskId).size() >= count);
    return history(user, taskId);
  }

  @Test
  void aChangeThroughThePublicApiReachesKafkaKeyedByUserAndTheAuditTrail() {
    User user = signUp();
    String taskId = create(user, "Book the dentist");
    assertThat(http.patch("/api/tasks/" + taskId, user.token(), new JsonObject().put("priority", "high")).status())
        .isEqualTo(200);
    assertThat(http.post("/api/tasks/" + taskId + "/complete", user.token(), null).status()).isEqualTo(200);

    List<JsonObject> history = awaitHistory(user, taskId, 3);
    assertThat(history).extracting(e -> e.getString("type"))
        .containsExactly("task.created.v1", "task.updated.v1", "task.completed.v1");
    assertThat(history.get(1).getJsonObject("changes").getJsonObject("priority").getMap())
        .containsEntry("previous", "none").containsEntry("current", "high");

    List<TestKafka.Received> records = TestKafka.readAll(Topics.TASK_EVENTS).stream()
        .filter(r -> user.id().equals(r.key())).toList();
    assertThat(records).hasSize(3);
    assertThat(records).allSatisfy(record -> {
      JsonObject envelope = new JsonObject(record.value());
      JsonObject event = envelope.getJsonObject("data");
      assertThat(EventSchemas.violations(EventSchemas.TASK_EVENT, event)).isEmpty();
      assertThat(envelope.getString("id")).as("CloudEvent id").isEqualTo(event.getString("eventId"));
      assertThat(envelope.getString("source")).isEqualTo("task-service");
      assertThat(envelope.getString("type")).isEqualTo(event.getString("type"));
      assertThat(envelope.getString("specversion")).isEqualTo("1.0");
      assertThat(event.getString("userId")).isEqualTo(user.id());
    });
    assertThat(records.stream().map(TestKafka.Received::partition).distinct()).as("one user, one partition").hasSize(1);

    List<TestKafka.Received> updates = TestKafka.readAll(Topics.TASK_UPDATES).stream()
        .filter(r -> user.id().equals(r.key())).toList();
    assertThat(updates).hasSize(3);
    assertThat(updates).allSatisfy(record -> assertThat(EventSchemas.violations(EventSchemas.TASK_UPDATE,
        new JsonObject(record.value()).getJsonObject("data"))).isEmpty());

    User stranger = signUp();
    assertThat(http.get("/api/tasks/" + taskId + "/history", stranger.token()).status()).isEqualTo(404);
    assertThat(http.get("/api/audit", stranger.token()).json().getJsonArray("items")).isEmpty();
  }

  @Test
  void withTheBrokerStoppedMidwayChangesStillSucceedAndEveryEventArrivesOnceAfterItReturns() {
    var broker = TestKafka.embedded().orElse(null);
    org.junit.jupiter.api.Assumptions.assumeTrue(broker != null, "needs the embedded broker to stop it");
    User user = signUp();
    var tasks = new ArrayList<String>();
    for (int i = 0; i < 5; i++) {
      tasks.add(create(user, "Before the outage " + i));
    }
    awaitHistory(user, tasks.get(4), 1);

    broker.stop();
    try {
      for (int i = 0; i < 5; i++) {
        tasks.add(create(user, "During the outage " + i));
        assertThat(http.post("/api/tasks/" + tasks.get(i) + "/complete", user.token(), null).status()).isEqualTo(200);
      }
    } finally {
      broker.restart();
    }

    for (int i = 0; i < tasks.size(); i++) {
      List<JsonObject> history = awaitHistory(user, tasks.get(i), i < 5 ? 2 : 1);
      assertThat(history).extracting(e -> e.getString("type")).containsExactlyElementsOf(
          i < 5 ? List.of("task.created.v1", "task.completed.v1") : List.of("task.created.v1"));
    }
    var trail = http.get("/api/audit?limit=200", user.token()).json().getJsonArray("items");
    assertThat(trail).hasSize(15);
    assertThat(trail.stream().map(e -> ((JsonObject) e).getString("eventId")).distinct()).hasSize(15);
  }

  /**
   * The 100 % capture check: a few hundred operations across users while the audit service
   * is stopped and started again in the middle; every operation is in the trail exactly once, in order
   * per task.
   */
  @Test
  void everyOperationIsAuditedExactlyOnceInOrderPerTaskAcrossAnAuditServiceRestart() {
    List<User> users = List.of(signUp(), signUp(), signUp(), signUp());
    // per task, the types of the operations made, in order
    Map<String, List<String>> expected = new LinkedHashMap<>();
    Map<String, User> owners = new HashMap<>();
    int operations = 0;
    for (int round = 0; round < 3; round++) {
      if (round == 1) {
        undeployAuditService();
      }
      for (int i = 0; i < 20; i++) {
        User user = users.get(i % users.size());
        String taskId = create(user, "Round " + round + " task " + i);
        owners.put(taskId, user);
        var types = new ArrayList<>(List.of("task.created.v1"));
        http.patch("/api/tasks/" + taskId, user.token(), new JsonObject().put("tags", new JsonArray().add("r" + round)));
        types.add("task.updated.v1");
        http.post("/api/tasks/" + taskId + "/complete", user.token(), null);
        types.add("task.completed.v1");
        if (i % 2 == 0) {
          http.post("/api/tasks/" + taskId + "/reopen", user.token(), null);
          types.add("task.reopened.v1");
        }
        if (i % 4 == 0) {
          assertThat(http.delete("/api/tasks/" + taskId, user.token()).status()).isEqualTo(204);
          types.add("task.deleted.v1");
        }
        operations += types.size();
        expected.put(taskId, types);
      }
      if (round == 1) {
        deployAuditServiceAgain();
      }
    }
    assertThat(operations).isGreaterThanOrEqualTo(200);

    for (var entry : expected.entrySet()) {
      User owner = owners.get(entry.getKey());
      List<JsonObject> history = awaitHistory(owner, entry.getKey(), entry.getValue().size());
      assertThat(history).as("history of %s", entry.getKey()).extracting(e -> e.getString("type"))
          .containsExactlyElementsOf(entry.getValue());
      assertThat(history).extracting(e -> e.getString("eventId")).doesNotHaveDuplicates();
    }
    int audited = 0;
    for (User user : users) {
      String cursor = null;
      do {
        var page = http.get("/api/audit?limit=200" + (cursor == null ? "" : "&cursor=" + cursor), user.token()).json();
        audited += page.getJsonArray("items").size();
        cursor = page.getString("nextCursor");
      } while (cursor != null);
    }
    assertThat(audited).isEqualTo(operations);
  }

  /**
   * A rolling restart of the subscriber, as Kubernetes does it: the audit service stops and starts again while people
   * keep writing, so events are on their way to it at the moment it goes (over a stream: events the sidecar has sent
   * and the service has not answered). Every acknowledged write is in the trail once, and soon: within the patience,
   * not after the sidecar's inbound retries (dapr/resiliency: about six minutes) have run out.
   */
  @Test
  void stoppingTheAuditServiceWhileWritesGoOnLosesNoEventAndDelaysNone() {
    List<WriteLoad.Writer> writers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      User user = signUp();
      writers.add(new WriteLoad.Writer(user.id(), user.token(), "rolling " + i + " " + UUID.randomUUID()));
    }
    WriteLoad load = WriteLoad.start(http, writers, Duration.ofMillis(10));
    try {
      Await.until("writes acknowledged before the audit service stops", PATIENCE, () -> load.acknowledged() >= 30);
      undeployAuditService();
      long before = load.acknowledged();
      Await.until("writes acknowledged while the audit service is gone", PATIENCE,
          () -> load.acknowledged() >= before + 30);
      deployAuditServiceAgain();
      long after = load.acknowledged();
      Await.until("writes acknowledged after it is back", PATIENCE, () -> load.acknowledged() >= after + 30);
    } finally {
      load.close();
    }
    Await.untilPresent(PATIENCE, Duration.ofMillis(500),
        () -> FaultCounts.of(http, load, false).lost() == 0 ? java.util.Optional.of(true) : java.util.Optional.empty(),
        () -> "acknowledged writes missing from the audit trail " + PATIENCE.toSeconds() + " s after the restart: "
            + FaultCounts.of(http, load, false));
    SidecarFaultsOnDaprdTest.assertExactlyOnce(FaultCounts.of(http, load, false));
  }

  /** The audit service's deployment now: the one Main made, until a case deploys it again. */
  private String auditDeployment;

  void undeployAuditService() {
    Await.result(running.vertx().undeploy(auditDeployment != null ? auditDeployment
        : running.deployments().get(Main.AUDIT_SERVICE)));
  }

  /** The audit service deployed again beside the same sidecar, on the same port. */
  void deployAuditServiceAgain() {
    var sidecar = running.sidecar(Main.AUDIT_SERVICE);
    var config = AuditServiceConfig.fromEnv(env.with(Map.of("AUDIT_SERVICE_PORT",
        String.valueOf(running.auditServicePort()), "DAPR_HTTP_PORT", String.valueOf(sidecar.httpPort()),
        "DAPR_GRPC_PORT", String.valueOf(sidecar.grpcPort()), "DAPR_API_TOKEN", sidecar.apiToken().orElseThrow(),
        "APP_API_TOKEN", sidecar.appToken().orElseThrow())));
    auditDeployment = Await.result(AuditService.deploy(running.vertx(), config));
  }
}
