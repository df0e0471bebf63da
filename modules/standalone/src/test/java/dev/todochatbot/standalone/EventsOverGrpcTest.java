package dev.todochatbot.standalone;

/**
 * {@link EventsEndToEndTest} as {@code make run} runs it: the events published through the devsidecar's gRPC API
 * ({@code DAPR_API=grpc}: one {@code PublishEvent} per event) and delivered to the subscribers' routes: the same
 * records, each audited exactly once, the broker stopped and restarted midway.
 */
class EventsOverGrpcTest extends EventsEndToEndTest {

  @Override
  String daprApi() {
    return "grpc";
  }
}
