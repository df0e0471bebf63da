package dev.todochatbot.platform;

import java.util.Optional;

/**
 * Where this service's Dapr sidecar listens and which of its components to use:
 * {@code DAPR_HOST} (127.0.0.1), {@code DAPR_HTTP_PORT} (3500, set by daprd for its app),
 * {@code PUBSUB_NAME} (pubsub), {@code SECRET_STORE} (secretstore), and {@code DAPR_API_TOKEN}, the
 * token the sidecar asks of every call to its API (sent as {@code dapr-api-token}; daprd's injector sets
 * it from {@code dapr.io/api-token-secret}, {@code make run} makes one per start).
 */
public record SidecarConfig(String host, int httpPort, String pubsubName, String secretStore, Optional<String> apiToken) {

  public SidecarConfig {
    apiToken = apiToken.filter(token -> !token.isEmpty());
  }

  /** A sidecar that asks for no API token (tests' own stand-ins). */
  public SidecarConfig(String host, int httpPort, String pubsubName, String secretStore) {
    this(host, httpPort, pubsubName, secretStore, Optional.empty());
  }

  public static SidecarConfig fromEnv(Env env) {
    return new SidecarConfig(
        env.get("DAPR_HOST", "127.0.0.1"),
        env.getInt("DAPR_HTTP_PORT", 3500),
        env.get("PUBSUB_NAME", "pubsub"),
        env.get("SECRET_STORE", "secretstore"),
        env.optional("DAPR_API_TOKEN"));
  }
}
