package dev.todochatbot.audit;

import static dev.todochatbot.audit.AuditServiceFixture.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.audit.AuditServiceFixture.User;
import dev.todochatbot.audit.SampleEvents.Story;
import dev.todochatbot.platform.testing.TestHttp.Answer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
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
 * What the service accepts from the Dapr sidecar (DAPR-CONTRACT.md, pub/sub app side): the
 * subscription it declares, the envelopes it reads, and the status it answers for each, always 200.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditEventDeliveryTest {

  private static final Instant AT = Instant.parse("2026-12-01T09:00:00.123456Z");

  private AuditServiceFixture service;

  @BeforeAll
  void start() {
    service = AuditServiceFixture.start("delivery");
  }

  @AfterAll
  void stop() {
    service.close();
  }

  @Test
  void subscriptionNamesTopicRouteAndDeadLetterTopic() {
    Answer answer = service.http.get("/dapr/subscribe", null);

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.contentType()).isEqualTo("application/json");
    assertThat(new JsonArray(answer.body())).isEqualTo(new JsonArray().add(new JsonObject()
        .put("pubsubname", "pubsub")
        .put("topic", "task-events")
        .put("route", "/events/task-events")
        .put("deadLetterTopic", "task-events-deadletter")));
  }

  @Test
  void anEnvelopeWithDataAsAnObjectIsStoredAndAcknowledged() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    JsonObject event = task.created("Pay rent", AT);
    double storedBefore = service.counter("audit_events_stored_total", "");

    assertStatus(service.deliver(SampleEvents.envelope(event)), "SUCCESS");

    assertThat(history(alice, task)).containsExactly(event);
    assertThat(service.counter("audit_events_stored_total", "")).isEqualTo(storedBefore + 1);
  }

  @Test
  void dataAsAJsonStringIsStored() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    JsonObject event = task.created("Pay rent", AT);

    assertStatus(service.deliver(SampleEvents.envelope(event).put("data", event.encode())), "SUCCESS");

    assertThat(history(alice, task)).containsExactly(event);
  }

  @Test
  void dataAsBase64IsStored() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    JsonObject event = task.created("Pay rent", AT);
    JsonObject envelope = SampleEvents.envelope(event).put("datacontenttype", "application/octet-stream");
    envelope.remove("data");
    envelope.put("data_base64", Base64.getEncoder().encodeToString(event.encode().getBytes(StandardCharsets.UTF_8)));

    assertStatus(service.deliver(envelope), "SUCCESS");

    assertThat(history(alice, task)).containsExactly(event);
  }

  @Test
  void anEnvelopeSentAsPlainJsonIsStoredToo() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    JsonObject event = task.created("Pay rent", AT);

    assertStatus(service.deliver(SampleEvents.envelope(event), "application/json"), "SUCCESS");

    assertThat(history(alice, task)).containsExactly(event);
  }

  @Test
  void aRedeliveredEventIsAcknowledgedAndStoredOnce() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    JsonObject event = task.created("Pay rent", AT);
    double duplicatesBefore = service.counter("audit_events_duplicate_total", "");

    assertStatus(service.deliver(SampleEvents.envelope(event)), "SUCCESS");
    assertStatus(service.deliver(SampleEvents.envelope(event)), "SUCCESS");
    // with rawPayload the sidecar invents a new envelope id on every delivery: the event id decides
    assertStatus(service.deliver(SampleEvents.envelope(event).put("id", UUID.randomUUID().toString())), "SUCCESS");

    assertThat(history(alice, task)).containsExactly(event);
    assertThat(service.counter("audit_events_duplicate_total", "")).isEqualTo(duplicatesBefore + 2);
  }

  @Test
  void anUnknownEventTypeIsDroppedAndCounted() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    JsonObject event = task.created("Pay rent", AT).put("type", "task.archived.v2");
    double droppedBefore = dropped("unknown-type");

    assertStatus(service.deliver(SampleEvents.envelope(event)), "DROP");

    assertThat(dropped("unknown-type")).isEqualTo(droppedBefore + 1);
    assertThat(service.http.get(historyPath(task), alice.token()).status()).isEqualTo(404);
  }

  /** Bodies that can never become a task event, each made from a real event with one thing wrong. */
  static Stream<Arguments> malformed() {
    return Stream.of(
        broken("no eventId", e -> envelope(without(e, "eventId"))),
        broken("no task snapshot", e -> envelope(without(e, "task"))),
        broken("no occurredAt", e -> envelope(without(e, "occurredAt"))),
        broken("eventId not a UUID", e -> envelope(e.put("eventId", "evt-1"))),
        broken("userId not a UUID", e -> envelope(e.put("userId", "alice"))),
        broken("occurredAt not an instant", e -> envelope(e.put("occurredAt", "yesterday"))),
        broken("an unknown actor", e -> envelope(e.put("actor", "robot"))),
        broken("taskId unlike the snapshot's id", e -> envelope(e.put("taskId", UUID.randomUUID().toString()))),
        broken("an update without changes", e -> envelope(e.put("type", "task.updated.v1"))),
        broken("data an array", e -> SampleEvents.envelope(e).put("data", new JsonArray().add(e))),
        broken("data a string that is not JSON", e -> SampleEvents.envelope(e).put("data", "Pay rent")),
        broken("data_base64 that is not base64", e -> without(SampleEvents.envelope(e), "data")
            .put("data_base64", "%%%")),
        broken("no data", e -> without(SampleEvents.envelope(e), "data")),
        broken("a body that is not JSON", e -> "task.created.v1 " + e.getString("eventId")),
        broken("a body that is cut short", e -> SampleEvents.envelope(e).encode().substring(0, 40)),
        broken("an empty body", e -> ""),
        broken("a JSON array body", e -> new JsonArray().add(SampleEvents.envelope(e)).encode()));
  }

  private static Arguments broken(String what, Function<JsonObject, Object> body) {
    return Arguments.of(what, body);
  }

  private static JsonObject envelope(JsonObject data) {
    return SampleEvents.envelope(data);
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

    assertStatus(service.deliver(body.apply(task.created("Pay rent", AT))), "DROP");

    assertThat(dropped("malformed")).isEqualTo(droppedBefore + 1);
    assertThat(service.http.get("/api/audit", alice.token()).items()).isEmpty();
  }

  @Test
  void anEventPostgresqlCannotHoldIsDroppedNotRetried() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    // valid by the schema, but jsonb refuses a NUL character: every delivery would fail the same way
    JsonObject event = task.created("Pay\u0000rent", AT);
    double droppedBefore = dropped("unstorable");

    assertStatus(service.deliver(SampleEvents.envelope(event)), "DROP");

    assertThat(dropped("unstorable")).isEqualTo(droppedBefore + 1);
    assertThat(service.http.get("/api/audit", alice.token()).items()).isEmpty();
  }

  @Test
  void aBodyOverTheLimitIsDropped() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    JsonObject event = task.created("Pay rent", AT);
    event.getJsonObject("task").put("description", "x".repeat((int) AuditApiVerticle.MAX_EVENT_BYTES));
    double droppedBefore = dropped("too-large");

    assertStatus(service.deliver(SampleEvents.envelope(event)), "DROP");

    assertThat(dropped("too-large")).isEqualTo(droppedBefore + 1);
    assertThat(service.http.get("/api/audit", alice.token()).items()).isEmpty();
  }

  private double dropped(String reason) {
    return service.counter("audit_events_dropped_total", "reason=\"" + reason + "\"");
  }

  private JsonArray history(User user, Story task) {
    Answer answer = service.http.get(historyPath(task), user.token());
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    return answer.items();
  }

  private static String historyPath(Story task) {
    return "/api/tasks/" + task.taskId + "/history";
  }
}
