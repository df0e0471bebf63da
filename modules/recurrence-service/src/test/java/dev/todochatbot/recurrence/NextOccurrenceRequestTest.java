package dev.todochatbot.recurrence;

import static dev.todochatbot.recurrence.RecurrenceServiceFixture.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.recurrence.RecordingSidecar.Request;
import dev.todochatbot.recurrence.SeriesEvents.Story;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which task events make the service ask the task service for a next occurrence, and exactly what it
 * asks: through the sidecar's invoke API, as the task's owner, for the occurrence after the one that
 * ended, due when the series' rule says on the task zone's wall clock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NextOccurrenceRequestTest {

  private static final String WEEKLY_ON_MONDAY = "FREQ=WEEKLY;BYDAY=MO";
  private static final String NEW_YORK = "America/New_York";
  /** Monday 2 March 2026, 09:00 in New York, six days before the clocks go forward. */
  private static final String MONDAY_BEFORE_DST = "2026-03-02T09:00:00-05:00";
  private static final Instant MONDAY_NOON = Instant.parse("2026-03-02T17:00:00Z");

  private RecurrenceServiceFixture service;

  @BeforeAll
  void start() {
    service = RecurrenceServiceFixture.start();
  }

  @AfterAll
  void stop() {
    service.close();
  }

  @Test
  void completingAWeeklyOccurrenceAsksForExactlyOneNextOnTheNextMondayAtTheSameWallClockTime() {
    var task = Story.recurring(WEEKLY_ON_MONDAY, "fromDue", 1, MONDAY_BEFORE_DST, NEW_YORK);
    JsonObject envelope = SeriesEvents.envelope(task.completed(MONDAY_NOON));
    double createdBefore = requested("created");

    assertStatus(service.deliver(envelope, "application/cloudevents+json"), "SUCCESS");

    assertThat(service.sidecar.requestsFor(task.seriesId)).singleElement().satisfies(request -> {
      assertThat(request.method()).isEqualTo("POST");
      assertThat(request.headers().get("content-type")).isEqualTo("application/json");
      // 09:00 in New York is 13:00 UTC once daylight saving time has begun on 8 March
      assertThat(request.json()).isEqualTo(new JsonObject()
          .put("previousTaskId", task.taskId.toString())
          .put("occurrence", 2)
          .put("dueAt", "2026-03-09T13:00:00Z"));
      assertThat(owner(request)).isEqualTo(new Principal(task.userId, "", NEW_YORK));
      assertThat(claims(request).getString("svc")).isEqualTo(RecurrenceService.APP_ID);
      assertThat(request.headers().get("traceparent")).isEqualTo(envelope.getString("traceparent"));
    });
    assertThat(requested("created")).isEqualTo(createdBefore + 1);
  }

  @Test
  void fromCompletionCountsFromTheDayItWasCompletedInTheTasksZone() {
    var task = Story.recurring("FREQ=DAILY;INTERVAL=3", "fromCompletion", 4, "2026-04-06T09:00:00-04:00", NEW_YORK);
    // 22:30 on Friday 10 April in New York, already Saturday in UTC
    JsonObject completed = task.completed(Instant.parse("2026-04-11T02:30:00Z"));

    assertStatus(service.deliver(completed), "SUCCESS");

    assertThat(service.sidecar.requestsFor(task.seriesId)).singleElement()
        .satisfies(request -> assertThat(request.json()).isEqualTo(new JsonObject()
            .put("previousTaskId", task.taskId.toString())
            .put("occurrence", 5)
            .put("dueAt", "2026-04-13T13:00:00Z")));
  }

  @Test
  void aSeriesWhoseCountIsReachedAsksForNothingMore() {
    var task = Story.recurring("FREQ=DAILY;COUNT=2", "fromDue", 2, "2026-03-03T09:00:00+01:00", "Europe/Paris");

    assertStatus(service.deliver(task.completed(Instant.parse("2026-03-03T10:00:00Z"))), "SUCCESS");

    assertThat(service.sidecar.requestsFor(task.seriesId)).isEmpty();
  }

  @Test
  void deletingAnOpenOccurrenceSkipsItAndAsksForTheNext() {
    var task = Story.recurring(WEEKLY_ON_MONDAY, "fromDue", 3, "2026-03-16T09:00:00-04:00", NEW_YORK);

    assertStatus(service.deliver(task.deleted(Instant.parse("2026-03-14T12:00:00Z"))), "SUCCESS");

    assertThat(service.sidecar.requestsFor(task.seriesId)).singleElement()
        .satisfies(request -> {
          JsonObject body = request.json();
          assertThat(body.copy().put("skipped", (Object) null)).isEqualTo(new JsonObject()
              .put("previousTaskId", task.taskId.toString())
              .put("occurrence", 4)
              .put("dueAt", "2026-03-23T13:00:00Z")
              .put("skipped", (Object) null));
          // the deleted task is gone: what it held travels with the request, for the task service to copy
          JsonObject skipped = body.getJsonObject("skipped");
          assertThat(skipped.fieldNames()).contains("title", "description", "priority", "tags",
              "timeZone", "allDay", "recurrence", "dueAt");
          assertThat(skipped.getString("timeZone")).isEqualTo(NEW_YORK);
          assertThat(skipped.getJsonObject("recurrence").getString("rule")).isEqualTo(WEEKLY_ON_MONDAY);
        });
  }

  @Test
  void skippingAFromCompletionOccurrenceCountsFromWhenItWasDeleted() {
    var task = Story.recurring("FREQ=DAILY;INTERVAL=2", "fromCompletion", 1, "2026-05-04T18:00:00+02:00", "Europe/Berlin");

    assertStatus(service.deliver(task.deleted(Instant.parse("2026-05-06T07:00:00Z"))), "SUCCESS");

    assertThat(service.sidecar.requestsFor(task.seriesId)).singleElement()
        .satisfies(request -> assertThat(request.json().getString("dueAt")).isEqualTo("2026-05-08T16:00:00Z"));
  }

  /** Events that end no occurrence of a series, each with the story that leads to it. */
  static Stream<Arguments> endNoOccurrence() {
    Instant at = Instant.parse("2026-03-02T15:00:00Z");
    return Stream.of(
        event("a task that does not repeat, completed", Story.oneOff(MONDAY_BEFORE_DST, NEW_YORK),
            task -> task.completed(at)),
        event("a task from before tasks could repeat, completed", Story.fromBeforeRecurrence(MONDAY_BEFORE_DST, NEW_YORK),
            task -> task.completed(at)),
        event("an occurrence created", weekly(), task -> task.created(at)),
        event("an occurrence renamed", weekly(), task -> task.renamed("Water the ferns", at)),
        event("an occurrence reopened", weekly(), task -> {
          task.completed(at);
          return task.reopened(at.plusSeconds(60));
        }),
        event("a completed occurrence deleted", weekly(), task -> {
          task.completed(at);
          return task.deleted(at.plusSeconds(60));
        }),
        event("an open occurrence deleted with series=stop", weekly(), task -> task.deletedStoppingSeries(at)));
  }

  private static Story weekly() {
    return Story.recurring(WEEKLY_ON_MONDAY, "fromDue", 1, MONDAY_BEFORE_DST, NEW_YORK);
  }

  private static Arguments event(String what, Story task, Function<Story, JsonObject> event) {
    return Arguments.of(what, task, event);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endNoOccurrence")
  void anEventThatEndsNoOccurrenceIsAcknowledgedWithoutAskingAnything(String what, Story task,
      Function<Story, JsonObject> event) {
    int requestsBefore = service.sidecar.requests.size();

    assertStatus(service.deliver(event.apply(task)), "SUCCESS");

    assertThat(service.sidecar.requests).hasSize(requestsBefore);
  }

  /** The user the task service will act for, as it checks the bearer token on its internal route. */
  private Principal owner(Request request) {
    return Await.result(service.serviceTokens.verify(token(request)));
  }

  private static JsonObject claims(Request request) {
    String payload = token(request).split("\\.")[1];
    return new JsonObject(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
  }

  private static String token(Request request) {
    String authorization = request.headers().get("authorization");
    assertThat(authorization).startsWith("Bearer ");
    return authorization.substring("Bearer ".length());
  }

  private double requested(String outcome) {
    return service.counter("recurrence_occurrences_requested_total", "outcome=\"" + outcome + "\"");
  }
}
