package dev.todochatbot.platform.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a subscriber answers its sidecar for one delivery (DAPR-CONTRACT.md): {@code SUCCESS}, {@code RETRY}
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

  public void success(RoutingContext ctx) {
    send(ctx, "SUCCESS");
  }

  /** Could not be handled now: the sidecar delivers it again. */
  public void retry(RoutingContext ctx, String eventId, String why) {
    retried.increment();
    log.warn("{}: task event {} handed back, the sidecar will deliver it again: {}", service, eventId, why);
    send(ctx, "RETRY");
  }

  /** Can never be handled: counted by reason, logged, and answered DROP. */
  public void drop(RoutingContext ctx, String eventId, String reason, String why) {
    Counter.builder(service + ".events.dropped").tag("reason", reason)
        .description("Task events that can never be handled, answered DROP").register(metrics).increment();
    log.warn("{}: task event {} dropped {} ({}): {}", service, eventId,
        deadLetterTopic.map(topic -> "to " + topic).orElse("(no dead-letter topic)"), reason, why);
    send(ctx, "DROP");
  }

  /** The events route's failure handler: a body over the limit is dropped; anything else (a bug) retried. */
  public void unreadable(RoutingContext ctx) {
    if (ctx.statusCode() == 413) {
      drop(ctx, "(unread)", "too-large", "the body is over " + maxBodyBytes + " bytes");
    } else {
      retried.increment();
      log.error("{}: task event not handled, the sidecar will deliver it again", service, ctx.failure());
      send(ctx, "RETRY");
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

  private static void send(RoutingContext ctx, String status) {
    ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("status", status).toBuffer());
  }
}
