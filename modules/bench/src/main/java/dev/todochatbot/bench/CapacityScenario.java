package dev.todochatbot.bench;

import dev.todochatbot.bench.Api.Call;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Scenario "capacity": how much the task service answers on its own port. A fixed number of
 * connections, each in a closed loop (the next request leaves when the previous answer is in), one
 * request kind at a time. Connection i is signed in as account i (mod the accounts), so writes
 * spread over users as they would in life.
 */
final class CapacityScenario {

  /** A request kind: its name and the request a connection sends next. */
  record Kind(String name, Function<Worker, Call> next) {}

  /** One connection's identity: its session and task ids of that account. */
  record Worker(Api.Session session, List<String> taskIds) {
    String anyTaskId() {
      return taskIds.get(Vocabulary.random().nextInt(taskIds.size()));
    }
  }

  static final List<Kind> KINDS = List.of(
      new Kind("get", w -> Call.get("/api/tasks/" + w.anyTaskId())),
      new Kind("list", w -> Call.get("/api/tasks?status=open&priority=high&sort=dueAt&limit=50")),
      new Kind("create", w -> new Call(HttpMethod.POST, "/api/tasks", Vocabulary.newTask())));

  private static final long RECONNECT_AFTER_MS = 10;

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final int port;

  CapacityScenario(Vertx vertx, HttpClientAgent client, int port) {
    this.vertx = vertx;
    this.client = client;
    this.port = port;
  }

  /** Runs {@code kind} on one connection per worker for warm-up plus {@code seconds}. */
  Future<Recorder> run(Kind kind, List<Worker> workers, List<Context> eventLoops, int warmupSeconds, int seconds) {
    var recorder = new Recorder();
    long endNanos = System.nanoTime() + (warmupSeconds + seconds) * 1_000_000_000L;
    List<Future<Void>> loops = new ArrayList<>();
    for (int i = 0; i < workers.size(); i++) {
      Worker worker = workers.get(i);
      Promise<Void> done = Promise.promise();
      eventLoops.get(i % eventLoops.size()).runOnContext(v -> new Loop(kind, worker, recorder, endNanos, done).connect());
      loops.add(done.future());
    }
    return recorder.measure(vertx, warmupSeconds, seconds).compose(measured -> Future.all(loops)).map(recorder);
  }

  /** The workers: one per connection, signed in as account i mod the accounts, with that account's task ids. */
  static List<Worker> workers(int connections, List<Api.Session> oneSessionPerAccount, Map<String, List<String>> taskIds) {
    var workers = new ArrayList<Worker>();
    for (int i = 0; i < connections; i++) {
      Api.Session session = oneSessionPerAccount.get(i % oneSessionPerAccount.size());
      List<String> ids = taskIds.getOrDefault(session.userId(), List.of());
      if (ids.isEmpty()) {
        throw new IllegalStateException("No task ids sampled for user " + session.userId());
      }
      workers.add(new Worker(session, ids));
    }
    return workers;
  }

  /** One connection's closed loop, on one event loop. */
  private final class Loop {
    private final Kind kind;
    private final Worker worker;
    private final Recorder recorder;
    private final long endNanos;
    private final Promise<Void> done;
    private Api api;

    Loop(Kind kind, Worker worker, Recorder recorder, long endNanos, Promise<Void> done) {
      this.kind = kind;
      this.worker = worker;
      this.recorder = recorder;
      this.endNanos = endNanos;
      this.done = done;
    }

    void connect() {
      client.connect(new HttpConnectOptions().setHost("127.0.0.1").setPort(port)).onComplete(connected -> {
        if (connected.succeeded()) {
          api = new Api(connected.result(), port);
          next();
        } else {
          recorder.error(kind.name(), "connect: " + connected.cause());
          retryLater();
        }
      });
    }

    private void next() {
      if (System.nanoTime() >= endNanos) {
        api.close();
        done.complete();
        return;
      }
      Call call = kind.next().apply(worker);
      long sent = System.nanoTime();
      api.send(call, worker.session().token()).onComplete(result -> {
        if (result.failed()) {
          recorder.error(kind.name(), call.method() + " " + call.uri() + ": " + result.cause());
          api.close();
          retryLater();
        } else {
          if (result.result().ok()) {
            recorder.success(kind.name(), sent);
          } else {
            recorder.error(kind.name(), call.method() + " " + call.uri() + ": " + result.result().problem());
          }
          next();
        }
      });
    }

    /** After a transport failure: a new connection, a moment later (never a tight loop of failures). */
    private void retryLater() {
      if (System.nanoTime() >= endNanos) {
        done.complete();
      } else {
        vertx.setTimer(RECONNECT_AFTER_MS, t -> connect());
      }
    }
  }
}
