package dev.todochatbot.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.daprd.Daprd;
import dev.todochatbot.platform.Observability;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link EventsOnDaprdTest} as the system runs by default: events published on real daprd's gRPC API
 * ({@code DAPR_API=grpc}, {@code PublishEvent}) and delivered to the subscribers' routes. Every task operation reaches
 * the audit trail exactly once, the broker stopped and restarted midway (daprd's publish circuit breaker then answers
 * the gRPC call as it does the HTTP one, and the outbox waits), the audit service restarted, and its own daprd killed
 * and started again.
 */
class EventsOnDaprdOverGrpcTest extends EventsOnDaprdTest {

  @Override
  String daprApi() {
    return "grpc";
  }

  /**
   * The audit service's daprd is killed (SIGKILL, as a crash) while changes go on, and started again on the same
   * ports: its subscription (over a stream: the stream, which reconnects by itself) comes back, and every operation is
   * then in the trail once, in order per task.
   */
  @Test
  void whenTheAuditServicesDaprdIsKilledAndStartedAgainItsStreamReconnectsAndNothingIsLostOrReordered() {
    Daprd daprd = ((AppSidecar.Real) running.sidecar(Main.AUDIT_SERVICE)).daprd();
    double reconnectsBefore = reconnects();
    List<User> users = List.of(signUp(), signUp(), signUp());
    Map<String, List<String>> expected = new LinkedHashMap<>();
    Map<String, User> owners = new HashMap<>();
    for (int round = 0; round < 3; round++) {
      if (round == 1) {
        daprd.kill();
      }
      if (round == 2) {
        daprd.restart();
        daprd.awaitReady(PATIENCE);
      }
      for (int i = 0; i < 12; i++) {
        User user = users.get(i % users.size());
        String taskId = create(user, "round " + round + " task " + i);
        owners.put(taskId, user);
        var types = new ArrayList<>(List.of("task.created.v1"));
        assertThat(http.patch("/api/tasks/" + taskId, user.token(), new JsonObject().put("priority", "high")).status())
            .isEqualTo(200);
        types.add("task.updated.v1");
        assertThat(http.post("/api/tasks/" + taskId + "/complete", user.token(), null).status()).isEqualTo(200);
        types.add("task.completed.v1");
        expected.put(taskId, types);
      }
    }
    for (var entry : expected.entrySet()) {
      List<JsonObject> history = awaitHistory(owners.get(entry.getKey()), entry.getKey(), entry.getValue().size());
      assertThat(history).as("history of %s", entry.getKey()).extracting(e -> e.getString("type"))
          .containsExactlyElementsOf(entry.getValue());
      assertThat(history).extracting(e -> e.getString("eventId")).doesNotHaveDuplicates();
    }
    if ("stream".equals(subscribe())) {
      assertThat(reconnects()).as("the audit service's stream was opened again").isGreaterThan(reconnectsBefore);
    }
  }

  private static double reconnects() {
    Counter counter = Observability.registry().find("audit.event.streams.reconnects").counter();
    return counter == null ? 0 : counter.count();
  }
}
