package dev.todochatbot.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.events.Topics;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.EventSchemas;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the task service sends to its sidecar for every change (DAPR-CONTRACT.md, publish side), and
 * the outbox guarantees: an event for every committed change and none for a failed one, held back
 * while the sidecar fails and then published in order per user.
 */
class OutboxRelayTest {

  static final OutboxRelay.Settings FAST = new OutboxRelay.Settings(256, Duration.ofMillis(200), Duration.ofMillis(50),
      Duration.ofMillis(400), Duration.ofMillis(200));

  static Vertx sidecarVertx;
  static RecordingSidecar sidecar;
  static TaskServiceFixture service;

  @BeforeAll
  static void start() {
    sidecarVertx = Vertx.vertx();
    sidecar = new RecordingSidecar(sidecarVertx);
    service = TaskServiceFixture.start("outbox", sidecar.config(), FAST);
  }

  @AfterAll
  static void stop() {
    service.close();
    sidecar.close();
    Await.result(sidecarVertx.close());
  }

  record User(UUID id, String token) {}

  User newUser() {
    UUID id = UUID.randomUUID();
    return new User(id, service.tokens.issue(new Principal(id, id + "@example.com", "Europe/Berlin")));
  }

  List<JsonObject> eventsOf(User user, String topic) {
    return sidecar.published(topic).stream().map(RecordingSidecar.Request::json)
        .filter(event -> event.getString("userId").equals(user.id().toString())).toList();
  }

  List<JsonObject> awaitEvents(User user, String topic, int count) {
    Await.until(count + " events of " + user.id() + " on " + topic, Duration.ofSeconds(10),
        () -> eventsOf(user, topic).size() >= count);
    return eventsOf(user, topic);
  }

  @Test
  void everyKindOfChangePublishesOneEventToEachTopicKeyedByUserWithItsEventId() {
    User user = newUser();
    String id = service.create(user.token(), new JsonObject().put("title", "Pay rent").put("priority", "high")
        .put("dueAt", "2026-12-01T09:00:00+01:00")).getString("id");
    service.http.patch("/api/tasks/" + id, user.token(), new JsonObject().put("title", "Pay the rent").put("tags",
        List.of("home")));
    service.http.post("/api/tasks/" + id + "/complete", user.token(), null);
    service.http.post("/api/tasks/" + id + "/reopen", user.token(), null);
    assertThat(service.http.delete("/api/tasks/" + id, user.token()).status()).isEqualTo(204);

    List<JsonObject> events = awaitEvents(user, Topics.TASK_EVENTS, 5);
    assertThat(events).extracting(e -> e.getString("type")).containsExactly(
        "task.created.v1", "task.updated.v1", "task.completed.v1", "task.reopened.v1", "task.deleted.v1");
    assertThat(events).allSatisfy(event -> {
      assertThat(EventSchemas.violations(EventSchemas.TASK_EVENT, event)).as("%s", event).isEmpty();
      assertThat(event.getString("taskId")).isEqualTo(id);
      assertThat(event.getString("actor")).isEqualTo("user");
    });

    JsonObject updated = events.get(1);
    assertThat(updated.getJsonObject("changes").getMap()).containsOnlyKeys("title", "tags");
    assertThat(updated.getJsonObject("changes").getJsonObject("title").getMap())
        .containsEntry("previous", "Pay rent").containsEntry("current", "Pay the rent");
    assertThat(updated.getJsonObject("task").getInteger("version")).isEqualTo(2);
    assertThat(updated.getString("occurredAt")).isEqualTo(updated.getJsonObject("task").getString("updatedAt"));
    JsonObject completed = events.get(2);
    assertThat(completed.getJsonObject("changes").getMap()).containsOnlyKeys("status", "completedAt");
    assertThat(completed.getJsonObject("task").getString("status")).isEqualTo("completed");
    JsonObject deleted = events.get(4);
    assertThat(deleted.containsKey("changes")).isFalse();
    assertThat(deleted.getJsonObject("task").getString("title")).isEqualTo("Pay the rent");
    assertThat(deleted.getJsonObject("task").getInteger("version")).isEqualTo(4);

    List<RecordingSidecar.Request> requests = sidecar.published(Topics.TASK_EVENTS).stream()
        .filter(r -> r.json().getString("userId").equals(user.id().toString())).toList();
    assertThat(requests).allSatisfy(request -> {
      assertThat(request.method()).isEqualTo("POST");
      assertThat(request.path()).isEqualTo("/v1.0/publish/pubsub/task-events");
      assertThat(request.headers().get("content-type")).isEqualTo("application/json");
      assertThat(request.query().get("metadata.partitionKey")).isEqualTo(user.id().toString());
      assertThat(request.query().get("metadata.cloudevent.id")).isEqualTo(request.json().getString("eventId"));
      assertThat(request.query().get("metadata.cloudevent.type")).isEqualTo(request.json().getString("type"));
    });

    List<JsonObject> updates = awaitEvents(user, Topics.TASK_UPDATES, 5);
    assertThat(updates).extracting(u -> u.getString("eventId"))
        .containsExactlyElementsOf(events.stream().map(e -> e.getString("eventId")).toList());
    assertThat(updates).allSatisfy(update ->
        assertThat(EventSchemas.violations(EventSchemas.TASK_UPDATE, update)).as("%s", update).isEmpty());
    assertThat(sidecar.published(Topics.TASK_UPDATES).stream()
        .filter(r -> r.json().getString("userId").equals(user.id().toString())))
        .allSatisfy(r -> assertThat(r.query().get("metadata.partitionKey")).isEqualTo(user.id().toString()));
    Await.until("the outbox to empty", Duration.ofSeconds(5), () -> service.outboxRows() == 0);
  }

  @Test
  void aChangeThatIsRefusedOrChangesNothingPublishesNoEvent() {
    User user = newUser();
    User stranger = newUser();
    String id = service.create(user.token(), "Water the plants").getString("id");
    awaitEvents(user, Topics.TASK_EVENTS, 1);

    assertThat(service.http.send("PATCH", "/api/tasks/" + id, user.token(), new JsonObject().put("title", "x"),
        Map.of("If-Match", "\"7\"")).status()).isEqualTo(412);
    assertThat(service.http.patch("/api/tasks/" + id, user.token(), new JsonObject().put("priority", "extreme"))
        .status()).isEqualTo(422);
    assertThat(service.http.delete("/api/tasks/" + id, stranger.token()).status()).isEqualTo(404);
    assertThat(service.http.patch("/api/tasks/" + id, user.token(), new JsonObject().put("title", "Water the plants"))
        .status()).isEqualTo(200);
    service.http.post("/api/tasks/" + id + "/complete", user.token(), null);
    service.http.post("/api/tasks/" + id + "/complete", user.token(), null);
    // a later change of the same user goes out after the ones above, so once it is here nothing else is coming
    service.http.post("/api/tasks/" + id + "/reopen", user.token(), null);

    List<JsonObject> events = awaitEvents(user, Topics.TASK_EVENTS, 3);
    assertThat(events).extracting(e -> e.getString("type"))
        .containsExactly("task.created.v1", "task.completed.v1", "task.reopened.v1");
    assertThat(eventsOf(stranger, Topics.TASK_EVENTS)).isEmpty();
  }

  @Test
  void eventsWaitWhileTheSidecarFailsAndAllGoOutInOrderPerUserOnceItRecovers() {
    List<User> users = List.of(newUser(), newUser(), newUser());
    sidecar.answer(request -> request.json().getString("userId").startsWith(users.get(0).id().toString()) ? 500
        : users.stream().anyMatch(u -> u.id().toString().equals(request.json().getString("userId"))) ? 503 : 204);
    try {
      var expected = new ArrayList<List<String>>();
      for (User user : users) {
        var titles = new ArrayList<String>();
        for (int i = 0; i < 12; i++) {
          titles.add("Task " + i);
          String id = service.create(user.token(), "Task " + i).getString("id");
          if (i % 3 == 0) {
            service.http.post("/api/tasks/" + id + "/complete", user.token(), null);
            titles.add("Task " + i + " completed");
          }
        }
        expected.add(titles);
      }
      assertThat(service.outboxRows()).isGreaterThanOrEqualTo(3 * 16);
      for (User user : users) {
        assertThat(eventsOf(user, Topics.TASK_EVENTS)).isEmpty();
      }

      sidecar.answer(request -> 204);
      for (int u = 0; u < users.size(); u++) {
        List<JsonObject> events = awaitEvents(users.get(u), Topics.TASK_EVENTS, 16);
        assertThat(events).extracting(e -> e.getJsonObject("task").getString("title")
            + (e.getString("type").equals("task.completed.v1") ? " completed" : ""))
            .containsExactlyElementsOf(expected.get(u));
        assertThat(events).extracting(e -> e.getString("eventId")).doesNotHaveDuplicates();
      }
    } finally {
      sidecar.answer(request -> 204);
    }
  }

  @Test
  void withTwoReplicasEachEventIsPublishedOnce() {
    Vertx other = Vertx.vertx();
    try (var replica = TaskServiceFixture.start(other, service.database, sidecar.config(), FAST)) {
      User user = newUser();
      for (int i = 0; i < 20; i++) {
        var fixture = i % 2 == 0 ? service : replica;
        fixture.create(user.token(), "Replica task " + i);
      }
      List<JsonObject> events = awaitEvents(user, Topics.TASK_EVENTS, 20);
      Await.until("the outbox to empty", Duration.ofSeconds(5), () -> service.outboxRows() == 0);
      assertThat(eventsOf(user, Topics.TASK_EVENTS)).hasSize(20);
      assertThat(events).extracting(e -> e.getString("eventId")).doesNotHaveDuplicates();
    }
  }
}
