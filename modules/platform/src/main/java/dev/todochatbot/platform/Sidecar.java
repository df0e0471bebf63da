package dev.todochatbot.platform;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This service's one way to Kafka, secrets and the other services: the Dapr sidecar's HTTP API
 * (DAPR-CONTRACT.md). It is the same against daprd and against the in-JVM devsidecar.
 */
public final class Sidecar implements ServiceInvoker {

  private static final Logger log = LoggerFactory.getLogger(Sidecar.class);
  private final Vertx vertx;
  private final SidecarConfig config;
  private final HttpClient client;
  /** Streamed answers held open at once, per Sidecar (per verticle instance). */
  private static final int STREAMING_POOL = 256;
  private HttpClient streaming;
  /** Dapr's gRPC API, when {@link SidecarConfig#api()} says the event plane goes there */
  private final DaprGrpc grpc;

  public Sidecar(Vertx vertx, SidecarConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.client = vertx.createHttpClient(
        new HttpClientOptions()
            .setDefaultHost(config.host())
            .setDefaultPort(config.httpPort())
            .setKeepAlive(true)
            .setConnectTimeout(5_000),
        new PoolOptions().setHttp1MaxSize(64));
    this.grpc = config.api() == SidecarConfig.Api.GRPC ? new DaprGrpc(vertx, config) : null;
  }

  public SidecarConfig config() {
    return config;
  }

  /** Its gRPC side, for {@link EventStreams}; only with {@code DAPR_API=grpc} (which {@code DAPR_SUBSCRIBE=stream} needs). */
  DaprGrpc grpc() {
    if (grpc == null) {
      throw new IllegalStateException("streaming subscriptions need the sidecar's gRPC API (DAPR_API=grpc)");
    }
    return grpc;
  }

  /**
   * Publishes a JSON payload to {@code topic} on the configured pub/sub and completes once the broker
   * has it (the sidecar answers 204). Metadata goes on the query as {@code metadata.<name>=<value>}
   * (for Kafka: {@code partitionKey} becomes the record key, {@code cloudevent.id} the envelope id).
   * With {@code DAPR_API=grpc} it is one {@code PublishEvent} call on the sidecar's gRPC API instead.
   */
  public Future<Void> publish(String topic, Buffer json, Map<String, String> metadata) {
    if (grpc != null) {
      return grpc.publish(topic, json, "application/json", metadata);
    }
    var uri = new StringBuilder("/v1.0/publish/").append(encode(config.pubsubName())).append('/').append(encode(topic));
    char separator = '?';
    for (var entry : metadata.entrySet()) {
      uri.append(separator).append("metadata.").append(encode(entry.getKey())).append('=').append(encode(entry.getValue()));
      separator = '&';
    }
    var options = new RequestOptions().setMethod(HttpMethod.POST).setURI(uri.toString()).setIdleTimeout(15_000)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    return exchange(options, json)
        .recover(failure -> Future.failedFuture(unreachable(failure)))
        .compose(answer -> answer.status() == 204 || answer.status() == 200
            ? Future.<Void>succeededFuture()
            : Future.failedFuture(error(answer.status(), answer.body(), "publish to " + topic)));
  }

  /**
   * A request and its whole answer. The body is asked for inside the callback of {@code send}, on the
   * connection's event loop: chained after it from a thread outside Vert.x (a service's main, a test),
   * the body could arrive before anyone asked for it and the future would never complete
   * (eclipse-vertx/vert.x#4705).
   */
  private Future<ServiceResponse> exchange(RequestOptions options, Buffer body) {
    authenticate(options);
    return client.request(options).compose(request -> (body == null ? request.send() : request.send(body))
        .compose(response -> response.body()
            .map(payload -> new ServiceResponse(response.statusCode(), response.headers(), payload))));
  }

  /** A secret from the configured store; empty when the store has no such key. */
  public Future<Optional<String>> secret(String key) {
    return secret(key, key);
  }

  /**
   * The value under {@code key} of the store's secret {@code secretName}. Kubernetes' store answers a
   * Secret with all its keys, so one Secret named for the release can hold a key the service asks for.
   */
  public Future<Optional<String>> secret(String secretName, String key) {
    String uri = "/v1.0/secrets/" + encode(config.secretStore()) + "/" + encode(secretName);
    return exchange(new RequestOptions().setMethod(HttpMethod.GET).setURI(uri).setIdleTimeout(10_000), null)
        .recover(failure -> Future.failedFuture(unreachable(failure)))
        .compose(answer -> {
          Buffer body = answer.body();
          if (answer.status() == 200) {
            return Future.succeededFuture(Optional.ofNullable(new JsonObject(body).getString(key)));
          }
          if (answer.status() == 204) {
            return Future.succeededFuture(Optional.<String>empty());
          }
          SidecarException error = error(answer.status(), body, "read secret " + secretName);
          // daprd answers 500 ERR_SECRET_GET for a key the store does not have
          return "ERR_SECRET_GET".equals(error.errorCode())
              ? Future.succeededFuture(Optional.<String>empty())
              : Future.failedFuture(error);
        });
  }

  /**
   * Fills the environment variables named in {@code secretKeys} (variable to secret key) that are not
   * set from the secret store, so that a deployment keeps credentials in the store and the
   * single-process mode can still pass them in the environment. {@code SECRET_NAMES}
   * ({@code key=secret-name,...}) says in which of the store's secrets a key is kept; a key not named
   * there is its own secret (the local file store).
   */
  public Future<Env> withSecrets(Env env, Map<String, String> secretKeys) {
    Map<String, String> secretNames;
    try {
      secretNames = secretNames(env.get("SECRET_NAMES", ""));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    var filled = new HashMap<String, String>();
    Future<Void> chain = Future.succeededFuture();
    for (var entry : secretKeys.entrySet()) {
      if (env.optional(entry.getKey()).isPresent()) {
        continue;
      }
      String key = entry.getValue();
      String name = secretNames.getOrDefault(key, key);
      chain = chain.compose(v -> secret(name, key).map(value -> {
        value.ifPresentOrElse(secret -> filled.put(entry.getKey(), secret),
            // said here, where it is known: the service's own error only knows the variable is not set
            () -> log.info("{} is not set, and the Dapr secret store {} has no {}{}", entry.getKey(),
                config.secretStore(), key, name.equals(key) ? "" : " in its secret " + name));
        return null;
      }));
    }
    return chain.map(v -> env.with(filled));
  }

  /** {@code SECRET_NAMES}: {@code key=secret-name} pairs separated by commas. */
  static Map<String, String> secretNames(String setting) {
    var names = new HashMap<String, String>();
    for (String pair : setting.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      String[] parts = pair.split("=", 2);
      String key = parts[0].strip();
      String name = parts.length == 2 ? parts[1].strip() : "";
      if (key.isEmpty() || name.isEmpty()) {
        throw new IllegalArgumentException("SECRET_NAMES must be key=secret-name pairs separated by commas, not '"
            + pair.strip() + "'");
      }
      names.put(key, name);
    }
    return names;
  }

  /**
   * For a service's {@code main}: the environment with the variables in {@code secretKeys} that are
   * not set read from the secret store (waiting for the sidecar first). When all are set (the
   * single-process mode, tests) the sidecar is not asked.
   */
  public static Future<Env> resolveSecrets(Vertx vertx, Env env, Map<String, String> secretKeys) {
    if (secretKeys.keySet().stream().allMatch(name -> env.optional(name).isPresent())) {
      return Future.succeededFuture(env);
    }
    var missing = secretKeys.keySet().stream().filter(name -> env.optional(name).isEmpty()).sorted().toList();
    var sidecar = new Sidecar(vertx, SidecarConfig.fromEnv(env));
    // said before the wait, so that a process started without its sidecar does not sit silent for a minute
    log.info("{} not set in the environment: reading them from the Dapr secret store once the sidecar at {}:{} is ready",
        missing, sidecar.config.host(), sidecar.config.httpPort());
    return sidecar.awaitReady(Duration.ofSeconds(60))
        .compose(ready -> sidecar.withSecrets(env, secretKeys))
        .eventually(sidecar::close);
  }

  /** Completes once the sidecar has loaded its components ({@code /v1.0/healthz/outbound} answers 204). */
  public Future<Void> awaitReady(Duration timeout) {
    Promise<Void> ready = Promise.promise();
    long deadline = System.nanoTime() + timeout.toNanos();
    pollReady(ready, deadline);
    return ready.future();
  }

  /**
   * For {@code /readyz}: succeeds when the sidecar answers {@code /v1.0/healthz/outbound} with 2xx now. Without its
   * sidecar a service is invoked by no one, gets no deliveries and publishes nothing, so it is not ready either (the
   * sidecar's own app health check calls {@code /healthz}, never {@code /readyz}: no loop).
   */
  public Future<Void> ready() {
    return exchange(new RequestOptions().setMethod(HttpMethod.GET).setURI("/v1.0/healthz/outbound").setIdleTimeout(2_000)
        .setConnectTimeout(1_000), null)
        .recover(failure -> Future.failedFuture(unreachable(failure)))
        .compose(answer -> answer.status() / 100 == 2 ? Future.<Void>succeededFuture()
            : Future.failedFuture(error(answer.status(), answer.body(), "say it is ready")));
  }

  private void pollReady(Promise<Void> ready, long deadline) {
    exchange(new RequestOptions().setMethod(HttpMethod.GET).setURI("/v1.0/healthz/outbound").setIdleTimeout(2_000), null)
        .map(ServiceResponse::status)
        .onComplete(result -> {
          if (result.succeeded() && result.result() / 100 == 2) {
            ready.complete();
          } else if (System.nanoTime() > deadline) {
            ready.fail(new SidecarException(0, null, "the Dapr sidecar at " + config.host() + ":" + config.httpPort()
                + " was not ready in time; is it running (DAPR_HTTP_PORT)?"));
          } else {
            vertx.setTimer(200, id -> pollReady(ready, deadline));
          }
        });
  }

  /** Service invocation: {@code /v1.0/invoke/{appId}/method/{path}}; the callee's status passes through. */
  @Override
  public Future<ServiceResponse> invoke(String appId, HttpMethod method, String path, MultiMap headers, Buffer body) {
    var options = new RequestOptions()
        .setMethod(method)
        .setURI("/v1.0/invoke/" + encode(appId) + "/method" + path)
        .setHeaders(headers)
        .setIdleTimeout(30_000);
    return exchange(options, body);
  }

  /**
   * Service invocation whose answer is streamed: the callee's response as soon as its headers arrive,
   * its body still to be read (piped to a browser as server-sent events, say). The caller must read
   * or pipe the body. No idle timeout beyond {@code idleTimeoutMillis} between two pieces of it.
   */
  public Future<io.vertx.core.http.HttpClientResponse> invokeStreaming(String appId, HttpMethod method, String path,
      MultiMap headers, Buffer body, long idleTimeoutMillis) {
    var options = new RequestOptions()
        .setMethod(method)
        .setURI("/v1.0/invoke/" + encode(appId) + "/method" + path)
        .setHeaders(headers)
        .setIdleTimeout(idleTimeoutMillis);
    authenticate(options);
    return streamingClient().request(options).compose(request -> body == null ? request.send() : request.send(body));
  }

  /**
   * A pool of its own for streamed answers: a chat holds its connection while the agent works (tool
   * rounds, a model's pauses), and must not hold up the short calls that share {@link #client}.
   */
  private synchronized HttpClient streamingClient() {
    if (streaming == null) {
      streaming = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(config.host())
          .setDefaultPort(config.httpPort()).setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(5_000),
          new PoolOptions().setHttp1MaxSize(STREAMING_POOL));
    }
    return streaming;
  }

  public Future<Void> close() {
    HttpClient streams;
    synchronized (this) {
      streams = streaming;
    }
    return Future.join(client.close(), streams == null ? Future.succeededFuture() : streams.close(),
        grpc == null ? Future.succeededFuture() : grpc.close()).mapEmpty();
  }

  /**
   * The sidecar's API token on the request, replacing any header of that name the caller passed on (a
   * forwarded request's headers come from a browser).
   */
  private void authenticate(RequestOptions options) {
    if (options.getHeaders() != null) {
      options.removeHeader(AppPort.TOKEN_HEADER);
    }
    config.apiToken().ifPresent(token -> options.putHeader(AppPort.TOKEN_HEADER, token));
  }

  private SidecarException unreachable(Throwable failure) {
    return new SidecarException(0, null, "the Dapr sidecar at " + config.host() + ":" + config.httpPort()
        + " could not be reached: " + failure.getMessage());
  }

  private static SidecarException error(int status, Buffer body, String what) {
    String code = null;
    String message = body.toString();
    try {
      JsonObject json = new JsonObject(body);
      code = json.getString("errorCode");
      message = json.getString("message", message);
    } catch (DecodeException | ClassCastException e) {
      // not Dapr's error shape: keep the raw text
    }
    return new SidecarException(status, code,
        "the sidecar could not " + what + ": " + status + (code == null ? "" : " " + code) + " " + message);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
