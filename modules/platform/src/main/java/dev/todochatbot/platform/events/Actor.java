package dev.todochatbot.platform.events;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Who made a change: the person, the chat assistant on their behalf, the recurrence service, the system. */
public enum Actor {
  USER, ASSISTANT, RECURRENCE, SYSTEM;

  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Actor> parse(String value) {
    return Arrays.stream(values()).filter(a -> a.json().equals(value)).findFirst();
  }
}
