package dev.todochatbot.notification;

import dev.todochatbot.platform.DatabaseConfig;
import dev.todochatbot.platform.AppPort;
import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.SidecarConfig;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

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
 * @param webhooks how reminders are delivered to the users' webhooks
 */
public record NotificationServiceConfig(int port, int instances, int poolSizePerInstance, DatabaseConfig database,
    String jwtSecret, Duration tokenTtl, String pubsubName, Duration reminderGrace, Duration reminderLookahead,
    Duration claimTimeout, SidecarConfig sidecar, Webhooks webhooks, AppPort appPort) {

  /**
   * Delivery to the users' webhooks.
   *
   * @param poll {@code WEBHOOK_POLL} (1 s): how often each instance looks for due deliveries
   * @param backoff {@code WEBHOOK_BACKOFF} (PT10S,PT30S,PT2M,PT10M,PT30M): the waits before each retry,
   *     each lengthened by up to 20 % at random; a delivery is tried once plus once per wait, then failed
   * @param timeout {@code WEBHOOK_TIMEOUT} (10 s): how long one attempt may take before it counts as
   *     failed; a replica holds a delivery it took for twice this, then another may send it
   * @param allowPrivateAddresses {@code WEBHOOK_ALLOW_PRIVATE} (false): whether a webhook may point at a
   *     loopback, private, link-local or other non-public address. Off, such a URL is refused when it is
   *     set and a delivery to a name that resolves to one is failed without being sent, so that a user
   *     cannot simply aim the service at the cloud's metadata endpoint or the cluster's own services
   *     ({@link WebhookAddresses} says what this does not stop). On only for development, with a
   *     receiver on this machine.
   */
  public record Webhooks(Duration poll, List<Duration> backoff, Duration timeout, boolean allowPrivateAddresses) {

    public static final Webhooks DEFAULT = new Webhooks(Duration.ofSeconds(1), List.of(Duration.ofSeconds(10),
        Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofMinutes(10), Duration.ofMinutes(30)),
        Duration.ofSeconds(10), false);

    public Webhooks {
      backoff = List.copyOf(backoff);
      if (poll.isNegative() || poll.isZero()) {
        throw new IllegalArgumentException("WEBHOOK_POLL must be positive, got " + poll);
      }
      if (backoff.stream().anyMatch(Duration::isNegative)) {
        throw new IllegalArgumentException("WEBHOOK_BACKOFF must not hold negative waits, got " + backoff);
      }
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("WEBHOOK_TIMEOUT must be positive, got " + timeout);
      }
    }

    /** How long a replica holds a delivery it took: past this, it is another's to send. */
    public Duration lease() {
      return timeout.multipliedBy(2);
    }

    static Webhooks fromEnv(Env env) {
      return new Webhooks(env.getDuration("WEBHOOK_POLL", DEFAULT.poll()),
          env.optional("WEBHOOK_BACKOFF").map(Webhooks::durations).orElse(DEFAULT.backoff()),
          env.getDuration("WEBHOOK_TIMEOUT", DEFAULT.timeout()),
          env.getBoolean("WEBHOOK_ALLOW_PRIVATE", DEFAULT.allowPrivateAddresses()));
    }

    /** A comma-separated list of ISO-8601 durations or seconds; empty means no retries. */
    private static List<Duration> durations(String list) {
      var durations = new ArrayList<Duration>();
      for (String item : list.split(",")) {
        String v = item.strip();
        if (v.isEmpty()) {
          continue;
        }
        try {
          durations.add(v.chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(v)) : Duration.parse(v));
        } catch (DateTimeParseException | NumberFormatException e) {
          throw new IllegalArgumentException("WEBHOOK_BACKOFF must be a comma-separated list of seconds or ISO-8601 "
              + "durations such as PT10S,PT30S,PT2M, got '" + list + "'");
        }
      }
      return durations;
    }
  }

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
        pubsubName, reminderGrace, reminderLookahead, claimTimeout, sidecar, webhooks, appPort);
  }

  public NotificationServiceConfig withSidecar(SidecarConfig newSidecar) {
    return new NotificationServiceConfig(port, instances, poolSizePerInstance, database, jwtSecret, tokenTtl,
        pubsubName, reminderGrace, reminderLookahead, claimTimeout, newSidecar, webhooks, appPort);
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
        SidecarConfig.fromEnv(env),
        Webhooks.fromEnv(env),
        AppPort.fromEnv(env));
  }
}
