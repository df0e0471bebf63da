package dev.todochatbot.tasks;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.todochatbot.platform.recurrence.Recurrence;
import java.io.IOException;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** A task as stored, and its one JSON form (the same in every API and, later, every event). */
public record Task(
    UUID id,
    UUID userId,
    String title,
    String description,
    TaskStatus status,
    Priority priority,
    List<String> tags,
    Instant dueAt,
    String timeZone,
    boolean allDay,
    Instant createdAt,
    Instant updatedAt,
    Instant completedAt,
    int version,
    Recurrence recurrence,
    UUID seriesId,
    Integer occurrence,
    List<Reminder> reminders) {

  public Task {
    tags = List.copyOf(tags);
    reminders = reminders == null ? List.of() : List.copyOf(reminders);
  }

  /** A row selected as {@link TaskSql#COLUMNS}, read by position (looking names up costs per row). */
  static Task fromRow(Row row) {
    String[] tags = row.getArrayOfStrings(6);
    return new Task(
        row.getUUID(0),
        row.getUUID(1),
        row.getString(2),
        row.getString(3),
        TaskStatus.parse(row.getString(4)).orElseThrow(),
        Priority.ofRank(row.getShort(5)),
        tags == null ? List.of() : Arrays.asList(tags),
        instant(row, 7),
        row.getString(8),
        row.getBoolean(9),
        instant(row, 10),
        instant(row, 11),
        instant(row, 12),
        row.getInteger(13),
        row.getString(14) == null ? null : Recurrence.of(row.getString(14), row.getString(15)),
        row.getUUID(16),
        row.getInteger(17),
        Reminder.fromStored(row.getValue(18)));
  }

  private static Instant instant(Row row, int column) {
    var value = row.getOffsetDateTime(column);
    return value == null ? null : value.toInstant();
  }

  /** Equal in everything a person can change (ignores version and timestamps of the change itself). */
  boolean sameContentAs(Task other) {
    return java.util.Objects.equals(title, other.title) && java.util.Objects.equals(description, other.description)
        && status == other.status && priority == other.priority && tags.equals(other.tags)
        && java.util.Objects.equals(dueAt, other.dueAt) && timeZone.equals(other.timeZone) && allDay == other.allDay
        && java.util.Objects.equals(recurrence, other.recurrence) && reminders.equals(other.reminders);
  }

  /** A quoted entity tag for the version, as sent in ETag and accepted in If-Match. */
  public String etag() {
    return "\"" + version + "\"";
  }

  /**
   * The task's one JSON form, written straight to a generator (no intermediate map per task: a page
   * is 50 of them). dueAt is written with the offset of the task's own zone, so that people and
   * clients read the wall-clock time they meant.
   */
  void writeJson(JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeStringField("id", id.toString());
    json.writeStringField("title", title);
    json.writeStringField("description", description);
    json.writeStringField("status", status.json());
    json.writeStringField("priority", priority.json());
    json.writeArrayFieldStart("tags");
    for (String tag : tags) {
      json.writeString(tag);
    }
    json.writeEndArray();
    json.writeStringField("dueAt", dueAt == null ? null : IsoTime.inZone(dueAt, ZoneId.of(timeZone)));
    json.writeStringField("timeZone", timeZone);
    json.writeBooleanField("allDay", allDay);
    json.writeStringField("createdAt", IsoTime.utc(createdAt));
    json.writeStringField("updatedAt", IsoTime.utc(updatedAt));
    json.writeStringField("completedAt", completedAt == null ? null : IsoTime.utc(completedAt));
    json.writeNumberField("version", version);
    if (recurrence == null) {
      json.writeNullField("recurrence");
    } else {
      json.writeObjectFieldStart("recurrence");
      json.writeStringField("rule", recurrence.rule());
      json.writeStringField("mode", recurrence.mode().json());
      json.writeEndObject();
    }
    json.writeStringField("seriesId", seriesId == null ? null : seriesId.toString());
    if (occurrence == null) {
      json.writeNullField("occurrence");
    } else {
      json.writeNumberField("occurrence", occurrence);
    }
    json.writeArrayFieldStart("reminders");
    for (Reminder reminder : reminders) {
      reminder.writeJson(json);
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  /** This task opened or completed at {@code now}: a new version, or this same task if already so. */
  Task withStatus(TaskStatus newStatus, Instant now) {
    if (newStatus == status) {
      return this;
    }
    return new Task(id, userId, title, description, newStatus, priority, tags, dueAt, timeZone, allDay, createdAt,
        now, newStatus == TaskStatus.COMPLETED ? now : null, version + 1, recurrence, seriesId, occurrence, reminders);
  }

  /** This task with {@code newReminders}: a new version, or this same task if they are the same. */
  Task withReminders(List<Reminder> newReminders, Instant now) {
    if (newReminders.equals(reminders)) {
      return this;
    }
    return new Task(id, userId, title, description, status, priority, tags, dueAt, timeZone, allDay, createdAt,
        now, completedAt, version + 1, recurrence, seriesId, occurrence, newReminders);
  }

  /**
   * The next occurrence of this task's series, due at {@code due}: a new open task with the same
   * content, numbered {@code occurrence}.
   */
  Task nextOccurrence(UUID newId, int nextOccurrence, Instant due, Instant now) {
    ZoneId zone = ZoneId.of(timeZone);
    return new Task(newId, userId, title, description, TaskStatus.OPEN, priority, tags, due, timeZone, allDay,
        now, now, null, 1, recurrence, seriesId, nextOccurrence,
        reminders.stream().map(r -> r.forOccurrence(dueAt, due, zone)).toList());
  }

}
