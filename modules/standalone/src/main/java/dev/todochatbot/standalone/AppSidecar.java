package dev.todochatbot.standalone;

import dev.todochatbot.daprd.Daprd;
import dev.todochatbot.devsidecar.DevSidecar;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;

/**
 * One app's sidecar as {@link Main} runs it: the in-JVM devsidecar ({@code make run}) or a real daprd
 * process ({@code SIDECAR=daprd}). The services see no difference: a port and two tokens.
 */
public sealed interface AppSidecar {

  String appId();

  /** Its HTTP API's port (the services' {@code DAPR_HTTP_PORT}). */
  int httpPort();

  /** Its gRPC API's port (the services' {@code DAPR_GRPC_PORT}, used with {@code DAPR_API=grpc}). */
  int grpcPort();

  /** What every call to its API must carry ({@code DAPR_API_TOKEN}). */
  Optional<String> apiToken();

  /** What it carries on its calls to the app ({@code APP_API_TOKEN}). */
  Optional<String> appToken();

  /** Completes when its subscriptions are in place and it delivers to the app. */
  Future<Void> subscribed();

  /** Stops it; in-flight deliveries end first. */
  Future<Void> close();

  /** The in-JVM stand-in. */
  record Dev(DevSidecar sidecar) implements AppSidecar {

    @Override
    public String appId() {
      return sidecar.appId();
    }

    @Override
    public int httpPort() {
      return sidecar.httpPort();
    }

    @Override
    public int grpcPort() {
      return sidecar.grpcPort();
    }

    @Override
    public Optional<String> apiToken() {
      return sidecar.apiToken();
    }

    @Override
    public Optional<String> appToken() {
      return sidecar.appToken();
    }

    @Override
    public Future<Void> subscribed() {
      return sidecar.subscribed();
    }

    @Override
    public Future<Void> close() {
      return sidecar.close();
    }
  }

  /**
   * A real daprd process. {@code subscribed} is daprd's own readiness ({@code /v1.0/healthz}: the app's port
   * answered and its subscriptions were made) followed by the broker's word that each consumer group of this
   * sidecar has its partitions ({@link ConsumerGroups}): only then does an event published now reach the app.
   */
  record Real(Vertx vertx, Daprd daprd, ConsumerGroups groups) implements AppSidecar {

    static final Duration READY = Duration.ofSeconds(60);

    @Override
    public String appId() {
      return daprd.appId();
    }

    @Override
    public int httpPort() {
      return daprd.httpPort();
    }

    @Override
    public int grpcPort() {
      return daprd.grpcPort();
    }

    @Override
    public Optional<String> apiToken() {
      return daprd.apiToken();
    }

    @Override
    public Optional<String> appToken() {
      return daprd.appToken();
    }

    @Override
    public Future<Void> subscribed() {
      return vertx.executeBlocking(() -> {
        daprd.awaitReady(READY);
        groups.awaitAssigned(daprd.appId(), READY);
        return null;
      }, false);
    }

    @Override
    public Future<Void> close() {
      return vertx.executeBlocking(() -> {
        groups.remove(daprd);
        daprd.close();
        return null;
      }, false);
    }
  }
}
