package dev.todochatbot.devsidecar;

import dev.todochatbot.platform.AppPort;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.BindException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar's HTTP API (the part of Dapr's the services use). Service invocation is checked first,
 * before the router, as it carries every API request of the edge.
 */
final class SidecarApi extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(SidecarApi.class);
  private static final int MAX_BODY = 4 * 1024 * 1024;
  private static final String TRACEPARENT = "traceparent";

  private final DevSidecar sidecar;
  private final int port;
  private final Optional<byte[]> apiToken;
  private HttpServer server;
  private ServiceInvocation invocation;

  SidecarApi(DevSidecar sidecar, int port) {
    this.sidecar = sidecar;
    this.port = port;
    this.apiToken = sidecar.apiToken().map(token -> token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Override
  public Future<?> start() {
    invocation = new ServiceInvocation(vertx, sidecar.appId(), sidecar.apps());
    Router router = Router.router(vertx);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY);
    router.get("/v1.0/healthz").handler(this::healthz);
    router.get("/v1.0/healthz/outbound").handler(ctx -> ctx.response().setStatusCode(204).end());
    router.route("/v1.0-alpha1/publish/bulk/*").method(HttpMethod.POST).method(HttpMethod.PUT)
        .handler(body).handler(ctx -> bulkPublish(ctx, "/v1.0-alpha1/publish/bulk/"));
    router.route("/v1.0/publish/bulk/*").method(HttpMethod.POST).method(HttpMethod.PUT)
        .handler(body).handler(ctx -> bulkPublish(ctx, "/v1.0/publish/bulk/"));
    router.route("/v1.0/publish/*").method(HttpMethod.POST).method(HttpMethod.PUT)
        .handler(body).handler(this::publish);
    router.get("/v1.0/secrets/:store/bulk").handler(this::bulkSecrets);
    router.get("/v1.0/secrets/:store/:key").handler(this::secret);
    // what matches no route (another verb, an empty name) is daprd's invocation fallback without an app id
    router.errorHandler(404, ctx -> DaprError.noAppId().send(ctx.response()));
    router.errorHandler(405, ctx -> DaprError.noAppId().send(ctx.response()));

    // loopback only, as daprd's API is in a pod (its app is its only caller), and the API token on top
    return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
        .requestHandler(request -> {
          if (!healthPath(request)) {
            // daprd's tracing: every API call is a span of its own, a child of the caller's, named in the
            // answer; the request carries it on to the envelope or the invocation
            String span = TraceContext.childOf(request.getHeader(TRACEPARENT));
            request.headers().set(TRACEPARENT, span);
            request.response().putHeader(TRACEPARENT, span);
          }
          if (!authenticated(request)) {
            return;
          }
          if (!invocation.handle(request)) {
            router.handle(request);
          }
        })
        .listen(port, "127.0.0.1")
        .recover(failure -> Future.failedFuture(failure instanceof BindException
            ? new IllegalStateException("Sidecar of app " + sidecar.appId() + ": port " + port
                + " is already in use; stop what listens there, or choose another port", failure)
            : failure))
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    invocation.close();
    return server == null ? Future.succeededFuture() : server.close();
  }

  int actualPort() {
    return server.actualPort();
  }

  /**
   * daprd's {@code APITokenAuthMiddleware}: with {@code DAPR_API_TOKEN} set, a request without that token in
   * {@code dapr-api-token} gets 401 {@code invalid api token} (plain text), except {@code GET /v1.0/healthz}
   * and {@code /v1.0/healthz/outbound}; the header is removed before the request goes on, so an invocation
   * never hands the caller's token to the callee.
   */
  private boolean authenticated(io.vertx.core.http.HttpServerRequest request) {
    Optional<byte[]> expected = apiToken;
    if (expected.isPresent()) {
      if (!AppPort.matches(expected.get(), request.getHeader(AppPort.TOKEN_HEADER)) && !healthCheck(request)) {
        request.response().setStatusCode(401).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
            .putHeader("X-Content-Type-Options", "nosniff")
            .end("invalid api token\n");
        return false;
      }
    }
    request.headers().remove(AppPort.TOKEN_HEADER);
    return true;
  }

  private static boolean healthCheck(io.vertx.core.http.HttpServerRequest request) {
    return request.method() == HttpMethod.GET && healthPath(request);
  }

  /** daprd neither traces nor (for GET) guards its health endpoints. */
  private static boolean healthPath(io.vertx.core.http.HttpServerRequest request) {
    String path = request.path();
    while (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return path.equals("/v1.0/healthz") || path.equals("/v1.0/healthz/outbound");
  }

  private void healthz(RoutingContext ctx) {
    if (sidecar.ready()) {
      ctx.response().setStatusCode(204).end();
    } else {
      DaprError.notReady(sidecar.consumersHealthy() ? "dapr is not ready: waiting for app " + sidecar.appId()
          : "dapr is not ready: a consumer of app " + sidecar.appId() + " is failing (see the log)")
          .send(ctx.response());
    }
  }

  /** {@code /v1.0/publish/{pubsub}/{topic...}}: the topic is the rest of the path, slashes included. */
  private void publish(RoutingContext ctx) {
    Target target = target(ctx, "/v1.0/publish/");
    Optional<DaprError> invalid = target.check(sidecar);
    if (invalid.isPresent()) {
      invalid.get().send(ctx.response());
      return;
    }
    Map<String, String> metadata = metadata(ctx);
    Optional<Boolean> raw = rawPayload(metadata);
    if (raw.isEmpty()) {
      DaprError.metadata("rawPayload value must be a valid boolean: actual is '" + metadata.get("rawPayload") + "'")
          .send(ctx.response());
      return;
    }
    KafkaPubSub pubsub = sidecar.pubsub(target.pubsub()).orElseThrow();
    if (!pubsub.publishAllowed(target.topic())) {
      DaprError.forbidden(target.topic(), sidecar.appId()).send(ctx.response());
      return;
    }
    Buffer body = ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
    byte[] value;
    if (raw.get()) {
      value = body.getBytes();
    } else {
      try {
        value = CloudEvents.envelope(sidecar.appId(), target.pubsub(), target.topic(),
            ctx.request().getHeader(HttpHeaders.CONTENT_TYPE), body, metadata, ctx.request().getHeader(TRACEPARENT),
            Optional.ofNullable(ctx.request().getHeader("tracestate")).orElse(""));
      } catch (CloudEvents.InvalidEnvelope e) {
        log.debug("Publish to {}/{}: cannot create the cloud event: {}", target.pubsub(), target.topic(), e.getMessage());
        DaprError.cloudEvent().send(ctx.response());
        return;
      }
    }
    pubsub.publish(vertx.getOrCreateContext(), target.topic(), value, metadata).onComplete(result -> {
      if (result.succeeded()) {
        ctx.response().setStatusCode(204).end();
      } else {
        DaprError.publish(target.pubsub(), target.topic(), String.valueOf(result.cause().getMessage()))
            .send(ctx.response());
      }
    });
  }

  /** {@code [{"entryId","event","contentType","metadata"}]}; 204, or 500 naming the failed entries. */
  private void bulkPublish(RoutingContext ctx, String prefix) {
    Target target = target(ctx, prefix);
    Optional<DaprError> invalid = target.check(sidecar);
    if (invalid.isPresent()) {
      invalid.get().send(ctx.response());
      return;
    }
    Map<String, String> metadata = metadata(ctx);
    Optional<Boolean> raw = rawPayload(metadata);
    if (raw.isEmpty()) {
      DaprError.metadata("rawPayload value must be a valid boolean: actual is '" + metadata.get("rawPayload") + "'")
          .send(ctx.response());
      return;
    }
    KafkaPubSub pubsub = sidecar.pubsub(target.pubsub()).orElseThrow();
    if (!pubsub.publishAllowed(target.topic())) {
      DaprError.forbidden(target.topic(), sidecar.appId()).send(ctx.response());
      return;
    }
    JsonArray entries;
    try {
      Object parsed = Json.decodeValue(ctx.body().buffer() == null ? Buffer.buffer("[]") : ctx.body().buffer());
      if (!(parsed instanceof JsonArray array)) {
        throw new DecodeException("the body must be a JSON array of entries");
      }
      entries = array;
    } catch (DecodeException e) {
      DaprError.eventsSer("error when unmarshaling the request for topic " + target.topic() + " pubsub "
          + target.pubsub() + ": " + e.getMessage()).send(ctx.response());
      return;
    }
    var ids = new java.util.HashSet<String>();
    var records = new ArrayList<BulkEntry>();
    for (Object item : entries) {
      JsonObject entry = item instanceof JsonObject j ? j : new JsonObject();
      String id = entry.getString("entryId", "");
      if (id.isEmpty() || !ids.add(id)) {
        DaprError.eventsSer("error marshaling events to bytes for topic " + target.topic() + " pubsub "
            + target.pubsub() + ". error: entryId is duplicated or not present for entry").send(ctx.response());
        return;
      }
      String contentType = entry.getString("contentType", "");
      Object event = entry.getValue("event");
      Buffer data = event instanceof String s && !CloudEvents.mediaType(contentType).endsWith("json")
          ? Buffer.buffer(s) : Json.encodeToBuffer(event);
      var entryMetadata = new LinkedHashMap<>(metadata);
      JsonObject own = entry.getJsonObject("metadata", new JsonObject());
      own.forEach(e -> entryMetadata.put(e.getKey(), String.valueOf(e.getValue())));
      byte[] value;
      try {
        value = raw.get() ? data.getBytes() : CloudEvents.envelope(sidecar.appId(), target.pubsub(), target.topic(),
            contentType.isEmpty() ? null : contentType, data, entryMetadata,
            // daprd makes every entry a span of its own under the request's
            TraceContext.childOf(ctx.request().getHeader(TRACEPARENT)),
            Optional.ofNullable(ctx.request().getHeader("tracestate")).orElse(""));
      } catch (CloudEvents.InvalidEnvelope e) {
        log.debug("Publish to {}/{}: cannot create the cloud event: {}", target.pubsub(), target.topic(), e.getMessage());
        DaprError.cloudEvent().send(ctx.response());
        return;
      }
      records.add(new BulkEntry(id, value, entryMetadata));
    }
    var context = vertx.getOrCreateContext();
    var sent = records.stream()
        .map(r -> Map.entry(r.entryId(), pubsub.publish(context, target.topic(), r.value(), r.metadata())))
        .toList();
    Future.join(sent.stream().map(Map.Entry::getValue).toList()).onComplete(done -> {
      var failed = new JsonArray();
      sent.forEach(p -> {
        if (p.getValue().failed()) {
          failed.add(new JsonObject().put("entryId", p.getKey()).put("error", p.getValue().cause().getMessage()));
        }
      });
      if (failed.isEmpty()) {
        ctx.response().setStatusCode(204).end();
      } else {
        ctx.response().setStatusCode(500).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(new JsonObject().put("failedEntries", failed).put("errorCode", "ERR_PUBSUB_PUBLISH_MESSAGE").toBuffer());
      }
    });
  }

  private record BulkEntry(String entryId, byte[] value, Map<String, String> metadata) {}

  private void secret(RoutingContext ctx) {
    String storeName = ctx.pathParam("store");
    String key = ctx.pathParam("key");
    withStore(ctx, storeName).ifPresent(store -> store.get(key).ifPresentOrElse(
        values -> json(ctx, new JsonObject(new LinkedHashMap<>(values))),
        () -> DaprError.secretGet(key, storeName, "secret " + key + " not found").send(ctx.response())));
  }

  private void bulkSecrets(RoutingContext ctx) {
    withStore(ctx, ctx.pathParam("store")).ifPresent(store -> {
      var all = new JsonObject();
      store.all().forEach((name, values) -> all.put(name, new JsonObject(new LinkedHashMap<>(values))));
      json(ctx, all);
    });
  }

  private Optional<LocalFileSecretStore> withStore(RoutingContext ctx, String name) {
    if (sidecar.secretStores().isEmpty()) {
      DaprError.secretStoresNotConfigured().send(ctx.response());
      return Optional.empty();
    }
    LocalFileSecretStore store = sidecar.secretStores().get(name);
    if (store == null) {
      DaprError.secretStoreNotFound(name).send(ctx.response());
    }
    return Optional.ofNullable(store);
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.toBuffer());
  }

  /** A publish request's pub/sub and topic, taken from the raw path. */
  private record Target(String pubsub, String topic) {
    /**
     * daprd's router matches {@code /v1.0/publish/{pubsub}/{topic}} only with both names, so a request
     * without one falls through to invocation's "no app id"; an unknown pub/sub is 404 even when the
     * app has none at all.
     */
    Optional<DaprError> check(DevSidecar sidecar) {
      if (pubsub.isEmpty() || topic.isEmpty()) {
        return Optional.of(DaprError.noAppId());
      }
      if (sidecar.pubsub(pubsub).isEmpty()) {
        return Optional.of(DaprError.pubsubNotFound(pubsub));
      }
      return Optional.empty();
    }
  }

  private static Target target(RoutingContext ctx, String prefix) {
    String rest = ctx.request().path().substring(prefix.length());
    int slash = rest.indexOf('/');
    String pubsub = slash < 0 ? rest : rest.substring(0, slash);
    String topic = slash < 0 ? "" : rest.substring(slash + 1);
    return new Target(QueryStringDecoder.decodeComponent(pubsub), QueryStringDecoder.decodeComponent(topic));
  }

  /** The {@code metadata.*} query parameters, prefix removed, first value of each. */
  private static Map<String, String> metadata(RoutingContext ctx) {
    var metadata = new LinkedHashMap<String, String>();
    for (Map.Entry<String, String> e : ctx.queryParams()) {
      if (e.getKey().startsWith("metadata.") && e.getKey().length() > "metadata.".length()) {
        metadata.putIfAbsent(e.getKey().substring("metadata.".length()), e.getValue());
      }
    }
    return metadata;
  }

  /** Go's strconv.ParseBool, which daprd uses; empty when the value is not a boolean. */
  static Optional<Boolean> rawPayload(Map<String, String> metadata) {
    String value = metadata.get("rawPayload");
    if (value == null || value.isEmpty()) {
      return Optional.of(false);
    }
    return switch (value) {
      case "1", "t", "T", "TRUE", "true", "True" -> Optional.of(true);
      case "0", "f", "F", "FALSE", "false", "False" -> Optional.of(false);
      default -> Optional.empty();
    };
  }
}
