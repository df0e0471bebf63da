package dev.todochatbot.chat.tools;

import io.vertx.core.json.JsonObject;

/**
 * What a tool call gave: the tool's JSON answer, or an error that says what to change. An error is an
 * answer too (the model, or the person, can act on it), never an exception: {@code json} is then
 * {@code {error: {message, fields?: {name: reason}}}}.
 */
public record ToolOutcome(boolean isError, JsonObject json) {

  public static ToolOutcome ok(JsonObject result) {
    return new ToolOutcome(false, result);
  }

  public static ToolOutcome error(String message) {
    return new ToolOutcome(true, new JsonObject().put("error", new JsonObject().put("message", message)));
  }

  public static ToolOutcome error(String message, JsonObject fields) {
    var error = new JsonObject().put("message", message);
    if (fields != null && !fields.isEmpty()) {
      error.put("fields", fields);
    }
    return new ToolOutcome(true, new JsonObject().put("error", error));
  }

  /** The error's message; null when the call succeeded. */
  public String errorMessage() {
    return isError ? json.getJsonObject("error").getString("message") : null;
  }
}
