package dev.todochatbot.platform.events;

import java.util.Arrays;
import java.util.Optional;

/** The facts a task change can be, as named on the wire (versioned: a new shape is a new type). */
public enum TaskEventType {
  CREATED("task.created.v1"),
  UPDATED("task.updated.v1"),
  COMPLETED("task.completed.v1"),
  REOPENED("task.reopened.v1"),
  DELETED("task.deleted.v1");

  private final String wireName;

  TaskEventType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<TaskEventType> parse(String wireName) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(wireName)).findFirst();
  }
}
