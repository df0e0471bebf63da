package dev.todochatbot.platform.events;

/** An event that can never be processed as it is (malformed, or of a type this consumer does not know). */
public final class InvalidEventException extends RuntimeException {

  private final String reason;

  public InvalidEventException(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  /** A short, fixed label for metrics: {@code malformed}, {@code unknown-type}, ... */
  public String reason() {
    return reason;
  }
}
