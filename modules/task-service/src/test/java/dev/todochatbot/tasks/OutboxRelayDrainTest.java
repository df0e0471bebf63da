package dev.todochatbot.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.Drain;
import dev.todochatbot.platform.events.Topics;
import dev.todochatbot.platform.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A draining task service stops relaying the outbox after its current step: the publish under way is
 * acknowledged and its row deleted, the rest stays in the table, and another replica publishes it, in
 * order, without waiting for the first one to exit.
 */
class OutboxRelayDrainTest {

  private Vertx sidecarVertx;
  private RecordingSidecar sidecar;
  private TaskServiceFixture service;

  @BeforeEach
  void start() {
    sidecarVertx = Vertx.vertx();
    sidecar = new RecordingSidecar(sidecarVertx);
    service = TaskServiceFixture.start("outboxdrain", sidecar.config(), OutboxRelayTest.FAST);
  }

  @AfterEach
  void stop() {
    service.close();
    sidecar.close();
    Await.result(sidecarVertx.close());
  }

  @Test
  void thePublishUnderWayCompletesTheRestWaitsForAnotherReplica() {
    Promise<Void> broker = Promise.promise();
    sidecar.holdUntil(broker.future());
    String token = service.newUser();
    String first = service.create(token, "first").getString("id");
    Await.until("the first event to reach the sidecar", Duration.ofSeconds(10), () -> !sidecar.arrived.isEmpty());
    service.create(token, "second");
    service.create(token, "third");

    Future<Void> drained = Drain.of(service.vertx).start(new Drain.Settings(Duration.ZERO, Duration.ofSeconds(20)));
    broker.complete();
    Await.result(drained);

    assertThat(taskIds(sidecar.published(Topics.TASK_EVENTS))).as("published by the draining replica")
        .containsExactly(first);
    assertThat(service.outboxRows()).as("the acknowledged row is deleted, the others wait").isEqualTo(2);

    sidecar.holdUntil(Future.succeededFuture());
    try (var replica = TaskServiceFixture.start(Vertx.vertx(), service.database, sidecar.config(), OutboxRelayTest.FAST)) {
      Await.until("the other replica to publish what was left", Duration.ofSeconds(10),
          () -> sidecar.published(Topics.TASK_EVENTS).size() == 3 && service.outboxRows() == 0);
    }
    assertThat(sidecar.published(Topics.TASK_EVENTS)).extracting(request -> request.json().getJsonObject("task")
        .getString("title")).containsExactly("first", "second", "third");
  }

  private static List<String> taskIds(List<RecordingSidecar.Request> requests) {
    return requests.stream().map(RecordingSidecar.Request::json).map(event -> event.getString("taskId")).toList();
  }
}
