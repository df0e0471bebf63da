package dev.todochatbot.platform;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * Configuration read from environment variables. Every setting has a default that makes the
 * single-process mode ({@code make run}) work untouched; a malformed value stops start-up with a
 * message naming the variable.
 */
public final class Env {

  private final Map<String, String> source;

  public Env(Map<String, String> source) {
    this.source = Map.copyOf(source);
  }

  public static Env system() {
    return new Env(System.getenv());
  }

  /** A copy with some variables replaced, for launchers and tests that set up several services. */
  public Env with(Map<String, String> overrides) {
    var merged = new java.util.HashMap<>(source);
    merged.putAll(overrides);
    return new Env(merged);
  }

  public Optional<String> optional(String name) {
    String value = source.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  public String get(String name, String defaultValue) {
    return optional(name).orElse(defaultValue);
  }

  public int getInt(String name, int defaultValue) {
    return optional(name).map(v -> {
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be a whole number, got '" + v + "'");
      }
    }).orElse(defaultValue);
  }

  /** {@code true} or {@code false}, in any case; anything else is refused rather than read as false. */
  public boolean getBoolean(String name, boolean defaultValue) {
    return optional(name).map(v -> switch (v.toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(name + " must be true or false, got '" + v + "'");
    }).orElse(defaultValue);
  }

  /** ISO-8601 durations ({@code PT15M}) or a plain number of seconds. */
  public Duration getDuration(String name, Duration defaultValue) {
    return optional(name).map(v -> {
      try {
        return v.chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(v)) : Duration.parse(v);
      } catch (DateTimeParseException | NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be seconds or an ISO-8601 duration such as PT15M, got '" + v + "'");
      }
    }).orElse(defaultValue);
  }
}
