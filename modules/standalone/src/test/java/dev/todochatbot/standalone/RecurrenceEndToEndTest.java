package dev.todochatbot.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.embedded.testing.TestKafka;
import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.TestHttp;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Repeating tasks as people use them, through the public port with everything in between real: the
 * completion's event goes through the outbox, Kafka and the recurrence service's devsidecar, and the
 * next occurrence comes back through Dapr invocation to the task service.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecurrenceEndToEndTest {

  static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir
  static Path dataDir;

  Main.Running running;
  TestHttp http;

  /** Which sidecars the system runs with: the devsidecar here, real daprd in {@link RecurrenceOnDaprdTest}. */
  String sidecar() {
    return Sidecars.DEVSIDECAR;
  }

  @BeforeAll
  void start() {
    var env = EndToEndEnv.of("recurrence_e2e", dataDir, Map.of("SIDECAR", sidecar()));
    running = Await.result(Main.start(env));
    http = new TestHttp(running.port());
  }

  @AfterAll
  void stop() {
    running.close();
  }

  String signUp() {
    var answer = http.post("/api/auth/signup", null, new JsonObject().put("email", "rec-" + UUID.randomUUID()
        + "@example.com").put("password", "correct horse battery").put("name", "Rex"));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
    return answer.json().getString("token");
  }

  List<JsonObject> tasks(String token) {
    var answer = http.get("/api/tasks?status=all&sort=dueAt&limit=100", token);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    return answer.items().stream().map(JsonObject.class::cast).toList();
  }

  List<JsonObject> awaitTasks(String token, int count) {
    Await.until(count + " tasks", PATIENCE, () -> tasks(token).size() >= count);
    return tasks(token);
  }

  int status(TestHttp.Answer answer) {
    assertThat(answer.status()).as(answer.toString()).isBetween(200, 299);
    return answer.status();
  }

  @Test
  void completingAnOccurrenceBringsTheNextOneOnceAtTheSameLocalTime() {
    String token = signUp();
    var first = http.post("/api/tasks", token, new JsonObject().put("title", "Put the bins out")
        .put("priority", "medium").put("tags", List.of("home"))
        .put("dueAt", "2026-03-02T19:00:00-05:00").put("timeZone", "America/New_York")
        .put("recurrence", new JsonObject().put("rule", "FREQ=WEEKLY;BYDAY=MO"))).json();

    status(http.post("/api/tasks/" + first.getString("id") + "/complete", token, null));
    List<JsonObject> two = awaitTasks(token, 2);
    JsonObject second = two.get(1);
    // a week later at 19:00 New York time, after the clocks went forward
    assertThat(second.getString("dueAt")).isEqualTo("2026-03-09T19:00:00-04:00");
    assertThat(second.getString("title")).isEqualTo("Put the bins out");
    assertThat(second.getString("priority")).isEqualTo("medium");
    assertThat(second.getJsonArray("tags")).containsExactly("home");
    assertThat(second.getInteger("occurrence")).isEqualTo(2);
    assertThat(second.getString("seriesId")).isEqualTo(first.getString("id"));

    // completing, reopening and completing the first again does not make a second "second"
    status(http.post("/api/tasks/" + first.getString("id") + "/reopen", token, null));
    status(http.post("/api/tasks/" + first.getString("id") + "/complete", token, null));
    // a user's events are handled in order: once the third occurrence exists, the repeated completion
    // before it has been handled too
    status(http.post("/api/tasks/" + second.getString("id") + "/complete", token, null));
    List<JsonObject> all = awaitTasks(token, 3);
    assertThat(all).extracting(t -> t.getInteger("occurrence")).containsExactly(1, 2, 3);
    assertThat(all.get(2).getString("dueAt")).isEqualTo("2026-03-16T19:00:00-04:00");

    // the audit trail shows who made the occurrences
    Await.until("the third occurrence's history", PATIENCE,
        () -> http.get("/api/tasks/" + all.get(2).getString("id") + "/history", token).status() == 200);
    assertThat(http.get("/api/tasks/" + all.get(2).getString("id") + "/history", token).json()
        .getJsonArray("items").getJsonObject(0).getString("actor")).isEqualTo("recurrence");
  }

  @Test
  void withTwoRecurrenceServiceReplicasEachCompletionBringsOneNextOccurrence() {
    // a second replica, as another process would be: own Vert.x, own sidecar of app id recurrence-service
    // (the same consumer group, so the two share the partitions of task-events)
    try (Main.Replica replica = Await.result(running.addReplica(Main.RECURRENCE_SERVICE, Map.of()))) {
      var people = new java.util.ArrayList<String>();
      for (int i = 0; i < 8; i++) {
        people.add(signUp());
      }
      for (String token : people) {
        for (int t = 0; t < 3; t++) {
          var task = http.post("/api/tasks", token, new JsonObject().put("title", "Daily " + t)
              .put("dueAt", "2026-07-01T08:00:00Z").put("recurrence", new JsonObject().put("frequency", "daily"))).json();
          status(http.post("/api/tasks/" + task.getString("id") + "/complete", token, null));
        }
      }
      for (String token : people) {
        List<JsonObject> all = awaitTasks(token, 6);
        // each series: its first occurrence and exactly one second, due the next day
        var bySeries = new java.util.HashMap<String, List<Integer>>();
        all.forEach(t -> bySeries.computeIfAbsent(t.getString("seriesId"), k -> new java.util.ArrayList<>())
            .add(t.getInteger("occurrence")));
        assertThat(bySeries).hasSize(3);
        bySeries.values().forEach(numbers -> assertThat(numbers).containsExactlyInAnyOrder(1, 2));
        assertThat(all.stream().filter(t -> t.getInteger("occurrence") == 2).map(t -> t.getString("dueAt")))
            .containsOnly("2026-07-02T08:00:00Z");
      }
    }
  }

  @Test
  void aSeriesEndsAtItsCountAndWhenStopped() {
    String token = signUp();
    var first = http.post("/api/tasks", token, new JsonObject().put("title", "Take the pills")
        .put("dueAt", "2026-06-01T08:00:00Z").put("recurrence", new JsonObject().put("frequency", "daily")
            .put("count", 2))).json();
    status(http.post("/api/tasks/" + first.getString("id") + "/complete", token, null));
    JsonObject second = awaitTasks(token, 2).get(1);
    assertThat(second.getString("dueAt")).isEqualTo("2026-06-02T08:00:00Z");

    // a second series, stopped: deleting its open occurrence with series=stop ends it
    var other = http.post("/api/tasks", token, new JsonObject().put("title", "Stretch")
        .put("dueAt", "2026-06-01T07:00:00Z").put("recurrence", new JsonObject().put("frequency", "daily"))).json();
    assertThat(http.delete("/api/tasks/" + other.getString("id") + "?series=stop", token).status()).isEqualTo(204);
    // and a third, skipped: deleting its open occurrence without it brings the next one
    var skipped = http.post("/api/tasks", token, new JsonObject().put("title", "Read")
        .put("dueAt", "2026-06-01T21:00:00Z").put("recurrence", new JsonObject().put("frequency", "daily"))).json();
    assertThat(http.delete("/api/tasks/" + skipped.getString("id"), token).status()).isEqualTo(204);

    // completing the last of the count: nothing follows
    status(http.post("/api/tasks/" + second.getString("id") + "/complete", token, null));
    Await.until("the skipped series' next occurrence", PATIENCE,
        () -> tasks(token).stream().anyMatch(t -> t.getString("title").equals("Read")));
    // the skip was handled after the stop and the last completion (one user's events go in order)
    List<JsonObject> all = tasks(token);
    assertThat(all).extracting(t -> t.getString("title") + "#" + t.getInteger("occurrence"))
        .containsExactlyInAnyOrder("Take the pills#1", "Take the pills#2", "Read#2");
    assertThat(all.stream().filter(t -> t.getString("title").equals("Read")).findFirst().orElseThrow()
        .getString("dueAt")).isEqualTo("2026-06-02T21:00:00Z");
  }
}
