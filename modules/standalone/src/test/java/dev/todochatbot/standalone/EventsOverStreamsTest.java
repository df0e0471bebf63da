package dev.todochatbot.standalone;

/**
 * {@link EventsOverGrpcTest} with the subscribers receiving over streaming subscriptions
 * ({@code DAPR_SUBSCRIBE=stream}: {@code SubscribeTopicEventsAlpha1} to the devsidecar) instead of being called on
 * their routes.
 */
class EventsOverStreamsTest extends EventsOverGrpcTest {

  @Override
  String subscribe() {
    return "stream";
  }
}
