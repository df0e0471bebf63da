package dev.todochatbot.chat.engine;

import dev.todochatbot.chat.agent.Agent;
import dev.todochatbot.chat.agent.Listener;
import dev.todochatbot.chat.agent.Reply;
import dev.todochatbot.chat.agent.Turn;
import dev.todochatbot.chat.tools.Tools;
import io.vertx.core.Future;
import java.util.List;

/** The built-in agent: understands everyday English about tasks without a model. (Work in progress.) */
public final class LanguageEngine implements Agent {

  @Override
  public String name() {
    return "engine";
  }

  @Override
  public Future<Reply> respond(Turn turn, Tools tools, Listener listener) {
    String text = "The built-in assistant is not ready yet.";
    listener.text(text);
    return Future.succeededFuture(new Reply(text, List.of()));
  }
}
