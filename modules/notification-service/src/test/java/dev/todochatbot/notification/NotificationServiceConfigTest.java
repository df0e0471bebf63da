package dev.todochatbot.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.todochatbot.platform.Env;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotificationServiceConfigTest {

  private static final Map<String, String> REQUIRED = Map.of(
      "DATABASE_URL", "postgresql://todo:secret@db:5432/todo",
      "JWT_SECRET", "test-secret-that-is-long-enough-for-hs256!");

  @Test
  void defaultsNeedOnlyTheDatabaseAndTheSecret() {
    var config = NotificationServiceConfig.fromEnv(new Env(REQUIRED));

    assertThat(config.port()).isEqualTo(8085);
    assertThat(config.instances()).isEqualTo(1);
    assertThat(config.database().host()).isEqualTo("db");
    assertThat(config.pubsubName()).isEqualTo("pubsub");
    assertThat(config.reminderGrace()).isEqualTo(Duration.ofHours(1));
    assertThat(config.reminderLookahead()).isEqualTo(Duration.ofSeconds(6));
    assertThat(config.claimTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.sidecar().httpPort()).isEqualTo(3500);
    assertThat(config.webhooks().poll()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.webhooks().backoff()).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofMinutes(2), Duration.ofMinutes(10), Duration.ofMinutes(30));
    assertThat(config.webhooks().timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.webhooks().lease()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.webhooks().allowPrivateAddresses()).as("webhooks reach only public addresses").isFalse();
  }

  @Test
  void webhookWaitsAreAListOfIsoDurationsOrSeconds() {
    var config = NotificationServiceConfig.fromEnv(new Env(REQUIRED).with(Map.of(
        "WEBHOOK_POLL", "PT0.5S", "WEBHOOK_BACKOFF", "5, PT1M", "WEBHOOK_TIMEOUT", "3", "WEBHOOK_ALLOW_PRIVATE", "true")));

    assertThat(config.webhooks().poll()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.webhooks().backoff()).containsExactly(Duration.ofSeconds(5), Duration.ofMinutes(1));
    assertThat(config.webhooks().timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.webhooks().allowPrivateAddresses()).isTrue();
    assertThatThrownBy(() -> NotificationServiceConfig.fromEnv(new Env(REQUIRED).with(Map.of(
        "WEBHOOK_BACKOFF", "PT10S,soon")))).hasMessageContaining("WEBHOOK_BACKOFF");
    assertThatThrownBy(() -> NotificationServiceConfig.fromEnv(new Env(REQUIRED).with(Map.of(
        "WEBHOOK_POLL", "0")))).hasMessageContaining("WEBHOOK_POLL");
  }

  @Test
  void windowsAreIsoDurationsOrSeconds() {
    var config = NotificationServiceConfig.fromEnv(new Env(REQUIRED).with(Map.of(
        "NOTIFICATION_SERVICE_PORT", "9085", "REMINDER_GRACE", "PT2H", "REMINDER_LOOKAHEAD", "8",
        "REMINDER_CLAIM_TIMEOUT", "PT1M", "PUBSUB_NAME", "redis-pubsub", "DAPR_HTTP_PORT", "3600")));

    assertThat(config.port()).isEqualTo(9085);
    assertThat(config.reminderGrace()).isEqualTo(Duration.ofHours(2));
    assertThat(config.reminderLookahead()).isEqualTo(Duration.ofSeconds(8));
    assertThat(config.claimTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.pubsubName()).isEqualTo("redis-pubsub");
    assertThat(config.sidecar().pubsubName()).isEqualTo("redis-pubsub");
    assertThat(config.sidecar().httpPort()).isEqualTo(3600);
  }

  @Test
  void aGraceWindowOfNothingIsRefusedByName() {
    assertThatThrownBy(() -> NotificationServiceConfig.fromEnv(new Env(REQUIRED).with(Map.of("REMINDER_GRACE", "0"))))
        .hasMessageContaining("REMINDER_GRACE");
    assertThatThrownBy(() -> NotificationServiceConfig.fromEnv(new Env(Map.of("DATABASE_URL", "postgresql://db/todo"))))
        .hasMessageContaining("JWT_SECRET");
  }
}
