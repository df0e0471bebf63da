package dev.todochatbot.standalone;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * {@link EventsOnDaprdOverGrpcTest} with the subscribers on streaming subscriptions to real daprd
 * ({@code DAPR_SUBSCRIBE=stream}, {@code SubscribeTopicEventsAlpha1}): every operation audited once with the broker
 * stopped midway, and with the audit service's daprd killed and started again (its stream reconnects by itself).
 *
 * <p>Not here: the audit service itself stopping while events flow. On daprd 1.16.5 that is why streams are not the
 * default (README, "Receiving events"): the events the sidecar had sent on the stream and not had answered stay in
 * the pubsub's inbound retry policy against the connection that is gone
 * ({@code pkg/runtime/subscription/subscription.go}: the policy runs on {@code context.Background()}), and
 * {@code StopStreamerSubscription} waits for them under the subscriber's lock, which every new stream needs. Seen
 * here: 4,077 of 4,100 acknowledged writes not in the trail 60 s after the restart, the new stream unconfirmed;
 * events in flight dead-lettered once the retries (about six minutes) ran out.
 */
class EventsOnDaprdOverStreamsTest extends EventsOnDaprdOverGrpcTest {

  private static final String DAPRD_1_16_STALLS = "daprd 1.16.5 holds a restarted subscriber's new stream while the "
      + "old stream's unanswered events retry (class comment; README, Receiving events)";

  @Override
  String subscribe() {
    return "stream";
  }

  @Test
  @Disabled(DAPRD_1_16_STALLS)
  @Override
  void everyOperationIsAuditedExactlyOnceInOrderPerTaskAcrossAnAuditServiceRestart() {
  }

  @Test
  @Disabled(DAPRD_1_16_STALLS)
  @Override
  void stoppingTheAuditServiceWhileWritesGoOnLosesNoEventAndDelaysNone() {
  }
}
