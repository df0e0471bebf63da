package dev.todochatbot.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.testing.EventSchemas;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Task events with reminders as the task service publishes them, for one task of one user, each
 * checked against the published JSON Schema (schemas/events/task-event.v1.schema.json) when it is
 * made, so that what the tests deliver is real.
 */
final class ReminderEvents {

  private ReminderEvents() {}

  static JsonObject valid(JsonObject event) {
    assertThat(EventSchemas.violations(EventSchemas.TASK_EVENT, event)).as("schema errors of %s", event).isEmpty();
    return event;
  }

  /** One task, changed step by step; every step returns the event it publishes, each newer than the last. */
  static final class Story {

    final UUID userId;
    final UUID taskId = UUID.randomUUID();
    /** The reminders' ids, in the order they were given. */
    final List<UUID> reminderIds = new ArrayList<>();
    private JsonObject task;
    private Instant clock = Instant.now().truncatedTo(ChronoUnit.MICROS);

    Story(UUID userId) {
      this.userId = userId;
    }

    /** A new open task with a reminder at each of {@code reminderAts}. */
    JsonObject created(String title, Instant dueAt, Instant... reminderAts) {
      String time = time(tick());
      var reminders = new JsonArray();
      for (Instant at : reminderAts) {
        UUID id = UUID.randomUUID();
        reminderIds.add(id);
        reminders.add(reminder(id, at));
      }
      task = new JsonObject().put("id", taskId.toString()).put("title", title).putNull("description")
          .put("status", "open").put("priority", "none").put("tags", new JsonArray())
          .put("dueAt", dueAt == null ? null : time(dueAt)).put("timeZone", "Europe/Berlin").put("allDay", false)
          .put("createdAt", time).put("updatedAt", time).putNull("completedAt").put("version", 1)
          .putNull("recurrence").putNull("seriesId").putNull("occurrence")
          .put("reminders", reminders);
      return event("task.created.v1", null);
    }

    /** A task as events showed it before tasks had reminders: no reminders field at all. */
    JsonObject createdBeforeReminders(String title) {
      JsonObject event = created(title, null);
      task.remove("reminders");
      event.getJsonObject("task").remove("reminders");
      return valid(event);
    }

    /** Reminder {@code index} moved to {@code at}, same id (a snooze, or its due time moved). */
    JsonObject snoozed(int index, Instant at) {
      JsonArray reminders = task.getJsonArray("reminders").copy();
      reminders.set(index, reminder(reminderIds.get(index), at));
      return change("task.updated.v1", "reminders", reminders);
    }

    /** Another reminder, at {@code at}. */
    JsonObject reminderAdded(Instant at) {
      UUID id = UUID.randomUUID();
      reminderIds.add(id);
      return change("task.updated.v1", "reminders", task.getJsonArray("reminders").copy().add(reminder(id, at)));
    }

    JsonObject renamed(String title) {
      return change("task.updated.v1", "title", title);
    }

    JsonObject completed() {
      Instant at = tick();
      return change(at, "task.completed.v1", "status", "completed", "completedAt", time(at));
    }

    JsonObject reopened() {
      return change("task.reopened.v1", "status", "open", "completedAt", null);
    }

    JsonObject deleted() {
      tick();
      return event("task.deleted.v1", null);
    }

    private JsonObject change(String type, Object... fieldsAndValues) {
      return change(tick(), type, fieldsAndValues);
    }

    /** {@code fieldsAndValues}: field, new value, field, new value... */
    private JsonObject change(Instant at, String type, Object... fieldsAndValues) {
      var changes = new JsonObject();
      task = task.copy().put("updatedAt", time(at)).put("version", task.getInteger("version") + 1);
      for (int i = 0; i < fieldsAndValues.length; i += 2) {
        String field = (String) fieldsAndValues[i];
        changes.put(field, new JsonObject().put("previous", task.getValue(field)).put("current", fieldsAndValues[i + 1]));
        task.put(field, fieldsAndValues[i + 1]);
      }
      return event(type, changes);
    }

    private JsonObject event(String type, JsonObject changes) {
      var event = new JsonObject().put("eventId", UUID.randomUUID().toString()).put("type", type)
          .put("occurredAt", time(clock)).put("userId", userId.toString()).put("taskId", taskId.toString())
          .put("actor", "user").put("task", task.copy());
      if (changes != null) {
        event.put("changes", changes);
      }
      return valid(event);
    }

    /** The next instant of this story: now, or a microsecond after the last step if that is later. */
    private Instant tick() {
      Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
      clock = now.isAfter(clock) ? now : clock.plus(1, ChronoUnit.MICROS);
      return clock;
    }

    /** As the task service writes a reminder: the computed instant, and how it was given (here: as an instant). */
    private static JsonObject reminder(UUID id, Instant at) {
      return new JsonObject().put("id", id.toString()).put("at", time(at)).putNull("before").putNull("time");
    }
  }

  /** The structured CloudEvent daprd delivers for an event published as application/json. */
  static JsonObject envelope(JsonObject data) {
    String trace = "00-" + UUID.randomUUID().toString().replace("-", "") + "-0123456789abcdef-01";
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
