package dev.todochatbot.edge;

import dev.todochatbot.platform.DatabaseConfig;
import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.SidecarConfig;
import java.time.Duration;

/**
 * The edge's settings, from the environment: {@code PORT} (8080), {@code EDGE_INSTANCES} (one per
 * core), {@code DATABASE_URL}, {@code DB_POOL_SIZE} (4 per instance), {@code JWT_SECRET},
 * {@code TOKEN_TTL} (7 days), and its sidecar's ({@link SidecarConfig}), through which it reaches the
 * other services by app id.
 */
public record EdgeConfig(int port, int instances, int poolSizePerInstance, DatabaseConfig database,
    String jwtSecret, Duration tokenTtl, SidecarConfig sidecar) {

  public EdgeConfig withPort(int newPort) {
    return new EdgeConfig(newPort, instances, poolSizePerInstance, database, jwtSecret, tokenTtl, sidecar);
  }

  public EdgeConfig withSidecar(SidecarConfig newSidecar) {
    return new EdgeConfig(port, instances, poolSizePerInstance, database, jwtSecret, tokenTtl, newSidecar);
  }

  public static EdgeConfig fromEnv(Env env) {
    return new EdgeConfig(
        env.getInt("PORT", 8080),
        env.getInt("EDGE_INSTANCES", Runtime.getRuntime().availableProcessors()),
        env.getInt("DB_POOL_SIZE", 4),
        DatabaseConfig.fromEnv(env),
        env.optional("JWT_SECRET").orElseThrow(() -> new IllegalArgumentException(
            "JWT_SECRET is not set: the key that signs and checks access tokens (at least 32 bytes)")),
        env.getDuration("TOKEN_TTL", Duration.ofDays(7)),
        SidecarConfig.fromEnv(env));
  }
}
