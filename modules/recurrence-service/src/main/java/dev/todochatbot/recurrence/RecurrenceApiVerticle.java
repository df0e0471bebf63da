package dev.todochatbot.recurrence;

import dev.todochatbot.platform.HttpProblems;
import dev.todochatbot.platform.HttpServers;
import dev.todochatbot.platform.Observability;
import dev.todochatbot.platform.ServiceInvoker.ServiceResponse;
import dev.todochatbot.platform.EventStreams;
import dev.todochatbot.platform.Sidecar;
import dev.todochatbot.platform.SidecarConfig;
import dev.todochatbot.platform.events.EventStatus;
import dev.todochatbot.platform.Tokens;
import dev.todochatbot.platform.events.CloudEvent;
import dev.todochatbot.platform.events.ConsumerLag;
import dev.todochatbot.platform.events.SubscriptionReplies;
import dev.todochatbot.platform.events.TaskEvent;
import dev.todochatbot.platform.events.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.Handler;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recurrence service over HTTP: the callback the Dapr sidecar delivers task events to. When an
 * event ends an occurrence of a series ({@link NextOccurrence}), it asks the task service, through
 * the sidecar, to create the next one, acting for the task's owner with a service token.
 *
 * <p>Every delivered event is answered 200 with the status that tells the sidecar what to do
 * (DAPR-CONTRACT.md): SUCCESS once the next occurrence exists (or none is due), RETRY while the task
 * service cannot be reached or fails, DROP when it never can succeed (to the dead-letter topic). The
 * task service creates an occurrence once per (series, number), so a redelivered event is harmless.
 */
public final class RecurrenceApiVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(RecurrenceApiVerticle.class);

  static final String EVENTS_ROUTE = "/events/" + Topics.TASK_EVENTS;
  /** Larger than any event the task service can publish, and than a Kafka record by default. */
  static final long MAX_EVENT_BYTES = 1024 * 1024;
  static final String TASK_SERVICE = "task-service";
  /**
   * The task service's answers that will be the same on every delivery, with the reason counted:
   * the series or its owner is gone (404), it has moved past this occurrence (409), the request is
   * refused (400, 422) or this service is not admitted (403). Any other failure is retried.
   */
  private static final Map<Integer, String> REFUSALS =
      Map.of(400, "invalid", 403, "forbidden", 404, "not-found", 409, "conflict", 422, "invalid");
  private static final int MAX_DETAIL_CHARS = 300;

  private final RecurrenceServiceConfig config;
  private Sidecar sidecar;
  private Tokens tokens;
  private MeterRegistry metrics;
  private Counter created;
  private Counter existed;
  private SubscriptionReplies replies;
  private ConsumerLag lag;
  private Router router;
  private HttpServer server;
  /** with DAPR_SUBSCRIBE=stream: the stream of task events from the sidecar, opened by one instance for the process */
  private EventStreams streams;

  public RecurrenceApiVerticle(RecurrenceServiceConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    sidecar = new Sidecar(vertx, config.sidecar());
    tokens = Tokens.forServices(vertx, config.jwtSecret());
    registerMetrics();

    router = Router.router(vertx);
    // no database of its own; while the task service is away, events are answered RETRY: only its sidecar counts
    boolean streaming = config.sidecar().streaming();
    streams = streaming ? EventStreams.of(vertx, "recurrence") : null;
    Observability.mountHealthAndMetrics(router, () -> sidecar.ready()
        .compose(ready -> streams == null ? Future.succeededFuture() : streams.readiness()));
    // called by the sidecar, not by people: its app token, no user's; any body, since what cannot be read is dropped
    var sidecarOnly = config.appPort().sidecarOnly();
    router.get("/dapr/subscribe").handler(sidecarOnly).handler(this::subscriptions);
    router.post(EVENTS_ROUTE).handler(sidecarOnly).handler(BodyHandler.create(false).setBodyLimit(MAX_EVENT_BYTES))
        .handler(replies.route(this::receiveTaskEvent)).failureHandler(ctx -> replies.unreadable(ctx));
    HttpProblems.install(router);

    // listening first: daprd makes no subscription, streamed or not, before the app's port answers
    return HttpServers.listen(vertx, router, config.appPort().host(), config.port(), "RECURRENCE_SERVICE_PORT")
        .compose(listening -> streaming && streams.claim() ? openStreams().map(listening)
            : Future.succeededFuture(listening))
        .onSuccess(listening -> server = listening);
  }

  /** A stream has no routing rules: every task event comes, and those that end no occurrence are answered at once. */
  private Future<Void> openStreams() {
    streams.subscribe(vertx, sidecar, config.pubsubName(), Topics.TASK_EVENTS, Optional.empty(), Map.of(),
        event -> replies.receive(event, this::receiveTaskEvent), metrics);
    return streams.start();
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = streams == null ? Future.succeededFuture() : streams.close(vertx);
    return closed.eventually(() -> sidecar == null ? Future.succeededFuture() : sidecar.close());
  }

  /** The routes, for tests and the edge's OpenAPI check. */
  public Router router() {
    return router;
  }

  /** The port it listens on, which the system chose when configured as 0. */
  public int port() {
    return server.actualPort();
  }

  /** Counters on the registry Observability serves at /metrics. */
  private void registerMetrics() {
    metrics = Observability.registry();
    created = requested("created", "Next occurrences the task service created on this service's request");
    existed = requested("existed",
        "Next occurrences requested again (a redelivered or repeated event) that the task service already had");
    lag = new ConsumerLag(metrics, "recurrence", Topics.TASK_EVENTS);
    replies = new SubscriptionReplies("recurrence", metrics, Optional.empty(), MAX_EVENT_BYTES,
        "Task events handed back to the sidecar to deliver again, because the task service could not be asked "
            + "or failed");
  }

  private Counter requested(String outcome, String description) {
    return Counter.builder("recurrence.occurrences.requested").tag("outcome", outcome).description(description)
        .register(metrics);
  }

  private void subscriptions(RoutingContext ctx) {
    if (streams != null) {
      // over gRPC the service opens its stream itself, so the sidecar learns of no subscription here
      sendJson(ctx, new JsonArray().toBuffer());
      return;
    }
    // Only completions and deletions can end an occurrence: routing rules on the CloudEvent type (the
    // relay sets it from the event) spare a delivery for every other change. Without a default route
    // the sidecar skips the rest; with a dead-letter topic it would send them all there, so this
    // subscription has none: an event refused here is logged and counted (recurrence_events_dropped_total).
    var rules = new JsonArray()
        .add(new JsonObject().put("match", "event.type == \"task.completed.v1\"").put("path", EVENTS_ROUTE))
        .add(new JsonObject().put("match", "event.type == \"task.deleted.v1\"").put("path", EVENTS_ROUTE));
    var subscription = new JsonObject()
        .put("pubsubname", config.pubsubName())
        .put("topic", Topics.TASK_EVENTS)
        .put("routes", new JsonObject().put("rules", rules));
    sendJson(ctx, new JsonArray().add(subscription).toBuffer());
  }

  private Future<EventStatus> receiveTaskEvent(CloudEvent envelope) {
    TaskEvent event = TaskEvent.fromJson(envelope.data());
    Optional<NextOccurrence> next = NextOccurrence.after(event, envelope.data());
    lag.record(event.occurredAt());
    if (next.isEmpty()) {
      return Future.succeededFuture(replies.success());
    }
    NextOccurrence wanted = next.get();
    return requestOccurrence(wanted, envelope)
        .transform(result -> Future.succeededFuture(answerFromTaskService(event.eventId(), wanted, result)));
  }

  /**
   * POST /internal/series/{seriesId}/occurrences on the task service, as its owner, through the sidecar, in the
   * trace of the event that ended the occurrence.
   */
  private Future<ServiceResponse> requestOccurrence(NextOccurrence next, CloudEvent envelope) {
    MultiMap headers = HttpHeaders.headers()
        .add(HttpHeaders.AUTHORIZATION, "Bearer " + tokens.issueForService(next.owner(), RecurrenceService.APP_ID))
        .add(HttpHeaders.CONTENT_TYPE, "application/json");
    if (envelope.traceparent() != null) {
      headers.add("traceparent", envelope.traceparent());
      if (envelope.tracestate() != null) {
        headers.add("tracestate", envelope.tracestate());
      }
    }
    return sidecar.invoke(TASK_SERVICE, HttpMethod.POST, next.path(), headers, next.body().toBuffer());
  }

  /** 201 created or 200 already there: done. A refusal that will not change: dropped. Anything else: retried. */
  private EventStatus answerFromTaskService(UUID eventId, NextOccurrence next, AsyncResult<ServiceResponse> result) {
    String what = "occurrence " + next.occurrence() + " of series " + next.seriesId();
    if (result.failed()) {
      return replies.retry(eventId.toString(),
          "the sidecar could not be reached to ask for " + what + ": " + result.cause().getMessage());
    }
    int status = result.result().status();
    if (status == 201) {
      created.increment();
      log.info("Task event {}: {} created, due {}", eventId, what, next.dueAt());
      return replies.success();
    }
    if (status == 200) {
      existed.increment();
      log.debug("Task event {}: {} existed already", eventId, what);
      return replies.success();
    }
    if (REFUSALS.containsKey(status)) {
      return replies.drop(eventId.toString(), REFUSALS.get(status),
          "the task service refused " + what + ": " + status + " " + detail(result.result().body()));
    }
    return replies.retry(eventId.toString(), "the task service did not create " + what + ": " + status + " "
        + detail(result.result().body()));
  }

  /** The start of the task service's answer (a problem document), for the log. */
  private static String detail(Buffer body) {
    String text = body == null ? "" : body.toString();
    return text.length() <= MAX_DETAIL_CHARS ? text : text.substring(0, MAX_DETAIL_CHARS) + "...";
  }

  private static void sendJson(RoutingContext ctx, Buffer body) {
    ctx.response()
        .setStatusCode(200)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body);
  }
}
