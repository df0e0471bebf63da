package dev.todochatbot.notification;

import dev.todochatbot.platform.DatabaseConfig;
import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.SidecarConfig;
import java.time.Duration;

/**
 * The notification service's settings, from the environment:
 * {@code NOTIFICATION_SERVICE_PORT} (8085), {@code NOTIFICATION_SERVICE_INSTANCES} (1),
 * {@code DATABASE_URL}, {@code DB_POOL_SIZE} (connections per instance, 4), {@code JWT_SECRET},
 * {@code TOKEN_TTL} (7 days), {@code PUBSUB_NAME} (the Dapr pub/sub component it subscribes and
 * publishes on, pubsub), and the sidecar's ({@link SidecarConfig}). Durations are ISO-8601 or seconds:
 *
 * @param reminderGrace {@code REMINDER_GRACE} (1 hour): how late a reminder may still fire, after
 *     downtime; one swept later than this is recorded as missed
 * @param reminderLookahead {@code REMINDER_LOOKAHEAD} (6 s): how far ahead a sweep claims reminders,
 *     to fire each on time from a timer; at least the cron period (5 s) plus a margin
 * @param claimTimeout {@code REMINDER_CLAIM_TIMEOUT} (30 s): how long after its fire_at a claimed
 *     reminder is left to the replica that claimed it before a sweep takes it over (that replica
 *     died); longer than a publish can take (15 s)
 */
public record NotificationServiceConfig(int port, int instances, int poolSizePerInstance, DatabaseConfig database,
    String jwtSecret, Duration tokenTtl, String pubsubName, Duration reminderGrace, Duration reminderLookahead,
    Duration claimTimeout, SidecarConfig sidecar) {

  public NotificationServiceConfig {
    if (reminderGrace.isNegative() || reminderGrace.isZero()) {
      throw new IllegalArgumentException("REMINDER_GRACE must be positive, got " + reminderGrace);
    }
    if (reminderLookahead.isNegative()) {
      throw new IllegalArgumentException("REMINDER_LOOKAHEAD must not be negative, got " + reminderLookahead);
    }
    if (claimTimeout.isNegative() || claimTimeout.isZero()) {
      throw new IllegalArgumentException("REMINDER_CLAIM_TIMEOUT must be positive, got " + claimTimeout);
    }
  }

  public NotificationServiceConfig withPort(int newPort) {
    return new NotificationServiceConfig(newPort, instances, poolSizePerInstance, database, jwtSecret, tokenTtl,
        pubsubName, reminderGrace, reminderLookahead, claimTimeout, sidecar);
  }

  public NotificationServiceConfig withSidecar(SidecarConfig newSidecar) {
    return new NotificationServiceConfig(port, instances, poolSizePerInstance, database, jwtSecret, tokenTtl,
        pubsubName, reminderGrace, reminderLookahead, claimTimeout, newSidecar);
  }

  public static NotificationServiceConfig fromEnv(Env env) {
    return new NotificationServiceConfig(
        env.getInt("NOTIFICATION_SERVICE_PORT", 8085),
        env.getInt("NOTIFICATION_SERVICE_INSTANCES", 1),
        env.getInt("DB_POOL_SIZE", 4),
        DatabaseConfig.fromEnv(env),
        env.optional("JWT_SECRET").orElseThrow(() -> new IllegalArgumentException(
            "JWT_SECRET is not set: the key that signs and checks access tokens (at least 32 bytes)")),
        env.getDuration("TOKEN_TTL", Duration.ofDays(7)),
        env.get("PUBSUB_NAME", "pubsub"),
        env.getDuration("REMINDER_GRACE", Duration.ofHours(1)),
        env.getDuration("REMINDER_LOOKAHEAD", Duration.ofSeconds(6)),
        env.getDuration("REMINDER_CLAIM_TIMEOUT", Duration.ofSeconds(30)),
        SidecarConfig.fromEnv(env));
  }
}
