package dev.todochatbot.chat.agent;

import io.vertx.core.json.JsonObject;

/**
 * One thing the agent did through a tool: the tool's name, the arguments it was called with, and
 * what came back. A successful tool's {@code result} is its JSON answer (a task as {@code {task}},
 * tasks found as {@code {items: [task, ...]}}); a refused or failed call's is
 * {@code {error: {message, fields?}}}, where {@code message} says what to change.
 */
public record Action(String tool, JsonObject arguments, JsonObject result) {

  public boolean failed() {
    return result != null && result.containsKey("error");
  }

  public JsonObject toJson() {
    return new JsonObject().put("tool", tool).put("arguments", arguments).put("result", result);
  }

  public static Action fromJson(JsonObject json) {
    return new Action(json.getString("tool"), json.getJsonObject("arguments", new JsonObject()),
        json.getJsonObject("result", new JsonObject()));
  }
}
