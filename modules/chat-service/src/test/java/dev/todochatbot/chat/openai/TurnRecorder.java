package dev.todochatbot.chat.openai;

import dev.todochatbot.chat.agent.Action;
import dev.todochatbot.chat.agent.Agent;
import dev.todochatbot.chat.agent.Listener;
import dev.todochatbot.chat.agent.Reply;
import dev.todochatbot.chat.agent.Turn;
import dev.todochatbot.chat.tools.Tools;
import dev.todochatbot.platform.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Starts a turn on a Vert.x context of its own, as the chat route would, and records what the listener
 * hears and on which context it hears it.
 */
final class TurnRecorder implements Listener {

  final List<String> pieces = new CopyOnWriteArrayList<>();
  final List<Action> actions = new CopyOnWriteArrayList<>();
  /** Every listener call that did not come on the context that called respond. */
  final List<String> offContext = new CopyOnWriteArrayList<>();
  private final Context caller;
  private final Future<Reply> reply;

  private TurnRecorder(Vertx vertx, Agent agent, Turn turn, Tools tools) {
    this.caller = vertx.getOrCreateContext();
    Promise<Reply> promise = Promise.promise();
    caller.runOnContext(v -> agent.respond(turn, tools, this).onComplete(promise));
    this.reply = promise.future();
  }

  static TurnRecorder respond(Vertx vertx, Agent agent, Turn turn, Tools tools) {
    return new TurnRecorder(vertx, agent, turn, tools);
  }

  Reply reply() {
    return Await.result(reply);
  }

  boolean done() {
    return reply.isComplete();
  }

  @Override
  public void text(String delta) {
    check("text " + delta);
    pieces.add(delta);
  }

  @Override
  public void action(Action action) {
    check("action " + action.tool());
    actions.add(action);
  }

  private void check(String call) {
    if (Vertx.currentContext() != caller) {
      offContext.add(call + " on " + Thread.currentThread().getName());
    }
  }
}
