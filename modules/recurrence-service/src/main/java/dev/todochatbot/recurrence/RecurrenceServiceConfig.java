package dev.todochatbot.recurrence;

import dev.todochatbot.platform.AppPort;
import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.SidecarConfig;

/**
 * The recurrence service's settings, from the environment:
 * {@code RECURRENCE_SERVICE_PORT} (8084), {@code RECURRENCE_SERVICE_INSTANCES} (1: it does little per
 * event), {@code JWT_SECRET} (signs the service tokens it sends the task service), {@code PUBSUB_NAME}
 * (the Dapr pub/sub component it subscribes on, pubsub), and the sidecar's ({@link SidecarConfig}).
 */
public record RecurrenceServiceConfig(int port, int instances, String jwtSecret, String pubsubName,
    SidecarConfig sidecar, AppPort appPort) {

  public RecurrenceServiceConfig withPort(int newPort) {
    return new RecurrenceServiceConfig(newPort, instances, jwtSecret, pubsubName, sidecar, appPort);
  }

  public RecurrenceServiceConfig withSidecar(SidecarConfig newSidecar) {
    return new RecurrenceServiceConfig(port, instances, jwtSecret, pubsubName, newSidecar, appPort);
  }

  public static RecurrenceServiceConfig fromEnv(Env env) {
    return new RecurrenceServiceConfig(
        env.getInt("RECURRENCE_SERVICE_PORT", 8084),
        env.getInt("RECURRENCE_SERVICE_INSTANCES", 1),
        env.optional("JWT_SECRET").orElseThrow(() -> new IllegalArgumentException(
            "JWT_SECRET is not set: the key that signs and checks access tokens (at least 32 bytes)")),
        env.get("PUBSUB_NAME", "pubsub"),
        SidecarConfig.fromEnv(env),
        AppPort.fromEnv(env));
  }
}
