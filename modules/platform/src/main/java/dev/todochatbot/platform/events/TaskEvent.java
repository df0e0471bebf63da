package dev.todochatbot.platform.events;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * A task event as it travels on {@link Topics#TASK_EVENTS} (schemas/events/task-event.v1.schema.json).
 * The task snapshot and the changes stay JSON: consumers store or forward them as they are, and
 * reading the fields they need from them is theirs to do.
 *
 * @param changes the altered fields with {@code previous} and {@code current}; null for created and deleted
 */
public record TaskEvent(UUID eventId, TaskEventType type, Instant occurredAt, UUID userId, UUID taskId, Actor actor,
    JsonObject task, JsonObject changes) {

  /** Reads an event, or says precisely why it cannot be one. */
  public static TaskEvent fromJson(JsonObject json) {
    if (json == null) {
      throw new InvalidEventException("malformed", "the event has no JSON object as its data");
    }
    String typeName = string(json, "type");
    TaskEventType type = TaskEventType.parse(typeName).orElseThrow(() -> new InvalidEventException("unknown-type",
        "the event type '" + typeName + "' is not one this version knows"));
    String actorName = string(json, "actor");
    Actor actor = Actor.parse(actorName).orElseThrow(() -> new InvalidEventException("malformed",
        "the actor '" + actorName + "' is not user, assistant, recurrence or system"));
    JsonObject task = object(json, "task");
    if (task == null) {
      throw new InvalidEventException("malformed", "the event has no task snapshot");
    }
    UUID taskId = uuid(json, "taskId");
    if (!taskId.toString().equals(task.getValue("id"))) {
      throw new InvalidEventException("malformed", "taskId " + taskId + " differs from the snapshot's id");
    }
    JsonObject changes = object(json, "changes");
    if (type == TaskEventType.UPDATED && (changes == null || changes.isEmpty())) {
      throw new InvalidEventException("malformed", "an update event must list its changes");
    }
    return new TaskEvent(uuid(json, "eventId"), type, instant(json, "occurredAt"), uuid(json, "userId"), taskId, actor,
        task, changes);
  }

  public JsonObject toJson() {
    var json = new JsonObject()
        .put("eventId", eventId.toString())
        .put("type", type.wireName())
        .put("occurredAt", occurredAt.toString())
        .put("userId", userId.toString())
        .put("taskId", taskId.toString())
        .put("actor", actor.json())
        .put("task", task);
    if (changes != null) {
      json.put("changes", changes);
    }
    return json;
  }

  private static String string(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (!(value instanceof String text) || text.isEmpty()) {
      throw new InvalidEventException("malformed", "the event has no " + field);
    }
    return text;
  }

  private static JsonObject object(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject object)) {
      throw new InvalidEventException("malformed", field + " is not a JSON object");
    }
    return object;
  }

  private static UUID uuid(JsonObject json, String field) {
    String text = string(json, field);
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidEventException("malformed", field + " '" + text + "' is not a UUID");
    }
  }

  private static Instant instant(JsonObject json, String field) {
    String text = string(json, field);
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new InvalidEventException("malformed", field + " '" + text + "' is not an ISO-8601 instant");
    }
  }
}
