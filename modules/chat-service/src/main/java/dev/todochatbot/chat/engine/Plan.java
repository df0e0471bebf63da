package dev.todochatbot.chat.engine;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What the interpreter understood a message to ask for, before any tool is called. Every plan writes
 * itself as JSON ({@link #toJson}), which is the form the phrasing corpus states its expectations in.
 */
sealed interface Plan {

  JsonObject toJson();

  /** A task as a list showed it: its id and title. */
  record TaskRef(String id, String title) {
    JsonObject toJson() {
      return new JsonObject().put("id", id).put("title", title);
    }
  }

  /** Which task a change is for: one already known by id, or words of its title still to look up. */
  sealed interface Target {
    JsonObject toJson();
  }

  record Known(TaskRef task) implements Target {
    @Override
    public JsonObject toJson() {
      return task.toJson();
    }
  }

  record Words(String words) implements Target {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("words", words);
    }
  }

  /**
   * A new task: {@code arguments} are add_task's, or create_recurring_task's when the task repeats
   * ({@code arguments.recurrence} is set).
   */
  record Add(JsonObject arguments) implements Plan {
    String tool() {
      return arguments.containsKey("recurrence") ? "create_recurring_task" : "add_task";
    }

    @Override
    public JsonObject toJson() {
      return new JsonObject().put("intent", "add").put("tool", tool()).put("arguments", arguments.copy());
    }
  }

  /** A question about tasks answered by one finding tool; {@code heading} introduces the list. */
  record Find(String tool, JsonObject arguments, String heading) implements Plan {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("intent", "find").put("tool", tool).put("arguments", arguments.copy())
          .put("heading", heading);
    }
  }

  /**
   * A change to one or more existing tasks. {@code edit.kind} is one of complete, delete, reschedule,
   * priority, rename, tag, remind, stopRepeating, describe; the rest of {@code edit} are the tool's
   * arguments besides the id (priority, dueAt, title, tags, a reminder, stopSeries, ...).
   */
  record Change(List<Target> targets, JsonObject edit) implements Plan {
    public Change {
      targets = List.copyOf(targets);
    }

    String kind() {
      return edit.getString("kind");
    }

    Change on(List<Target> others) {
      return new Change(others, edit);
    }

    @Override
    public JsonObject toJson() {
      var array = new JsonArray();
      targets.forEach(t -> array.add(t.toJson()));
      return new JsonObject().put("intent", "change").put("targets", array).put("edit", edit.copy());
    }
  }

  /**
   * A question back instead of a guess. {@code pending} is what happens if the answer is yes (or
   * names one task of the list shown), null when the question stands alone.
   */
  record Clarify(String question, Plan pending) implements Plan {
    @Override
    public JsonObject toJson() {
      var json = new JsonObject().put("intent", "clarify").put("question", question);
      if (pending != null) {
        json.put("pending", pending.toJson());
      }
      return json;
    }
  }

  /**
   * An answer without tools: {@code intent} is greeting, thanks, help, refuse (a bulk deletion, or
   * something the tools cannot do) or cancel (a "no" to a question).
   */
  record Talk(String intent, String text) implements Plan {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("intent", intent).put("text", text);
    }
  }
}
