package dev.todochatbot.chat.agent;

import dev.todochatbot.chat.tools.Tools;
import io.vertx.core.Future;

/**
 * Answers one chat message. An agent changes and reads tasks only by calling {@code tools}, which act
 * for {@link Turn#user()} and nobody else; it never fails for a reason the person should see as an
 * error page: a model that is down, a tool that refuses, a message it does not understand all end in a
 * {@link Reply} whose text says so in a plain sentence. The future fails only on a programming error.
 *
 * <p>Two implementations: the built-in language engine ({@code engine.LanguageEngine}, the default)
 * and an OpenAI-compatible model with tool calling ({@code openai.ModelAgent}).
 */
public interface Agent {

  /** A short name for logs and metrics: "engine", or "model" . */
  String name();

  /**
   * @param listener told of text and actions as they happen (on the caller's context); the returned
   *     reply holds the same text and actions in full
   */
  Future<Reply> respond(Turn turn, Tools tools, Listener listener);
}
