package dev.todochatbot.chat;

import dev.todochatbot.chat.agent.Agent;
import dev.todochatbot.chat.engine.LanguageEngine;
import dev.todochatbot.chat.openai.ModelAgent;
import dev.todochatbot.chat.openai.ModelConfig;
import dev.todochatbot.platform.Env;
import io.vertx.core.Vertx;

/** Which agent answers: a model when {@code OPENAI_API_KEY} is set, else the built-in language engine. */
public final class Agents {

  private Agents() {}

  public static Agent fromEnv(Vertx vertx, Env env) {
    return ModelConfig.fromEnv(env).<Agent>map(config -> new ModelAgent(vertx, config))
        .orElseGet(LanguageEngine::new);
  }
}
