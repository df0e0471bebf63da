package dev.todochatbot.bench;

import dev.todochatbot.bench.Api.Call;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The write window, where CPU per write is measured: creates, updates and completions through the public
 * port at a steady rate, two creates, two updates and one completion in every five, spread over the
 * accounts; an update changes a seeded task of the account, a completion completes one of its open tasks
 * (each once; an account out of open tasks updates instead). An open model like "users": each write
 * leaves at its planned time whatever the answers, and latency counts from then. A rate both sidecars
 * keep up with makes the CPU of the window the cost of its writes, not of queues; at most
 * {@link #MAX_WAITING} writes wait for a connection, more fail at once and count as errors.
 */
final class WritesScenario {

  static final String CREATE = "create";
  static final String UPDATE = "update";
  static final String COMPLETE = "complete";

  private static final int CONNECTIONS = 64;
  private static final int MAX_WAITING = 2_000;
  private static final long PACE_MS = 10;
  private static final long DRAIN_MS = 30_000;

  private final Vertx vertx;
  private final Api api;
  private final Recorder recorder = new Recorder();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Map<String, AtomicLong> acknowledged = Map.of(CREATE, new AtomicLong(), UPDATE, new AtomicLong(),
      COMPLETE, new AtomicLong());

  WritesScenario(Vertx vertx, int port) {
    this.vertx = vertx;
    this.api = new Api(vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(CONNECTIONS).setMaxWaitQueueSize(MAX_WAITING)), port);
  }

  /**
   * Open tasks of each account to complete, each once: one queue per user id, shared by the windows that
   * draw from them (warm-up and measured).
   */
  static Map<String, Deque<String>> toComplete(Map<String, List<String>> openTaskIds) {
    Map<String, Deque<String>> toComplete = new HashMap<>();
    openTaskIds.forEach((user, ids) -> toComplete.put(user, new ArrayDeque<>(ids)));
    return toComplete;
  }

  /**
   * Offers {@code perSecond} writes a second for {@code seconds}, then waits (up to {@link #DRAIN_MS}) for
   * the last answers. {@code taskIds}: some task ids of each account; {@code toComplete}: see {@link #toComplete}.
   */
  Future<Recorder> run(List<Api.Session> accounts, Map<String, List<String>> taskIds,
      Map<String, Deque<String>> toComplete, int perSecond, int seconds) {
    long total = (long) perSecond * seconds;
    Promise<Recorder> done = Promise.promise();
    vertx.runOnContext(v -> {
      long started = System.nanoTime();
      recorder.begin();
      long ticker = vertx.setPeriodic(1000, t -> recorder.tick());
      vertx.setPeriodic(PACE_MS, pace -> {
        long due = Math.min(total, (System.nanoTime() - started) * perSecond / 1_000_000_000L);
        while (sent.get() < due) {
          long i = sent.getAndIncrement();
          Api.Session account = accounts.get((int) (i % accounts.size()));
          send(i, account, taskIds.getOrDefault(account.userId(), List.of()), toComplete.get(account.userId()),
              started + i * 1_000_000_000L / perSecond);
        }
        if (sent.get() >= total) {
          vertx.cancelTimer(pace);
          drained().onComplete(drained -> {
            vertx.cancelTimer(ticker);
            recorder.end();
            done.complete(recorder);
          });
        }
      });
    });
    return done.future().eventually(api::close);
  }

  private void send(long i, Api.Session account, List<String> ids, Deque<String> toComplete, long intended) {
    int slot = (int) (i % 5);
    if (slot < 2 || ids.isEmpty()) {
      request(CREATE, new Call(HttpMethod.POST, "/api/tasks", Vocabulary.newTask()), account, intended);
    } else if (slot == 4 && toComplete != null && !toComplete.isEmpty()) {
      request(COMPLETE, new Call(HttpMethod.POST, "/api/tasks/" + toComplete.poll() + "/complete", null), account,
          intended);
    } else {
      String id = ids.get(Vocabulary.random().nextInt(ids.size()));
      request(UPDATE, new Call(HttpMethod.PATCH, "/api/tasks/" + id, Vocabulary.change()), account, intended);
    }
  }

  private void request(String kind, Call call, Api.Session account, long intended) {
    inFlight.incrementAndGet();
    api.send(call, account.token()).onComplete(result -> {
      inFlight.decrementAndGet();
      if (result.failed()) {
        recorder.error(kind, call.method() + " " + call.uri() + ": " + result.cause());
      } else if (!result.result().ok()) {
        recorder.error(kind, call.method() + " " + call.uri() + ": " + result.result().problem());
      } else {
        recorder.success(kind, intended);
        acknowledged.get(kind).incrementAndGet();
      }
    });
  }

  /** Completes when no write is in flight any more, or after {@link #DRAIN_MS}. */
  private Future<Void> drained() {
    return Parallel.drained(vertx, inFlight, DRAIN_MS);
  }

  /** Writes the system acknowledged (2xx), all kinds. */
  long acknowledged() {
    return acknowledged.values().stream().mapToLong(AtomicLong::get).sum();
  }

  /** What was sent and answered, per kind with its latencies. */
  JsonObject json(int perSecond, int seconds) {
    var kinds = new JsonObject();
    for (String kind : List.of(CREATE, UPDATE, COMPLETE)) {
      Recorder.Stats stats = recorder.stats(kind);
      kinds.put(kind, new JsonObject().put("acknowledged", acknowledged.get(kind).get()).put("errors", stats.errors())
          .put("p50Ms", stats.p50Ms()).put("p95Ms", stats.p95Ms()).put("p99Ms", stats.p99Ms())
          .put("maxMs", stats.maxMs()).put("errorSamples", recorder.errorSamples(kind)));
    }
    Recorder.Stats all = recorder.statsOfAll();
    return new JsonObject().put("offeredPerSec", perSecond).put("seconds", seconds).put("sent", sent.get())
        .put("acknowledged", acknowledged()).put("errors", all.errors()).put("unansweredAtEnd", inFlight.get())
        .put("p50Ms", all.p50Ms()).put("p95Ms", all.p95Ms()).put("p99Ms", all.p99Ms()).put("byKind", kinds);
  }
}
