package dev.todochatbot.notification;

import dev.todochatbot.notification.ReminderRepository.Due;
import dev.todochatbot.platform.Sidecar;
import dev.todochatbot.platform.events.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica's part in firing reminders. A sweep (every tick of the cron binding, in every replica)
 * claims what is due before the next tick plus a margin; each claimed reminder is then published at
 * its instant from a timer of this event loop, and settled:
 * <ul>
 *   <li>published: delivered (or missed, see below), with the lateness measured;
 *   <li>the sidecar refused or was unreachable: pending again, for the next sweep;
 *   <li>cancelled or taken over since the claim (checked just before publishing): left alone.
 * </ul>
 * A pending reminder swept later than the grace window after its instant (the system was down) is
 * not rung late: it is published at once with {@code "missed": true}, so that the person's open
 * screens can list it quietly, and recorded as missed. (One that was past the window before the
 * projection even heard of it is recorded missed without a notice: see
 * {@link ReminderSql#UPSERT_WANTED}.) Delivery is at least once: a replica that dies between
 * publishing and settling leaves its claims to be taken over, and consumers dedupe on the
 * CloudEvent id, the same for every publication of a reminder at an instant. Settling also queues
 * the message for the user's webhook, when they have one ({@link WebhookDeliveries} sends it).
 *
 * <p>When the process drains ({@link #stop}), it claims nothing more, lets the publications under way
 * settle, and hands back what it still holds, so that another replica fires it on its next sweep.
 */
final class ReminderSweep {

  private static final Logger log = LoggerFactory.getLogger(ReminderSweep.class);

  /** Claimed per sweep at most: a backlog after downtime drains a batch a tick, never as a flood. */
  static final int BATCH = 500;

  private final Vertx vertx;
  private final ReminderRepository reminders;
  private final Sidecar sidecar;
  private final NotificationServiceConfig config;
  private final String claimedBy;
  private final Counter delivered;
  private final Counter missed;
  private final Counter failed;
  private final Timer lateness;
  /** timers of claimed reminders not yet due; a drain cancels them and hands the reminders back */
  private final Set<Long> waiting = new HashSet<>();
  /** publications begun and not yet settled or given back */
  private int publishing;
  /** sweeps whose claim has not come back yet: what they take must be handed back too when stopping */
  private int claiming;
  private boolean stopped;
  private Promise<Void> settled;
  /**
   * The verticle's own context, where claimed reminders wait and fire: set from the cron tick's request
   * context instead, every line they log would carry that tick's trace id, long after the tick.
   */
  private final Context context;

  ReminderSweep(Vertx vertx, ReminderRepository reminders, Sidecar sidecar, NotificationServiceConfig config,
      String claimedBy, MeterRegistry metrics) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.reminders = reminders;
    this.sidecar = sidecar;
    this.config = config;
    this.claimedBy = claimedBy;
    delivered = outcome(metrics, "delivered", "Reminders published on time (within the grace window)");
    missed = outcome(metrics, "missed", "Reminders past the grace window: swept late (published once as missed), "
        + "or first heard of late (recorded only)");
    failed = outcome(metrics, "failed", "Publications the sidecar refused or could not take, left for the next sweep");
    lateness = Timer.builder("notification.reminder.lateness")
        .description("How long after its instant a reminder was published")
        .publishPercentiles(0.5, 0.95, 0.99)
        // buckets too, so the share of late reminders adds up across replicas (the RemindersLate alert)
        .serviceLevelObjectives(Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofMinutes(1))
        .register(metrics);
  }

  private static Counter outcome(MeterRegistry metrics, String outcome, String description) {
    return Counter.builder("notification.reminders").tag("outcome", outcome).description(description).register(metrics);
  }

  /** Claims what is due and sets it to fire; the number claimed. */
  Future<Integer> sweep() {
    if (stopped) {
      return Future.succeededFuture(0);
    }
    claiming++;
    return reminders.claim(claimedBy, config.reminderLookahead(), config.claimTimeout(), config.reminderGrace(), BATCH)
        .map(claimed -> {
          context.runOnContext(v -> claimed.forEach(this::fireWhenDue));
          return claimed.size();
        })
        .onComplete(done -> {
          claiming--;
          settleIfQuiet();
        });
  }

  /** Counts the reminders a task event brought that were already past the grace window (never published). */
  void missedOnArrival(TaskReminders event, int count) {
    if (count > 0) {
      missed.increment(count);
      log.info("Task event {}: {} reminders of task {} already past the grace window, recorded as missed",
          event.eventId(), count, event.taskId());
    }
  }

  /** Hands back what this replica holds, as it stops, so that another one fires it without waiting for a timeout. */
  Future<Integer> releaseAll() {
    return reminders.releaseAll(claimedBy);
  }

  /**
   * Claims nothing more and fires nothing more; once the publications under way are settled, hands
   * back everything this replica still holds. The number handed back.
   */
  Future<Integer> stop() {
    stopped = true;
    waiting.forEach(vertx::cancelTimer);
    waiting.clear();
    if (settled == null) {
      settled = Promise.promise();
    }
    settleIfQuiet();
    // after a claim under way has committed too: what it took is handed back with the rest
    return settled.future().compose(v -> releaseAll());
  }

  private void settleIfQuiet() {
    if (settled != null && publishing == 0 && claiming == 0) {
      settled.tryComplete();
    }
  }

  /** Never before its instant by this clock: a timer that wakes a little early waits again. */
  private void fireWhenDue(Due due) {
    if (stopped) {
      return; // handed back by stop()
    }
    long waitNanos = due.missed() ? 0 : Duration.between(Instant.now(), due.fireAt()).toNanos();
    if (waitNanos <= 0) {
      publish(due);
    } else {
      long[] timer = new long[1];
      timer[0] = vertx.setTimer(Math.max(1, (waitNanos + 999_999) / 1_000_000), id -> {
        waiting.remove(timer[0]);
        fireWhenDue(due);
      });
      waiting.add(timer[0]);
    }
  }

  private void publish(Due due) {
    publishing++;
    reminders.stillClaimed(due).compose(mine -> {
      if (!mine) {
        log.debug("Reminder {} not published: cancelled or taken over since it was claimed", due.eventId());
        return Future.succeededFuture();
      }
      // as the database keeps it, so that the message and GET /api/reminders say the same
      Instant firedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
      JsonObject message = due.message(firedAt);
      return sidecar.publish(Topics.REMINDERS, message.toBuffer(), metadata(due))
          .transform(published -> published.succeeded() ? settle(due, firedAt, message)
              : giveBack(due, published.cause()));
    }).onFailure(failure -> log.warn("Reminder {} left claimed, another sweep takes it over {} after its instant: {}",
        due.eventId(), config.claimTimeout(), failure.toString()))
        .onComplete(done -> {
          publishing--;
          settleIfQuiet();
        });
  }

  /** The record key keeps a user's reminders in order on one partition; the id lets consumers dedupe. */
  private static Map<String, String> metadata(Due due) {
    var metadata = new LinkedHashMap<String, String>();
    metadata.put("partitionKey", due.userId().toString());
    metadata.put("cloudevent.id", due.eventId());
    return metadata;
  }

  /** Marks it delivered or missed, and queues the same message for the user's webhook, if any. */
  private Future<Void> settle(Due due, Instant firedAt, JsonObject message) {
    if (due.missed()) {
      missed.increment();
      log.info("Reminder {} of task {} missed (swept {} after its instant)", due.eventId(), due.taskId(),
          Duration.between(due.fireAt(), firedAt));
    } else {
      delivered.increment();
      lateness.record(Duration.between(due.fireAt(), firedAt));
    }
    return reminders.settle(due, firedAt, message).map(settled -> {
      if (!settled.settled()) {
        log.debug("Reminder {} published, then cancelled or taken over before it was marked", due.eventId());
      }
      return null;
    });
  }

  private Future<Void> giveBack(Due due, Throwable failure) {
    failed.increment();
    log.warn("Reminder {} not published, pending again for the next sweep: {}", due.eventId(), failure.getMessage());
    return reminders.release(due);
  }
}
