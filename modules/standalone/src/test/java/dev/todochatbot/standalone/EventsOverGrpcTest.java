package dev.todochatbot.standalone;

/**
 * {@link EventsEndToEndTest} with the events published through the devsidecar's gRPC API ({@code DAPR_API=grpc}:
 * one {@code PublishEvent} per event) instead of its HTTP API: the same records, each audited exactly once, the
 * broker stopped and restarted midway.
 */
class EventsOverGrpcTest extends EventsEndToEndTest {

  @Override
  String daprApi() {
    return "grpc";
  }
}
