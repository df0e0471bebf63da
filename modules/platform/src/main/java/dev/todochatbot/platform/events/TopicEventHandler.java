package dev.todochatbot.platform.events;

import io.vertx.core.Future;

/**
 * What a subscriber does with one event, whichever way its sidecar delivered it (an HTTP POST or a message
 * on a gRPC stream): the envelope is read once, before this is called, and the answer is the status.
 */
@FunctionalInterface
public interface TopicEventHandler {

  Future<EventStatus> handle(CloudEvent event);
}
