package dev.todochatbot.standalone;

/**
 * {@link EventsOnDaprdTest} with the events published through real daprd's gRPC API ({@code DAPR_API=grpc}): every
 * task operation reaches the audit trail exactly once, the broker stopped and restarted midway (daprd's publish
 * circuit breaker then answers the gRPC call as it does the HTTP one, and the outbox waits).
 */
class EventsOnDaprdOverGrpcTest extends EventsOnDaprdTest {

  @Override
  String daprApi() {
    return "grpc";
  }
}
