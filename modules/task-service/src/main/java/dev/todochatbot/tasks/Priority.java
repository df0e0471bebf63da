package dev.todochatbot.tasks;

import java.util.Arrays;
import java.util.Optional;

/** How important a task is; stored as its rank so that lists sort by importance. */
public enum Priority {
  NONE, LOW, MEDIUM, HIGH, URGENT;

  public static final String NAMES = "none, low, medium, high, urgent";

  public String json() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public short rank() {
    return (short) ordinal();
  }

  public static Priority ofRank(int rank) {
    return values()[rank];
  }

  public static Optional<Priority> parse(String value) {
    return Arrays.stream(values()).filter(p -> p.json().equals(value)).findFirst();
  }
}
