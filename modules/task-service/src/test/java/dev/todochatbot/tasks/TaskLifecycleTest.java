package dev.todochatbot.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Create, read, change, complete, reopen and delete one task over real HTTP. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskLifecycleTest {

  /** RFC 3339: four-digit years and offsets in whole minutes; browsers read anything else as Invalid Date. */
  private static final Pattern RFC_3339 =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})");

  private TaskServiceFixture service;

  @BeforeAll
  void start() {
    service = TaskServiceFixture.start("lifecycle");
  }

  @AfterAll
  void stop() {
    service.close();
  }

  @Test
  void createAnswers201WithLocationEtagAndTheStoredTask() {
    String token = service.newUser("Europe/Paris");
    var answer = service.http.post("/api/tasks", token, new JsonObject()
        .put("title", "  Pay rent  ")
        .put("description", "Before the 5th")
        .put("priority", "high")
        .put("tags", new JsonArray().add("#Home").add("home").add("Money"))
        .put("dueAt", "2026-12-01T08:00:00Z"));

    assertThat(answer.status()).isEqualTo(201);
    JsonObject task = answer.json();
    assertThat(answer.header("location")).contains("/api/tasks/" + task.getString("id"));
    assertThat(answer.header("etag")).contains("\"1\"");
    assertThat(task.getString("title")).isEqualTo("Pay rent");
    assertThat(task.getString("status")).isEqualTo("open");
    assertThat(task.getString("priority")).isEqualTo("high");
    assertThat(task.getJsonArray("tags")).containsExactly("home", "money");
    // the user's zone is the default, and due times read in it
    assertThat(task.getString("timeZone")).isEqualTo("Europe/Paris");
    assertThat(task.getString("dueAt")).isEqualTo("2026-12-01T09:00:00+01:00");
    assertThat(task.getInteger("version")).isEqualTo(1);
    assertThat(task.getString("completedAt")).isNull();

    var read = service.http.get("/api/tasks/" + task.getString("id"), token);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json()).isEqualTo(task);
  }

  @Test
  void minimalTaskGetsDefaults() {
    JsonObject task = service.create(service.newUser(), "Call mum");
    assertThat(task.getString("priority")).isEqualTo("none");
    assertThat(task.getJsonArray("tags")).isEmpty();
    assertThat(task.getString("dueAt")).isNull();
    assertThat(task.getString("timeZone")).isEqualTo("UTC");
    assertThat(task.getBoolean("allDay")).isFalse();
    assertThat(task.getString("description")).isNull();
  }

  @Test
  void patchChangesOnlyTheFieldsSentAndNullClears() {
    String token = service.newUser();
    JsonObject task = service.create(token, new JsonObject().put("title", "Draft report").put("description", "v1")
        .put("dueAt", "2026-12-03T10:00:00Z").put("tags", new JsonArray().add("work")));
    String path = "/api/tasks/" + task.getString("id");

    var answer = service.http.patch(path, token, new JsonObject().put("priority", "urgent").putNull("description"));

    assertThat(answer.status()).isEqualTo(200);
    JsonObject changed = answer.json();
    assertThat(changed.getString("priority")).isEqualTo("urgent");
    assertThat(changed.getString("description")).isNull();
    assertThat(changed.getString("title")).isEqualTo("Draft report");
    assertThat(changed.getString("dueAt")).isEqualTo("2026-12-03T10:00:00Z");
    assertThat(changed.getJsonArray("tags")).containsExactly("work");
    assertThat(changed.getInteger("version")).isEqualTo(2);
    assertThat(Instant.parse(changed.getString("updatedAt"))).isAfter(Instant.parse(task.getString("updatedAt")));
    assertThat(answer.header("etag")).contains("\"2\"");
    assertThat(service.http.get(path, token).json()).isEqualTo(changed);
  }

  @Test
  void nullTagsClearTheTags() {
    String token = service.newUser();
    JsonObject task = service.create(token, new JsonObject().put("title", "Tagged").put("tags", new JsonArray().add("a")));
    JsonObject cleared = service.http.patch("/api/tasks/" + task.getString("id"), token,
        new JsonObject().putNull("tags")).json();
    assertThat(cleared.getJsonArray("tags")).isEmpty();
  }

  @Test
  void emptyPatchChangesNothing() {
    String token = service.newUser();
    JsonObject task = service.create(token, "Nothing to see");
    var answer = service.http.patch("/api/tasks/" + task.getString("id"), token, new JsonObject());
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json()).isEqualTo(task);
  }

  @Test
  void patchThatRepeatsCurrentValuesKeepsTheVersion() {
    String token = service.newUser();
    JsonObject task = service.create(token, new JsonObject().put("title", "Same").put("priority", "low")
        .put("tags", new JsonArray().add("a")));
    var answer = service.http.patch("/api/tasks/" + task.getString("id"), token,
        new JsonObject().put("title", " Same ").put("priority", "low").put("tags", new JsonArray().add("#A")));
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json()).isEqualTo(task);
  }

  @Test
  void staleIfMatchAnswers412AndWritesNothing() {
    String token = service.newUser();
    JsonObject task = service.create(token, "Contended");
    String path = "/api/tasks/" + task.getString("id");
    assertThat(service.http.send("PATCH", path, token, new JsonObject().put("title", "First writer"),
        Map.of("If-Match", "\"1\"")).status()).isEqualTo(200);

    var stale = service.http.send("PATCH", path, token, new JsonObject().put("title", "Second writer"),
        Map.of("If-Match", "\"1\""));

    assertThat(stale.status()).isEqualTo(412);
    assertThat(stale.contentType()).isEqualTo("application/problem+json");
    assertThat(stale.json().getString("detail")).contains("version 2");
    assertThat(service.http.get(path, token).json().getString("title")).isEqualTo("First writer");
    var staleDelete = service.http.send("DELETE", path, token, null, Map.of("If-Match", "1"));
    assertThat(staleDelete.status()).isEqualTo(412);
    assertThat(service.http.get(path, token).status()).isEqualTo(200);
  }

  @Test
  void currentIfMatchIsAccepted() {
    String token = service.newUser();
    JsonObject task = service.create(token, "Fresh");
    var answer = service.http.send("POST", "/api/tasks/" + task.getString("id") + "/complete", token, null,
        Map.of("If-Match", "W/\"1\""));
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json().getInteger("version")).isEqualTo(2);
  }

  @Test
  void completeAndReopenAreIdempotent() {
    String token = service.newUser();
    JsonObject task = service.create(token, "Water plants");
    String path = "/api/tasks/" + task.getString("id");

    JsonObject completed = service.http.post(path + "/complete", token, null).json();
    assertThat(completed.getString("status")).isEqualTo("completed");
    assertThat(completed.getString("completedAt")).isNotNull();
    assertThat(completed.getInteger("version")).isEqualTo(2);

    JsonObject again = service.http.post(path + "/complete", token, null).json();
    assertThat(again).isEqualTo(completed);

    JsonObject reopened = service.http.post(path + "/reopen", token, null).json();
    assertThat(reopened.getString("status")).isEqualTo("open");
    assertThat(reopened.getString("completedAt")).isNull();
    assertThat(reopened.getInteger("version")).isEqualTo(3);
    assertThat(service.http.post(path + "/reopen", token, null).json()).isEqualTo(reopened);
  }

  @Test
  void patchingStatusCompletesLikeTheCompleteRoute() {
    String token = service.newUser();
    JsonObject task = service.create(token, "Via patch");
    JsonObject completed = service.http.patch("/api/tasks/" + task.getString("id"), token,
        new JsonObject().put("status", "completed")).json();
    assertThat(completed.getString("status")).isEqualTo("completed");
    assertThat(completed.getString("completedAt")).isEqualTo(completed.getString("updatedAt"));
  }

  @Test
  void deleteAnswers204AndTheTaskIsGone() {
    String token = service.newUser();
    JsonObject task = service.create(token, "Temporary");
    String path = "/api/tasks/" + task.getString("id");

    assertThat(service.http.delete(path, token).status()).isEqualTo(204);
    assertThat(service.http.get(path, token).status()).isEqualTo(404);
    assertThat(service.http.delete(path, token).status()).isEqualTo(404);
  }

  @Test
  void allDayTaskIsDueAtTheStartOfItsDateInItsZone() {
    String token = service.newUser();
    JsonObject task = service.create(token, new JsonObject().put("title", "Mum's birthday")
        .put("dueAt", "2026-03-29").put("allDay", true).put("timeZone", "Europe/Paris"));
    assertThat(task.getBoolean("allDay")).isTrue();
    assertThat(task.getString("dueAt")).isEqualTo("2026-03-29T00:00:00+01:00");

    // moving it to another zone keeps the date, not the instant
    JsonObject moved = service.http.patch("/api/tasks/" + task.getString("id"), token,
        new JsonObject().put("timeZone", "America/New_York")).json();
    assertThat(moved.getString("dueAt")).isEqualTo("2026-03-29T00:00:00-04:00");

    // clearing the due date ends all-day
    JsonObject cleared = service.http.patch("/api/tasks/" + task.getString("id"), token,
        new JsonObject().putNull("dueAt")).json();
    assertThat(cleared.getString("dueAt")).isNull();
    assertThat(cleared.getBoolean("allDay")).isFalse();
  }

  @Test
  void timedTaskKeepsItsInstantWhenItsZoneChanges() {
    String token = service.newUser();
    JsonObject task = service.create(token, new JsonObject().put("title", "Call")
        .put("dueAt", "2026-07-01T15:00:00+02:00").put("timeZone", "Europe/Berlin"));
    JsonObject moved = service.http.patch("/api/tasks/" + task.getString("id"), token,
        new JsonObject().put("timeZone", "Asia/Tokyo")).json();
    assertThat(moved.getString("dueAt")).isEqualTo("2026-07-01T22:00:00+09:00");
  }

  @Test
  void dueTimesAtTheEdgesOfTheAcceptedYearsAreWrittenInRfc3339() {
    String token = service.newUser();
    JsonObject last = service.create(token, new JsonObject().put("title", "Last")
        .put("dueAt", "9000-12-31T23:59:59Z").put("timeZone", "Pacific/Kiritimati"));
    assertThat(last.getString("dueAt")).isEqualTo("9001-01-01T13:59:59+14:00");
    JsonObject first = service.create(token, new JsonObject().put("title", "First")
        .put("dueAt", "1900-01-01T00:00:00Z").put("timeZone", "UTC"));
    assertThat(first.getString("dueAt")).isEqualTo("1900-01-01T00:00:00Z");
  }

  @Test
  void aDueTimeInLocalMeanTimeIsWrittenInUtcSinceRfc3339OffsetsHaveNoSeconds() {
    String token = service.newUser();
    // Paris kept Paris Mean Time (+00:09:21) until 1911; Monrovia kept -00:44:30 until 1972
    JsonObject paris = service.create(token, new JsonObject().put("title", "Exposition")
        .put("dueAt", "1905-06-01T12:09:21+00:09:21").put("timeZone", "Europe/Paris"));
    assertThat(paris.getString("dueAt")).isEqualTo("1905-06-01T12:00:00Z");
    JsonObject allDay = service.create(token, new JsonObject().put("title", "Fête")
        .put("dueAt", "1905-07-14").put("allDay", true).put("timeZone", "Europe/Paris"));
    assertThat(allDay.getString("dueAt")).isEqualTo("1905-07-13T23:50:39Z");
    JsonObject monrovia = service.create(token, new JsonObject().put("title", "Market")
        .put("dueAt", "1971-06-01T12:44:30Z").put("timeZone", "Africa/Monrovia"));
    assertThat(monrovia.getString("dueAt")).isEqualTo("1971-06-01T12:44:30Z");
    for (JsonObject task : new JsonObject[] {paris, allDay, monrovia}) {
      assertThat(task.getString("dueAt")).matches(RFC_3339);
      assertThat(service.http.get("/api/tasks/" + task.getString("id"), token).json()).isEqualTo(task);
    }
    // in whole minutes again, the zone's own offset
    JsonObject later = service.http.patch("/api/tasks/" + monrovia.getString("id"), token,
        new JsonObject().put("dueAt", "1972-06-01T12:00:00Z")).json();
    assertThat(later.getString("dueAt")).isEqualTo("1972-06-01T12:00:00Z");
    JsonObject paris1912 = service.http.patch("/api/tasks/" + paris.getString("id"), token,
        new JsonObject().put("dueAt", "1922-06-01T12:00:00Z")).json();
    assertThat(paris1912.getString("dueAt")).isEqualTo("1922-06-01T13:00:00+01:00");
  }

  @Test
  void timeZonesAreIanaNamesAndTheirLinks() {
    String token = service.newUser();
    // a backward link in IANA's tzdata; SystemV/* (refused) left tzdata in 2020b
    JsonObject task = service.create(token, new JsonObject().put("title", "Call")
        .put("dueAt", "2026-07-01T15:00:00Z").put("timeZone", "US/Eastern"));
    assertThat(task.getString("timeZone")).isEqualTo("US/Eastern");
    assertThat(task.getString("dueAt")).isEqualTo("2026-07-01T11:00:00-04:00");
  }

  @Test
  void charactersOutsideTheBasicPlaneAreKeptWhole() {
    String token = service.newUser();
    var answer = service.http.post("/api/tasks", token, "{\"title\": \"Wave \\ud83d\\udc4b to Zo\\u00eb\"}");
    assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
    assertThat(answer.json().getString("title")).isEqualTo("Wave \ud83d\udc4b to Zo\u00eb");
  }
}
