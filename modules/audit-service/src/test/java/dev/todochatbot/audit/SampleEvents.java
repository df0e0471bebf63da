package dev.todochatbot.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.InputFormat;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Task events as the task service publishes them, each checked against the published JSON Schema
 * (schemas/events/task-event.v1.schema.json) when it is made, so that what the tests deliver is real.
 */
final class SampleEvents {

  static final Path SCHEMA_FILE = Path.of("../../schemas/events/task-event.v1.schema.json");
  private static final JsonSchema SCHEMA = loadSchema();

  private SampleEvents() {}

  private static JsonSchema loadSchema() {
    try {
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(Files.readString(SCHEMA_FILE),
          SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + SCHEMA_FILE.toAbsolutePath(), e);
    }
  }

  static JsonObject valid(JsonObject event) {
    assertThat(SCHEMA.validate(event.encode(), InputFormat.JSON)).as("schema errors of %s", event).isEmpty();
    return event;
  }

  /** One task of one user, changed step by step; every step returns the event it publishes. */
  static final class Story {

    final UUID userId;
    final UUID taskId = UUID.randomUUID();
    private JsonObject task;

    Story(UUID userId) {
      this.userId = userId;
    }

    JsonObject created(String title, Instant at) {
      String time = time(at);
      task = new JsonObject().put("id", taskId.toString()).put("title", title).putNull("description")
          .put("status", "open").put("priority", "none").put("tags", new JsonArray()).putNull("dueAt")
          .put("timeZone", "UTC").put("allDay", false).put("createdAt", time).put("updatedAt", time)
          .putNull("completedAt").put("version", 1);
      return event("task.created.v1", at, null);
    }

    JsonObject renamed(String title, Instant at) {
      return change("task.updated.v1", at, "title", title);
    }

    JsonObject completed(Instant at) {
      return change("task.completed.v1", at, "status", "completed", "completedAt", time(at));
    }

    JsonObject reopened(Instant at) {
      return change("task.reopened.v1", at, "status", "open", "completedAt", null);
    }

    JsonObject deleted(Instant at) {
      return event("task.deleted.v1", at, null);
    }

    /** {@code fieldsAndValues}: field, new value, field, new value... */
    private JsonObject change(String type, Instant at, Object... fieldsAndValues) {
      var changes = new JsonObject();
      task = task.copy().put("updatedAt", time(at)).put("version", task.getInteger("version") + 1);
      for (int i = 0; i < fieldsAndValues.length; i += 2) {
        String field = (String) fieldsAndValues[i];
        changes.put(field, new JsonObject().put("previous", task.getValue(field)).put("current", fieldsAndValues[i + 1]));
        task.put(field, fieldsAndValues[i + 1]);
      }
      return event(type, at, changes);
    }

    private JsonObject event(String type, Instant at, JsonObject changes) {
      var event = new JsonObject().put("eventId", UUID.randomUUID().toString()).put("type", type)
          .put("occurredAt", time(at)).put("userId", userId.toString()).put("taskId", taskId.toString())
          .put("actor", "user").put("task", task.copy());
      if (changes != null) {
        event.put("changes", changes);
      }
      return valid(event);
    }
  }

  /** The structured CloudEvent daprd delivers for an event published as application/json. */
  static JsonObject envelope(JsonObject data) {
    String trace = "00-" + UUID.randomUUID().toString().replace("-", "") + "-" + "0123456789abcdef" + "-01";
    return new JsonObject()
        .put("id", data.getString("eventId", UUID.randomUUID().toString()))
        .put("source", "task-service")
        .put("type", "com.dapr.event.sent")
        .put("specversion", "1.0")
        .put("datacontenttype", "application/json")
        .put("data", data)
        .put("topic", "task-events")
        .put("pubsubname", "pubsub")
        .put("traceid", trace)
        .put("traceparent", trace)
        .put("tracestate", "")
        .put("time", Instant.now().toString());
  }

  /** Instants as the task service writes them: UTC, microseconds. */
  static String time(Instant at) {
    return at.truncatedTo(ChronoUnit.MICROS).toString();
  }
}
