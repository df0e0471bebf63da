package dev.todochatbot.chat.openai;

import dev.todochatbot.platform.Env;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the chat model is and how long to wait for it. Any server that speaks OpenAI's Chat
 * Completions API with tools works: OpenAI itself, Azure OpenAI, Ollama, vLLM.
 *
 * @param apiKey sent as the bearer token; never logged (see {@link #toString()})
 * @param baseUrl up to, not including, {@code /chat/completions}: {@code https://api.openai.com/v1},
 *     {@code http://localhost:11434/v1} for Ollama
 * @param timeout the longest the model may stay silent: to connect, before its first streamed piece,
 *     and between pieces
 * @param maxToolRounds how many times in one turn the model's tool calls are run; asking for more
 *     ends the turn with a sentence saying so
 * @param historyLimit how many earlier messages of the conversation the model reads
 */
public record ModelConfig(String apiKey, String baseUrl, String model, Duration timeout, int maxToolRounds,
    int historyLimit) {

  public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
  public static final String DEFAULT_MODEL = "gpt-4o-mini";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_TOOL_ROUNDS = 5;
  public static final int DEFAULT_HISTORY_LIMIT = 20;

  public ModelConfig {
    if (apiKey == null || apiKey.isBlank()) {
      throw new IllegalArgumentException("OPENAI_API_KEY must not be blank");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("OPENAI_TIMEOUT must be positive, got " + timeout);
    }
    if (maxToolRounds < 1) {
      throw new IllegalArgumentException("OPENAI_MAX_TOOL_ROUNDS must be at least 1, got " + maxToolRounds);
    }
    if (historyLimit < 0) {
      throw new IllegalArgumentException("the history limit must not be negative, got " + historyLimit);
    }
    baseUrl = baseUrl.replaceFirst("/+$", "");
  }

  /**
   * The model from OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL, OPENAI_TIMEOUT (ISO-8601 or seconds)
   * and OPENAI_MAX_TOOL_ROUNDS; empty without a key, and the service then answers with its built-in
   * engine. A malformed value stops start-up with a message naming the variable.
   */
  public static Optional<ModelConfig> fromEnv(Env env) {
    return env.optional("OPENAI_API_KEY").map(key -> new ModelConfig(key,
        env.get("OPENAI_BASE_URL", DEFAULT_BASE_URL),
        env.get("OPENAI_MODEL", DEFAULT_MODEL),
        env.getDuration("OPENAI_TIMEOUT", DEFAULT_TIMEOUT),
        env.getInt("OPENAI_MAX_TOOL_ROUNDS", DEFAULT_MAX_TOOL_ROUNDS),
        DEFAULT_HISTORY_LIMIT));
  }

  /** Without the key, so that logging the configuration cannot leak it. */
  @Override
  public String toString() {
    return "ModelConfig[baseUrl=" + baseUrl + ", model=" + model + ", timeout=" + timeout + ", maxToolRounds="
        + maxToolRounds + ", historyLimit=" + historyLimit + "]";
  }
}
