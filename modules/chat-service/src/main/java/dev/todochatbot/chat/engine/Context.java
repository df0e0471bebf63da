package dev.todochatbot.chat.engine;

import dev.todochatbot.chat.agent.Action;
import dev.todochatbot.chat.agent.ChatMessage;
import dev.todochatbot.chat.engine.Plan.TaskRef;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * What earlier turns left for this one: the last list of tasks shown (so "delete 2" has a meaning),
 * the last task referred to ("make it urgent"), and a plan waiting for an answer ("Which one?",
 * "Should I add ...?").
 *
 * <p>Nothing is kept beside the conversation: all three are read back from the stored messages, the
 * pending plan by reading the question's message again. So a conversation continues the same after
 * a restart, on any replica.
 */
record Context(List<TaskRef> lastList, TaskRef lastTask, Plan pending) {

  static final Context EMPTY = new Context(List.of(), null, null);

  Context {
    lastList = List.copyOf(lastList);
  }

  Context withPending(Plan plan) {
    return new Context(lastList, lastTask, plan);
  }

  static Context fromHistory(List<ChatMessage> history, ZoneId zone, Interpreter interpreter) {
    return new Context(lastList(history), lastTask(history), pending(history, zone, interpreter));
  }

  /** {@code {lastList: [{id, title}], lastTask: {id, title}}}, as the phrasing corpus writes it. */
  static Context fromJson(JsonObject json) {
    if (json == null) {
      return EMPTY;
    }
    var list = new ArrayList<TaskRef>();
    JsonArray items = json.getJsonArray("lastList", new JsonArray());
    for (int i = 0; i < items.size(); i++) {
      list.add(ref(items.getJsonObject(i)));
    }
    JsonObject last = json.getJsonObject("lastTask");
    return new Context(list, last == null ? null : ref(last), null);
  }

  private static List<TaskRef> lastList(List<ChatMessage> history) {
    for (int m = history.size() - 1; m >= 0; m--) {
      List<Action> actions = history.get(m).actions();
      for (int a = actions.size() - 1; a >= 0; a--) {
        JsonArray items = items(actions.get(a));
        if (items != null && !items.isEmpty()) {
          var list = new ArrayList<TaskRef>(items.size());
          for (int i = 0; i < items.size(); i++) {
            list.add(ref(items.getJsonObject(i)));
          }
          return list;
        }
      }
    }
    return List.of();
  }

  /** The task of the latest action about one task: one created, changed or found alone. */
  private static TaskRef lastTask(List<ChatMessage> history) {
    for (int m = history.size() - 1; m >= 0; m--) {
      List<Action> actions = history.get(m).actions();
      for (int a = actions.size() - 1; a >= 0; a--) {
        Action action = actions.get(a);
        if (action.failed() || action.result() == null) {
          continue;
        }
        if (action.result().getJsonObject("task") != null) {
          return ref(action.result().getJsonObject("task"));
        }
        if (action.result().getJsonObject("deleted") != null) {
          return null;
        }
        JsonArray items = items(action);
        if (items != null && items.size() == 1) {
          return ref(items.getJsonObject(0));
        }
      }
    }
    return null;
  }

  /**
   * The plan the last answer was waiting on: the message before it, read again, when that answer
   * asked back. A change whose task words matched several tasks was answered with the matches only
   * (searches and nothing else), and waits for one of them to be named.
   */
  private static Plan pending(List<ChatMessage> history, ZoneId zone, Interpreter interpreter) {
    int last = history.size() - 1;
    if (last < 1 || history.get(last).role() != ChatMessage.Role.ASSISTANT
        || history.get(last - 1).role() != ChatMessage.Role.USER) {
      return null;
    }
    ChatMessage question = history.get(last);
    ChatMessage asked = history.get(last - 1);
    Context before = new Context(lastList(history.subList(0, last - 1)), lastTask(history.subList(0, last - 1)), null);
    Plan plan = interpreter.interpret(asked.content(), asked.createdAt(), zone, before);
    if (question.actions().isEmpty()) {
      return plan instanceof Plan.Clarify clarify ? clarify.pending() : null;
    }
    boolean onlySearches = question.actions().stream().allMatch(a -> a.tool().equals("search_tasks") && !a.failed());
    boolean several = question.actions().stream().anyMatch(a -> items(a) != null && items(a).size() > 1);
    if (onlySearches && several && plan instanceof Plan.Change change
        && change.targets().stream().anyMatch(t -> t instanceof Plan.Words)) {
      return change;
    }
    return null;
  }

  private static JsonArray items(Action action) {
    // reminders come in items too, but they are not tasks a number could name
    return action.failed() || action.result() == null || action.tool().equals("list_reminders") ? null
        : action.result().getJsonArray("items");
  }

  private static TaskRef ref(JsonObject task) {
    return new TaskRef(task.getString("id"), task.getString("title"));
  }
}
