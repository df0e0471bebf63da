package dev.todochatbot.edge;

import dev.todochatbot.platform.EventStreams;
import dev.todochatbot.platform.HttpProblems;
import dev.todochatbot.platform.Observability;
import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.Problem;
import dev.todochatbot.platform.ServiceInvoker;
import dev.todochatbot.platform.Sidecar;
import dev.todochatbot.platform.Tokens;
import dev.todochatbot.platform.events.CloudEvent;
import dev.todochatbot.platform.events.ConsumerLag;
import dev.todochatbot.platform.events.EventStatus;
import dev.todochatbot.platform.events.SubscriptionReplies;
import io.dapr.v1.DaprAppCallbackProtos.TopicEventRequest;
import dev.todochatbot.platform.events.InvalidEventException;
import dev.todochatbot.platform.events.Topics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.Handler;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real-time sync: the WebSocket at {@code /ws} on the public port, and the Dapr subscription that
 * feeds it on the edge's events port.
 *
 * <p>Every edge replica subscribes to {@code task-updates} and {@code reminders} through the
 * {@code realtime} pub/sub component, whose consumer group is unique per sidecar ({@code {uuid}}), so
 * each replica gets every message and forwards it to its own sockets of that user (the event bus,
 * local only, reaches the sockets of every verticle instance of this process).
 *
 * <p>A socket that connects with {@code cursor} first gets what it missed, from the task service's
 * changes feed (not from memory), then live messages; those that arrive meanwhile wait and follow. A
 * socket whose write queue is full is closed with a reason rather than slowing anyone else; one that
 * answers no ping for three heartbeats is closed as dead. When the replica drains, its sockets are
 * closed with 1001 Going Away once it stops accepting connections, so that the web UI reconnects, with
 * its cursor, to a replica that stays.
 */
final class Realtime {

  private static final Logger log = LoggerFactory.getLogger(Realtime.class);

  static final String PUBSUB = "realtime";
  /** an update or a reminder is a few KB; a Kafka record is at most 1 MiB */
  static final int MAX_EVENT_BYTES = 1024 * 1024;
  static final String BEARER_PROTOCOL = "bearer";
  /** close codes: 4001 the token, 4008 too slow, 4002 no heartbeat; 1001 this replica is stopping */
  static final short CLOSE_UNAUTHORIZED = 4001;
  static final short CLOSE_GOING_AWAY = 1001;
  static final short CLOSE_NO_HEARTBEAT = 4002;
  static final short CLOSE_TOO_SLOW = 4008;
  /** changes fetched on resume before the client is told to reload instead */
  private static final int MAX_RESUME_PAGES = 10;

  private static final AtomicInteger OPEN = new AtomicInteger();
  private static final Counter SENT = Counter.builder("realtime.messages.sent")
      .description("Messages written to WebSockets").register(Observability.registry());
  private static final Counter SLOW = Counter.builder("realtime.sockets.too.slow")
      .description("WebSockets closed because they could not keep up").register(Observability.registry());

  private static final ConsumerLag UPDATES_LAG = new ConsumerLag(Observability.registry(), "edge", Topics.TASK_UPDATES);
  private static final ConsumerLag REMINDERS_LAG = new ConsumerLag(Observability.registry(), "edge", Topics.REMINDERS);

  static {
    io.micrometer.core.instrument.Gauge.builder("realtime.sockets.open", OPEN, AtomicInteger::get)
        .description("Open WebSockets on this replica").register(Observability.registry());
  }

  /** Heartbeat period and per-socket write queue bound; see {@link EdgeConfig}. */
  record Settings(Duration heartbeat, int writeQueueBytes) {}

  private final Vertx vertx;
  private final Tokens tokens;
  /** Whether the token's account may connect (that it still exists); fails with the problem to answer. */
  private final java.util.function.Function<Principal, Future<Void>> admit;
  private final ServiceInvoker services;
  private final Settings settings;

  Realtime(Vertx vertx, Tokens tokens, java.util.function.Function<Principal, Future<Void>> admit,
      ServiceInvoker services, Settings settings) {
    this.vertx = vertx;
    this.tokens = tokens;
    this.admit = admit;
    this.services = services;
    this.settings = settings;
  }

  static String address(String userId) {
    return "realtime.user." + userId;
  }

  /**
   * The Dapr callback routes, for the events port; {@code sidecarOnly} first on each. {@code streaming}: the
   * events come on gRPC streams ({@link #subscribe}), so the sidecar is told of no subscription here.
   */
  void mountSubscription(Router router, Handler<RoutingContext> sidecarOnly, boolean streaming) {
    router.get("/dapr/subscribe").handler(sidecarOnly).handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end((streaming ? new JsonArray() : new JsonArray()
            .add(new JsonObject().put("pubsubname", PUBSUB).put("topic", Topics.TASK_UPDATES)
                .put("route", "/events/task-updates"))
            .add(new JsonObject().put("pubsubname", PUBSUB).put("topic", Topics.REMINDERS)
                .put("route", "/events/reminders")))
            .toBuffer()));
    router.post("/events/task-updates").handler(sidecarOnly).handler(ctx -> deliver(ctx, this::taskUpdate));
    router.post("/events/reminders").handler(sidecarOnly).handler(ctx -> deliver(ctx, this::reminder));
  }

  /** The same two subscriptions as gRPC streams from the sidecar, on the caller's context. */
  void subscribe(EventStreams streams, Sidecar sidecar) {
    streams.subscribe(vertx, sidecar, PUBSUB, Topics.TASK_UPDATES, Optional.empty(), Map.of(),
        event -> Future.succeededFuture(receive(event, this::taskUpdate)), Observability.registry());
    streams.subscribe(vertx, sidecar, PUBSUB, Topics.REMINDERS, Optional.empty(), Map.of(),
        event -> Future.succeededFuture(receive(event, this::reminder)), Observability.registry());
  }

  private EventStatus taskUpdate(CloudEvent event) {
    return forward(event, this::taskMessage, UPDATES_LAG, "occurredAt");
  }

  private EventStatus reminder(CloudEvent event) {
    return forward(event, this::reminderMessage, REMINDERS_LAG, "firedAt");
  }

  private interface Shape {
    JsonObject message(JsonObject data);
  }

  /** One delivery over HTTP: read, forwarded, answered. */
  private void deliver(RoutingContext ctx, java.util.function.Function<CloudEvent, EventStatus> forward) {
    ctx.request().body().onComplete(body -> {
      if (body.succeeded() && body.result().length() > MAX_EVENT_BYTES) {
        log.warn("Dropping a {} delivery of {} bytes", ctx.request().path(), body.result().length());
        SubscriptionReplies.send(ctx, EventStatus.DROP);
        return;
      }
      EventStatus status;
      try {
        if (body.failed()) {
          throw new InvalidEventException("malformed", "the body could not be read");
        }
        status = forward.apply(CloudEvent.parse(body.result()));
      } catch (InvalidEventException e) {
        log.warn("Dropping a {} delivery the edge cannot read: {}", ctx.request().path(), e.getMessage());
        status = EventStatus.DROP;
      }
      SubscriptionReplies.send(ctx, status);
    });
  }

  /** One event from a stream; over {@value #MAX_EVENT_BYTES} bytes or unreadable, dropped. */
  private EventStatus receive(TopicEventRequest event, java.util.function.Function<CloudEvent, EventStatus> forward) {
    try {
      if (event.getData().size() > MAX_EVENT_BYTES) {
        throw new InvalidEventException("too-large", "the data is " + event.getData().size() + " bytes");
      }
      return forward.apply(CloudEvent.of(event));
    } catch (InvalidEventException e) {
      log.warn("Dropping a {} event the edge cannot read: {}", event.getTopic(), e.getMessage());
      return EventStatus.DROP;
    }
  }

  /**
   * Forwards one event to the user's sockets. Always SUCCESS for a readable event: a socket that
   * missed it catches up with its cursor, so redelivering would only repeat it. DROP when unreadable.
   */
  private EventStatus forward(CloudEvent event, Shape shape, ConsumerLag lag, String timeField) {
    try {
      JsonObject data = event.data();
      if (data == null) {
        throw new InvalidEventException("malformed", "the event has no JSON object as its data");
      }
      String userId = data.getString("userId");
      if (userId == null) {
        throw new InvalidEventException("malformed", "the event names no userId");
      }
      lag.record(data, timeField);
      vertx.eventBus().publish(address(userId), shape.message(data).toBuffer());
      return EventStatus.SUCCESS;
    } catch (ClassCastException | IllegalArgumentException e) {
      throw new InvalidEventException("malformed", e.getMessage());
    }
  }

  /** {@code {type, task, taskId, version, cursor}}; type is the event's kind without its version. */
  JsonObject taskMessage(JsonObject update) {
    String type = update.getString("type", "");
    String kind = type.endsWith(".v1") ? type.substring(0, type.length() - 3) : type;
    JsonObject task = update.getJsonObject("task");
    int version = task == null ? 0 : task.getInteger("version", 0);
    if (kind.equals("task.deleted")) {
      version++; // as the changes feed counts a deletion
    }
    return new JsonObject().put("type", kind).put("taskId", update.getString("taskId"))
        .put("task", kind.equals("task.deleted") ? null : task).put("version", version)
        .put("cursor", update.getString("occurredAt") + "~" + update.getString("taskId"));
  }

  JsonObject reminderMessage(JsonObject reminder) {
    return new JsonObject().put("type", "reminder").put("reminder", reminder).putNull("cursor");
  }

  /**
   * {@code GET /ws}: the token as {@code access_token}, as the second subprotocol after {@code bearer}
   * (browsers cannot set headers on a WebSocket), or in {@code Authorization}.
   */
  void accept(RoutingContext ctx) {
    if (!"websocket".equalsIgnoreCase(String.valueOf(ctx.request().getHeader(HttpHeaders.UPGRADE)))) {
      HttpProblems.send(ctx, Problem.badRequest("This is the WebSocket for live updates: connect with a WebSocket "
          + "client (Upgrade: websocket)."));
      return;
    }
    String token = ctx.queryParams().get("access_token");
    String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (token == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      token = authorization.substring(7).strip();
    }
    String protocols = ctx.request().getHeader("Sec-WebSocket-Protocol");
    if (token == null && protocols != null) {
      String[] offered = protocols.split(",");
      if (offered.length == 2 && offered[0].strip().equals(BEARER_PROTOCOL)) {
        token = offered[1].strip();
      }
    }
    if (token == null || token.isBlank()) {
      HttpProblems.send(ctx, Problem.unauthorized("Connect with ?access_token=<token>, or with the subprotocols "
          + "'bearer, <token>'."));
      return;
    }
    String bearer = token;
    String cursor = ctx.queryParams().get("cursor");
    // Paused while the token is checked: the request's end would otherwise be read meanwhile, and
    // toWebSocket() then fails ("Request has already been read") and the handshake is dropped.
    ctx.request().pause();
    tokens.verify(bearer)
        .recover(invalid -> Future.failedFuture(
            Problem.unauthorized("The token is invalid or has expired: sign in again.").exception()))
        .compose(user -> admit.apply(user).map(user))
        .onComplete(verified -> {
          if (verified.failed()) {
            ctx.request().resume();
            HttpProblems.send(ctx, verified.cause() instanceof dev.todochatbot.platform.ProblemException problem
                ? problem.problem() : Problem.unauthorized("The token is invalid or has expired: sign in again."));
            return;
          }
          ctx.request().toWebSocket().onSuccess(socket -> open(socket, verified.result(), bearer, cursor))
              .onFailure(failure -> log.warn("WebSocket upgrade failed: {}", failure.getMessage()));
        });
  }

  private void open(ServerWebSocket socket, Principal user, String bearer, String cursor) {
    OPEN.incrementAndGet();
    socket.setWriteQueueMaxSize(settings.writeQueueBytes());
    var state = new SocketState(socket);
    MessageConsumer<Buffer> consumer = vertx.eventBus().localConsumer(address(user.userId().toString()),
        message -> state.send(message.body()));
    long[] missed = {0};
    long heartbeat = vertx.setPeriodic(settings.heartbeat().toMillis(), id -> {
      if (++missed[0] > 3) {
        socket.close(CLOSE_NO_HEARTBEAT, "no answer to pings");
      } else {
        socket.writePing(Buffer.buffer("hb"));
      }
    });
    socket.pongHandler(pong -> missed[0] = 0);
    socket.textMessageHandler(text -> missed[0] = 0); // any message from the client also shows it is alive
    socket.closeHandler(v -> {
      OPEN.decrementAndGet();
      vertx.cancelTimer(heartbeat);
      consumer.unregister();
    });
    socket.exceptionHandler(e -> log.debug("WebSocket of user {}: {}", user.userId(), e.toString()));
    // the server is draining (Drain): left open, the socket would hold the drain to its timeout, then get 1000
    socket.shutdownHandler(v -> socket.close(CLOSE_GOING_AWAY, "this server is restarting: reconnect with your cursor"));
    consumer.completion().onComplete(registered -> {
      if (cursor == null || cursor.isBlank()) {
        state.live();
      } else {
        resume(state, bearer, cursor, 0);
      }
    });
  }

  /** Sends what the socket missed since {@code cursor}, page by page, then lets live messages through. */
  private void resume(SocketState state, String bearer, String cursor, int page) {
    if (page == MAX_RESUME_PAGES) {
      state.write(new JsonObject().put("type", "resync").put("reason", "too much changed while you were away: "
          + "reload your lists").toBuffer());
      state.live();
      return;
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add(HttpHeaders.AUTHORIZATION, "Bearer " + bearer);
    services.invoke(EdgeVerticle.TASK_SERVICE, HttpMethod.GET,
            "/api/tasks/changes?since=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8), headers, null)
        .onComplete(result -> {
          if (result.failed() || result.result().status() != 200) {
            String why = result.failed() ? result.cause().getMessage() : "status " + result.result().status();
            log.debug("Catching a socket up failed ({}); telling it to reload", why);
            state.write(new JsonObject().put("type", "resync").put("reason", result.succeeded()
                && result.result().status() == 400 ? "the cursor is not one this server made" : "changes could not "
                + "be read right now: reload your lists").toBuffer());
            state.live();
            return;
          }
          JsonObject body = result.result().body().toJsonObject();
          for (Object item : body.getJsonArray("items")) {
            state.write(((JsonObject) item).toBuffer());
          }
          String next = body.getString("nextCursor");
          if (next == null) {
            state.live();
          } else {
            resume(state, bearer, next, page + 1);
          }
        });
  }

  /** One socket: holds live messages back while it catches up, and closes it when it cannot keep up. */
  private static final class SocketState {
    private final ServerWebSocket socket;
    private List<Buffer> waiting = new ArrayList<>();

    SocketState(ServerWebSocket socket) {
      this.socket = socket;
    }

    void send(Buffer message) {
      if (waiting != null) {
        waiting.add(message);
      } else {
        write(message);
      }
    }

    void live() {
      List<Buffer> held = waiting;
      waiting = null;
      if (held != null) {
        held.forEach(this::write);
      }
    }

    void write(Buffer message) {
      if (socket.isClosed()) {
        return;
      }
      if (socket.writeQueueFull()) {
        SLOW.increment();
        socket.close(CLOSE_TOO_SLOW, "too slow: messages were not read fast enough; reconnect with your cursor");
        return;
      }
      socket.writeTextMessage(message.toString(StandardCharsets.UTF_8));
      SENT.increment();
    }
  }
}
