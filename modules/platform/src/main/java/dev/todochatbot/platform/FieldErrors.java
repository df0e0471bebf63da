package dev.todochatbot.platform;

import dev.todochatbot.platform.Problem.FieldError;
import java.util.ArrayList;
import java.util.List;

/** Collects every problem with an input before answering, so the caller can fix them all at once. */
public final class FieldErrors {

  private final List<FieldError> errors = new ArrayList<>();

  public FieldErrors add(String field, String message) {
    errors.add(new FieldError(field, message));
    return this;
  }

  /** Throws a 422 problem for a request body when anything was collected. */
  public void throwIfInvalidBody() {
    if (!errors.isEmpty()) {
      throw Problem.validation(errors).exception();
    }
  }

  /** Throws a 400 problem for query parameters when anything was collected. */
  public void throwIfInvalidParameters() {
    if (!errors.isEmpty()) {
      throw Problem.invalidParameters(errors).exception();
    }
  }
}
