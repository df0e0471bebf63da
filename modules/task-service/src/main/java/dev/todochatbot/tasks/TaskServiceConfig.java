package dev.todochatbot.tasks;

import dev.todochatbot.platform.DatabaseConfig;
import dev.todochatbot.platform.Env;
import java.time.Duration;

/**
 * The task service's settings, from the environment:
 * {@code TASK_SERVICE_PORT} (8081), {@code TASK_SERVICE_INSTANCES} (one event loop per core),
 * {@code DATABASE_URL}, {@code DB_POOL_SIZE} (connections per instance, 8), {@code JWT_SECRET}.
 */
public record TaskServiceConfig(int port, int instances, int poolSizePerInstance, DatabaseConfig database,
    String jwtSecret, Duration tokenTtl) {

  public TaskServiceConfig withPort(int newPort) {
    return new TaskServiceConfig(newPort, instances, poolSizePerInstance, database, jwtSecret, tokenTtl);
  }

  public static TaskServiceConfig fromEnv(Env env) {
    return new TaskServiceConfig(
        env.getInt("TASK_SERVICE_PORT", 8081),
        env.getInt("TASK_SERVICE_INSTANCES", Runtime.getRuntime().availableProcessors()),
        env.getInt("DB_POOL_SIZE", 8),
        DatabaseConfig.fromEnv(env),
        env.optional("JWT_SECRET").orElseThrow(() -> new IllegalArgumentException(
            "JWT_SECRET is not set: the key that signs and checks access tokens (at least 32 bytes)")),
        env.getDuration("TOKEN_TTL", Duration.ofDays(7)));
  }
}
