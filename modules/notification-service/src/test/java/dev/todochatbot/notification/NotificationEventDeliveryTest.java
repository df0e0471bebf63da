package dev.todochatbot.notification;

import static dev.todochatbot.notification.NotificationServiceFixture.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.notification.NotificationServiceFixture.User;
import dev.todochatbot.notification.ReminderEvents.Story;
import dev.todochatbot.platform.AppPort;
import dev.todochatbot.platform.testing.EventSchemas;
import dev.todochatbot.platform.testing.TestHttp.Answer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
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
 * What the service accepts from the Dapr sidecar on task-events (DAPR-CONTRACT.md, pub/sub app side):
 * the subscription it declares, the envelopes it reads, the status it answers for each (always 200),
 * and the projection of reminders each event leaves behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotificationEventDeliveryTest {

  private static final Instant IN_AN_HOUR = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MICROS);

  private NotificationServiceFixture service;

  @BeforeAll
  void start() {
    service = NotificationServiceFixture.start("delivery");
  }

  @AfterAll
  void stop() {
    service.close();
  }

  @Test
  void subscriptionNamesTopicRouteAndDeadLetterTopic() {
    Answer answer = service.http.send("GET", "/dapr/subscribe", null, null,
        Map.of(AppPort.TOKEN_HEADER, NotificationServiceFixture.APP_TOKEN));

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.contentType()).isEqualTo("application/json");
    assertThat(new JsonArray(answer.body())).isEqualTo(new JsonArray().add(new JsonObject()
        .put("pubsubname", "pubsub")
        .put("topic", "task-events")
        .put("route", "/events/task-events")
        .put("deadLetterTopic", "task-events-deadletter")));
  }

  @Test
  void theSampleEventsAreCheckedAgainstTheSchemasReminders() {
    JsonObject event = new Story(UUID.randomUUID()).created("Pay rent", null, IN_AN_HOUR);
    event.getJsonObject("task").getJsonArray("reminders").getJsonObject(0).remove("before");

    assertThat(EventSchemas.violations(EventSchemas.TASK_EVENT, event)).isNotEmpty();
  }

  @Test
  void aCreatedTasksRemindersBecomePending() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    Instant dueAt = IN_AN_HOUR.plus(Duration.ofMinutes(30));
    double appliedBefore = service.counter("notification_events_applied_total", "");

    assertStatus(service.deliver(ReminderEvents.envelope(task.created("Pay rent", dueAt, IN_AN_HOUR,
        IN_AN_HOUR.plusSeconds(60)))), "SUCCESS");

    JsonArray pending = service.reminders(alice, "pending");
    assertThat(pending).hasSize(2);
    JsonObject first = pending.getJsonObject(0);
    assertThat(first.getString("reminderId")).isEqualTo(task.reminderIds.get(0).toString());
    assertThat(first.getString("taskId")).isEqualTo(task.taskId.toString());
    assertThat(first.getString("title")).isEqualTo("Pay rent");
    assertThat(Instant.parse(first.getString("at"))).isEqualTo(IN_AN_HOUR);
    assertThat(Instant.parse(first.getString("dueAt"))).isEqualTo(dueAt);
    assertThat(first.getString("state")).isEqualTo("pending");
    assertThat(first.getValue("firedAt")).isNull();
    assertThat(pending.getJsonObject(1).getString("reminderId")).isEqualTo(task.reminderIds.get(1).toString());
    assertThat(service.counter("notification_events_applied_total", "")).isEqualTo(appliedBefore + 1);
  }

  @Test
  void anEventOfATaskWithoutRemindersIsAnsweredWithoutWritingAnything() {
    User alice = service.newUser();
    double skippedBefore = service.counter("notification_events_skipped_total", "");
    double appliedBefore = service.counter("notification_events_applied_total", "");

    assertStatus(service.deliver(ReminderEvents.envelope(new Story(alice.id()).created("No reminders", IN_AN_HOUR))),
        "SUCCESS");

    assertThat(service.counter("notification_events_skipped_total", "")).isEqualTo(skippedBefore + 1);
    assertThat(service.counter("notification_events_applied_total", "")).isEqualTo(appliedBefore);
    assertThat(service.reminders(alice, "pending")).isEmpty();
  }

  @Test
  void dataAsAJsonStringOrBase64OrAPlainJsonEnvelopeIsReadToo() {
    User alice = service.newUser();
    JsonObject asString = new Story(alice.id()).created("One", null, IN_AN_HOUR);
    JsonObject asBase64 = new Story(alice.id()).created("Two", null, IN_AN_HOUR);
    JsonObject asPlainJson = new Story(alice.id()).created("Three", null, IN_AN_HOUR);
    JsonObject base64Envelope = ReminderEvents.envelope(asBase64).put("datacontenttype", "application/octet-stream");
    base64Envelope.remove("data");
    base64Envelope.put("data_base64",
        Base64.getEncoder().encodeToString(asBase64.encode().getBytes(StandardCharsets.UTF_8)));

    assertStatus(service.deliver(ReminderEvents.envelope(asString).put("data", asString.encode())), "SUCCESS");
    assertStatus(service.deliver(base64Envelope), "SUCCESS");
    assertStatus(service.deliver(ReminderEvents.envelope(asPlainJson), "application/json"), "SUCCESS");

    assertThat(service.reminders(alice, "pending")).hasSize(3);
  }

  @Test
  void anEventFromBeforeRemindersLeavesNothingToFire() {
    User alice = service.newUser();
    var task = new Story(alice.id());

    service.publish(task.createdBeforeReminders("Old task"));

    assertThat(service.storedStates(task.taskId)).isEmpty();
  }

  @Test
  void aRedeliveredEventIsAcknowledgedAndChangesNothing() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    JsonObject created = task.created("Pay rent", null, IN_AN_HOUR);
    double staleBefore = service.counter("notification_events_stale_total", "");

    service.publish(created);
    service.publish(created);
    // with rawPayload the sidecar invents a new envelope id on every delivery: the event decides
    assertStatus(service.deliver(ReminderEvents.envelope(created).put("id", UUID.randomUUID().toString())), "SUCCESS");

    assertThat(service.storedStates(task.taskId)).containsExactly("pending");
    assertThat(service.counter("notification_events_stale_total", "")).isEqualTo(staleBefore + 2);
  }

  @Test
  void anEventOlderThanOneAlreadyAppliedIsIgnored() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    service.publish(task.created("Pay rent", null, IN_AN_HOUR));
    JsonObject snoozedOnce = task.snoozed(0, IN_AN_HOUR.plusSeconds(600));
    JsonObject snoozedTwice = task.snoozed(0, IN_AN_HOUR.plusSeconds(1200));

    service.publish(snoozedTwice);
    service.publish(snoozedOnce);

    JsonArray pending = service.reminders(alice, "pending");
    assertThat(pending).hasSize(1);
    assertThat(Instant.parse(pending.getJsonObject(0).getString("at"))).isEqualTo(IN_AN_HOUR.plusSeconds(1200));
    // the first instant, cancelled by the newer event; the older one's instant never made
    assertThat(service.storedStates(task.taskId)).containsExactly("cancelled", "pending");
  }

  @Test
  void aRenameReachesTheRemindersYetToFire() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    service.publish(task.created("Pay rent", null, IN_AN_HOUR));

    service.publish(task.renamed("Pay the rent for December"));

    assertThat(service.reminders(alice, "pending").getJsonObject(0).getString("title"))
        .isEqualTo("Pay the rent for December");
  }

  @Test
  void aReminderAddedLaterIsPendingBesideTheOthers() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    service.publish(task.created("Pay rent", null, IN_AN_HOUR));

    service.publish(task.reminderAdded(IN_AN_HOUR.minusSeconds(600)));

    JsonArray pending = service.reminders(alice, "pending");
    assertThat(pending).hasSize(2);
    assertThat(pending.getJsonObject(0).getString("reminderId")).isEqualTo(task.reminderIds.get(1).toString());
  }

  @Test
  void anUnknownEventTypeIsDroppedAndCounted() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    JsonObject event = task.created("Pay rent", null, IN_AN_HOUR).put("type", "task.archived.v2");
    double droppedBefore = dropped("unknown-type");

    assertStatus(service.deliver(ReminderEvents.envelope(event)), "DROP");

    assertThat(dropped("unknown-type")).isEqualTo(droppedBefore + 1);
    assertThat(service.storedStates(task.taskId)).isEmpty();
  }

  /** Bodies that can never become reminders, each made from a real event with one thing wrong. */
  static Stream<Arguments> malformed() {
    return Stream.of(
        broken("reminders not an array", e -> envelope(task(e, t -> t.put("reminders", new JsonObject())))),
        broken("a reminder not an object", e -> envelope(task(e, t -> t.put("reminders", new JsonArray().add("PT30M"))))),
        broken("a reminder without an id", e -> envelope(firstReminder(e, r -> r.putNull("id")))),
        broken("a reminder id not a UUID", e -> envelope(firstReminder(e, r -> r.put("id", "r-1")))),
        broken("a reminder without at", e -> envelope(firstReminder(e, r -> r.remove("at")))),
        broken("a reminder at not an instant", e -> envelope(firstReminder(e, r -> r.put("at", "tomorrow at nine")))),
        broken("dueAt not an instant", e -> envelope(task(e, t -> t.put("dueAt", "soon")))),
        broken("no title", e -> envelope(task(e, t -> t.putNull("title")))),
        broken("no task snapshot", e -> envelope(without(e, "task"))),
        broken("no occurredAt", e -> envelope(without(e, "occurredAt"))),
        broken("userId not a UUID", e -> envelope(e.put("userId", "alice"))),
        broken("data an array", e -> envelope(e).put("data", new JsonArray().add(e))),
        broken("no data", e -> without(envelope(e), "data")),
        broken("a body that is not JSON", e -> "task.created.v1 " + e.getString("eventId")),
        broken("an empty body", e -> ""));
  }

  private static Arguments broken(String what, Function<JsonObject, Object> body) {
    return Arguments.of(what, body);
  }

  private static JsonObject envelope(JsonObject data) {
    return ReminderEvents.envelope(data);
  }

  /** The event, after {@code change} to its task snapshot. */
  private static JsonObject task(JsonObject event, Consumer<JsonObject> change) {
    change.accept(event.getJsonObject("task"));
    return event;
  }

  /** The event, after {@code change} to its task's first reminder. */
  private static JsonObject firstReminder(JsonObject event, Consumer<JsonObject> change) {
    return task(event, task -> change.accept(task.getJsonArray("reminders").getJsonObject(0)));
  }

  private static JsonObject without(JsonObject json, String field) {
    json.remove(field);
    return json;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void aMalformedEventIsDroppedAndCounted(String what, Function<JsonObject, Object> body) {
    User alice = service.newUser();
    var task = new Story(alice.id());
    double droppedBefore = dropped("malformed");

    assertStatus(service.deliver(body.apply(task.created("Pay rent", null, IN_AN_HOUR))), "DROP");

    assertThat(dropped("malformed")).isEqualTo(droppedBefore + 1);
    assertThat(service.storedStates(task.taskId)).isEmpty();
  }

  @Test
  void aTitlePostgresqlCannotHoldIsDroppedNotRetried() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    JsonObject event = task.created("Pay\u0000rent", null, IN_AN_HOUR);
    double droppedBefore = dropped("unstorable");

    assertStatus(service.deliver(ReminderEvents.envelope(event)), "DROP");

    assertThat(dropped("unstorable")).isEqualTo(droppedBefore + 1);
    assertThat(service.storedStates(task.taskId)).isEmpty();
  }

  @Test
  void aBodyOverTheLimitIsDropped() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    JsonObject event = task.created("Pay rent", null, IN_AN_HOUR);
    event.getJsonObject("task").put("description", "x".repeat((int) NotificationApiVerticle.MAX_EVENT_BYTES));
    double droppedBefore = dropped("too-large");

    assertStatus(service.deliver(ReminderEvents.envelope(event)), "DROP");

    assertThat(dropped("too-large")).isEqualTo(droppedBefore + 1);
  }

  private double dropped(String reason) {
    return service.counter("notification_events_dropped_total", "reason=\"" + reason + "\"");
  }
}
