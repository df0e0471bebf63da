package dev.todochatbot.audit;

import dev.todochatbot.platform.Database;
import dev.todochatbot.platform.EventStreams;
import dev.todochatbot.platform.SidecarConfig;
import dev.todochatbot.platform.events.EventStatus;
import dev.todochatbot.platform.HttpProblems;
import dev.todochatbot.platform.HttpServers;
import dev.todochatbot.platform.Observability;
import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.Problem;
import dev.todochatbot.platform.Sidecar;
import dev.todochatbot.platform.Tokens;
import dev.todochatbot.platform.events.CloudEvent;
import dev.todochatbot.platform.events.ConsumerLag;
import dev.todochatbot.platform.events.SubscriptionReplies;
import dev.todochatbot.platform.events.TaskEvent;
import dev.todochatbot.platform.events.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.util.UUID;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit service over HTTP: the callback the Dapr sidecar delivers task events to, and the history
 * queries of signed-in users. The route table below is the whole of it.
 *
 * <p>Every delivered event is answered 200 with the status that tells the sidecar what to do
 * (DAPR-CONTRACT.md): SUCCESS once it is stored (or was before), RETRY while it cannot be stored now,
 * DROP when it never can be (to the dead-letter topic). A 4xx other than 404 would be retried forever.
 */
public final class AuditApiVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(AuditApiVerticle.class);

  static final String EVENTS_ROUTE = "/events/" + Topics.TASK_EVENTS;
  /** Larger than any event the task service can publish, and than a Kafka record by default. */
  static final long MAX_EVENT_BYTES = 1024 * 1024;

  private final AuditServiceConfig config;
  private Pool pool;
  private AuditRepository events;
  private MeterRegistry metrics;
  private Counter stored;
  private Counter duplicates;
  private SubscriptionReplies replies;
  private ConsumerLag lag;
  private Router router;
  /** asked by /readyz, and over gRPC the one this service's streams of events come through */
  private Sidecar sidecar;
  /** with DAPR_SUBSCRIBE=stream: the stream of task events from the sidecar, opened by one instance for the process */
  private EventStreams streams;

  public AuditApiVerticle(AuditServiceConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    pool = Database.pool(vertx, config.database(), config.poolSizePerInstance(), "audit");
    events = new AuditRepository(pool);
    Tokens tokens = Tokens.create(vertx, config.jwtSecret(), config.tokenTtl());
    registerMetrics();

    router = Router.router(vertx);
    sidecar = new Sidecar(vertx, config.sidecar());
    boolean streaming = config.sidecar().streaming();
    streams = streaming ? EventStreams.of(vertx, "audit") : null;
    Observability.mountHealthAndMetrics(router, () -> pool.query("SELECT 1").execute().compose(rows -> sidecar.ready())
        .compose(ready -> streams == null ? Future.succeededFuture() : streams.readiness()));
    Handler<RoutingContext> signedIn = tokens.requireUser();
    // called by the sidecar, not by people: its app token, no user's; any body, since what cannot be read is dropped
    var sidecarOnly = config.appPort().sidecarOnly();
    router.get("/dapr/subscribe").handler(sidecarOnly).handler(this::subscriptions);
    router.post(EVENTS_ROUTE).handler(sidecarOnly).handler(BodyHandler.create(false).setBodyLimit(MAX_EVENT_BYTES))
        .handler(replies.route(this::receiveTaskEvent)).failureHandler(ctx -> replies.unreadable(ctx));
    router.get("/api/tasks/:id/history").handler(signedIn).handler(this::history);
    router.get("/api/audit").handler(signedIn).handler(this::trail);
    HttpProblems.install(router);

    // listening first: daprd makes no subscription, streamed or not, before the app's port answers
    return HttpServers.listen(vertx, router, config.appPort().host(), config.port(), "AUDIT_SERVICE_PORT")
        .compose(server -> streaming && streams.claim() ? openStreams().map(server) : Future.succeededFuture(server));
  }

  private Future<Void> openStreams() {
    streams.subscribe(vertx, sidecar, config.sidecar().pubsubName(), Topics.TASK_EVENTS,
        Optional.of(Topics.TASK_EVENTS_DEADLETTER), java.util.Map.of(), event -> replies.receive(event,
            this::receiveTaskEvent), metrics);
    return streams.start();
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = streams == null ? Future.succeededFuture() : streams.close(vertx);
    closed = closed.eventually(() -> sidecar == null ? Future.succeededFuture() : sidecar.close());
    return closed.eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  /** The routes, for tests and the edge's OpenAPI check. */
  public Router router() {
    return router;
  }

  /** Counters on the registry Observability serves at /metrics. */
  private void registerMetrics() {
    metrics = Observability.registry();
    stored = Counter.builder("audit.events.stored").description("Task events stored in the audit trail")
        .register(metrics);
    duplicates = Counter.builder("audit.events.duplicate")
        .description("Task events delivered again after they were stored, acknowledged without a second row")
        .register(metrics);
    lag = new ConsumerLag(metrics, "audit", Topics.TASK_EVENTS);
    replies = new SubscriptionReplies("audit", metrics, Optional.of(Topics.TASK_EVENTS_DEADLETTER), MAX_EVENT_BYTES,
        "Task events handed back to the sidecar to deliver again, because they could not be stored now");
  }

  /** Over gRPC the service opens its streams itself, so the sidecar learns of no subscription here. */
  private void subscriptions(RoutingContext ctx) {
    if (streams != null) {
      sendJson(ctx, new io.vertx.core.json.JsonArray().toBuffer());
      return;
    }
    sendJson(ctx, SubscriptionReplies.subscription(config.sidecar().pubsubName(), Topics.TASK_EVENTS, EVENTS_ROUTE,
        Topics.TASK_EVENTS_DEADLETTER).toBuffer());
  }

  /** Stored once by its event id: a delivery again is acknowledged without a second row. */
  private Future<EventStatus> receiveTaskEvent(CloudEvent envelope) {
    TaskEvent event = TaskEvent.fromJson(envelope.data());
    lag.record(event.occurredAt());
    return events.store(event, envelope.data()).transform(result -> {
      if (result.succeeded()) {
        (result.result() ? stored : duplicates).increment();
        return Future.succeededFuture(replies.success());
      }
      if (SubscriptionReplies.isRefusedByPostgres(result.cause())) {
        return Future.succeededFuture(replies.drop(event.eventId().toString(), "unstorable", "PostgreSQL refuses it: "
            + result.cause().getMessage()));
      }
      return Future.succeededFuture(replies.retry(event.eventId().toString(), "not stored: " + result.cause()));
    });
  }

  private void history(RoutingContext ctx) {
    UUID taskId = taskId(ctx);
    events.history(Principal.of(ctx).userId(), taskId, AuditQuery.history(ctx.queryParams()))
        .onSuccess(page -> sendPage(ctx, page))
        .onFailure(ctx::fail);
  }

  private void trail(RoutingContext ctx) {
    events.trail(Principal.of(ctx).userId(), AuditQuery.audit(ctx.queryParams()))
        .onSuccess(page -> sendPage(ctx, page))
        .onFailure(ctx::fail);
  }

  private static UUID taskId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw Problem.notFound("You have no task " + id + ": task ids are UUIDs.").exception();
    }
  }

  /** {@code {"items": [...], "nextCursor": ...}}, the events spliced in as PostgreSQL printed them. */
  private static void sendPage(RoutingContext ctx, AuditRepository.Page page) {
    var body = Buffer.buffer(64 + page.events().size() * 600).appendString("{\"items\":[");
    for (int i = 0; i < page.events().size(); i++) {
      body.appendString(i == 0 ? "" : ",").appendString(page.events().get(i));
    }
    body.appendString("],\"nextCursor\":")
        .appendString(page.nextCursor() == null ? "null" : "\"" + page.nextCursor() + "\"").appendString("}");
    sendJson(ctx, body);
  }

  private static void sendJson(RoutingContext ctx, Buffer body) {
    ctx.response()
        .setStatusCode(200)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body);
  }
}
