package dev.todochatbot.platform;

/**
 * Where this service's Dapr sidecar listens and which of its components to use:
 * {@code DAPR_HOST} (127.0.0.1), {@code DAPR_HTTP_PORT} (3500, set by daprd for its app),
 * {@code PUBSUB_NAME} (pubsub), {@code SECRET_STORE} (secretstore).
 */
public record SidecarConfig(String host, int httpPort, String pubsubName, String secretStore) {

  public static SidecarConfig fromEnv(Env env) {
    return new SidecarConfig(
        env.get("DAPR_HOST", "127.0.0.1"),
        env.getInt("DAPR_HTTP_PORT", 3500),
        env.get("PUBSUB_NAME", "pubsub"),
        env.get("SECRET_STORE", "secretstore"));
  }

  public SidecarConfig withHttpPort(int port) {
    return new SidecarConfig(host, port, pubsubName, secretStore);
  }
}
