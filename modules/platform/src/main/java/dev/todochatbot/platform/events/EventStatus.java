package dev.todochatbot.platform.events;

/**
 * A subscriber's answer to one delivered event (DAPR-CONTRACT.md), the same over HTTP ({@code {"status": ...}})
 * and over a gRPC stream ({@code TopicEventResponse.status}): {@code SUCCESS} acknowledges it, {@code RETRY} has
 * the sidecar deliver it again, {@code DROP} sends it to the subscription's dead-letter topic.
 */
public enum EventStatus {
  SUCCESS, RETRY, DROP
}
