package dev.todochatbot.chat.engine;

import dev.todochatbot.chat.agent.Action;
import dev.todochatbot.chat.agent.Agent;
import dev.todochatbot.chat.agent.Listener;
import dev.todochatbot.chat.agent.Reply;
import dev.todochatbot.chat.agent.Turn;
import dev.todochatbot.chat.engine.Plan.TaskRef;
import dev.todochatbot.chat.tools.ToolCatalog;
import dev.todochatbot.chat.tools.ToolOutcome;
import dev.todochatbot.chat.tools.Tools;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The built-in agent, answering when no model is configured: the {@link Interpreter} reads the
 * message into a {@link Plan}, and this class carries the plan out through the tools, finding the
 * task a change is meant for (by number, "it", or words of its title, asking back when several
 * fit) and saying plainly what was done. Deterministic and local: no network but the tools.
 */
public final class LanguageEngine implements Agent {

  private final Interpreter interpreter = new Interpreter();

  @Override
  public String name() {
    return "engine";
  }

  @Override
  public Future<Reply> respond(Turn turn, Tools tools, Listener listener) {
    var run = new Run(turn, tools, listener);
    Plan plan;
    try {
      Context context = Context.fromHistory(turn.history(), turn.zone(), interpreter);
      plan = interpreter.interpret(turn.message(), turn.now(), turn.zone(), context);
    } catch (RuntimeException e) {
      // a phrasing the readers trip over is a sentence for the person, not an error page
      run.say(Interpreter.NOT_UNDERSTOOD);
      return Future.succeededFuture(run.reply());
    }
    return run.execute(plan).map(done -> run.reply());
  }

  /** One answer being made: the actions taken and the text said, reported to the listener as they come. */
  private static final class Run {

    private final Turn turn;
    private final Tools tools;
    private final Listener listener;
    private final Replies replies;
    private final List<Action> actions = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();

    Run(Turn turn, Tools tools, Listener listener) {
      this.turn = turn;
      this.tools = tools;
      this.listener = listener;
      this.replies = new Replies(turn.now(), turn.zone());
    }

    Reply reply() {
      return new Reply(text.toString(), actions);
    }

    void say(String sentence) {
      String piece = text.length() == 0 ? sentence : "\n" + sentence;
      text.append(piece);
      listener.text(piece);
    }

    Future<ToolOutcome> call(String tool, JsonObject arguments) {
      if (!ToolCatalog.get().names().contains(tool)) {
        // the engine's own tool names are fixed, so this is a programming error, never user input
        return Future.failedFuture(new IllegalStateException("the engine asked for a tool that is not in the catalog: " + tool));
      }
      return tools.call(tool, arguments).map(outcome -> {
        var action = new Action(tool, arguments, outcome.json());
        actions.add(action);
        listener.action(action);
        return outcome;
      });
    }

    Future<Void> execute(Plan plan) {
      if (plan instanceof Plan.Talk talk) {
        say(talk.text());
      } else if (plan instanceof Plan.Clarify clarify) {
        say(clarify.question());
      } else if (plan instanceof Plan.Add add) {
        return call(add.tool(), add.arguments()).map(outcome -> {
          say(outcome.isError() ? "I couldn't add that: " + outcome.errorMessage()
              : replies.added(outcome.json().getJsonObject("task")));
          return null;
        });
      } else if (plan instanceof Plan.Find find) {
        return call(find.tool(), find.arguments()).map(outcome -> {
          if (outcome.isError()) {
            say("I couldn't look that up: " + outcome.errorMessage());
          } else if (find.tool().equals("list_reminders")) {
            say(replies.reminders(outcome.json().getJsonArray("items", new JsonArray())));
          } else {
            say(replies.list(find.heading(), outcome.json().getJsonArray("items", new JsonArray())));
          }
          return null;
        });
      } else if (plan instanceof Plan.Change change) {
        Future<Boolean> chain = Future.succeededFuture(true);
        for (Plan.Target target : change.targets()) {
          chain = chain.compose(goOn -> goOn ? change(target, change) : Future.succeededFuture(false));
        }
        return chain.mapEmpty();
      }
      return Future.succeededFuture();
    }

    /** Finds the task and changes it; false when the answer was a question, which ends the turn. */
    private Future<Boolean> change(Plan.Target target, Plan.Change change) {
      if (target instanceof Plan.Known known) {
        return apply(known.task(), change.edit()).map(true);
      }
      String words = ((Plan.Words) target).words();
      // what a change usually means is an open task; reopening means a completed one
      String first = change.kind().equals("reopen") ? "completed" : "open";
      return search(words, first).compose(open -> open.isEmpty() ? search(words, "all") : Future.succeededFuture(open))
          .compose(found -> {
            if (found.isEmpty()) {
              say("I couldn't find a task matching \"" + words + "\". Say \"show my tasks\" to see them all.");
              return Future.succeededFuture(false);
            }
            List<JsonObject> exact = found.stream().filter(t -> t.getString("title", "").equalsIgnoreCase(words)).toList();
            if (found.size() > 1 && exact.size() != 1) {
              say(replies.whichOne(found));
              return Future.succeededFuture(false);
            }
            JsonObject task = found.size() == 1 ? found.get(0) : exact.get(0);
            if (change.kind().equals("complete") && "completed".equals(task.getString("status"))) {
              say("\"" + task.getString("title") + "\" is already done.");
              return Future.succeededFuture(true);
            }
            if (change.kind().equals("reopen") && "open".equals(task.getString("status"))) {
              say("\"" + task.getString("title") + "\" is still open.");
              return Future.succeededFuture(true);
            }
            return apply(new TaskRef(task.getString("id"), task.getString("title")), change.edit()).map(true);
          });
    }

    private Future<List<JsonObject>> search(String words, String status) {
      var args = new JsonObject().put("query", words).put("status", status).put("limit", 10);
      return call("search_tasks", args).map(outcome -> {
        var found = new ArrayList<JsonObject>();
        if (!outcome.isError()) {
          outcome.json().getJsonArray("items", new JsonArray()).forEach(item -> found.add((JsonObject) item));
        }
        return found;
      });
    }

    private Future<Void> apply(TaskRef task, JsonObject edit) {
      String kind = edit.getString("kind");
      var args = new JsonObject().put("id", task.id());
      String tool = switch (kind) {
        case "complete" -> "complete_task";
        case "reopen" -> {
          args.put("status", "open");
          yield "update_task";
        }
        case "delete" -> {
          if (edit.getBoolean("stopSeries", false)) {
            args.put("stopSeries", true);
          }
          yield "delete_task";
        }
        case "reschedule" -> {
          args.put("dueAt", edit.getValue("dueAt"));
          if (edit.getValue("dueAt") != null) {
            args.put("timeZone", edit.getString("timeZone")).put("allDay", edit.getBoolean("allDay"));
          }
          yield "set_task_due_date";
        }
        case "priority" -> {
          args.put("priority", edit.getString("priority"));
          yield "set_task_priority";
        }
        case "tag" -> {
          args.put("tags", edit.getJsonArray("tags"));
          yield "add_task_tags";
        }
        case "remind" -> {
          args.mergeIn(edit.getJsonObject("reminder"));
          yield "set_reminder";
        }
        case "rename" -> {
          args.put("title", edit.getString("title"));
          yield "update_task";
        }
        case "describe" -> {
          args.put("description", edit.getString("description"));
          yield "update_task";
        }
        case "stopRepeating" -> {
          args.putNull("recurrence");
          yield "update_task";
        }
        default -> {
          for (String field : List.of("priority", "dueAt", "timeZone", "allDay")) {
            if (edit.containsKey(field)) {
              args.put(field, edit.getValue(field));
            }
          }
          yield "update_task";
        }
      };
      return call(tool, args).map(outcome -> {
        say(outcome.isError()
            ? "I couldn't " + Replies.verb(kind) + " \"" + task.title() + "\": " + outcome.errorMessage()
            : replies.changed(kind, task, outcome.json(), edit));
        return null;
      });
    }
  }
}
