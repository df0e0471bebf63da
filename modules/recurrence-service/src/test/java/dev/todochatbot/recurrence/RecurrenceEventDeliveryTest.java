package dev.todochatbot.recurrence;

import static dev.todochatbot.recurrence.RecurrenceServiceFixture.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.testing.TestHttp.Answer;
import dev.todochatbot.recurrence.SeriesEvents.Story;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the service answers the Dapr sidecar (DAPR-CONTRACT.md, pub/sub app side), always 200: the
 * subscription it declares, SUCCESS once the next occurrence exists, RETRY while the task service
 * cannot be asked or fails, DROP for what can never succeed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecurrenceEventDeliveryTest {

  private static final Instant AT = Instant.parse("2026-03-02T17:00:00Z");

  private RecurrenceServiceFixture service;

  @BeforeAll
  void start() {
    service = RecurrenceServiceFixture.start();
  }

  @AfterAll
  void stop() {
    service.close();
  }

  private static Story weekly() {
    return Story.recurring("FREQ=WEEKLY;BYDAY=MO", "fromDue", 1, "2026-03-02T09:00:00-05:00", "America/New_York");
  }

  @Test
  void subscriptionAsksOnlyForCompletionsAndDeletions() {
    Answer answer = service.http.get("/dapr/subscribe", null);

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.contentType()).isEqualTo("application/json");
    assertThat(new JsonArray(answer.body())).isEqualTo(new JsonArray().add(new JsonObject()
        .put("pubsubname", "pubsub")
        .put("topic", "task-events")
        .put("routes", new JsonObject().put("rules", new JsonArray()
            .add(new JsonObject().put("match", "event.type == \"task.completed.v1\"").put("path", "/events/task-events"))
            .add(new JsonObject().put("match", "event.type == \"task.deleted.v1\"").put("path", "/events/task-events"))))));
  }

  @Test
  void anOccurrenceTheTaskServiceHadAlreadyIsAcknowledged() {
    var task = weekly();
    JsonObject completed = task.completed(AT);
    double existedBefore = service.counter("recurrence_occurrences_requested_total", "outcome=\"existed\"");

    assertStatus(service.deliver(completed), "SUCCESS");
    // delivered again (at least once): asked again, and the task service answers that it has it
    service.sidecar.answer(task.seriesId, 200);
    assertStatus(service.deliver(completed), "SUCCESS");

    assertThat(service.sidecar.requestsFor(task.seriesId)).hasSize(2)
        .allSatisfy(request -> assertThat(request.json().getInteger("occurrence")).isEqualTo(2));
    assertThat(service.counter("recurrence_occurrences_requested_total", "outcome=\"existed\""))
        .isEqualTo(existedBefore + 1);
  }

  @ParameterizedTest(name = "task service answers {0}")
  @CsvSource({"500", "502", "503", "401", "429"})
  void anOccurrenceTheTaskServiceCannotCreateNowIsRetried(int status) {
    var task = weekly();
    service.sidecar.answer(task.seriesId, status);
    double retriedBefore = service.counter("recurrence_events_retried_total", "");

    assertStatus(service.deliver(task.completed(AT)), "RETRY");

    assertThat(service.sidecar.requestsFor(task.seriesId)).hasSize(1);
    assertThat(service.counter("recurrence_events_retried_total", "")).isEqualTo(retriedBefore + 1);
  }

  @ParameterizedTest(name = "task service answers {0}: {1}")
  @CsvSource({"404, not-found", "409, conflict", "403, forbidden", "422, invalid", "400, invalid"})
  void anOccurrenceTheTaskServiceRefusesIsDroppedAndCounted(int status, String reason) {
    var task = weekly();
    service.sidecar.answer(task.seriesId, status);
    double droppedBefore = dropped(reason);

    assertStatus(service.deliver(task.completed(AT)), "DROP");

    assertThat(service.sidecar.requestsFor(task.seriesId)).hasSize(1);
    assertThat(dropped(reason)).isEqualTo(droppedBefore + 1);
  }

  @Test
  void aSidecarThatCannotBeReachedMeansRetry() {
    try (var alone = RecurrenceServiceFixture.start()) {
      alone.sidecar.close();

      assertStatus(alone.deliver(weekly().completed(AT)), "RETRY");
    }
  }

  @Test
  void anUnknownEventTypeIsDroppedAndCounted() {
    var task = weekly();
    JsonObject event = task.completed(AT).put("type", "task.archived.v2");
    double droppedBefore = dropped("unknown-type");

    assertStatus(service.deliver(event), "DROP");

    assertThat(dropped("unknown-type")).isEqualTo(droppedBefore + 1);
    assertThat(service.sidecar.requestsFor(task.seriesId)).isEmpty();
  }

  /** Bodies that can never become a task event, or a series to continue, each made from a real completion. */
  static Stream<Arguments> malformed() {
    return Stream.of(
        broken("a body that is not JSON", e -> "task.completed.v1 " + e.getString("eventId")),
        broken("an empty body", e -> ""),
        broken("a JSON array body", e -> new JsonArray().add(SeriesEvents.envelope(e)).encode()),
        broken("no data", e -> without(SeriesEvents.envelope(e), "data")),
        broken("data a string that is not JSON", e -> SeriesEvents.envelope(e).put("data", "Water the plants")),
        broken("no eventId", e -> SeriesEvents.envelope(without(e, "eventId"))),
        broken("no task snapshot", e -> SeriesEvents.envelope(without(e, "task"))),
        broken("userId not a UUID", e -> SeriesEvents.envelope(e.put("userId", "alice"))),
        broken("a rule that is not a rule", e -> inTask(e, "recurrence", new JsonObject().put("rule", "every Monday")
            .put("mode", "fromDue"))),
        broken("an unknown mode", e -> inTask(e, "recurrence", new JsonObject().put("rule", "FREQ=DAILY")
            .put("mode", "fromNow"))),
        broken("recurrence not an object", e -> inTask(e, "recurrence", "FREQ=DAILY")),
        broken("seriesId not a UUID", e -> inTask(e, "seriesId", "series-1")),
        broken("occurrence 0", e -> inTask(e, "occurrence", 0)),
        broken("occurrence not a number", e -> inTask(e, "occurrence", "first")),
        broken("a time zone that does not exist", e -> inTask(e, "timeZone", "Mars/Olympus_Mons")),
        broken("a recurring task without dueAt", e -> inTask(e, "dueAt", null)),
        broken("dueAt not a date-time", e -> inTask(e, "dueAt", "next Monday")));
  }

  private static Arguments broken(String what, Function<JsonObject, Object> body) {
    return Arguments.of(what, body);
  }

  private static JsonObject without(JsonObject json, String field) {
    json.remove(field);
    return json;
  }

  private static JsonObject inTask(JsonObject event, String field, Object value) {
    event.getJsonObject("task").put(field, value);
    return SeriesEvents.envelope(event);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void aMalformedEventIsDroppedAndCounted(String what, Function<JsonObject, Object> body) {
    int requestsBefore = service.sidecar.requests.size();
    double droppedBefore = dropped("malformed");

    assertStatus(service.deliver(body.apply(weekly().completed(AT)), "application/cloudevents+json"), "DROP");

    assertThat(dropped("malformed")).isEqualTo(droppedBefore + 1);
    assertThat(service.sidecar.requests).hasSize(requestsBefore);
  }

  @Test
  void aBodyOverTheLimitIsDropped() {
    JsonObject event = weekly().completed(AT);
    event.getJsonObject("task").put("description", "x".repeat((int) RecurrenceApiVerticle.MAX_EVENT_BYTES));
    double droppedBefore = dropped("too-large");

    assertStatus(service.deliver(event), "DROP");

    assertThat(dropped("too-large")).isEqualTo(droppedBefore + 1);
  }

  @Test
  void healthAnswersWithoutTheTaskService() {
    assertThat(service.http.get("/healthz", null).status()).isEqualTo(200);
    assertThat(service.http.get("/readyz", null).status()).isEqualTo(200);
  }

  private double dropped(String reason) {
    return service.counter("recurrence_events_dropped_total", "reason=\"" + reason + "\"");
  }
}
