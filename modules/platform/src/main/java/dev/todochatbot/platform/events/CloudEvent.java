package dev.todochatbot.platform.events;

import io.dapr.v1.DaprAppCallbackProtos.TopicEventRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Base64;

/**
 * The CloudEvents 1.0 envelope a Dapr sidecar delivers ({@code application/cloudevents+json}). Only
 * what consumers use is kept; {@code data} is decoded whether it came as JSON, as a JSON string, or
 * base64 ({@code data_base64}).
 *
 * @param traceparent the W3C trace context the publisher's sidecar gave the event, or null
 * @param tracestate its companion, or null
 * @param data the payload as a JSON object, or null when it is not one
 */
public record CloudEvent(String id, String source, String type, String topic, String pubsubName, String traceparent,
    String tracestate, JsonObject data) {

  /** Reads an envelope; throws {@link InvalidEventException} when the body is not one. */
  public static CloudEvent parse(Buffer body) {
    JsonObject envelope;
    try {
      envelope = body == null || body.length() == 0 ? null : new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw new InvalidEventException("malformed", "the body is not a JSON CloudEvent envelope");
    }
    if (envelope == null) {
      throw new InvalidEventException("malformed", "the body is empty");
    }
    return new CloudEvent(envelope.getString("id"), envelope.getString("source"), envelope.getString("type"),
        envelope.getString("topic"), envelope.getString("pubsubname"), text(envelope.getValue("traceparent")),
        text(envelope.getValue("tracestate")), data(envelope));
  }

  /**
   * Reads the envelope daprd sends on a gRPC stream ({@code TopicEventRequest}): the cloud event's fields, and
   * its {@code data} as the bytes of its JSON (daprd marshals a JSON {@code data} so, and decodes
   * {@code data_base64}); throws {@link InvalidEventException} when those bytes are not a JSON object.
   */
  public static CloudEvent of(TopicEventRequest event) {
    JsonObject data = null;
    if (!event.getData().isEmpty()) {
      try {
        data = new JsonObject(Buffer.buffer(event.getData().toByteArray()));
      } catch (DecodeException | ClassCastException e) {
        throw new InvalidEventException("malformed", "the envelope's data is not a JSON object");
      }
    }
    var extensions = event.getExtensions().getFieldsMap();
    return new CloudEvent(event.getId(), event.getSource(), event.getType(), event.getTopic(), event.getPubsubName(),
        extension(extensions.get("traceparent")), extension(extensions.get("tracestate")), data);
  }

  private static String extension(com.google.protobuf.Value value) {
    return value != null && value.hasStringValue() && !value.getStringValue().isEmpty() ? value.getStringValue() : null;
  }

  private static String text(Object value) {
    return value instanceof String s && !s.isEmpty() ? s : null;
  }

  private static JsonObject data(JsonObject envelope) {
    Object data = envelope.getValue("data");
    try {
      if (data instanceof JsonObject object) {
        return object;
      }
      if (data instanceof String text) {
        return new JsonObject(text);
      }
      String base64 = envelope.getString("data_base64");
      if (data == null && base64 != null) {
        return new JsonObject(Buffer.buffer(Base64.getDecoder().decode(base64)));
      }
    } catch (DecodeException | ClassCastException | IllegalArgumentException e) {
      throw new InvalidEventException("malformed", "the envelope's data is not a JSON object");
    }
    return null;
  }
}
