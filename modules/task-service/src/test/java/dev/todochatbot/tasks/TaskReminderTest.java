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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reminders: stored with their task, at an instant or relative to the due time, moving when it moves. */
class TaskReminderTest {

  static Vertx sidecarVertx;
  static RecordingSidecar sidecar;
  static TaskServiceFixture service;

  @BeforeAll
  static void start() {
    sidecarVertx = Vertx.vertx();
    sidecar = new RecordingSidecar(sidecarVertx);
    service = TaskServiceFixture.start("reminders", sidecar.config(), OutboxRelayTest.FAST);
  }

  @AfterAll
  static void stop() {
    service.close();
    sidecar.close();
    Await.result(sidecarVertx.close());
  }

  static TestHttp http() {
    return service.http;
  }

  static JsonObject task(String token, String dueAt) {
    return service.create(token, new JsonObject().put("title", "Dentist").put("dueAt", dueAt)
        .put("timeZone", "Europe/Paris"));
  }

  static TestHttp.Answer add(String token, String taskId, JsonObject reminder) {
    return http().post("/api/tasks/" + taskId + "/reminders", token, reminder);
  }

  @Test
  void absoluteAndRelativeRemindersAreStoredWithTheTask() {
    String token = service.newUser();
    JsonObject task = task(token, "2026-12-01T17:00:00+01:00");

    var absolute = add(token, task.getString("id"), new JsonObject().put("at", "2026-11-30T08:00:00Z"));
    assertThat(absolute.status()).as(absolute.toString()).isEqualTo(201);
    assertThat(absolute.json().getString("at")).isEqualTo("2026-11-30T08:00:00Z");
    assertThat(absolute.json().getValue("before")).isNull();
    assertThat(absolute.header("ETag")).contains("\"2\"");

    var halfHour = add(token, task.getString("id"), new JsonObject().put("before", "pt30m"));
    assertThat(halfHour.status()).isEqualTo(201);
    assertThat(halfHour.json().getString("at")).isEqualTo("2026-12-01T15:30:00Z");
    assertThat(halfHour.json().getString("before")).isEqualTo("PT30M");

    // the day before at 09:00 in the task's zone (Paris, UTC+1 in December)
    var dayBefore = add(token, task.getString("id"), new JsonObject().put("before", "P1D").put("time", "09:00"));
    assertThat(dayBefore.json().getString("at")).isEqualTo("2026-11-30T08:00:00Z");

    var reminders = http().get("/api/tasks/" + task.getString("id") + "/reminders", token).json().getJsonArray("items");
    assertThat(reminders).hasSize(3);
    JsonObject stored = http().get("/api/tasks/" + task.getString("id"), token).json();
    assertThat(stored.getJsonArray("reminders")).isEqualTo(reminders);
    assertThat(stored.getInteger("version")).isEqualTo(4);
  }

  @Test
  void relativeRemindersMoveWithTheDueTimeAndAbsoluteOnesStay() {
    String token = service.newUser();
    JsonObject task = task(token, "2026-12-01T17:00:00+01:00");
    String relative = add(token, task.getString("id"), new JsonObject().put("before", "PT1H")).json().getString("id");
    String absolute = add(token, task.getString("id"), new JsonObject().put("at", "2026-11-28T10:00:00Z")).json()
        .getString("id");

    var moved = http().patch("/api/tasks/" + task.getString("id"), token,
        new JsonObject().put("dueAt", "2026-12-03T10:00:00+01:00"));
    assertThat(moved.status()).isEqualTo(200);
    Map<String, String> at = new java.util.HashMap<>();
    moved.json().getJsonArray("reminders").forEach(r -> at.put(((JsonObject) r).getString("id"),
        ((JsonObject) r).getString("at")));
    assertThat(at).containsEntry(relative, "2026-12-03T08:00:00Z").containsEntry(absolute, "2026-11-28T10:00:00Z");

    // the due date cannot go while a reminder depends on it
    var cleared = http().patch("/api/tasks/" + task.getString("id"), token, new JsonObject().putNull("dueAt"));
    assertThat(cleared.status()).isEqualTo(422);
    assertThat(cleared.body()).contains("reminders relative to its due time");

    // the change is announced with the reminders before and after, as the schema says
    Await.until("the move's event", Duration.ofSeconds(10), () -> sidecar.published(Topics.TASK_EVENTS).stream()
        .map(RecordingSidecar.Request::json)
        .anyMatch(e -> e.getString("taskId").equals(task.getString("id")) && e.getJsonObject("changes") != null
            && e.getJsonObject("changes").containsKey("dueAt")));
    JsonObject event = sidecar.published(Topics.TASK_EVENTS).stream().map(RecordingSidecar.Request::json)
        .filter(e -> e.getString("taskId").equals(task.getString("id")) && e.getJsonObject("changes") != null
            && e.getJsonObject("changes").containsKey("dueAt")).findFirst().orElseThrow();
    assertThat(event.getJsonObject("changes").containsKey("reminders")).isTrue();
    assertThat(EventSchemas.violations("task-event.v1.schema.json", event)).isEmpty();
  }

  @Test
  void badRemindersAreRefusedNamingTheField() {
    String token = service.newUser();
    JsonObject undated = service.create(token, "No date");
    var both = add(token, undated.getString("id"), new JsonObject().put("at", "2026-11-30T08:00:00Z").put("before", "PT1H"));
    assertThat(both.status()).isEqualTo(422);
    assertThat(both.body()).contains("cannot be combined with at");
    var noDue = add(token, undated.getString("id"), new JsonObject().put("before", "PT1H"));
    assertThat(noDue.status()).isEqualTo(422);
    assertThat(noDue.body()).contains("needs the task to have a due date");
    var badDuration = add(token, undated.getString("id"), new JsonObject().put("before", "half an hour"));
    assertThat(badDuration.status()).isEqualTo(422);
    assertThat(badDuration.body()).contains("ISO-8601 duration");
    var nothing = add(token, undated.getString("id"), new JsonObject());
    assertThat(nothing.status()).isEqualTo(422);
    assertThat(nothing.body()).contains("\"at\"");
    for (String at : new String[] {"1899-12-31T23:59:59Z", "9001-01-01T00:00:00Z"}) {
      var outOfYears = add(token, undated.getString("id"), new JsonObject().put("at", at));
      assertThat(outOfYears.status()).as(at).isEqualTo(422);
      assertThat(outOfYears.body()).contains("\"at\"").contains("1900").contains("9000");
    }

    JsonObject task = task(token, "2026-12-01T17:00:00+01:00");
    for (int i = 0; i < Reminder.MAX_PER_TASK; i++) {
      assertThat(add(token, task.getString("id"), new JsonObject().put("at", "2026-11-30T08:0" + i + ":00Z")).status())
          .isEqualTo(201);
    }
    var eleventh = add(token, task.getString("id"), new JsonObject().put("at", "2026-11-30T09:00:00Z"));
    assertThat(eleventh.status()).isEqualTo(409);
    assertThat(http().get("/api/tasks/" + task.getString("id"), token).json().getJsonArray("reminders"))
        .hasSize(Reminder.MAX_PER_TASK);
  }

  @Test
  void snoozeRefusesFieldsItDoesNotKnowAndLeavesTheReminder() {
    String token = service.newUser();
    JsonObject task = task(token, "2026-12-01T17:00:00+01:00");
    String id = add(token, task.getString("id"), new JsonObject().put("before", "PT15M")).json().getString("id");
    var answer = http().post("/api/reminders/" + id + "/snooze", token,
        new JsonObject().put("minutes", 10).put("until", "2026-12-01T16:50:00Z"));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(422);
    assertThat(answer.contentType()).isEqualTo("application/problem+json");
    assertThat(answer.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("until");
    assertThat(answer.json().getJsonArray("errors").getJsonObject(0).getString("message")).contains("minutes");
    JsonObject stored = http().get("/api/tasks/" + task.getString("id"), token).json();
    assertThat(stored.getJsonArray("reminders").getJsonObject(0).getString("before")).isEqualTo("PT15M");
    assertThat(stored.getInteger("version")).isEqualTo(2);
  }

  @Test
  void deleteAndSnoozeOnlyTheOwnersReminders() {
    String token = service.newUser();
    String stranger = service.newUser();
    JsonObject task = task(token, "2026-12-01T17:00:00+01:00");
    String id = add(token, task.getString("id"), new JsonObject().put("before", "PT15M")).json().getString("id");

    assertThat(http().post("/api/reminders/" + id + "/snooze", stranger, new JsonObject().put("minutes", 10)).status())
        .isEqualTo(404);
    assertThat(http().post("/api/reminders/" + id + "/snooze", token, new JsonObject().put("minutes", 0)).status())
        .isEqualTo(422);
    Instant before = Instant.now();
    var snoozed = http().post("/api/reminders/" + id + "/snooze", token, new JsonObject().put("minutes", 10));
    assertThat(snoozed.status()).as(snoozed.toString()).isEqualTo(200);
    Instant at = Instant.parse(snoozed.json().getString("at"));
    assertThat(at).isBetween(before.plusSeconds(599), Instant.now().plusSeconds(601));
    assertThat(snoozed.json().getValue("before")).as("a snoozed reminder is absolute").isNull();
    assertThat(snoozed.json().getString("taskId")).isEqualTo(task.getString("id"));

    assertThat(http().delete("/api/tasks/" + task.getString("id") + "/reminders/" + id, stranger).status()).isEqualTo(404);
    assertThat(http().delete("/api/tasks/" + task.getString("id") + "/reminders/" + id, token).status()).isEqualTo(204);
    assertThat(http().delete("/api/tasks/" + task.getString("id") + "/reminders/" + id, token).status()).isEqualTo(404);
    assertThat(http().get("/api/tasks/" + task.getString("id"), token).json().getJsonArray("reminders")).isEmpty();
  }

  @Test
  void theNextOccurrenceCarriesTheRemindersShiftedToItsDueTime() {
    UUID userId = UUID.randomUUID();
    var principal = new Principal(userId, userId + "@example.com", "UTC");
    String token = service.tokens.issue(principal);
    JsonObject first = service.create(token, new JsonObject().put("title", "Weekly report")
        .put("dueAt", "2026-05-04T16:00:00Z").put("recurrence", new JsonObject().put("rule", "FREQ=WEEKLY")));
    add(token, first.getString("id"), new JsonObject().put("before", "PT2H"));
    add(token, first.getString("id"), new JsonObject().put("at", "2026-05-04T08:00:00Z"));

    String serviceToken = Tokens.forServices(service.vertx, TaskServiceFixture.SECRET)
        .issueForService(principal, "recurrence-service");
    var next = http().send("POST", "/internal/series/" + first.getString("id") + "/occurrences", serviceToken,
        new JsonObject().put("previousTaskId", first.getString("id")).put("occurrence", 2)
            .put("dueAt", "2026-05-11T16:00:00Z"), Map.of());
    assertThat(next.status()).isEqualTo(201);
    List<String> at = next.json().getJsonArray("reminders").stream().map(r -> ((JsonObject) r).getString("at")).toList();
    assertThat(at).containsExactly("2026-05-11T08:00:00Z", "2026-05-11T14:00:00Z");
    // the copies are reminders of their own
    var firstIds = http().get("/api/tasks/" + first.getString("id"), token).json().getJsonArray("reminders").stream()
        .map(r -> ((JsonObject) r).getString("id")).toList();
    assertThat(next.json().getJsonArray("reminders").stream().map(r -> ((JsonObject) r).getString("id")))
        .doesNotContainAnyElementsOf(firstIds);
  }
}
