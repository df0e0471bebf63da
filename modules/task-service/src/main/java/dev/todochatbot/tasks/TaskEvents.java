package dev.todochatbot.tasks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.todochatbot.platform.events.Actor;
import dev.todochatbot.platform.events.TaskEventType;
import dev.todochatbot.platform.recurrence.Recurrence;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.UUID;

/**
 * The event a task change publishes (schemas/events/task-event.v1.schema.json), written in the same
 * statement as the change. The snapshot is the task's one JSON form ({@link Task#writeJson}).
 */
final class TaskEvents {

  private static final JsonFactory FACTORY = new JsonFactory();

  /** One event, ready for the outbox. */
  record Pending(UUID eventId, TaskEventType type, String payload) {}

  private TaskEvents() {}

  static Pending created(Task task, Actor actor) {
    return write(TaskEventType.CREATED, task.createdAt(), actor, task, null);
  }

  /** The change from {@code previous} to {@code next}: completed, reopened or updated. */
  static Pending changed(Task previous, Task next, Actor actor) {
    TaskEventType type = previous.status() == next.status() ? TaskEventType.UPDATED
        : next.status() == TaskStatus.COMPLETED ? TaskEventType.COMPLETED : TaskEventType.REOPENED;
    return write(type, next.updatedAt(), actor, next, previous);
  }

  /** {@code seriesStopped}: deleted with {@code ?series=stop}, so no next occurrence follows. */
  static Pending deleted(Task last, Instant at, Actor actor, boolean seriesStopped) {
    return write(TaskEventType.DELETED, at, actor, last, null, seriesStopped);
  }

  private static Pending write(TaskEventType type, Instant occurredAt, Actor actor, Task task, Task previous) {
    return write(type, occurredAt, actor, task, previous, false);
  }

  private static Pending write(TaskEventType type, Instant occurredAt, Actor actor, Task task, Task previous,
      boolean seriesStopped) {
    UUID eventId = UUID.randomUUID();
    var out = new StringWriter(640);
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("eventId", eventId.toString());
      json.writeStringField("type", type.wireName());
      json.writeStringField("occurredAt", IsoTime.utc(occurredAt));
      json.writeStringField("userId", task.userId().toString());
      json.writeStringField("taskId", task.id().toString());
      json.writeStringField("actor", actor.json());
      json.writeFieldName("task");
      task.writeJson(json);
      if (previous != null) {
        writeChanges(json, previous, task);
      }
      if (seriesStopped) {
        json.writeBooleanField("seriesStopped", true);
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("could not write a task event", e);
    }
    return new Pending(eventId, type, out.toString());
  }

  /** Each field a person can change that differs, as {@code {"previous": ..., "current": ...}}. */
  private static void writeChanges(JsonGenerator json, Task before, Task after) throws IOException {
    json.writeObjectFieldStart("changes");
    change(json, "title", before.title(), after.title());
    change(json, "description", before.description(), after.description());
    change(json, "status", before.status().json(), after.status().json());
    change(json, "priority", before.priority().json(), after.priority().json());
    if (!before.tags().equals(after.tags())) {
      json.writeObjectFieldStart("tags");
      json.writeFieldName("previous");
      json.writeArray(before.tags().toArray(String[]::new), 0, before.tags().size());
      json.writeFieldName("current");
      json.writeArray(after.tags().toArray(String[]::new), 0, after.tags().size());
      json.writeEndObject();
    }
    change(json, "dueAt", dueAt(before), dueAt(after));
    change(json, "timeZone", before.timeZone(), after.timeZone());
    if (before.allDay() != after.allDay()) {
      json.writeObjectFieldStart("allDay");
      json.writeBooleanField("previous", before.allDay());
      json.writeBooleanField("current", after.allDay());
      json.writeEndObject();
    }
    change(json, "completedAt", utc(before.completedAt()), utc(after.completedAt()));
    if (!before.reminders().equals(after.reminders())) {
      json.writeObjectFieldStart("reminders");
      json.writeFieldName("previous");
      writeReminders(json, before);
      json.writeFieldName("current");
      writeReminders(json, after);
      json.writeEndObject();
    }
    if (!Objects.equals(before.recurrence(), after.recurrence())) {
      json.writeObjectFieldStart("recurrence");
      writeRecurrence(json, "previous", before.recurrence());
      writeRecurrence(json, "current", after.recurrence());
      json.writeEndObject();
    }
    json.writeEndObject();
  }

  private static void writeReminders(JsonGenerator json, Task task) throws IOException {
    json.writeStartArray();
    for (Reminder reminder : task.reminders()) {
      reminder.writeJson(json);
    }
    json.writeEndArray();
  }

  private static void writeRecurrence(JsonGenerator json, String field, Recurrence recurrence) throws IOException {
    if (recurrence == null) {
      json.writeNullField(field);
    } else {
      json.writeObjectFieldStart(field);
      json.writeStringField("rule", recurrence.rule());
      json.writeStringField("mode", recurrence.mode().json());
      json.writeEndObject();
    }
  }

  private static void change(JsonGenerator json, String field, String previous, String current) throws IOException {
    if (!Objects.equals(previous, current)) {
      json.writeObjectFieldStart(field);
      json.writeStringField("previous", previous);
      json.writeStringField("current", current);
      json.writeEndObject();
    }
  }

  private static String dueAt(Task task) {
    return task.dueAt() == null ? null : IsoTime.inZone(task.dueAt(), ZoneId.of(task.timeZone()));
  }

  private static String utc(Instant instant) {
    return instant == null ? null : IsoTime.utc(instant);
  }
}
