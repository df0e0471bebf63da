package dev.todochatbot.platform;

import java.util.Locale;
import java.util.Optional;

/**
 * Where this service's Dapr sidecar listens and which of its components to use:
 * {@code DAPR_HOST} (127.0.0.1), {@code DAPR_HTTP_PORT} (3500, set by daprd for its app),
 * {@code DAPR_GRPC_PORT} (50001, set by daprd too), {@code DAPR_API} (which of the two APIs events are published
 * through: {@code grpc}, the default, or {@code http}), {@code DAPR_SUBSCRIBE} (how events are received: {@code http},
 * the default, where the sidecar calls the routes the app lists at {@code /dapr/subscribe}, or {@code stream}, where the
 * app opens streaming subscriptions on the gRPC API; see {@link Subscribe}), {@code PUBSUB_NAME} (pubsub),
 * {@code SECRET_STORE} (secretstore), and {@code DAPR_API_TOKEN}, the token the sidecar asks of every call
 * to its API (sent as {@code dapr-api-token}; daprd's injector sets it from {@code dapr.io/api-token-secret},
 * {@code make run} makes one per start).
 */
public record SidecarConfig(String host, int httpPort, int grpcPort, Api api, Subscribe subscribe, String pubsubName,
    String secretStore, Optional<String> apiToken) {

  /** Which of the sidecar's APIs publishing goes through. */
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

  /**
   * How events reach the app. {@code HTTP}: the sidecar calls the routes the app lists at {@code /dapr/subscribe}.
   * {@code STREAM}: the app dials {@code SubscribeTopicEventsAlpha1} ({@link EventStreams}). Not the default: on daprd
   * 1.16.5 a stream that ends with events unanswered (its app restarting under load) leaves them in the inbound retry
   * policy against a connection that is gone, and while they retry the sidecar confirms no new stream (README,
   * "Receiving events").
   */
  public enum Subscribe {
    HTTP, STREAM;

    static Subscribe parse(String value) {
      try {
        return valueOf(value.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("DAPR_SUBSCRIBE must be http or stream, not '" + value + "'");
      }
    }
  }

  public static final int DEFAULT_GRPC_PORT = 50001;

  public SidecarConfig {
    apiToken = apiToken.filter(token -> !token.isEmpty());
    if (subscribe == Subscribe.STREAM && api != Api.GRPC) {
      throw new IllegalArgumentException("DAPR_SUBSCRIBE=stream needs DAPR_API=grpc: streaming subscriptions are "
          + "a call on the sidecar's gRPC API");
    }
  }

  /** Whether events come over streaming subscriptions rather than calls to the app's routes. */
  public boolean streaming() {
    return subscribe == Subscribe.STREAM;
  }

  /** A sidecar reached over HTTP only. */
  public SidecarConfig(String host, int httpPort, String pubsubName, String secretStore, Optional<String> apiToken) {
    this(host, httpPort, DEFAULT_GRPC_PORT, Api.HTTP, Subscribe.HTTP, pubsubName, secretStore, apiToken);
  }

  /** A sidecar that asks for no API token (tests' own stand-ins), over HTTP only. */
  public SidecarConfig(String host, int httpPort, String pubsubName, String secretStore) {
    this(host, httpPort, pubsubName, secretStore, Optional.empty());
  }

  /** The same sidecar, publishing through {@code api} ({@code grpcPort} for gRPC) and receiving as {@code subscribe}. */
  public SidecarConfig withApi(Api api, Subscribe subscribe, int grpcPort) {
    return new SidecarConfig(host, httpPort, grpcPort, api, subscribe, pubsubName, secretStore, apiToken);
  }

  public static SidecarConfig fromEnv(Env env) {
    return new SidecarConfig(
        env.get("DAPR_HOST", "127.0.0.1"),
        env.getInt("DAPR_HTTP_PORT", 3500),
        env.getInt("DAPR_GRPC_PORT", DEFAULT_GRPC_PORT),
        Api.parse(env.get("DAPR_API", "grpc")),
        Subscribe.parse(env.get("DAPR_SUBSCRIBE", "http")),
        env.get("PUBSUB_NAME", "pubsub"),
        env.get("SECRET_STORE", "secretstore"),
        env.optional("DAPR_API_TOKEN"));
  }
}
