package dev.todochatbot.notification;

import dev.todochatbot.notification.NotificationServiceConfig.Webhooks;
import dev.todochatbot.notification.WebhookAddresses.Kind;
import dev.todochatbot.notification.WebhookAddresses.Lookup;
import dev.todochatbot.notification.WebhookAddresses.Pinned;
import dev.todochatbot.notification.WebhookAddresses.Refusal;
import dev.todochatbot.notification.WebhookRepository.Claimed;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance's part in sending the queued reminders to the users' webhooks. Every poll it takes
 * the deliveries that are due (so that no other replica sends them while it holds them), POSTs each
 * itself, signed, to the address its host was just checked at ({@link WebhookClient}: not through the
 * sidecar, which would hand the receiver this service's app token), and records the outcome:
 * <ul>
 *   <li>a URL whose host now resolves to a non-public address ({@link WebhookAddresses}): failed, not sent;
 *   <li>2xx: delivered;
 *   <li>any other answer, no answer, or no answer in time: tried again after the next wait of the
 *       backoff (plus up to 20 % at random, so that a flock of retries spreads out), failed after the
 *       last one.
 * </ul>
 * Delivery is at least once: a replica that dies after sending and before recording leaves the
 * delivery to be sent again once its hold lapses; receivers dedupe on {@code X-Todo-Delivery}. A
 * drain stops it after the poll under way ({@link #stop}): every attempt begun is recorded.
 */
final class WebhookDeliveries {

  private static final Logger log = LoggerFactory.getLogger(WebhookDeliveries.class);

  /** Taken per poll at most; a full batch is followed by another poll at once. */
  static final int BATCH = 100;
  /** How much of an answer body is kept as last_error. */
  private static final int ERROR_CHARS = 200;

  private final Vertx vertx;
  private final WebhookRepository webhooks;
  private final WebhookAddresses addresses;
  private final WebhookClient client;
  private final Webhooks settings;
  private final Counter delivered;
  private final Counter retried;
  private final Counter failed;
  private long timer = -1;
  private boolean stopped;
  private boolean polling;
  private Promise<Void> idle;

  WebhookDeliveries(Vertx vertx, WebhookRepository webhooks, WebhookAddresses addresses, WebhookClient client,
      Webhooks settings, MeterRegistry metrics) {
    this.vertx = vertx;
    this.webhooks = webhooks;
    this.addresses = addresses;
    this.client = client;
    this.settings = settings;
    delivered = outcome(metrics, "delivered", "Webhook deliveries the endpoint took (2xx)");
    retried = outcome(metrics, "retried", "Webhook attempts that failed and are tried again after a wait");
    failed = outcome(metrics, "failed", "Webhook deliveries given up after the last attempt");
  }

  private static Counter outcome(MeterRegistry metrics, String outcome, String description) {
    return Counter.builder("notification.webhook.deliveries").tag("outcome", outcome).description(description)
        .register(metrics);
  }

  /** Polls from now on, one poll at a time. */
  void start() {
    schedule(settings.poll());
  }

  /** Polls no more; completes once the poll under way, if any, has recorded its attempts. */
  Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    if (idle == null) {
      idle = Promise.promise();
      if (!polling) {
        idle.complete();
      }
    }
    return idle.future();
  }

  private void schedule(Duration delay) {
    if (!stopped) {
      timer = vertx.setTimer(Math.max(1, delay.toMillis()), id -> poll());
    }
  }

  /** Takes what is due and sends it; the next poll starts once every attempt is recorded. */
  private void poll() {
    polling = true;
    webhooks.claim(settings.lease(), BATCH)
        .compose(claimed -> {
          // one lookup per host and poll: a hundred deliveries to one receiver ask its name server once
          var lookups = new HashMap<String, Future<Lookup>>();
          return Future.join(claimed.stream().map(delivery -> attempt(delivery, lookups)).toList()).map(claimed.size());
        })
        .onComplete(result -> {
          polling = false;
          if (result.failed()) {
            log.warn("Webhook deliveries not polled, trying again in {}: {}", settings.poll(), result.cause().toString());
          }
          if (idle != null) {
            idle.tryComplete();
          }
          schedule(result.succeeded() && result.result() == BATCH ? Duration.ZERO : settings.poll());
        });
  }

  private Future<Void> attempt(Claimed delivery, Map<String, Future<Lookup>> lookups) {
    if (delivery.secret() == null) {
      return record(delivery, webhooks.attemptFailed(delivery, null, "webhook removed", null), failed);
    }
    // The host is checked again at each attempt: its name may point elsewhere than when the webhook was
    // set. The lookup and the send share the attempt's timeout, so that both end well within the hold.
    long started = System.nanoTime();
    return lookups.computeIfAbsent(WebhookAddresses.host(delivery.url()), host -> addresses.lookup(host, settings.timeout()))
        .compose(lookup -> {
          if (lookup instanceof Pinned pinned) {
            Duration left = settings.timeout().minusNanos(System.nanoTime() - started);
            return left.toMillis() < 1 ? failedAttempt(delivery, null, "not sent: looking up its host took the whole attempt")
                : send(delivery, pinned.address(), left);
          }
          Refusal refusal = (Refusal) lookup;
          if (refusal.kind() == Kind.NOT_PUBLIC) {
            log.warn("Webhook delivery {} not sent: its URL {}", delivery.id(), refusal.reason());
            return record(delivery, webhooks.attemptFailed(delivery, null, "not sent: the URL " + refusal.reason(), null),
                failed);
          }
          return failedAttempt(delivery, null, "not sent: the URL " + refusal.reason());
        });
  }

  private Future<Void> send(Claimed delivery, InetAddress address, Duration timeout) {
    long timestamp = Instant.now().getEpochSecond();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Content-Type", "application/json")
        .add("X-Todo-Delivery", delivery.id().toString())
        .add("X-Todo-Timestamp", Long.toString(timestamp))
        .add("X-Todo-Signature", Webhook.signature(delivery.secret(), timestamp, delivery.payload()));
    return client.post(delivery.url(), address, headers, Buffer.buffer(delivery.payload()), timeout)
        .transform(sent -> {
          if (sent.succeeded() && sent.result().status() / 100 == 2) {
            return record(delivery, webhooks.delivered(delivery, sent.result().status()), delivered);
          }
          Integer status = sent.succeeded() ? sent.result().status() : null;
          String error = sent.succeeded() ? answered(sent.result()) : String.valueOf(sent.cause().getMessage());
          return failedAttempt(delivery, status, error);
        });
  }

  /** An attempt that may be tried again: after the next wait of the backoff, or given up after the last. */
  private Future<Void> failedAttempt(Claimed delivery, Integer status, String error) {
    Duration retryAfter = retryAfter(delivery.attempts());
    log.debug("Webhook delivery {} attempt {} failed ({}), {}", delivery.id(), delivery.attempts() + 1, error,
        retryAfter == null ? "given up" : "again in " + retryAfter);
    return record(delivery, webhooks.attemptFailed(delivery, status, error, retryAfter),
        retryAfter == null ? failed : retried);
  }

  /** Counts the outcome once it is recorded; a lost claim (another replica took over) counts nothing. */
  private Future<Void> record(Claimed delivery, Future<Boolean> recorded, Counter outcome) {
    return recorded
        .onSuccess(mine -> {
          if (mine) {
            outcome.increment();
          } else {
            log.debug("Webhook delivery {} was taken over or removed before its outcome was recorded", delivery.id());
          }
        })
        .onFailure(failure -> log.warn("Webhook delivery {}: outcome not recorded, sent again after {}: {}",
            delivery.id(), settings.lease(), failure.toString()))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  /** The wait before the next attempt, after {@code attemptsBefore} earlier ones and this one; null: none left. */
  private Duration retryAfter(int attemptsBefore) {
    List<Duration> backoff = settings.backoff();
    if (attemptsBefore >= backoff.size()) {
      return null;
    }
    Duration wait = backoff.get(attemptsBefore);
    return wait.plusMillis((long) (wait.toMillis() * 0.2 * ThreadLocalRandom.current().nextDouble()));
  }

  private static String answered(WebhookClient.Answer response) {
    String body = response.body().toString();
    return "HTTP " + response.status() + (body.isBlank() ? "" : ": "
        + (body.length() > ERROR_CHARS ? body.substring(0, ERROR_CHARS) + "…" : body));
  }
}
