package dev.todochatbot.chat.agent;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One message of a conversation as stored: what the person said ({@link Role#USER}) or what the
 * agent answered ({@link Role#ASSISTANT}, with the tool actions it took on the way). The history an
 * agent reads is a list of these, oldest first.
 */
public record ChatMessage(UUID id, Role role, String content, List<Action> actions, Instant createdAt) {

  public enum Role {
    USER, ASSISTANT;

    public String json() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Role parse(String value) {
      return valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }
  }

  public ChatMessage {
    actions = List.copyOf(actions);
  }

  public static ChatMessage user(String content, Instant at) {
    return new ChatMessage(UUID.randomUUID(), Role.USER, content, List.of(), at);
  }

  public static ChatMessage assistant(String content, List<Action> actions, Instant at) {
    return new ChatMessage(UUID.randomUUID(), Role.ASSISTANT, content, actions, at);
  }

  public JsonObject toJson() {
    var array = new JsonArray();
    actions.forEach(a -> array.add(a.toJson()));
    return new JsonObject().put("id", id.toString()).put("role", role.json()).put("content", content)
        .put("actions", array).put("createdAt", createdAt.toString());
  }

  public static List<Action> actionsFromJson(JsonArray array) {
    var list = new ArrayList<Action>(array == null ? 0 : array.size());
    if (array != null) {
      for (int i = 0; i < array.size(); i++) {
        list.add(Action.fromJson(array.getJsonObject(i)));
      }
    }
    return list;
  }
}
