package dev.todochatbot.platform;

import java.util.Locale;
import java.util.Optional;

/**
 * Where this service's Dapr sidecar listens and which of its components to use:
 * {@code DAPR_HOST} (127.0.0.1), {@code DAPR_HTTP_PORT} (3500, set by daprd for its app),
 * {@code DAPR_GRPC_PORT} (50001, set by daprd too), {@code DAPR_API} (which of the two APIs the event
 * plane uses: {@code http}, the default for now, or {@code grpc}), {@code PUBSUB_NAME} (pubsub),
 * {@code SECRET_STORE} (secretstore), and {@code DAPR_API_TOKEN}, the token the sidecar asks of every call
 * to its API (sent as {@code dapr-api-token}; daprd's injector sets it from {@code dapr.io/api-token-secret},
 * {@code make run} makes one per start).
 */
public record SidecarConfig(String host, int httpPort, int grpcPort, Api api, String pubsubName, String secretStore,
    Optional<String> apiToken) {

  /** Which of the sidecar's APIs publishing (and, later, receiving) goes through. */
  public enum Api {
    HTTP, GRPC;

    static Api parse(String value) {
      try {
        return valueOf(value.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("DAPR_API must be http or grpc, not '" + value + "'");
      }
    }
  }

  public static final int DEFAULT_GRPC_PORT = 50001;

  public SidecarConfig {
    apiToken = apiToken.filter(token -> !token.isEmpty());
  }

  /** A sidecar reached over HTTP only. */
  public SidecarConfig(String host, int httpPort, String pubsubName, String secretStore, Optional<String> apiToken) {
    this(host, httpPort, DEFAULT_GRPC_PORT, Api.HTTP, pubsubName, secretStore, apiToken);
  }

  /** A sidecar that asks for no API token (tests' own stand-ins), over HTTP only. */
  public SidecarConfig(String host, int httpPort, String pubsubName, String secretStore) {
    this(host, httpPort, pubsubName, secretStore, Optional.empty());
  }

  /** The same sidecar, its event plane on {@code api} through {@code grpcPort}. */
  public SidecarConfig withApi(Api api, int grpcPort) {
    return new SidecarConfig(host, httpPort, grpcPort, api, pubsubName, secretStore, apiToken);
  }

  public static SidecarConfig fromEnv(Env env) {
    return new SidecarConfig(
        env.get("DAPR_HOST", "127.0.0.1"),
        env.getInt("DAPR_HTTP_PORT", 3500),
        env.getInt("DAPR_GRPC_PORT", DEFAULT_GRPC_PORT),
        Api.parse(env.get("DAPR_API", "http")),
        env.get("PUBSUB_NAME", "pubsub"),
        env.get("SECRET_STORE", "secretstore"),
        env.optional("DAPR_API_TOKEN"));
  }
}
