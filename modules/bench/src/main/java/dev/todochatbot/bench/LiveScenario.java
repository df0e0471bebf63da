package dev.todochatbot.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The "live" scenario: what people see without asking. Opens many WebSockets on the public port (every
 * account's sessions several times over), then measures, with the server's own timestamps (the system
 * runs on this machine, so the clocks are one):
 * <ul>
 *   <li>fan-out: a task change committed ({@code task.updatedAt}) → its message on every open socket of
 *       that user;</li>
 *   <li>recurrence: an occurrence completed ({@code completedAt}) → the next occurrence's
 *       {@code task.created} message;</li>
 *   <li>reminders: a reminder's {@code at} → its {@code reminder} message.</li>
 * </ul>
 * Every message is counted against what was expected, so a lost one shows as less than 100 %.
 */
final class LiveScenario {

  private static final Logger log = LoggerFactory.getLogger(LiveScenario.class);
  private static final int CONNECT_CONCURRENCY = 64;

  /** One kind of measurement: its latencies (µs) and how many messages were expected and arrived. */
  static final class Measure {
    final Histogram micros = new Histogram(60_000_000L, 3);
    final AtomicLong expected = new AtomicLong();
    final AtomicLong arrived = new AtomicLong();

    synchronized void record(long latencyMicros) {
      micros.recordValue(Math.max(0, Math.min(latencyMicros, micros.getHighestTrackableValue())));
      arrived.incrementAndGet();
    }

    synchronized JsonObject json() {
      return new JsonObject().put("expected", expected.get()).put("arrived", arrived.get())
          .put("deliveredShare", expected.get() == 0 ? 1.0 : Math.round(arrived.get() * 10_000.0 / expected.get()) / 10_000.0)
          .put("p50Ms", ms(micros.getValueAtPercentile(50))).put("p95Ms", ms(micros.getValueAtPercentile(95)))
          .put("p99Ms", ms(micros.getValueAtPercentile(99))).put("maxMs", ms(micros.getMaxValue()));
    }

    private static double ms(long micros) {
      return Math.round(micros / 10.0) / 100.0;
    }
  }

  private final Vertx vertx;
  private final Api api;
  private final int port;
  private final WebSocketClient client;
  final Measure fanOut = new Measure();
  final Measure recurrence = new Measure();
  final Measure reminders = new Measure();
  /** sockets per user id */
  private final Map<String, Integer> socketsOf = new ConcurrentHashMap<>();
  /** task ids whose change is being measured, for fan-out */
  private final Map<String, Boolean> watchedChanges = new ConcurrentHashMap<>();
  /** series ids whose next occurrence is awaited → completion instant */
  private final Map<String, Instant> awaitedSeries = new ConcurrentHashMap<>();
  /**
   * series ids whose next occurrence arrived before the completion's answer was read → when it arrived
   * (under load the two race: the answer can be read after the message)
   */
  private final Map<String, Instant> earlyOccurrences = new ConcurrentHashMap<>();
  /** reminder ids awaited */
  private final Map<String, Boolean> awaitedReminders = new ConcurrentHashMap<>();
  private final List<WebSocket> sockets = new ArrayList<>();

  LiveScenario(Vertx vertx, Api api, int port) {
    this.vertx = vertx;
    this.api = api;
    this.port = port;
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(1_000_000)
        .setConnectTimeout(30_000));
  }

  int openSockets() {
    return sockets.size();
  }

  /** Opens {@code count} sockets, session after session round and round. */
  Future<Void> open(List<Api.Session> sessions, int count) {
    return Parallel.limited(count, CONNECT_CONCURRENCY, i -> {
      Api.Session session = sessions.get(i % sessions.size());
      var options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
          .setURI("/ws?access_token=" + session.token());
      return client.connect(options).map(ws -> {
        socketsOf.merge(session.userId(), 1, Integer::sum);
        ws.textMessageHandler(this::received);
        synchronized (sockets) {
          sockets.add(ws);
        }
        return (Void) null;
      });
    }).mapEmpty();
  }

  private void received(String text) {
    Instant now = Instant.now();
    JsonObject message = new JsonObject(text);
    String type = message.getString("type", "");
    if (type.equals("reminder")) {
      JsonObject reminder = message.getJsonObject("reminder");
      if (reminder != null && awaitedReminders.containsKey(reminder.getString("reminderId", ""))) {
        reminders.record(micros(Instant.parse(reminder.getString("at")), now));
      }
      return;
    }
    JsonObject task = message.getJsonObject("task");
    if (task == null) {
      return;
    }
    if (type.equals("task.updated") && watchedChanges.containsKey(task.getString("id"))) {
      fanOut.record(micros(Instant.parse(task.getString("updatedAt")), now));
    } else if (type.equals("task.created") && task.getValue("seriesId") != null
        && task.getInteger("occurrence", 1) == 2) {
      String seriesId = task.getString("seriesId");
      Instant completed = awaitedSeries.remove(seriesId);
      if (completed != null) {
        recurrence.record(micros(completed, now));
      } else {
        earlyOccurrences.putIfAbsent(seriesId, now);
      }
    }
  }

  private static long micros(Instant from, Instant to) {
    return (to.getEpochSecond() - from.getEpochSecond()) * 1_000_000L + (to.getNano() - from.getNano()) / 1_000;
  }

  private List<String> changeTaskIds;
  private List<String> recurringTaskIds;
  private List<String> reminderTaskIds;

  /**
   * What the measured phase works on, made before the sockets open (so that its messages are not part
   * of what is measured): a task per account to change, {@code completions} daily tasks and
   * {@code reminders} tasks to remind of.
   */
  Future<Void> prepare(List<Api.Session> accounts, int completions, int reminders) {
    String due = Instant.now().plusSeconds(3600).toString();
    return Parallel.limited(accounts.size(), 8, i -> api.send(new Api.Call(HttpMethod.POST, "/api/tasks",
            new JsonObject().put("title", "Live " + i)), accounts.get(i).token()).map(a -> a.json().getString("id")))
        .compose(ids -> {
          changeTaskIds = ids;
          return Parallel.limited(completions, 8, i -> api.send(new Api.Call(HttpMethod.POST, "/api/tasks",
                  new JsonObject().put("title", "Water the plants " + i).put("dueAt", due)
                      .put("recurrence", new JsonObject().put("rule", "FREQ=DAILY"))),
              accounts.get(i % accounts.size()).token()).map(a -> a.json().getString("id")));
        })
        .compose(ids -> {
          recurringTaskIds = ids;
          return Parallel.limited(reminders, 8, i -> api.send(new Api.Call(HttpMethod.POST, "/api/tasks",
                  new JsonObject().put("title", "Remind me " + i)), accounts.get(i % accounts.size()).token())
              .map(a -> a.json().getString("id")));
        })
        .map(ids -> {
          reminderTaskIds = ids;
          return null;
        });
  }

  /** {@code changes} task updates, {@code perSecond} a second, each on a task of a user with sockets. */
  Future<Void> changes(List<Api.Session> accounts, int changes, int perSecond) {
    List<Api.Session> watched = accounts;
    List<String> ids = changeTaskIds;
    return Future.succeededFuture(ids)
        .compose(taskIds -> paced(changes, perSecond, i -> {
          int account = i % watched.size();
          String taskId = taskIds.get(account);
          watchedChanges.put(taskId, true);
          fanOut.expected.addAndGet(socketsOf.getOrDefault(watched.get(account).userId(), 0));
          return api.send(new Api.Call(HttpMethod.PATCH, "/api/tasks/" + taskId,
              new JsonObject().put("description", "change " + i)), watched.get(account).token()).mapEmpty();
        }));
  }

  /** {@code count} daily tasks, each completed once, {@code perSecond} a second. */
  Future<Void> completions(List<Api.Session> accounts, int count, int perSecond) {
    List<Api.Session> watched = accounts;
    return Future.succeededFuture(recurringTaskIds)
        .compose(ids -> paced(count, perSecond, i -> {
          Api.Session owner = watched.get(i % watched.size());
          return api.send(new Api.Call(HttpMethod.POST, "/api/tasks/" + ids.get(i) + "/complete", null), owner.token())
              .map(answer -> {
                if (answer.ok()) {
                  JsonObject task = answer.json();
                  recurrence.expected.incrementAndGet();
                  Instant completedAt = Instant.parse(task.getString("completedAt"));
                  String seriesId = task.getString("seriesId");
                  awaitedSeries.put(seriesId, completedAt);
                  Instant early = earlyOccurrences.remove(seriesId);
                  if (early != null && awaitedSeries.remove(seriesId) != null) {
                    recurrence.record(micros(completedAt, early));
                  }
                }
                return (Void) null;
              });
        }));
  }

  /** {@code count} reminders, {@code perSecond} a second, each set 5 s before it is due. */
  Future<Void> reminders(List<Api.Session> accounts, int count, int perSecond) {
    List<Api.Session> watched = accounts;
    return paced(count, perSecond, i -> {
      Api.Session owner = watched.get(i % watched.size());
      Instant at = Instant.now().plusSeconds(5).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
      return api.send(new Api.Call(HttpMethod.POST, "/api/tasks/" + reminderTaskIds.get(i) + "/reminders",
              new JsonObject().put("at", at.toString())), owner.token())
          .map(answer -> {
            if (answer.ok()) {
              awaitedReminders.put(answer.json().getString("id"), true);
              reminders.expected.addAndGet(socketsOf.getOrDefault(owner.userId(), 0));
            }
            return (Void) null;
          });
    });
  }

  /** Waits up to {@code seconds} for what is still expected to arrive. */
  Future<Void> settle(int seconds) {
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    vertx.setPeriodic(200, id -> {
      boolean complete = fanOut.arrived.get() >= fanOut.expected.get()
          && recurrence.arrived.get() >= recurrence.expected.get()
          && reminders.arrived.get() >= reminders.expected.get();
      if (complete || System.nanoTime() > deadline) {
        vertx.cancelTimer(id);
        done.complete();
      }
    });
    return done.future();
  }

  Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    synchronized (sockets) {
      sockets.forEach(ws -> closing.add(ws.close()));
    }
    return Future.join(closing).<Void>mapEmpty().eventually(client::close);
  }

  JsonObject json() {
    return new JsonObject().put("sockets", sockets.size()).put("fanOut", fanOut.json())
        .put("recurrence", recurrence.json()).put("reminders", reminders.json());
  }

  private interface Step {
    Future<Void> run(int i);
  }

  /** Runs {@code count} steps at {@code perSecond}, without waiting for one to finish before the next. */
  private Future<Void> paced(int count, int perSecond, Step step) {
    Promise<Void> done = Promise.promise();
    List<Future<Void>> steps = new ArrayList<>();
    long period = Math.max(1, 1000 / perSecond);
    int[] next = {0};
    vertx.setPeriodic(period, id -> {
      if (next[0] >= count) {
        vertx.cancelTimer(id);
        Future.join(steps).onComplete(all -> done.complete());
        return;
      }
      steps.add(step.run(next[0]++).recover(failure -> {
        log.debug("A live step failed: {}", failure.getMessage());
        return Future.succeededFuture();
      }));
    });
    return done.future();
  }
}
