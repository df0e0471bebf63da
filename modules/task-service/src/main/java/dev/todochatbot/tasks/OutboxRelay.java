package dev.todochatbot.tasks;

import dev.todochatbot.platform.Database;
import dev.todochatbot.platform.Observability;
import dev.todochatbot.platform.Sidecar;
import dev.todochatbot.platform.events.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the outbox through the Dapr sidecar: each event to {@code task-events} and its browser
 * form to {@code task-updates}, with the user id as partition key and the event id as CloudEvent id,
 * then deletes the rows the broker has. One events of a user is published only after the previous
 * one of that user went out, so order per user holds; users go out in parallel.
 *
 * <p>Only one relay publishes at a time, whatever the number of replicas: the one holding a
 * PostgreSQL advisory lock on a session of its own (it passes to another replica when that session
 * ends). The relay runs when a change of this process was written ({@link #nudger}), and every
 * {@code pollInterval} for changes of other replicas. While the sidecar or the broker fails, rows stay
 * and are retried after a capped exponential backoff.
 */
public final class OutboxRelay extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

  static final String WRITTEN_ADDRESS = "tasks.outbox.written";

  /** Any fixed number: the lock only has to be the same for every replica. */
  private static final long LEADER_LOCK = 0x7461736b73L; // "tasks"

  private static final String SELECT_BATCH =
      "SELECT id, user_id, payload::text, created_at FROM tasks.outbox ORDER BY id LIMIT $1";
  private static final String DELETE_SENT = "DELETE FROM tasks.outbox WHERE id = ANY($1)";

  /** The relay's settings; see {@link TaskServiceConfig}. */
  public record Settings(int batchSize, Duration pollInterval, Duration backoffMin, Duration backoffMax,
      Duration leaderRetry) {
    public static final Settings DEFAULT = new Settings(256, Duration.ofSeconds(1), Duration.ofMillis(100),
        Duration.ofSeconds(10), Duration.ofSeconds(2));
  }

  private final TaskServiceConfig config;
  private final Settings settings;
  private Pool pool;
  private Sidecar sidecar;
  private SqlConnection leaderSession;
  private boolean stopping;
  private boolean draining;
  private boolean again;
  private boolean backingOff;
  private int failures;

  private final Timer lag = Timer.builder("outbox.publish.lag")
      .description("From a change being written to its event being acknowledged by the broker")
      .publishPercentiles(0.5, 0.95, 0.99)
      .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
          Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(5))
      .register(Observability.registry());
  private final Counter published = Counter.builder("outbox.published")
      .description("Task events published (each to task-events and task-updates)")
      .register(Observability.registry());
  private final Counter failed = Counter.builder("outbox.publish.failures")
      .description("Publish attempts that failed and will be retried")
      .register(Observability.registry());

  public OutboxRelay(TaskServiceConfig config) {
    this.config = config;
    this.settings = config.outbox();
  }

  /** What a writer calls after its change committed: wakes the relay of this process. */
  static Runnable nudger(Vertx vertx) {
    var bus = vertx.eventBus();
    return () -> bus.send(WRITTEN_ADDRESS, null);
  }

  @Override
  public Future<?> start() {
    pool = Database.pool(vertx, config.database(), 2, "tasks-outbox");
    sidecar = new Sidecar(vertx, config.sidecar());
    vertx.eventBus().<Void>localConsumer(WRITTEN_ADDRESS, message -> wake());
    vertx.setPeriodic(settings.pollInterval().toMillis(), id -> wake());
    tryToLead();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    Future<Void> session = leaderSession == null ? Future.succeededFuture() : leaderSession.close();
    return session.eventually(() -> sidecar.close()).eventually(() -> pool.close());
  }

  private void tryToLead() {
    if (stopping) {
      return;
    }
    pool.getConnection().compose(session -> session.preparedQuery("SELECT pg_try_advisory_lock($1)")
        .execute(Tuple.of(LEADER_LOCK))
        .compose(rows -> {
          if (rows.iterator().next().getBoolean(0)) {
            return Future.succeededFuture(session);
          }
          return session.close().map((SqlConnection) null);
        }))
        .onComplete(result -> {
          if (result.succeeded() && result.result() != null) {
            leaderSession = result.result();
            leaderSession.closeHandler(v -> {
              leaderSession = null;
              if (!stopping) {
                log.warn("The outbox relay lost its database session; trying to lead again");
                vertx.setTimer(settings.leaderRetry().toMillis(), id -> tryToLead());
              }
            });
            log.debug("This process publishes the outbox");
            wake();
          } else {
            if (result.failed()) {
              log.warn("The outbox relay could not reach the database: {}", result.cause().getMessage());
            }
            vertx.setTimer(settings.leaderRetry().toMillis(), id -> tryToLead());
          }
        });
  }

  private void wake() {
    if (draining) {
      again = true;
      return;
    }
    if (leaderSession == null || backingOff || stopping) {
      return;
    }
    draining = true;
    again = false;
    drain().onComplete(result -> {
      draining = false;
      if (result.failed()) {
        backOff(result.cause());
      } else {
        if (failures > 0) {
          log.info("Publishing task events resumed after {} failed attempts", failures);
          failures = 0;
        }
        if (result.result() || again) {
          vertx.runOnContext(v -> wake());
        }
      }
    });
  }

  /** Publishes one batch; true when the batch was full (more may be waiting). */
  private Future<Boolean> drain() {
    return pool.preparedQuery(SELECT_BATCH).execute(Tuple.of(settings.batchSize())).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(false);
      }
      // one chain per user, each event after the previous one of that user
      Map<UUID, List<Row>> byUser = new LinkedHashMap<>();
      for (Row row : rows) {
        byUser.computeIfAbsent(row.getUUID(1), k -> new ArrayList<>()).add(row);
      }
      List<Long> sent = new ArrayList<>(rows.size());
      var firstFailure = new Throwable[1];
      List<Future<Void>> chains = new ArrayList<>(byUser.size());
      for (List<Row> events : byUser.values()) {
        Future<Void> chain = Future.succeededFuture();
        for (Row event : events) {
          chain = chain.compose(v -> publish(event).onSuccess(ok -> sent.add(event.getLong(0))));
        }
        chains.add(chain.recover(failure -> {
          firstFailure[0] = failure;
          return Future.succeededFuture();
        }));
      }
      boolean full = rows.size() == settings.batchSize();
      return Future.join(chains)
          .compose(v -> sent.isEmpty() ? Future.succeededFuture()
              : pool.preparedQuery(DELETE_SENT).execute(Tuple.of(sent.toArray(Long[]::new))))
          .compose(v -> firstFailure[0] == null ? Future.succeededFuture(full) : Future.failedFuture(firstFailure[0]));
    });
  }

  private Future<Void> publish(Row event) {
    String payload = event.getString(2);
    JsonObject json = new JsonObject(payload);
    Map<String, String> metadata = Map.of(
        "partitionKey", json.getString("userId"),
        "cloudevent.id", json.getString("eventId"),
        "cloudevent.type", json.getString("type"));
    Instant written = event.getOffsetDateTime(3).toInstant();
    return Future.all(
            sidecar.publish(Topics.TASK_EVENTS, Buffer.buffer(payload), metadata),
            sidecar.publish(Topics.TASK_UPDATES, update(json).toBuffer(), metadata))
        .<Void>mapEmpty()
        .onSuccess(v -> {
          published.increment();
          lag.record(Math.max(0, Instant.now().toEpochMilli() - written.toEpochMilli()), TimeUnit.MILLISECONDS);
        })
        .onFailure(failure -> failed.increment());
  }

  /** The browser's form of an event (schemas/events/task-update.v1.schema.json). */
  static JsonObject update(JsonObject event) {
    return new JsonObject()
        .put("eventId", event.getValue("eventId"))
        .put("type", event.getValue("type"))
        .put("occurredAt", event.getValue("occurredAt"))
        .put("userId", event.getValue("userId"))
        .put("taskId", event.getValue("taskId"))
        .put("task", event.getValue("task"));
  }

  private void backOff(Throwable cause) {
    failures++;
    long max = settings.backoffMax().toMillis();
    long base = Math.min(max, settings.backoffMin().toMillis() << Math.min(failures - 1, 20));
    // up to a fifth of jitter, so replicas and restarts do not retry in step
    long delay = base + ThreadLocalRandom.current().nextLong(base / 5 + 1);
    if (failures == 1 || Long.bitCount(failures) == 1) {
      log.warn("Publishing task events failed ({}); attempt {}, retrying in {} ms. Events wait in the outbox.",
          cause.getMessage(), failures, delay);
    }
    backingOff = true;
    vertx.setTimer(delay, id -> {
      backingOff = false;
      wake();
    });
  }
}
