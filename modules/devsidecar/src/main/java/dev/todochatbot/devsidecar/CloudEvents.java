package dev.todochatbot.devsidecar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The CloudEvents 1.0 envelope daprd wraps published data in (components-contrib
 * {@code pubsub/envelope.go}): JSON data embedded as JSON, {@code application/octet-stream} as
 * {@code data_base64}, anything else as a string; no content type means {@code text/plain}.
 */
final class CloudEvents {

  static final String DEFAULT_TYPE = "com.dapr.event.sent";
  static final String CONTENT_TYPE = "application/cloudevents+json";

  /** Numbers keep their exact digits, as Go's UseNumber decoding does. */
  private static final ObjectMapper JSON = JsonMapper.builder()
      .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
      .build();

  private CloudEvents() {}

  /** The envelope could not be made (a cloudevents+json body that is not a JSON object). */
  static final class InvalidEnvelope extends Exception {
    InvalidEnvelope(String message) {
      super(message);
    }
  }

  /**
   * The envelope for a publish request.
   *
   * @param contentType the request's Content-Type, or null
   * @param metadata the request's {@code metadata.*} query parameters, prefix removed
   * @param traceparent the publish request's span (daprd's, never absent)
   * @param tracestate the request's {@code tracestate}, empty when it had none
   */
  static byte[] envelope(String appId, String pubsub, String topic, String contentType, Buffer body,
      Map<String, String> metadata, String traceparent, String tracestate) throws InvalidEnvelope {
    ObjectNode event;
    boolean passedThrough = contentType != null && mediaType(contentType).equals(CONTENT_TYPE);
    if (passedThrough) {
      JsonNode given = parse(body);
      if (given == null || !given.isObject()) {
        throw new InvalidEnvelope("the body sent as " + CONTENT_TYPE + " is not a JSON object");
      }
      event = (ObjectNode) given;
      if (!event.hasNonNull("source")) {
        event.put("source", "Dapr");
      }
      if (!event.hasNonNull("type")) {
        event.put("type", DEFAULT_TYPE);
      }
      if (!event.hasNonNull("specversion")) {
        event.put("specversion", "1.0");
      }
    } else {
      String dataContentType = contentType == null || contentType.isBlank() ? "text/plain" : contentType;
      event = JSON.createObjectNode();
      event.put("id", override(metadata, "cloudevent.id").orElseGet(() -> UUID.randomUUID().toString()));
      event.put("source", override(metadata, "cloudevent.source").orElse(appId));
      event.put("type", override(metadata, "cloudevent.type").orElse(DEFAULT_TYPE));
      event.put("specversion", "1.0");
      event.put("datacontenttype", dataContentType);
      putData(event, dataContentType, body);
    }
    event.put("topic", topic);
    event.put("pubsubname", pubsub);
    if (!event.hasNonNull("time")) {
      // Go's time.Now().Format(time.RFC3339): this machine's local time and offset ("Z" in UTC)
      event.put("time", OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS)
          .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    }
    if (passedThrough) {
      // components-contrib FromCloudEvent: the span only where the event has no trace of its own, and no
      // metadata overrides at all
      if (!event.has("traceid")) {
        event.put("traceid", traceparent).put("traceparent", traceparent);
      }
      if (!event.has("tracestate")) {
        event.put("tracestate", tracestate);
      }
    } else {
      String parent = override(metadata, "cloudevent.traceparent").or(() -> override(metadata, "cloudevent.traceid"))
          .orElse(traceparent);
      event.put("traceid", parent).put("traceparent", parent);
      event.put("tracestate", override(metadata, "cloudevent.tracestate").orElse(tracestate));
    }
    ttl(metadata).ifPresent(seconds -> event.put("expiration",
        DateTimeFormatter.ISO_INSTANT.format(Instant.now().plusSeconds(seconds).truncatedTo(ChronoUnit.SECONDS))));
    try {
      return JSON.writeValueAsBytes(event);
    } catch (JsonProcessingException e) {
      throw new InvalidEnvelope(e.getMessage());
    }
  }

  /**
   * What the subscriber side makes of a record with {@code rawPayload=true}: a new envelope with a new
   * random id on every delivery and the bytes as {@code data_base64}.
   */
  static byte[] fromRawPayload(byte[] value, String topic, String pubsub) {
    ObjectNode event = JSON.createObjectNode()
        .put("id", UUID.randomUUID().toString())
        .put("specversion", "1.0")
        .put("datacontenttype", "application/octet-stream")
        .put("source", "Dapr")
        .put("type", DEFAULT_TYPE)
        .put("topic", topic)
        .put("pubsubname", pubsub)
        .put("data_base64", Base64.getEncoder().encodeToString(value == null ? new byte[0] : value));
    try {
      return JSON.writeValueAsBytes(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A delivered envelope, or empty when the record is not a JSON object. */
  static Optional<ObjectNode> read(byte[] value) {
    try {
      JsonNode node = value == null ? null : JSON.readTree(value);
      return node != null && node.isObject() ? Optional.of((ObjectNode) node) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static boolean expired(ObjectNode event) {
    String expiration = event.path("expiration").asText("");
    if (expiration.isEmpty()) {
      return false;
    }
    try {
      return Instant.parse(expiration).isBefore(Instant.now());
    } catch (RuntimeException e) {
      return false;
    }
  }

  static String mediaType(String contentType) {
    return contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
  }

  private static void putData(ObjectNode event, String contentType, Buffer body) {
    String media = mediaType(contentType);
    if (media.equals("application/json") || media.endsWith("+json")) {
      JsonNode data = parse(body);
      if (data != null) {
        event.set("data", data);
        return;
      }
    } else if (media.equals("application/octet-stream")) {
      event.put("data_base64", Base64.getEncoder().encodeToString(body.getBytes()));
      return;
    }
    event.put("data", body.toString(StandardCharsets.UTF_8));
  }

  private static JsonNode parse(Buffer body) {
    try {
      return body.length() == 0 ? null : JSON.readTree(body.getBytes());
    } catch (IOException e) {
      return null;
    }
  }

  private static Optional<String> override(Map<String, String> metadata, String key) {
    for (var entry : metadata.entrySet()) {
      if (entry.getKey().equalsIgnoreCase(key) && !entry.getValue().isBlank()) {
        return Optional.of(entry.getValue());
      }
    }
    return Optional.empty();
  }

  private static Optional<Long> ttl(Map<String, String> metadata) {
    return override(metadata, "ttlInSeconds").flatMap(v -> {
      try {
        long seconds = Long.parseLong(v.strip());
        return seconds > 0 ? Optional.of(seconds) : Optional.empty();
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    });
  }
}
