package dev.todochatbot.notification;

import dev.todochatbot.platform.events.InvalidEventException;
import dev.todochatbot.platform.events.TaskEvent;
import dev.todochatbot.platform.events.TaskEventType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;

/**
 * What a task event says about the task's reminders: the ones it has after the change
 * ({@code task.reminders[]}: id and at; {@code before} and {@code time} only explain how the task
 * service computed at), and whether they may fire (the task is open and not deleted).
 *
 * @param dueAt the task's due time, null when it has none
 * @param armed the task is open and not deleted, so its reminders are to fire
 */
record TaskReminders(UUID eventId, Instant occurredAt, UUID userId, UUID taskId, String title, Instant dueAt,
    boolean armed, List<Wanted> reminders) {

  /** A reminder at an instant: one row of the projection. */
  record Wanted(UUID id, Instant at) {}

  /** Reads the reminders of {@code event}'s snapshot, or says why they cannot be read. */
  static TaskReminders of(TaskEvent event) {
    JsonObject task = event.task();
    if (!(task.getValue("title") instanceof String title)) {
      throw malformed("the task snapshot has no title");
    }
    Object due = task.getValue("dueAt");
    Instant dueAt = due == null ? null : instant(due, "task.dueAt");
    boolean armed = event.type() != TaskEventType.DELETED && "open".equals(task.getValue("status"));
    return new TaskReminders(event.eventId(), event.occurredAt(), event.userId(), event.taskId(), title, dueAt, armed,
        reminders(task.getValue("reminders")));
  }

  /** Absent (events from before reminders) or null: none. The same (id, at) twice is one row. */
  private static List<Wanted> reminders(Object value) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw malformed("task.reminders is not an array");
    }
    var wanted = new LinkedHashSet<Wanted>();
    for (int i = 0; i < array.size(); i++) {
      String where = "task.reminders[" + i + "]";
      if (!(array.getValue(i) instanceof JsonObject reminder)) {
        throw malformed(where + " is not an object");
      }
      UUID id;
      try {
        id = reminder.getValue("id") instanceof String text ? UUID.fromString(text) : null;
      } catch (IllegalArgumentException e) {
        id = null;
      }
      if (id == null) {
        throw malformed(where + ".id is not a UUID");
      }
      wanted.add(new Wanted(id, instant(reminder.getValue("at"), where + ".at")));
    }
    return List.copyOf(wanted);
  }

  private static Instant instant(Object value, String where) {
    if (value instanceof String text) {
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        // said below
      }
    }
    throw malformed(where + " is not an instant such as 2026-12-01T16:30:00Z");
  }

  private static InvalidEventException malformed(String why) {
    return new InvalidEventException("malformed", why);
  }
}
