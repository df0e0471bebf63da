package dev.todochatbot.tasks;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
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
    int version) {

  public Task {
    tags = List.copyOf(tags);
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
        row.getInteger(13));
  }

  private static Instant instant(Row row, int column) {
    var value = row.getOffsetDateTime(column);
    return value == null ? null : value.toInstant();
  }

  /** Equal in everything a person can change (ignores version and timestamps of the change itself). */
  boolean sameContentAs(Task other) {
    return java.util.Objects.equals(title, other.title) && java.util.Objects.equals(description, other.description)
        && status == other.status && priority == other.priority && tags.equals(other.tags)
        && java.util.Objects.equals(dueAt, other.dueAt) && timeZone.equals(other.timeZone) && allDay == other.allDay;
  }

  /** A quoted entity tag for the version, as sent in ETag and accepted in If-Match. */
  public String etag() {
    return "\"" + version + "\"";
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("title", title)
        .put("description", description)
        .put("status", status.json())
        .put("priority", priority.json())
        .put("tags", new JsonArray(tags))
        // in the task's own zone, so that people and clients read the wall-clock time they meant
        .put("dueAt", dueAt == null ? null
            : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(dueAt.atZone(ZoneId.of(timeZone)).toOffsetDateTime()))
        .put("timeZone", timeZone)
        .put("allDay", allDay)
        .put("createdAt", createdAt.toString())
        .put("updatedAt", updatedAt.toString())
        .put("completedAt", completedAt == null ? null : completedAt.toString())
        .put("version", version);
  }
}
