package dev.todochatbot.tasks;

import dev.todochatbot.platform.DatabaseConfig;
import dev.todochatbot.platform.AppPort;
import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.SidecarConfig;
import java.time.Duration;

/**
 * The task service's settings, from the environment:
 * {@code TASK_SERVICE_PORT} (8081), {@code TASK_SERVICE_INSTANCES} (one event loop per core),
 * {@code DATABASE_URL}, {@code DB_POOL_SIZE} (connections per instance, 8), {@code JWT_SECRET},
 * the sidecar's ({@link SidecarConfig}), and the outbox relay's: {@code OUTBOX_BATCH_SIZE} (256),
 * {@code OUTBOX_POLL_INTERVAL} (PT1S), {@code OUTBOX_BACKOFF_MIN} (PT0.1S), {@code OUTBOX_BACKOFF_MAX} (PT10S).
 */
public record TaskServiceConfig(int port, int instances, int poolSizePerInstance, DatabaseConfig database,
    String jwtSecret, Duration tokenTtl, SidecarConfig sidecar, OutboxRelay.Settings outbox, AppPort appPort) {

  public TaskServiceConfig withPort(int newPort) {
    return new TaskServiceConfig(newPort, instances, poolSizePerInstance, database, jwtSecret, tokenTtl, sidecar, outbox, appPort);
  }

  public TaskServiceConfig withSidecar(SidecarConfig newSidecar) {
    return new TaskServiceConfig(port, instances, poolSizePerInstance, database, jwtSecret, tokenTtl, newSidecar, outbox, appPort);
  }

  public TaskServiceConfig withOutbox(OutboxRelay.Settings newOutbox) {
    return new TaskServiceConfig(port, instances, poolSizePerInstance, database, jwtSecret, tokenTtl, sidecar, newOutbox, appPort);
  }

  public static TaskServiceConfig fromEnv(Env env) {
    var defaults = OutboxRelay.Settings.DEFAULT;
    return new TaskServiceConfig(
        env.getInt("TASK_SERVICE_PORT", 8081),
        env.getInt("TASK_SERVICE_INSTANCES", Runtime.getRuntime().availableProcessors()),
        env.getInt("DB_POOL_SIZE", 8),
        DatabaseConfig.fromEnv(env),
        env.optional("JWT_SECRET").orElseThrow(() -> new IllegalArgumentException(
            "JWT_SECRET is not set: the key that signs and checks access tokens (at least 32 bytes)")),
        env.getDuration("TOKEN_TTL", Duration.ofDays(7)),
        SidecarConfig.fromEnv(env),
        new OutboxRelay.Settings(
            env.getInt("OUTBOX_BATCH_SIZE", defaults.batchSize()),
            env.getDuration("OUTBOX_POLL_INTERVAL", defaults.pollInterval()),
            env.getDuration("OUTBOX_BACKOFF_MIN", defaults.backoffMin()),
            env.getDuration("OUTBOX_BACKOFF_MAX", defaults.backoffMax()),
            defaults.leaderRetry()),
        AppPort.fromEnv(env));
  }
}
