package dev.todochatbot.tasks;

import java.util.Optional;

public enum TaskStatus {
  OPEN, COMPLETED;

  public String json() {
    return this == OPEN ? "open" : "completed";
  }

  public static Optional<TaskStatus> parse(String value) {
    return switch (value) {
      case "open" -> Optional.of(OPEN);
      case "completed" -> Optional.of(COMPLETED);
      default -> Optional.empty();
    };
  }
}
