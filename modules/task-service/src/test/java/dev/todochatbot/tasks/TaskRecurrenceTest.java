package dev.todochatbot.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.Tokens;
import dev.todochatbot.platform.events.Topics;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.EventSchemas;
import dev.todochatbot.platform.testing.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Repeating tasks in the task service: the recurrence a task carries, and the internal route through
 * which the recurrence service creates the next occurrence, once, whatever is repeated.
 */
class TaskRecurrenceTest {

  static Vertx sidecarVertx;
  static RecordingSidecar sidecar;
  static TaskServiceFixture service;
  static Tokens serviceTokens;

  @BeforeAll
  static void start() {
    sidecarVertx = Vertx.vertx();
    sidecar = new RecordingSidecar(sidecarVertx);
    service = TaskServiceFixture.start("recurrence", sidecar.config(), OutboxRelayTest.FAST);
    serviceTokens = Tokens.forServices(service.vertx, TaskServiceFixture.SECRET);
  }

  @AfterAll
  static void stop() {
    service.close();
    sidecar.close();
    Await.result(sidecarVertx.close());
  }

  record User(Principal principal, String token) {
    String serviceToken(String service) {
      return serviceTokens.issueForService(principal, service);
    }
  }

  static User newUser(String zone) {
    UUID id = UUID.randomUUID();
    var principal = new Principal(id, id + "@example.com", zone);
    return new User(principal, service.tokens.issue(principal));
  }

  static JsonObject weeklyTask(User user) {
    return service.create(user.token(), new JsonObject().put("title", "Team meeting notes")
        .put("description", "send them round").put("priority", "high").put("tags", List.of("work"))
        .put("dueAt", "2026-03-02T09:00:00-05:00").put("timeZone", "America/New_York")
        .put("recurrence", new JsonObject().put("rule", "FREQ=WEEKLY;BYDAY=MO")));
  }

  static TestHttp.Answer next(String token, JsonObject task, int occurrence, String dueAt) {
    return service.http.send("POST", "/internal/series/" + task.getString("seriesId") + "/occurrences", token,
        new JsonObject().put("previousTaskId", task.getString("id")).put("occurrence", occurrence).put("dueAt", dueAt),
        Map.of());
  }

  @Test
  void aTaskCarriesItsRecurrenceAndStartsASeries() {
    User user = newUser("America/New_York");
    JsonObject task = weeklyTask(user);
    assertThat(task.getJsonObject("recurrence"))
        .isEqualTo(new JsonObject().put("rule", "FREQ=WEEKLY;BYDAY=MO").put("mode", "fromDue"));
    assertThat(task.getString("seriesId")).isEqualTo(task.getString("id"));
    assertThat(task.getInteger("occurrence")).isEqualTo(1);

    // the simple form becomes a rule
    JsonObject simple = service.create(user.token(), new JsonObject().put("title", "Stand-up")
        .put("dueAt", "2026-03-02T09:30:00-05:00")
        .put("recurrence", new JsonObject().put("frequency", "weekdays").put("mode", "fromCompletion")));
    assertThat(simple.getJsonObject("recurrence"))
        .isEqualTo(new JsonObject().put("rule", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR").put("mode", "fromCompletion"));

    // a task that does not repeat says so
    JsonObject plain = service.create(user.token(), "Buy milk");
    assertThat(plain.getValue("recurrence")).isNull();
    assertThat(plain.getValue("seriesId")).isNull();

    // stopping the repetition keeps the task's place in its series
    var stopped = service.http.patch("/api/tasks/" + task.getString("id"), user.token(),
        new JsonObject().putNull("recurrence"));
    assertThat(stopped.status()).isEqualTo(200);
    assertThat(stopped.json().getValue("recurrence")).isNull();
    assertThat(stopped.json().getString("seriesId")).isEqualTo(task.getString("id"));

    // a plain task that starts repeating begins a series of its own
    var started = service.http.patch("/api/tasks/" + plain.getString("id"), user.token(),
        new JsonObject().put("dueAt", "2026-04-01T08:00:00Z").put("recurrence", new JsonObject().put("rule", "FREQ=DAILY")));
    assertThat(started.json().getString("seriesId")).isEqualTo(plain.getString("id"));
    assertThat(started.json().getInteger("occurrence")).isEqualTo(1);
  }

  @Test
  void invalidRecurrencesAreRefusedNamingWhatIsWrong() {
    User user = newUser("UTC");
    var badRule = service.http.post("/api/tasks", user.token(), new JsonObject().put("title", "x")
        .put("dueAt", "2026-03-02T09:00:00Z").put("recurrence", new JsonObject().put("rule", "FREQ=WEEKLY;BYDAY=2MO")));
    assertThat(badRule.status()).isEqualTo(422);
    assertThat(badRule.body()).contains("recurrence.rule").contains("needs FREQ=MONTHLY or FREQ=YEARLY");

    var noDue = service.http.post("/api/tasks", user.token(), new JsonObject().put("title", "x")
        .put("recurrence", new JsonObject().put("frequency", "daily")));
    assertThat(noDue.status()).isEqualTo(422);
    assertThat(noDue.body()).contains("\"recurrence\"").contains("needs a due date");

    JsonObject task = service.create(user.token(), new JsonObject().put("title", "y").put("dueAt", "2026-03-02T09:00:00Z")
        .put("recurrence", new JsonObject().put("frequency", "daily")));
    var clearsDue = service.http.patch("/api/tasks/" + task.getString("id"), user.token(), new JsonObject().putNull("dueAt"));
    assertThat(clearsDue.status()).isEqualTo(422);
    assertThat(clearsDue.body()).contains("dueAt").contains("a repeating task needs a due date");

    // a series that ends before its first due date would never repeat: say what to change
    var endsBefore = service.http.patch("/api/tasks/" + task.getString("id"), user.token(), new JsonObject()
        .put("recurrence", new JsonObject().put("rule", "FREQ=DAILY;UNTIL=20260301T000000Z")));
    assertThat(endsBefore.status()).as(endsBefore.toString()).isEqualTo(422);
    assertThat(endsBefore.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("recurrence");
    assertThat(endsBefore.body()).contains("UNTIL").contains("2026-03-02T09:00:00Z");
    var simpleEndsBefore = service.http.patch("/api/tasks/" + task.getString("id"), user.token(), new JsonObject()
        .put("recurrence", new JsonObject().put("frequency", "daily").put("until", "2026-03-01")));
    assertThat(simpleEndsBefore.status()).isEqualTo(422);
    assertThat(simpleEndsBefore.body()).contains("\"recurrence\"").contains("until");
    JsonObject ending = service.create(user.token(), new JsonObject().put("title", "z")
        .put("dueAt", "2026-03-02T09:00:00Z")
        .put("recurrence", new JsonObject().put("rule", "FREQ=DAILY;UNTIL=20260302T090000Z")));
    assertThat(ending.getJsonObject("recurrence").getString("rule")).as("UNTIL is inclusive")
        .isEqualTo("FREQ=DAILY;UNTIL=20260302T090000Z");
    var movedPastTheEnd = service.http.patch("/api/tasks/" + ending.getString("id"), user.token(),
        new JsonObject().put("dueAt", "2026-03-03T09:00:00Z"));
    assertThat(movedPastTheEnd.status()).isEqualTo(422);
    assertThat(movedPastTheEnd.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("dueAt");
    assertThat(service.http.get("/api/tasks/" + ending.getString("id"), user.token()).json()).isEqualTo(ending);

    var readOnly = service.http.patch("/api/tasks/" + task.getString("id"), user.token(),
        new JsonObject().put("seriesId", UUID.randomUUID().toString()));
    assertThat(readOnly.status()).isEqualTo(422);
    assertThat(readOnly.body()).contains("seriesId").contains("is set by the server");

    var badSeriesParameter = service.http.delete("/api/tasks/" + task.getString("id") + "?series=all", user.token());
    assertThat(badSeriesParameter.status()).isEqualTo(400);
    assertThat(badSeriesParameter.body()).contains("may only be \\\"stop\\\"");
  }

  @Test
  void theNextOccurrenceIsCreatedOnceACopyOfThePreviousAndAnnounced() {
    User user = newUser("America/New_York");
    JsonObject first = weeklyTask(user);
    String token = user.serviceToken("recurrence-service");

    var created = next(token, first, 2, "2026-03-09T13:00:00Z");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    JsonObject second = created.json();
    assertThat(second.getString("id")).isNotEqualTo(first.getString("id"));
    assertThat(second.getString("title")).isEqualTo("Team meeting notes");
    assertThat(second.getString("description")).isEqualTo("send them round");
    assertThat(second.getString("priority")).isEqualTo("high");
    assertThat(second.getJsonArray("tags")).containsExactly("work");
    assertThat(second.getString("status")).isEqualTo("open");
    assertThat(second.getString("dueAt")).isEqualTo("2026-03-09T09:00:00-04:00");
    assertThat(second.getString("seriesId")).isEqualTo(first.getString("id"));
    assertThat(second.getInteger("occurrence")).isEqualTo(2);
    assertThat(second.getJsonObject("recurrence")).isEqualTo(first.getJsonObject("recurrence"));

    // the same call again (a redelivery, a second completion) answers the same occurrence, writes nothing
    var again = next(token, first, 2, "2026-03-09T13:00:00Z");
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getString("id")).isEqualTo(second.getString("id"));
    assertThat(service.http.get("/api/tasks?status=all", user.token()).items()).hasSize(2);

    // its event says the recurrence service made it, and matches the schema
    Await.until("the occurrence's event", Duration.ofSeconds(10), () -> sidecar.published(Topics.TASK_EVENTS).stream()
        .anyMatch(r -> r.json().getString("taskId").equals(second.getString("id"))));
    List<JsonObject> events = sidecar.published(Topics.TASK_EVENTS).stream().map(RecordingSidecar.Request::json)
        .filter(e -> e.getString("taskId").equals(second.getString("id"))).toList();
    assertThat(events).hasSize(1);
    assertThat(events.get(0).getString("type")).isEqualTo("task.created.v1");
    assertThat(events.get(0).getString("actor")).isEqualTo("recurrence");
    assertThat(EventSchemas.violations("task-event.v1.schema.json", events.get(0))).isEmpty();

    // an occurrence that was created and deleted since is not brought back
    assertThat(service.http.delete("/api/tasks/" + second.getString("id"), user.token()).status()).isEqualTo(204);
    var afterDelete = next(token, first, 2, "2026-03-09T13:00:00Z");
    assertThat(afterDelete.status()).isEqualTo(200);
    assertThat(afterDelete.json().getBoolean("deleted")).isTrue();
    assertThat(service.http.get("/api/tasks?status=all", user.token()).items()).hasSize(1);
  }

  @Test
  void aSkippedOccurrenceIsFollowedFromWhatItHeld() {
    User user = newUser("Europe/London");
    JsonObject first = service.create(user.token(), new JsonObject().put("title", "Piano practice")
        .put("tags", List.of("music")).put("dueAt", "2026-03-28T18:00:00Z")
        .put("recurrence", new JsonObject().put("rule", "FREQ=DAILY")));
    assertThat(service.http.delete("/api/tasks/" + first.getString("id"), user.token()).status()).isEqualTo(204);
    JsonObject skipped = new JsonObject().put("title", "Piano practice").putNull("description").put("priority", "none")
        .put("tags", List.of("music")).put("timeZone", "Europe/London").put("allDay", false)
        .put("recurrence", first.getJsonObject("recurrence")).put("dueAt", first.getString("dueAt"))
        .put("reminders", List.of(new JsonObject().put("id", UUID.randomUUID().toString())
            .put("at", "2026-03-28T17:30:00Z").put("before", "PT30M").putNull("time")));
    String token = user.serviceToken("recurrence-service");
    var body = new JsonObject().put("previousTaskId", first.getString("id")).put("occurrence", 2)
        .put("dueAt", "2026-03-29T17:00:00Z").put("skipped", skipped);
    var created = service.http.send("POST", "/internal/series/" + first.getString("seriesId") + "/occurrences", token,
        body, Map.of());
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(created.json().getString("title")).isEqualTo("Piano practice");
    assertThat(created.json().getJsonArray("tags")).containsExactly("music");
    assertThat(created.json().getString("dueAt")).isEqualTo("2026-03-29T18:00:00+01:00");
    assertThat(created.json().getString("seriesId")).isEqualTo(first.getString("id"));
    assertThat(created.json().getInteger("occurrence")).isEqualTo(2);
    // its reminder followed it: 30 minutes before the new due time
    assertThat(created.json().getJsonArray("reminders").getJsonObject(0).getString("at"))
        .isEqualTo("2026-03-29T16:30:00Z");
    // without what it held, a deleted occurrence cannot be followed
    var unknown = next(token, first, 2, "2026-03-29T17:00:00Z");
    assertThat(unknown.status()).isEqualTo(404);
    var bad = service.http.send("POST", "/internal/series/" + first.getString("seriesId") + "/occurrences", token,
        body.copy().put("occurrence", 3).put("skipped", skipped.copy().put("title", "")), Map.of());
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.body()).contains("skipped");
  }

  @Test
  void twoCallersAtOnceMakeOneOccurrence() throws Exception {
    User user = newUser("UTC");
    JsonObject first = service.create(user.token(), new JsonObject().put("title", "Water the plants")
        .put("dueAt", "2026-05-01T08:00:00Z").put("recurrence", new JsonObject().put("rule", "FREQ=DAILY")));
    String token = user.serviceToken("recurrence-service");
    var calls = List.of(
        CompletableFuture.supplyAsync(() -> next(token, first, 2, "2026-05-02T08:00:00Z")),
        CompletableFuture.supplyAsync(() -> next(token, first, 2, "2026-05-02T08:00:00Z")),
        CompletableFuture.supplyAsync(() -> next(token, first, 2, "2026-05-02T08:00:00Z")));
    var statuses = calls.stream().map(CompletableFuture::join).map(TestHttp.Answer::status).sorted().toList();
    assertThat(statuses).containsExactly(200, 200, 201);
    assertThat(service.http.get("/api/tasks?status=all", user.token()).items()).hasSize(2);
  }

  @Test
  void theInternalRouteIsForTheRecurrenceServiceActingForTheOwner() {
    User owner = newUser("UTC");
    JsonObject first = service.create(owner.token(), new JsonObject().put("title", "Pay rent")
        .put("dueAt", "2026-05-01T08:00:00Z").put("recurrence", new JsonObject().put("rule", "FREQ=MONTHLY")));
    // a person's own token does not open it
    assertThat(next(owner.token(), first, 2, "2026-06-01T08:00:00Z").status()).isEqualTo(401);
    assertThat(next(null, first, 2, "2026-06-01T08:00:00Z").status()).isEqualTo(401);
    // another service's token does not either
    var otherService = next(owner.serviceToken("notification-service"), first, 2, "2026-06-01T08:00:00Z");
    assertThat(otherService.status()).isEqualTo(403);
    assertThat(otherService.body()).contains("recurrence-service");
    // acting for another user, the task is not there
    User stranger = newUser("UTC");
    assertThat(next(stranger.serviceToken("recurrence-service"), first, 2, "2026-06-01T08:00:00Z").status())
        .isEqualTo(404);
    // the wrong number, or a task that does not repeat, is a conflict; a bad body names its fields
    String token = owner.serviceToken("recurrence-service");
    assertThat(next(token, first, 3, "2026-06-01T08:00:00Z").status()).isEqualTo(409);
    JsonObject plain = service.create(owner.token(), "Once only");
    var notRepeating = service.http.send("POST", "/internal/series/" + first.getString("id") + "/occurrences", token,
        new JsonObject().put("previousTaskId", plain.getString("id")).put("occurrence", 2)
            .put("dueAt", "2026-06-01T08:00:00Z"), Map.of());
    assertThat(notRepeating.status()).isEqualTo(409);
    var badBody = service.http.send("POST", "/internal/series/" + first.getString("id") + "/occurrences", token,
        new JsonObject().put("occurrence", 1).put("dueAt", "soon"), Map.of());
    assertThat(badBody.status()).isEqualTo(422);
    assertThat(badBody.body()).contains("previousTaskId").contains("occurrence").contains("dueAt");
    assertThat(service.http.get("/api/tasks?status=all", owner.token()).items()).hasSize(2);
  }

  @Test
  void deletingWithSeriesStopSaysSoInTheEvent() {
    User user = newUser("UTC");
    JsonObject task = service.create(user.token(), new JsonObject().put("title", "Gym")
        .put("dueAt", "2026-05-01T18:00:00Z").put("recurrence", new JsonObject().put("rule", "FREQ=WEEKLY")));
    assertThat(service.http.delete("/api/tasks/" + task.getString("id") + "?series=stop", user.token()).status())
        .isEqualTo(204);
    Await.until("the deletion's event", Duration.ofSeconds(10), () -> sidecar.published(Topics.TASK_EVENTS).stream()
        .anyMatch(r -> r.json().getString("taskId").equals(task.getString("id"))
            && r.json().getString("type").equals("task.deleted.v1")));
    JsonObject deleted = sidecar.published(Topics.TASK_EVENTS).stream().map(RecordingSidecar.Request::json)
        .filter(e -> e.getString("taskId").equals(task.getString("id")) && e.getString("type").equals("task.deleted.v1"))
        .findFirst().orElseThrow();
    assertThat(deleted.getBoolean("seriesStopped")).isTrue();
    assertThat(EventSchemas.violations("task-event.v1.schema.json", deleted)).isEmpty();
  }
}
