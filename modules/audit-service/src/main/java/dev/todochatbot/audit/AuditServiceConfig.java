package dev.todochatbot.audit;

import dev.todochatbot.platform.DatabaseConfig;
import dev.todochatbot.platform.AppPort;
import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.SidecarConfig;
import java.time.Duration;

/**
 * The audit service's settings, from the environment:
 * {@code AUDIT_SERVICE_PORT} (8082), {@code AUDIT_SERVICE_INSTANCES} (one event loop per core),
 * {@code DATABASE_URL}, {@code DB_POOL_SIZE} (connections per instance, 8), {@code JWT_SECRET},
 * {@code TOKEN_TTL} (7 days), and its sidecar ({@link SidecarConfig}: {@code PUBSUB_NAME}, the Dapr pub/sub component
 * it subscribes on, and {@code DAPR_HTTP_PORT}, which {@code /readyz} asks).
 */
public record AuditServiceConfig(int port, int instances, int poolSizePerInstance, DatabaseConfig database,
    String jwtSecret, Duration tokenTtl, SidecarConfig sidecar, AppPort appPort) {

  public AuditServiceConfig withPort(int newPort) {
    return new AuditServiceConfig(newPort, instances, poolSizePerInstance, database, jwtSecret, tokenTtl, sidecar, appPort);
  }

  public static AuditServiceConfig fromEnv(Env env) {
    return new AuditServiceConfig(
        env.getInt("AUDIT_SERVICE_PORT", 8082),
        env.getInt("AUDIT_SERVICE_INSTANCES", Runtime.getRuntime().availableProcessors()),
        env.getInt("DB_POOL_SIZE", 8),
        DatabaseConfig.fromEnv(env),
        env.optional("JWT_SECRET").orElseThrow(() -> new IllegalArgumentException(
            "JWT_SECRET is not set: the key that signs and checks access tokens (at least 32 bytes)")),
        env.getDuration("TOKEN_TTL", Duration.ofDays(7)),
        SidecarConfig.fromEnv(env),
        AppPort.fromEnv(env));
  }
}
