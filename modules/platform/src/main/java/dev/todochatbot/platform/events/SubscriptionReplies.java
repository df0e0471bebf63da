package dev.todochatbot.platform.events;

import io.dapr.v1.DaprAppCallbackProtos.TopicEventRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a subscriber answers its sidecar for one delivery (DAPR-CONTRACT.md), over HTTP ({@link #route}) or a gRPC
 * stream ({@link #receive}): {@code SUCCESS}, {@code RETRY}
 * (counted as {@code <service>.events.retried}, with a WARN line) or {@code DROP} (counted as
 * {@code <service>.events.dropped{reason}}, with a WARN line saying where the event goes). A 4xx other
 * than 404 would be retried forever by daprd, so every outcome is a 200 with a status.
 */
public final class SubscriptionReplies {

  private static final Logger log = LoggerFactory.getLogger(SubscriptionReplies.class);

  private final String service;
  private final MeterRegistry metrics;
  private final Optional<String> deadLetterTopic;
  private final long maxBodyBytes;
  private final Counter retried;

  /**
   * @param service the metric prefix ({@code audit}, {@code notification}, ...)
   * @param deadLetterTopic where daprd sends a dropped event, if the subscription names one
   * @param maxBodyBytes the events route's body limit, for the message when a body is over it
   * @param retriedDescription what a retry means for this service, for the counter's description
   */
  public SubscriptionReplies(String service, MeterRegistry metrics, Optional<String> deadLetterTopic,
      long maxBodyBytes, String retriedDescription) {
    this.service = service;
    this.metrics = metrics;
    this.deadLetterTopic = deadLetterTopic;
    this.maxBodyBytes = maxBodyBytes;
    this.retried = Counter.builder(service + ".events.retried").description(retriedDescription).register(metrics);
  }

  /** Handled: acknowledged. */
  public EventStatus success() {
    return EventStatus.SUCCESS;
  }

  /** Could not be handled now: the sidecar delivers it again. */
  public EventStatus retry(String eventId, String why) {
    retried.increment();
    log.warn("{}: task event {} handed back, the sidecar will deliver it again: {}", service, eventId, why);
    return EventStatus.RETRY;
  }

  /** Can never be handled: counted by reason, logged, and answered DROP. */
  public EventStatus drop(String eventId, String reason, String why) {
    Counter.builder(service + ".events.dropped").tag("reason", reason)
        .description("Task events that can never be handled, answered DROP").register(metrics).increment();
    log.warn("{}: task event {} dropped {} ({}): {}", service, eventId,
        deadLetterTopic.map(topic -> "to " + topic).orElse("(no dead-letter topic)"), reason, why);
    return EventStatus.DROP;
  }

  /**
   * The HTTP delivery route ({@code POST /events/<topic>} after a body handler limited to {@code maxBodyBytes}):
   * reads the envelope, hands it to {@code handler} and answers its status. An envelope that cannot be read is
   * dropped; a handler that throws or fails is retried (a bug, logged with its stack, never a crash).
   */
  public Handler<RoutingContext> route(TopicEventHandler handler) {
    return ctx -> {
      CloudEvent envelope;
      try {
        envelope = CloudEvent.parse(ctx.body().buffer());
      } catch (InvalidEventException e) {
        send(ctx, drop("(unreadable)", e.reason(), e.getMessage()));
        return;
      }
      handle(envelope, handler).onComplete(status -> send(ctx, status.result()));
    };
  }

  /**
   * One event from a gRPC stream, as {@link #route} for HTTP: over {@code maxBodyBytes} it is dropped as too
   * large, unreadable it is dropped as malformed, else it is the handler's status.
   */
  public Future<EventStatus> receive(TopicEventRequest event, TopicEventHandler handler) {
    if (event.getData().size() > maxBodyBytes) {
      return Future.succeededFuture(drop(event.getId(), "too-large", "the data is " + event.getData().size()
          + " bytes, over " + maxBodyBytes));
    }
    CloudEvent envelope;
    try {
      envelope = CloudEvent.of(event);
    } catch (InvalidEventException e) {
      return Future.succeededFuture(drop(event.getId().isEmpty() ? "(no id)" : event.getId(), e.reason(),
          e.getMessage()));
    }
    return handle(envelope, handler);
  }

  private Future<EventStatus> handle(CloudEvent envelope, TopicEventHandler handler) {
    Future<EventStatus> status;
    try {
      status = handler.handle(envelope);
    } catch (InvalidEventException e) {
      return Future.succeededFuture(drop(idOf(envelope), e.reason(), e.getMessage()));
    } catch (RuntimeException e) {
      status = Future.failedFuture(e);
    }
    return status.otherwise(failure -> {
      retried.increment();
      log.error("{}: task event {} not handled, the sidecar will deliver it again", service, idOf(envelope), failure);
      return EventStatus.RETRY;
    });
  }

  /** The events route's failure handler: a body over the limit is dropped; anything else (a bug) retried. */
  public void unreadable(RoutingContext ctx) {
    if (ctx.statusCode() == 413) {
      send(ctx, drop("(unread)", "too-large", "the body is over " + maxBodyBytes + " bytes"));
    } else {
      retried.increment();
      log.error("{}: task event not handled, the sidecar will deliver it again", service, ctx.failure());
      send(ctx, EventStatus.RETRY);
    }
  }

  /** The event's own id when its data has one, else the envelope's. */
  /**
   * The answer to daprd's {@code GET /dapr/subscribe} for one subscription to {@code topic} delivered to
   * {@code route}, with the dead-letter topic where events the app drops go.
   */
  public static io.vertx.core.json.JsonArray subscription(String pubsubName, String topic, String route,
      String deadLetterTopic) {
    return new io.vertx.core.json.JsonArray().add(new JsonObject()
        .put("pubsubname", pubsubName)
        .put("topic", topic)
        .put("route", route)
        .put("deadLetterTopic", deadLetterTopic));
  }

  public static String idOf(CloudEvent envelope) {
    if (envelope == null) {
      return "(unreadable)";
    }
    Object eventId = envelope.data() == null ? null : envelope.data().getValue("eventId");
    return eventId instanceof String id ? id : envelope.id() == null ? "(no id)" : envelope.id();
  }

  /**
   * PostgreSQL's data exceptions (class 22: a NUL in a string, a year it cannot hold) and integrity
   * violations (class 23) come back the same on every delivery: retrying would block the partition.
   */
  public static boolean isRefusedByPostgres(Throwable failure) {
    return failure instanceof PgException pg && pg.getSqlState() != null
        && (pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23"));
  }

  /** daprd reads the status from a 200; a 4xx other than 404 it would retry forever. */
  public static void send(RoutingContext ctx, EventStatus status) {
    ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("status", status.name()).toBuffer());
  }
}
