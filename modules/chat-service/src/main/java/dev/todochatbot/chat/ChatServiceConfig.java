package dev.todochatbot.chat;

import dev.todochatbot.platform.DatabaseConfig;
import dev.todochatbot.platform.AppPort;
import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.SidecarConfig;
import java.time.Duration;

/**
 * The chat service's settings, from the environment: {@code CHAT_SERVICE_PORT} (8083),
 * {@code CHAT_SERVICE_INSTANCES} (one event loop per core), {@code DATABASE_URL}, {@code DB_POOL_SIZE}
 * (connections per instance, 4), {@code JWT_SECRET}, {@code TOKEN_TTL} (7 days), and the sidecar's
 * ({@link SidecarConfig}). The model, if any, is configured by {@code OPENAI_*}
 * ({@code openai.ModelConfig}); without one the built-in language engine answers.
 */
public record ChatServiceConfig(int port, int instances, int poolSizePerInstance, DatabaseConfig database,
    String jwtSecret, Duration tokenTtl, SidecarConfig sidecar, AppPort appPort) {

  public ChatServiceConfig withPort(int newPort) {
    return new ChatServiceConfig(newPort, instances, poolSizePerInstance, database, jwtSecret, tokenTtl, sidecar, appPort);
  }

  public ChatServiceConfig withSidecar(SidecarConfig newSidecar) {
    return new ChatServiceConfig(port, instances, poolSizePerInstance, database, jwtSecret, tokenTtl, newSidecar, appPort);
  }

  public static ChatServiceConfig fromEnv(Env env) {
    return new ChatServiceConfig(
        env.getInt("CHAT_SERVICE_PORT", 8083),
        env.getInt("CHAT_SERVICE_INSTANCES", Runtime.getRuntime().availableProcessors()),
        env.getInt("DB_POOL_SIZE", 4),
        DatabaseConfig.fromEnv(env),
        env.optional("JWT_SECRET").orElseThrow(() -> new IllegalArgumentException(
            "JWT_SECRET is not set: the key that signs and checks access tokens (at least 32 bytes)")),
        env.getDuration("TOKEN_TTL", Duration.ofDays(7)),
        SidecarConfig.fromEnv(env),
        AppPort.fromEnv(env));
  }
}
