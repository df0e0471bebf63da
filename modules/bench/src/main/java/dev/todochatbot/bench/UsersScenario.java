package dev.todochatbot.bench;

import dev.todochatbot.bench.Api.Call;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Scenario "users": signed-in people on the public port, each sending about one request a second
 * (uniformly 0.5 to 1.5 s apart, from a random start). An open model: a person sends at the planned
 * time whether or not earlier answers came back, and latency counts from the planned time, so a slow
 * system cannot hide its slowness by slowing the load down (no coordinated omission).
 *
 * <p>The mix: 70 % lists (filters, sorts, searches, sometimes the next page), 20 % changes of a task
 * the person saw in a list, 10 % new tasks.
 */
final class UsersScenario {

  static final String LIST = "list";
  static final String UPDATE = "update";
  static final String CREATE = "create";

  private static final int KNOWN_IDS = 100;
  private static final int MAX_CONNECTIONS = 256;
  private static final long DRAIN_MS = 15_000;

  /** The lists people ask for; each supplier makes a fresh URI (search words and dates vary). */
  private static final List<Supplier<String>> LISTS = List.of(
      () -> "/api/tasks",
      () -> "/api/tasks?priority=high&priority=urgent",
      () -> "/api/tasks?tag=" + Vocabulary.tag(),
      () -> "/api/tasks?tag=" + Vocabulary.tag() + "&tag=" + Vocabulary.tag() + "&tagMode=all",
      () -> "/api/tasks?q=" + prefix(Vocabulary.word()),
      () -> "/api/tasks?status=all&q=" + Vocabulary.word() + "%20" + prefix(Vocabulary.word()),
      () -> "/api/tasks?dueBefore=" + encode(Instant.now().plus(7, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS)),
      () -> "/api/tasks?overdue=true",
      () -> "/api/tasks?sort=priority",
      () -> "/api/tasks?sort=title",
      () -> "/api/tasks?sort=dueAt&order=desc",
      () -> "/api/tasks?status=completed&sort=updatedAt",
      () -> "/api/tasks?status=all&sort=createdAt",
      () -> "/api/tasks?sort=updatedAt&limit=20");

  private final Vertx vertx;
  private final Api api;
  private final Recorder recorder = new Recorder();
  private final AtomicInteger inFlight = new AtomicInteger();
  private int unanswered;

  UsersScenario(Vertx vertx, int port) {
    this.vertx = vertx;
    this.api = new Api(vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS)), port);
  }

  /**
   * Runs every session as one person for warm-up plus {@code seconds}, then waits a while for the last
   * answers and closes the connections, so that a backlog of an overloaded system cannot spill into
   * what is measured next.
   */
  Future<Recorder> run(List<Api.Session> sessions, List<Context> eventLoops, int warmupSeconds, int seconds) {
    long endNanos = System.nanoTime() + (warmupSeconds + seconds) * 1_000_000_000L;
    // people arrive spread over the first three quarters of the warm-up: a system fresh from start-up
    // (cold JIT and caches) hit by the full load at once builds a backlog that spills into what is
    // measured; the last quarter runs at full load before recording starts
    long rampNanos = Math.max(1_000_000_000L, warmupSeconds * 750_000_000L);
    for (int i = 0; i < sessions.size(); i++) {
      var person = new Person(sessions.get(i), endNanos, rampNanos);
      eventLoops.get(i % eventLoops.size()).runOnContext(v -> person.start());
    }
    return recorder.measure(vertx, warmupSeconds, seconds)
        .compose(measured -> drained())
        .compose(drained -> {
          unanswered = inFlight.get();
          return api.close();
        })
        .map(recorder);
  }

  /** Requests still without an answer {@link #DRAIN_MS} after the end: a sign of overload. */
  int unanswered() {
    return unanswered;
  }

  /** Completes when no request is in flight any more, or after {@link #DRAIN_MS}. */
  private Future<Void> drained() {
    return Parallel.drained(vertx, inFlight, DRAIN_MS);
  }

  /** One signed-in person; lives on one event loop, so its fields need no locks. */
  private final class Person {
    private final Api.Session session;
    private final long endNanos;
    private final long rampNanos;
    private final List<String> knownIds = new ArrayList<>();
    /** The list last asked for, and then the cursor of its next page once its answer is in. */
    private String lastList;
    private String nextCursor;
    private long intendedNanos;

    Person(Api.Session session, long endNanos, long rampNanos) {
      this.session = session;
      this.endNanos = endNanos;
      this.rampNanos = rampNanos;
    }

    void start() {
      intendedNanos = System.nanoTime() + Vocabulary.random().nextLong(rampNanos);
      schedule();
    }

    private void schedule() {
      if (intendedNanos >= endNanos) {
        return;
      }
      // rounded up: a timer that fired before the planned time would shorten the measured latency
      long delayMs = Math.max(1, (intendedNanos - System.nanoTime() + 999_999) / 1_000_000);
      vertx.setTimer(delayMs, timer -> {
        send(intendedNanos);
        intendedNanos += Vocabulary.random().nextLong(500_000_000L, 1_500_000_000L);
        schedule();
      });
    }

    private void send(long intended) {
      double r = Vocabulary.random().nextDouble();
      if (r < 0.7 || (r < 0.9 && knownIds.isEmpty())) {
        list(intended);
      } else if (r < 0.9) {
        String id = knownIds.get(Vocabulary.random().nextInt(knownIds.size()));
        request(UPDATE, new Call(HttpMethod.PATCH, "/api/tasks/" + id, Vocabulary.change()), intended, answer -> {});
      } else {
        request(CREATE, new Call(HttpMethod.POST, "/api/tasks", Vocabulary.newTask()), intended, answer -> {
          if (knowsTooFew()) {
            knownIds.add(answer.json().getString("id"));
          }
        });
      }
    }

    /** A new list, or now and then the next page of the last one. */
    private void list(long intended) {
      String uri;
      if (nextCursor != null && Vocabulary.random().nextDouble() < 0.25) {
        uri = lastList + (lastList.contains("?") ? "&" : "?") + "cursor=" + nextCursor;
      } else {
        uri = LISTS.get(Vocabulary.random().nextInt(LISTS.size())).get();
        lastList = uri;
        nextCursor = null;
      }
      String list = lastList;
      request(LIST, Call.get(uri), intended, answer -> {
        String cursor;
        if (knowsTooFew()) {
          JsonObject page = answer.json();
          page.getJsonArray("items").forEach(item -> knownIds.add(((JsonObject) item).getString("id")));
          cursor = page.getString("nextCursor");
        } else {
          cursor = nextCursorOf(answer);
        }
        // answers can come back out of order; a cursor only ever goes with the list it came from
        if (list.equals(lastList)) {
          nextCursor = cursor;
        }
      });
    }

    /**
     * Whether the person still collects task ids from answers. Parsing every page in full would make
     * this load generator take much of the CPU it shares with the system it measures.
     */
    private boolean knowsTooFew() {
      return knownIds.size() < KNOWN_IDS;
    }

    private void request(String kind, Call call, long intended, Consumer<Api.Answer> onAnswer) {
      inFlight.incrementAndGet();
      api.send(call, session.token()).onComplete(result -> {
        inFlight.decrementAndGet();
        if (result.failed()) {
          recorder.error(kind, call.method() + " " + call.uri() + ": " + result.cause());
        } else if (!result.result().ok()) {
          recorder.error(kind, call.method() + " " + call.uri() + ": " + result.result().problem());
        } else {
          recorder.success(kind, intended);
          onAnswer.accept(result.result());
        }
      });
    }
  }

  private static final String NEXT_CURSOR = "\"nextCursor\":";
  private static final int TAIL_BYTES = 1024;

  /**
   * The nextCursor of a list answer without parsing its tasks: the service writes it as the last key,
   * {@code "nextCursor":"..."} or {@code "nextCursor":null}. Falls back to parsing when the tail of the
   * body does not look like that.
   */
  static String nextCursorOf(Api.Answer answer) {
    Buffer body = answer.body();
    String tail = body.getString(Math.max(0, body.length() - TAIL_BYTES), body.length());
    int at = tail.lastIndexOf(NEXT_CURSOR);
    if (at >= 0) {
      int value = at + NEXT_CURSOR.length();
      if (tail.startsWith("null", value)) {
        return null;
      }
      int end = tail.indexOf('"', value + 1);
      if (tail.charAt(value) == '"' && end > value) {
        return tail.substring(value + 1, end);
      }
    }
    return answer.json().getString("nextCursor");
  }

  private static String prefix(String word) {
    return word.substring(0, Math.min(word.length(), 3 + Vocabulary.random().nextInt(3)));
  }

  private static String encode(Object value) {
    return URLEncoder.encode(value.toString(), StandardCharsets.UTF_8);
  }
}
