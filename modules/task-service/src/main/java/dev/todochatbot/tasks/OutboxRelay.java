package dev.todochatbot.tasks;

import dev.todochatbot.platform.Database;
import dev.todochatbot.platform.Drain;
import dev.todochatbot.platform.Observability;
import dev.todochatbot.platform.Sidecar;
import dev.todochatbot.platform.events.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the outbox through the Dapr sidecar: each event to {@code task-events} and its browser
 * form to {@code task-updates}, with the user id as partition key and the event id as CloudEvent id,
 * then deletes the rows the broker has.
 *
 * <p>It works as a pipeline, so an event waits for neither a batch nor another user: reads pick up
 * rows not yet in hand, each user's events queue up and go out one after another (order per user
 * holds), users in parallel, and acknowledged rows are deleted in groups in the background. A failed
 * publish forgets that user's queue (its rows stay in the table) and pauses reading for a capped
 * exponential backoff; the next read then finds that user's rows again, in order.
 *
 * <p>Only one relay publishes at a time, whatever the number of replicas: the one holding a
 * PostgreSQL advisory lock on a session of its own (it passes to another replica when that session
 * ends). The relay reads when a change of this process was written ({@link #nudger}), and every
 * {@code pollInterval} for changes of other replicas.
 *
 * <p>When the process drains, the relay stops after its current step: it reads nothing more, lets the
 * publishes under way be acknowledged and their rows deleted, leaves the rest of the queues in the
 * table, and gives up the lock, so that another replica (or the next start) publishes what is left.
 */
public final class OutboxRelay extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

  static final String WRITTEN_ADDRESS = "tasks.outbox.written";

  /** Any fixed number: the lock only has to be the same for every replica. */
  private static final long LEADER_LOCK = 0x7461736b73L; // "tasks"

  /** rows not in hand yet, oldest first; the exclusion list is short (what is in flight or being deleted) */
  private static final String SELECT_NEW =
      "SELECT id, user_id, payload::text, created_at FROM tasks.outbox WHERE id <> ALL($2) ORDER BY id LIMIT $1";
  private static final String DELETE_SENT = "DELETE FROM tasks.outbox WHERE id = ANY($1)";
  /** capped, so that measuring a large backlog never becomes a large scan itself */
  private static final String MEASURE_BACKLOG =
      "SELECT count(*), min(created_at) FROM (SELECT created_at FROM tasks.outbox ORDER BY id LIMIT 100000) AS waiting";

  /**
   * The relay whose backlog figures the gauges show: the process's one (the registry is per process;
   * tests start several relays, one after another, and the latest counts). Every replica measures,
   * leader or not, so a relay that stopped publishing is still seen.
   */
  private static volatile OutboxRelay measured;

  static {
    Gauge.builder("outbox.backlog", () -> measured == null ? 0 : measured.backlog.get()).baseUnit("events")
        .description("Outbox rows not yet published (counted up to 100000), measured every poll interval")
        .register(Observability.registry());
    Gauge.builder("outbox.backlog.age", () -> measured == null ? 0 : measured.backlogAgeMillis.get() / 1000.0)
        .baseUnit("seconds")
        .description("How long the oldest outbox row not yet published has waited; 0 when there is none")
        .register(Observability.registry());
  }

  /** The relay's settings; see {@link TaskServiceConfig}. */
  public record Settings(int batchSize, Duration pollInterval, Duration backoffMin, Duration backoffMax,
      Duration leaderRetry) {
    public static final Settings DEFAULT = new Settings(256, Duration.ofSeconds(1), Duration.ofMillis(100),
        Duration.ofSeconds(10), Duration.ofSeconds(2));
  }

  /** One outbox row in hand. */
  private record Pending(long id, UUID userId, String payload, Instant written) {}

  private final TaskServiceConfig config;
  private final Settings settings;
  private Pool pool;
  private Sidecar sidecar;
  private SqlConnection leaderSession;
  private boolean stopping;
  private boolean reading;
  private boolean readAgain;
  private boolean backingOff;
  private boolean deleting;
  /** a read was skipped because too much is in hand; the next delete makes room and reads */
  private boolean readDeferred;
  private int failures;
  /** counts failures: a read begun before one may hold rows of a forgotten queue, and is not used */
  private long generation;
  /** ids read and not yet deleted: queued, being published, or acknowledged and waiting for the delete */
  private final Set<Long> inHand = new HashSet<>();
  /** per user, the events read and not yet acknowledged; the head is being published */
  private final Map<UUID, ArrayDeque<Pending>> queues = new HashMap<>();
  private final List<Long> acknowledged = new ArrayList<>();
  private final AtomicLong backlog = new AtomicLong();
  private boolean measuring;
  private final AtomicLong backlogAgeMillis = new AtomicLong();
  /** completed once a drain has stopped the relay and nothing it began is still under way */
  private Promise<Void> quiet;
  private boolean settling;

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
    measured = this;
    sidecar = new Sidecar(vertx, config.sidecar());
    vertx.eventBus().<Void>localConsumer(WRITTEN_ADDRESS, message -> read());
    vertx.setPeriodic(settings.pollInterval().toMillis(), id -> {
      read();
      measureBacklog();
    });
    Drain.of(vertx).onDrain("The outbox relay", this::stopAfterCurrentStep);
    tryToLead();
    return Future.succeededFuture();
  }

  /** Reads nothing more; completes once what is being published is acknowledged and deleted, and the lock given up. */
  Future<Void> stopAfterCurrentStep() {
    stopping = true;
    if (quiet == null) {
      quiet = Promise.promise();
      settleIfQuiet();
    }
    return quiet.future();
  }

  private void settleIfQuiet() {
    if (quiet == null || settling || reading || deleting || !queues.isEmpty() || !acknowledged.isEmpty()) {
      return;
    }
    settling = true;
    // unlocked now, another replica leads from its next try instead of after this exit (closing the
    // session only returns it to the pool, where the session and its lock live on)
    SqlConnection session = leaderSession;
    leaderSession = null;
    Future<?> unlocked = session == null ? Future.succeededFuture()
        : session.preparedQuery("SELECT pg_advisory_unlock($1)").execute(Tuple.of(LEADER_LOCK)).eventually(session::close);
    unlocked.onComplete(closed -> {
      log.info("The outbox relay stopped after its current step; what it had not published waits in the outbox");
      quiet.tryComplete();
    });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    if (measured == this) {
      measured = null;
    }
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
          if (result.succeeded() && result.result() != null && stopping) {
            // the drain began while the lock was being taken: give it straight back for another replica
            SqlConnection session = result.result();
            session.preparedQuery("SELECT pg_advisory_unlock($1)").execute(Tuple.of(LEADER_LOCK))
                .eventually(session::close);
          } else if (result.succeeded() && result.result() != null) {
            leaderSession = result.result();
            leaderSession.closeHandler(v -> {
              leaderSession = null;
              if (!stopping) {
                log.warn("The outbox relay lost its database session; trying to lead again");
                vertx.setTimer(settings.leaderRetry().toMillis(), id -> tryToLead());
              }
            });
            log.debug("This process publishes the outbox");
            read();
          } else {
            if (result.failed()) {
              log.warn("The outbox relay could not reach the database: {}", result.cause().getMessage());
            }
            vertx.setTimer(settings.leaderRetry().toMillis(), id -> tryToLead());
          }
        });
  }

  /** Reads rows not in hand yet and queues them per user; one read at a time, again if asked meanwhile. */
  private void read() {
    if (reading) {
      readAgain = true;
      return;
    }
    if (leaderSession == null || backingOff || stopping) {
      return;
    }
    if (inHand.size() >= 4 * settings.batchSize()) {
      readDeferred = true;
      return;
    }
    reading = true;
    readAgain = false;
    readDeferred = false;
    long readGeneration = generation;
    Long[] exclude = inHand.toArray(Long[]::new);
    pool.preparedQuery(SELECT_NEW).execute(Tuple.tuple().addInteger(settings.batchSize()).addArrayOfLong(exclude)).onComplete(result -> {
      reading = false;
      if (stopping) {
        // rows read as the drain began: left in the table, as if never read
        settleIfQuiet();
        return;
      }
      if (result.failed()) {
        backOff(result.cause());
        return;
      }
      if (readGeneration != generation) {
        // a publish failed meanwhile and its user's queue was forgotten: these rows could overtake it
        vertx.runOnContext(v -> read());
        return;
      }
      boolean full = result.result().size() == settings.batchSize();
      for (Row row : result.result()) {
        var event = new Pending(row.getLong(0), row.getUUID(1), row.getString(2),
            row.getOffsetDateTime(3).toInstant());
        if (!inHand.add(event.id())) {
          continue;
        }
        ArrayDeque<Pending> queue = queues.computeIfAbsent(event.userId(), k -> new ArrayDeque<>());
        queue.add(event);
        if (queue.size() == 1) {
          publishHead(event.userId(), queue);
        }
      }
      if (full || readAgain) {
        vertx.runOnContext(v -> read());
      }
    });
  }

  /** A failed measurement keeps the last figures: the database being away has alerts of its own. */
  private void measureBacklog() {
    if (stopping || measuring) {
      return; // one count at a time: under a large backlog it must not crowd out the publishing
    }
    measuring = true;
    pool.query(MEASURE_BACKLOG).execute().onComplete(done -> measuring = false).onSuccess(rows -> {
      Row row = rows.iterator().next();
      backlog.set(row.getLong(0));
      var oldest = row.getOffsetDateTime(1);
      backlogAgeMillis.set(oldest == null ? 0
          : Math.max(0, Instant.now().toEpochMilli() - oldest.toInstant().toEpochMilli()));
    });
  }

  /** Publishes the first event of a user's queue, then the next, until the queue is empty. */
  private void publishHead(UUID userId, ArrayDeque<Pending> queue) {
    Pending event = queue.peek();
    publish(event).onComplete(result -> {
      if (queues.get(userId) != queue) {
        return; // forgotten after a failure meanwhile
      }
      if (result.failed()) {
        // forget this user's events (their rows stay): the read after the backoff brings them back in order
        queues.remove(userId);
        queue.forEach(e -> inHand.remove(e.id()));
        generation++;
        backOff(result.cause());
        settleIfQuiet();
        return;
      }
      if (failures > 0 && !backingOff) {
        log.info("Publishing task events resumed after {} failed attempts", failures);
        failures = 0;
      }
      queue.poll();
      acknowledged.add(event.id());
      deleteAcknowledged();
      if (queue.isEmpty()) {
        queues.remove(userId);
      } else if (stopping) {
        // the rest of this user's events stay in the table, in order, for the next relay
        queues.remove(userId);
        queue.forEach(e -> inHand.remove(e.id()));
      } else {
        publishHead(userId, queue);
      }
      settleIfQuiet();
    });
  }

  /** Deletes acknowledged rows, a group at a time; a failed delete only means they are published again. */
  private void deleteAcknowledged() {
    if (deleting || acknowledged.isEmpty()) {
      return;
    }
    deleting = true;
    Long[] ids = acknowledged.toArray(Long[]::new);
    acknowledged.clear();
    pool.preparedQuery(DELETE_SENT).execute(Tuple.of(ids)).onComplete(result -> {
      deleting = false;
      if (result.failed()) {
        log.warn("Deleting {} published outbox rows failed ({}); they will be published again",
            ids.length, result.cause().getMessage());
      }
      for (Long id : ids) {
        inHand.remove(id);
      }
      deleteAcknowledged();
      if (readDeferred) {
        read();
      }
      settleIfQuiet();
    });
  }

  private Future<Void> publish(Pending event) {
    JsonObject json = new JsonObject(event.payload());
    Map<String, String> metadata = Map.of(
        "partitionKey", json.getString("userId"),
        "cloudevent.id", json.getString("eventId"),
        "cloudevent.type", json.getString("type"));
    return Future.all(
            sidecar.publish(Topics.TASK_EVENTS, Buffer.buffer(event.payload()), metadata),
            sidecar.publish(Topics.TASK_UPDATES, update(json).toBuffer(), metadata))
        .<Void>mapEmpty()
        .onSuccess(v -> {
          published.increment();
          lag.record(Math.max(0, Instant.now().toEpochMilli() - event.written().toEpochMilli()), TimeUnit.MILLISECONDS);
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
    if (backingOff) {
      return; // several users' publishes failing together are one failed attempt
    }
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
      read();
    });
  }
}
