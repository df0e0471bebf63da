package dev.todochatbot.recurrence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.testing.EventSchemas;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Task events as the task service publishes them for one task of a user of its own, each checked
 * against the published JSON Schema (schemas/events/task-event.v1.schema.json) when it is made, so
 * that what the tests deliver is real.
 */
final class SeriesEvents {

  private SeriesEvents() {}

  /** One task, changed step by step; every step returns the event it publishes. */
  static final class Story {

    final UUID userId = UUID.randomUUID();
    final UUID taskId = UUID.randomUUID();
    /** The first occurrence's id, as the task service numbers series; null for a task that does not repeat. */
    final UUID seriesId;
    private JsonObject task;

    private Story(JsonObject recurrence, int occurrence, String dueAt, String timeZone) {
      seriesId = recurrence == null ? null : occurrence == 1 ? taskId : UUID.randomUUID();
      String time = time(Instant.parse("2026-01-15T08:00:00Z"));
      task = new JsonObject().put("id", taskId.toString()).put("title", "Water the plants").putNull("description")
          .put("status", "open").put("priority", "none").put("tags", new JsonArray()).put("dueAt", dueAt)
          .put("timeZone", timeZone).put("allDay", false).put("createdAt", time).put("updatedAt", time)
          .putNull("completedAt").put("version", 1)
          .put("recurrence", recurrence)
          .put("seriesId", seriesId == null ? null : seriesId.toString())
          .put("occurrence", recurrence == null ? null : occurrence);
    }

    /**
     * Occurrence {@code occurrence} of a series.
     *
     * @param dueAt as the task service writes it: with the offset of the task's zone at that time
     */
    static Story recurring(String rule, String mode, int occurrence, String dueAt, String timeZone) {
      return new Story(new JsonObject().put("rule", rule).put("mode", mode), occurrence, dueAt, timeZone);
    }

    static Story oneOff(String dueAt, String timeZone) {
      return new Story(null, 0, dueAt, timeZone);
    }

    /** A task as events showed it before tasks could repeat: no recurrence, seriesId or occurrence at all. */
    static Story fromBeforeRecurrence(String dueAt, String timeZone) {
      var story = oneOff(dueAt, timeZone);
      story.task.remove("recurrence");
      story.task.remove("seriesId");
      story.task.remove("occurrence");
      return story;
    }

    JsonObject created(Instant at) {
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

    /** Deleted: an open occurrence is skipped, and the series goes on. */
    JsonObject deleted(Instant at) {
      return event("task.deleted.v1", at, null);
    }

    /** Deleted with {@code ?series=stop}: the series ends here. */
    JsonObject deletedStoppingSeries(Instant at) {
      JsonObject event = event("task.deleted.v1", at, null).put("seriesStopped", true);
      return valid(event);
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

  static JsonObject valid(JsonObject event) {
    assertThat(EventSchemas.violations(EventSchemas.TASK_EVENT, event)).as("schema errors of %s", event).isEmpty();
    return event;
  }

  /** The structured CloudEvent daprd delivers for an event published as application/json. */
  static JsonObject envelope(JsonObject data) {
    return new JsonObject()
        .put("id", data.getString("eventId", UUID.randomUUID().toString()))
        .put("source", "task-service")
        .put("type", "com.dapr.event.sent")
        .put("specversion", "1.0")
        .put("datacontenttype", "application/json")
        .put("data", data)
        .put("topic", "task-events")
        .put("pubsubname", "pubsub")
        .put("traceparent", traceparent())
        .put("time", Instant.now().toString());
  }

  static String traceparent() {
    return "00-" + UUID.randomUUID().toString().replace("-", "") + "-0123456789abcdef-01";
  }

  /** Instants as the task service writes them: UTC, microseconds. */
  static String time(Instant at) {
    return at.truncatedTo(ChronoUnit.MICROS).toString();
  }
}
