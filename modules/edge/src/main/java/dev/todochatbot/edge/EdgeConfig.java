package dev.todochatbot.edge;

import dev.todochatbot.platform.AppPort;
import dev.todochatbot.platform.DatabaseConfig;
import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.SidecarConfig;
import java.time.Duration;

/**
 * The edge's settings, from the environment: {@code PORT} (8080, the public port) and {@code HOST}
 * (0.0.0.0: the address the public port binds, every interface, the one listener meant to be reached
 * from the network), {@code EDGE_EVENTS_PORT} (8090: where its Dapr sidecar delivers the real-time
 * subscriptions; the app port daprd is given, bound to {@code INTERNAL_HOST}, see {@link AppPort}),
 * {@code EDGE_INSTANCES} (one per core), {@code DATABASE_URL}, {@code DB_POOL_SIZE} (4 per instance),
 * {@code JWT_SECRET}, {@code TOKEN_TTL} (7 days), {@code WS_HEARTBEAT} (20 s between pings; three
 * unanswered close the socket), {@code WS_WRITE_QUEUE_BYTES} (262144: a socket with more unsent is closed
 * as too slow), its sidecar's ({@link SidecarConfig}), through which it reaches the other services by app
 * id, and the sign-up and sign-in limits ({@link SignInLimits.Settings}).
 */
public record EdgeConfig(int port, int eventsPort, int instances, int poolSizePerInstance, DatabaseConfig database,
    String jwtSecret, Duration tokenTtl, Duration heartbeat, int writeQueueBytes, SidecarConfig sidecar,
    SignInLimits.Settings signInLimits, AppPort appPort, String host) {

  public EdgeConfig withPort(int newPort) {
    return new EdgeConfig(newPort, eventsPort, instances, poolSizePerInstance, database, jwtSecret, tokenTtl, heartbeat,
        writeQueueBytes, sidecar, signInLimits, appPort, host);
  }

  public EdgeConfig withEventsPort(int newPort) {
    return new EdgeConfig(port, newPort, instances, poolSizePerInstance, database, jwtSecret, tokenTtl, heartbeat,
        writeQueueBytes, sidecar, signInLimits, appPort, host);
  }

  public EdgeConfig withSidecar(SidecarConfig newSidecar) {
    return new EdgeConfig(port, eventsPort, instances, poolSizePerInstance, database, jwtSecret, tokenTtl, heartbeat,
        writeQueueBytes, newSidecar, signInLimits, appPort, host);
  }

  public EdgeConfig withRealtime(Duration newHeartbeat, int newWriteQueueBytes) {
    return new EdgeConfig(port, eventsPort, instances, poolSizePerInstance, database, jwtSecret, tokenTtl, newHeartbeat,
        newWriteQueueBytes, sidecar, signInLimits, appPort, host);
  }

  public EdgeConfig withSignInLimits(SignInLimits.Settings newLimits) {
    return new EdgeConfig(port, eventsPort, instances, poolSizePerInstance, database, jwtSecret, tokenTtl, heartbeat,
        writeQueueBytes, sidecar, newLimits, appPort, host);
  }

  public static EdgeConfig fromEnv(Env env) {
    return new EdgeConfig(
        env.getInt("PORT", 8080),
        env.getInt("EDGE_EVENTS_PORT", 8090),
        env.getInt("EDGE_INSTANCES", Runtime.getRuntime().availableProcessors()),
        env.getInt("DB_POOL_SIZE", 4),
        DatabaseConfig.fromEnv(env),
        env.optional("JWT_SECRET").orElseThrow(() -> new IllegalArgumentException(
            "JWT_SECRET is not set: the key that signs and checks access tokens (at least 32 bytes)")),
        env.getDuration("TOKEN_TTL", Duration.ofDays(7)),
        env.getDuration("WS_HEARTBEAT", Duration.ofSeconds(20)),
        env.getInt("WS_WRITE_QUEUE_BYTES", 256 * 1024),
        SidecarConfig.fromEnv(env),
        SignInLimits.Settings.fromEnv(env),
        AppPort.fromEnv(env),
        env.get("HOST", "0.0.0.0"));
  }
}
