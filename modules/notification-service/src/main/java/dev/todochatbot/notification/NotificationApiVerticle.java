package dev.todochatbot.notification;

import dev.todochatbot.platform.Database;
import dev.todochatbot.platform.EventStreams;
import dev.todochatbot.platform.SidecarConfig;
import dev.todochatbot.platform.events.EventStatus;
import dev.todochatbot.platform.Drain;
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
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.Handler;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.net.InetAddress;
import java.util.List;
import java.util.UUID;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notification service over HTTP: the callback the Dapr sidecar delivers task events to (which
 * keep the projection of reminders), the sweep the cron binding calls, and the reminders and webhook of
 * signed-in users. The route table below is the whole of it. Out of it go publications, through the
 * sidecar, and webhook deliveries, sent by the service itself ({@link WebhookClient}).
 *
 * <p>Every delivered event is answered 200 with the status that tells the sidecar what to do
 * (DAPR-CONTRACT.md): SUCCESS once the projection has it (or had it, or has something newer), RETRY
 * while it cannot be stored now, DROP when it never can be (to the dead-letter topic).
 */
public final class NotificationApiVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(NotificationApiVerticle.class);

  static final String EVENTS_ROUTE = "/events/" + Topics.TASK_EVENTS;
  /** The reminder-sweep binding's route (dapr/components/reminder-sweep.yaml). */
  static final String SWEEP_ROUTE = "/reminders/sweep";
  /** The signed-in user's webhook; its deliveries below it. */
  static final String WEBHOOK_ROUTE = "/api/me/webhook";
  /** Larger than any event the task service can publish, and than a Kafka record by default. */
  static final long MAX_EVENT_BYTES = 1024 * 1024;

  private final NotificationServiceConfig config;
  private final WebhookAddresses.Resolver resolver;
  private Pool pool;
  private Sidecar sidecar;
  private ReminderRepository reminders;
  private ReminderSweep reminderSweep;
  private WebhookRepository webhooks;
  private WebhookDeliveries webhookDeliveries;
  private WebhookAddresses webhookAddresses;
  private WebhookClient webhookClient;
  private MeterRegistry metrics;
  private Counter applied;
  private Counter stale;
  private SubscriptionReplies replies;
  private ConsumerLag lag;
  private Counter skipped;
  private Router router;
  private HttpServer server;
  /** with DAPR_SUBSCRIBE=stream: the stream of task events from the sidecar, opened by one instance for the process */
  private EventStreams streams;

  public NotificationApiVerticle(NotificationServiceConfig config) {
    this(config, InetAddress::getAllByName);
  }

  /** With the webhooks' hosts looked up by {@code resolver}: a test's names. */
  NotificationApiVerticle(NotificationServiceConfig config, WebhookAddresses.Resolver resolver) {
    this.config = config;
    this.resolver = resolver;
  }

  @Override
  public Future<?> start() {
    pool = Database.pool(vertx, config.database(), config.poolSizePerInstance(), "notify");
    sidecar = new Sidecar(vertx, config.sidecar());
    reminders = new ReminderRepository(pool);
    Tokens tokens = Tokens.create(vertx, config.jwtSecret(), config.tokenTtl());
    registerMetrics();
    reminderSweep = new ReminderSweep(vertx, reminders, sidecar, config, claimer(), metrics);
    webhooks = new WebhookRepository(pool);
    webhookAddresses = new WebhookAddresses(vertx, config.webhooks().allowPrivateAddresses(), resolver);
    webhookClient = new WebhookClient(vertx);
    webhookDeliveries = new WebhookDeliveries(vertx, webhooks, webhookAddresses, webhookClient, config.webhooks(),
        metrics);

    router = Router.router(vertx);
    boolean streaming = config.sidecar().streaming();
    streams = streaming ? EventStreams.of(vertx, "notification") : null;
    Observability.mountHealthAndMetrics(router, () -> pool.query("SELECT 1").execute().compose(rows -> sidecar.ready())
        .compose(ready -> streams == null ? Future.succeededFuture() : streams.readiness()));
    // called by the sidecar, not by people: its app token, no user's; any body, since what cannot be read is dropped
    var sidecarOnly = config.appPort().sidecarOnly();
    router.get("/dapr/subscribe").handler(sidecarOnly).handler(this::subscriptions);
    router.post(EVENTS_ROUTE).handler(sidecarOnly).handler(BodyHandler.create(false).setBodyLimit(MAX_EVENT_BYTES))
        .handler(replies.route(this::receiveTaskEvent)).failureHandler(ctx -> replies.unreadable(ctx));
    // called by the cron binding with an empty body, which is read and ignored
    router.post(SWEEP_ROUTE).handler(sidecarOnly).handler(BodyHandler.create(false).setBodyLimit(64 * 1024)).handler(this::sweep);
    // the person, or the chat agent's list_reminders tool asking for them
    router.get("/api/reminders")
        .handler(Tokens.requireUserOrService(tokens, Tokens.forServices(vertx, config.jwtSecret()), "chat-service"))
        .handler(this::list);
    router.put(WEBHOOK_ROUTE).handler(BodyHandler.create(false).setBodyLimit(16 * 1024)).handler(tokens.requireUser())
        .handler(this::putWebhook);
    router.get(WEBHOOK_ROUTE).handler(tokens.requireUser()).handler(this::getWebhook);
    router.delete(WEBHOOK_ROUTE).handler(tokens.requireUser()).handler(this::deleteWebhook);
    router.get(WEBHOOK_ROUTE + "/deliveries").handler(tokens.requireUser()).handler(this::webhookDeliveries);
    HttpProblems.install(router);

    // listening first: daprd makes no subscription, streamed or not, before the app's port answers
    return HttpServers.listen(vertx, router, config.appPort().host(), config.port(), "NOTIFICATION_SERVICE_PORT")
        .compose(listening -> streaming && streams.claim() ? openStreams().map(listening)
            : Future.succeededFuture(listening))
        .onSuccess(listening -> {
          server = listening;
          webhookDeliveries.start();
          Drain.of(vertx).onDrain("Reminders and webhook deliveries", this::stopLoops);
        });
  }

  private Future<Void> openStreams() {
    streams.subscribe(vertx, sidecar, config.pubsubName(), Topics.TASK_EVENTS, Optional.of(Topics.TASK_EVENTS_DEADLETTER),
        java.util.Map.of(), event -> replies.receive(event, this::receiveTaskEvent), metrics);
    return streams.start();
  }

  @Override
  public Future<?> stop() {
    if (pool == null) {
      return Future.succeededFuture();
    }
    webhookDeliveries.stop();
    return (streams == null ? Future.<Void>succeededFuture() : streams.close(vertx))
        .transform(closed -> reminderSweep.releaseAll())
        .onSuccess(released -> {
          if (released > 0) {
            log.info("Handed back {} claimed reminders for another replica to fire", released);
          }
        })
        .onFailure(failure -> log.warn("Claimed reminders not handed back, other replicas take them over after {}: {}",
            config.claimTimeout(), failure.toString()))
        .eventually(sidecar::close)
        .eventually(webhookAddresses::close)
        .eventually(webhookClient::close)
        .eventually(pool::close);
  }

  /** On a drain: webhook polls and reminder timers stop after the step under way, and claimed reminders go back. */
  private Future<?> stopLoops() {
    return Future.join(webhookDeliveries.stop(), reminderSweep.stop().onSuccess(released -> {
      if (released > 0) {
        log.info("Handed back {} claimed reminders for another replica to fire", released);
      }
    }));
  }

  /** The routes, for tests and the edge's OpenAPI check. */
  public Router router() {
    return router;
  }

  /** The port it listens on, which the system chose when configured as 0. */
  public int port() {
    return server.actualPort();
  }

  /** Who claims in the database: this pod (or process) and this verticle instance, for people reading the rows. */
  private static String claimer() {
    String host = System.getenv().getOrDefault("HOSTNAME", "pid-" + ProcessHandle.current().pid());
    return host + "/" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Counters on the registry Observability serves at /metrics. */
  private void registerMetrics() {
    metrics = Observability.registry();
    applied = Counter.builder("notification.events.applied")
        .description("Task events applied to the projection of reminders").register(metrics);
    stale = Counter.builder("notification.events.stale")
        .description("Task events delivered again, or older than one already applied to their task: acknowledged, "
            + "nothing changed")
        .register(metrics);
    skipped = Counter.builder("notification.events.skipped")
        .description("Task events about tasks without reminders, answered without touching the database")
        .register(metrics);
    lag = new ConsumerLag(metrics, "notification", Topics.TASK_EVENTS);
    replies = new SubscriptionReplies("notification", metrics, Optional.of(Topics.TASK_EVENTS_DEADLETTER), MAX_EVENT_BYTES,
        "Task events handed back to the sidecar to deliver again, because they could not be stored now");
  }

  /** Over gRPC the service opens its stream itself, so the sidecar learns of no subscription here. */
  private void subscriptions(RoutingContext ctx) {
    if (streams != null) {
      sendJson(ctx, new io.vertx.core.json.JsonArray().toBuffer());
      return;
    }
    sendJson(ctx, SubscriptionReplies.subscription(config.pubsubName(), Topics.TASK_EVENTS, EVENTS_ROUTE,
        Topics.TASK_EVENTS_DEADLETTER).toBuffer());
  }

  private Future<EventStatus> receiveTaskEvent(CloudEvent envelope) {
    TaskEvent taskEvent = TaskEvent.fromJson(envelope.data());
    TaskReminders event = TaskReminders.of(taskEvent);
    lag.record(taskEvent.occurredAt());
    if (event.reminders().isEmpty() && (taskEvent.changes() == null || !taskEvent.changes().containsKey("reminders"))) {
      // a task without reminders whose reminders did not change: nothing of it is in the projection
      // (the event that removed its last reminder said so in its changes), so there is nothing to write
      skipped.increment();
      return Future.succeededFuture(replies.success());
    }
    return reminders.apply(event, config.reminderGrace()).transform(result -> {
      if (result.succeeded()) {
        (result.result().newer() ? applied : stale).increment();
        reminderSweep.missedOnArrival(event, result.result().missedOnArrival());
        return Future.succeededFuture(replies.success());
      }
      if (SubscriptionReplies.isRefusedByPostgres(result.cause())) {
        return Future.succeededFuture(replies.drop(event.eventId().toString(), "unstorable", "PostgreSQL refuses it: "
            + result.cause().getMessage()));
      }
      return Future.succeededFuture(replies.retry(event.eventId().toString(), "not applied: " + result.cause()));
    });
  }

  /**
   * 200 {@code {"claimed": n}} once the due reminders are claimed (they fire later, from timers). When
   * the database cannot be reached, a 503 problem: daprd logs it, and the next tick sweeps again.
   */
  private void sweep(RoutingContext ctx) {
    reminderSweep.sweep().onComplete(result -> {
      if (result.succeeded()) {
        sendJson(ctx, new JsonObject().put("claimed", result.result()).toBuffer());
      } else {
        log.warn("Reminder sweep failed, the next tick tries again: {}", result.cause().toString());
        HttpProblems.send(ctx, Problem.of(503, "sweep-failed", "Sweep failed",
            "The reminders could not be claimed now (the database is unavailable); the next tick tries again."));
      }
    });
  }

  private void list(RoutingContext ctx) {
    ReminderQuery query = ReminderQuery.parse(ctx.queryParams());
    reminders.list(Principal.of(ctx).userId(), query)
        .onSuccess(page -> sendJson(ctx, page.toBuffer()))
        .onFailure(ctx::fail);
  }

  /** 200 {@code {url, updatedAt}}: the secret is never shown again. 422 also for a URL on a non-public address. */
  private void putWebhook(RoutingContext ctx) {
    Webhook webhook = Webhook.parse(HttpProblems.jsonObjectBody(ctx));
    webhookAddresses.refusal(WebhookAddresses.host(webhook.url()), config.webhooks().timeout())
        .compose(refusal -> {
          if (refusal == null) {
            return webhooks.put(Principal.of(ctx).userId(), webhook);
          }
          Problem problem = refusal.kind() == WebhookAddresses.Kind.LOOKUP_FAILED
              ? Problem.of(503, "host-lookup-failed", "Host not looked up", "Your webhook's URL " + refusal.reason()
                  + ". Nothing was saved; try again in a moment.")
              : Problem.validation(List.of(new Problem.FieldError("url", refusal.reason())));
          return Future.<JsonObject>failedFuture(problem.exception());
        })
        .onSuccess(saved -> sendJson(ctx, saved.toBuffer()))
        .onFailure(ctx::fail);
  }

  private void getWebhook(RoutingContext ctx) {
    webhooks.get(Principal.of(ctx).userId())
        .onSuccess(found -> found.ifPresentOrElse(settings -> sendJson(ctx, settings.toBuffer()),
            () -> HttpProblems.send(ctx, Problem.notFound("You have no webhook; set one with PUT " + WEBHOOK_ROUTE + "."))))
        .onFailure(ctx::fail);
  }

  /** 204 whether or not there was one; what was still to be sent to it is recorded failed. */
  private void deleteWebhook(RoutingContext ctx) {
    webhooks.delete(Principal.of(ctx).userId())
        .onSuccess(failed -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void webhookDeliveries(RoutingContext ctx) {
    Webhook.DeliveryQuery query = Webhook.DeliveryQuery.parse(ctx.queryParams());
    webhooks.deliveries(Principal.of(ctx).userId(), query)
        .onSuccess(page -> sendJson(ctx, page.toBuffer()))
        .onFailure(ctx::fail);
  }

  private static void sendJson(RoutingContext ctx, Buffer body) {
    ctx.response()
        .setStatusCode(200)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body);
  }
}
