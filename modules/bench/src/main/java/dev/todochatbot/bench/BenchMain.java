package dev.todochatbot.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code make bench}: for each sidecar of {@code BENCH_SIDECAR} (the devsidecar, then real daprd when
 * {@code make daprd} has built it) starts the system (the all-in-one jar, fresh data), signs up accounts,
 * seeds a million tasks by SQL, and measures the same scenarios: "users" on the public port with the events
 * they cause, "live", the write window (CPU per write), and get/create capacity through the public port.
 * The first sidecar's system also gets the query plans, "chat", the engine's own speed, and capacity at
 * the task service's port, and the targets are judged on it. Writes summary.json, report.html (the
 * sidecars side by side) and query-plans.md under target/bench. Settings: see {@link BenchConfig}. Exits 0
 * when the run completed, whether or not the targets were met (they are figures, not a test); 1 when it
 * could not run, or could not measure one of the sidecars (the others' figures are written all the same).
 *
 * <p>Run from the repository root: {@code make bench}, or after
 * {@code mvn -pl modules/bench package}: {@code java -Xmx1g -jar modules/bench/target/bench-0.1.0-SNAPSHOT-all.jar}.
 * A quick run while developing: {@code BENCH_ACCOUNTS=10 BENCH_TASKS_PER_ACCOUNT=500 BENCH_USERS=50
 * BENCH_USERS_SECONDS=10 BENCH_CAPACITY_SECONDS=3 java -jar ...}.
 */
public final class BenchMain {

  private static final Logger log = LoggerFactory.getLogger(BenchMain.class);
  private static final String PASSWORD = "bench-password-1";
  private static final int SIGNUP_CONCURRENCY = 4;
  private static final int LOGIN_CONCURRENCY = 8;
  private static final int TASK_IDS_PER_ACCOUNT = 200;

  private final Vertx vertx;
  private final BenchConfig config;
  private final SystemUnderTest system;
  /** Whether this system gets the whole benchmark (the first sidecar's) or the scenarios compared. */
  private final boolean whole;
  private final Pool db;
  private final Api publicApi;
  private final Seeder seeder;
  /** Cores used per scenario, by the system, PostgreSQL, this benchmark and anything else. */
  private final JsonObject coresUsed = new JsonObject();

  private BenchMain(Vertx vertx, BenchConfig config, SystemUnderTest system, boolean whole) {
    this.vertx = vertx;
    this.config = config;
    this.system = system;
    this.whole = whole;
    this.db = PgBuilder.pool()
        .with(new io.vertx.sqlclient.PoolOptions().setMaxSize(Seeder.PARALLEL)) // not the HTTP PoolOptions
        .connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(system.postgresPort)
            .setDatabase("postgres").setUser("postgres").setCachePreparedStatements(false))
        .using(vertx)
        .build();
    this.publicApi = new Api(vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(LOGIN_CONCURRENCY)), system.publicPort);
    this.seeder = new Seeder(db);
  }

  public static void main(String[] args) {
    int status = 1;
    Vertx vertx = Vertx.vertx();
    try {
      BenchConfig config = BenchConfig.fromEnv(System.getenv());
      Files.createDirectories(config.outputDir());
      // before both sidecars were measured the one system's data lay here; a fresh run leaves none of it
      SystemUnderTest.deleteRecursively(config.outputDir().resolve("data"));
      long started = System.nanoTime();
      String startedAt = Instant.now().toString();
      config.sidecarNote().ifPresent(note -> log.warn("Measuring {}", note));
      var runs = new ArrayList<Report.Run>();
      // a system that cannot be measured (daprd waiting past its patience for the machine-wide lock, say)
      // costs the others nothing: their figures are written all the same, and the exit status says so
      var notMeasured = new LinkedHashMap<String, String>();
      for (int i = 0; i < config.sidecars().size(); i++) {
        String sidecar = config.sidecars().get(i);
        boolean whole = runs.isEmpty();
        log.info("System {} of {}: beside {}", i + 1, config.sidecars().size(), sidecar);
        long runStarted = System.nanoTime();
        try (SystemUnderTest system = SystemUnderTest.start(config.systemJar(), config.outputDir().resolve(sidecar),
            sidecar)) {
          Thread stopOnInterrupt = new Thread(system::close, "stop-system");
          Runtime.getRuntime().addShutdownHook(stopOnInterrupt);
          var bench = new BenchMain(vertx, config, system, whole);
          runs.add(bench.run(runStarted));
          Runtime.getRuntime().removeShutdownHook(stopOnInterrupt);
        } catch (IOException | RuntimeException e) {
          Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
          if (cause instanceof IllegalStateException) {
            log.error("The system beside {} could not be measured: {}", sidecar, cause.getMessage());
          } else {
            log.error("The system beside {} could not be measured: {}", sidecar, cause.toString(), cause);
          }
          notMeasured.put(sidecar, String.valueOf(cause.getMessage()));
        }
      }
      if (runs.isEmpty()) {
        throw new IllegalStateException("No system could be measured: " + notMeasured);
      }
      var results = new Report.Results(config, machine(runs.get(0).postgresVersion()), runs, notMeasured, startedAt,
          (System.nanoTime() - started) / 1e9);
      JsonObject summary = Report.summary(results);
      Report.write(config.outputDir(), results, summary);
      System.out.println(Report.console(summary));
      log.info("Wrote {}, {} and {}", config.outputDir().resolve("summary.json"),
          config.outputDir().resolve("report.html"), config.outputDir().resolve("query-plans.md"));
      status = notMeasured.isEmpty() ? 0 : 1;
    } catch (Throwable e) { // whatever it was, say so and exit: Vert.x threads would keep the JVM alive
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof IllegalStateException || cause instanceof IllegalArgumentException) {
        log.error("The benchmark could not run: {}", cause.getMessage());
      } else {
        log.error("The benchmark could not run: {}", cause.toString(), cause);
      }
    } finally {
      vertx.close();
    }
    System.exit(status);
  }

  /** The scenarios on this system, in the same order beside each sidecar; the first sidecar's gets more. */
  private Report.Run run(long started) throws IOException {
    log.info("Signing up {} accounts", config.accounts());
    var signups = new Recorder();
    List<Api.Session> accounts = timed(signups, "signup", config.accounts(), SIGNUP_CONCURRENCY,
        i -> publicApi.signUp(email(i), PASSWORD, "Bench user " + i));
    List<String> userIds = accounts.stream().map(Api.Session::userId).toList();

    log.info("Seeding {} tasks for each of {} accounts", config.tasksPerAccount(), config.accounts());
    Seeder.Seeded seeded = await(seeder.seed(userIds, config.tasksPerAccount()));
    log.info("Seeded {} tasks in {} s, then VACUUM ANALYZE {} s; the table and its indexes take {} MiB",
        seeded.tasks(), seeded.insertSeconds(), seeded.vacuumAnalyzeSeconds(), seeded.tableMb());
    String postgresVersion = await(seeder.postgresVersion());
    if (whole) {
      explainQueries(userIds.get(0), seeded, postgresVersion);
    }

    log.info("Signing in {} users ({} at a time)", config.users(), LOGIN_CONCURRENCY);
    var logins = new Recorder();
    List<Api.Session> sessions = timed(logins, "login", config.users(), LOGIN_CONCURRENCY,
        i -> publicApi.logIn(email(i % config.accounts()), PASSWORD));
    List<Context> eventLoops = await(Parallel.eventLoops(vertx, Runtime.getRuntime().availableProcessors()));

    log.info("Scenario users: {} users, about one request a second each, {} s warm-up + {} s", config.users(),
        config.usersWarmupSeconds(), config.usersSeconds());
    var usersScenario = new UsersScenario(vertx, system.publicPort);
    var eventFlow = new EventFlow(vertx.createHttpClient(), system.taskServicePort, db);
    EventFlow.Snapshot beforeUsers = await(eventFlow.snapshot());
    Recorder users = withCpu("users", () -> usersScenario.run(sessions, eventLoops, config.usersWarmupSeconds(),
        config.usersSeconds()));
    log.info("users: {}; {} requests unanswered at the end", users.statsOfAll(), usersScenario.unanswered());
    // the audit trail may still be taking the last events: a moment for it before counting
    await(Future.future(promise -> vertx.setTimer(3_000, id -> promise.complete())));
    JsonObject events = await(eventFlow.between(beforeUsers, await(eventFlow.snapshot())));
    log.info("events during users: {}", events.encode());

    // sessions 0 .. accounts-1 are one of each account (session i signed in as account i mod accounts)
    List<Api.Session> onePerAccount = sessions.subList(0, Math.min(accounts.size(), sessions.size()));
    var figures = new JsonObject().put("eventsDuringUsers", events);
    figures.put("live", runLive(sessions, onePerAccount));
    Map<String, List<String>> taskIds = await(seeder.sampleTaskIds(config.tasksPerAccount(), TASK_IDS_PER_ACCOUNT));
    figures.put("writes", runWrites(onePerAccount, taskIds));
    awaitQuiet();
    List<Recorder> publicCapacity = runCapacity("public capacity", system.publicPort, PUBLIC_CAPACITY_KINDS,
        onePerAccount, taskIds, eventLoops);
    List<Recorder> capacity = List.of();
    if (whole) {
      JsonObject chat = runChat(onePerAccount);
      log.info("Engine speed: every phrasing of the engine's corpora, in process, tools answering at once");
      JsonObject engine = EngineSpeed.measure(vertx);
      log.info("engine: {}", engine.encode());
      figures.put("chat", chat.put("engineAlone", engine));
      awaitQuiet();
      capacity = runCapacity("capacity", system.taskServicePort, CapacityScenario.KINDS, onePerAccount, taskIds,
          eventLoops);
    }
    await(db.close());
    await(publicApi.close());
    return new Report.Run(system.sidecar, signups, logins, seeded, users, usersScenario.unanswered(), publicCapacity,
        capacity, coresUsed, figures, system.residentMemoryMb(), system.daprdResidentMemoryMb(),
        (System.nanoTime() - started) / 1e9, postgresVersion);
  }

  /** Get and create through the public port: every hop a request takes in life (edge, both sidecars, task service). */
  private static final List<CapacityScenario.Kind> PUBLIC_CAPACITY_KINDS = CapacityScenario.KINDS.stream()
      .filter(kind -> !kind.name().equals("list")).toList();

  /**
   * The write window ({@link WritesScenario}): {@code BENCH_WRITES_PER_SECOND} writes a second for
   * {@code BENCH_WRITES_SECONDS} (after {@code BENCH_WRITES_WARMUP_SECONDS} of the same) through the public
   * port, on a system that has caught up, and the CPU each part of the system used from the first write
   * until the audit trail has stored every event the writes made (its last subscriber to finish, as a
   * rule): per 1,000 acknowledged writes. At a rate both sidecars keep up with, what the system spends
   * doing nothing (consumers polling the broker, relays and schedulers polling PostgreSQL, daprd's own
   * loops) is a good part of that, so it is measured too, for {@code BENCH_WRITES_IDLE_SECONDS} just before,
   * and the window's figures are also given above it.
   */
  private JsonObject runWrites(List<Api.Session> onePerAccount, Map<String, List<String>> taskIds) {
    Map<String, List<String>> openTaskIds = await(seeder.sampleOpenTaskIds(config.tasksPerAccount(),
        TASK_IDS_PER_ACCOUNT));
    var toComplete = WritesScenario.toComplete(openTaskIds);
    log.info("Scenario writes: {} creates, updates and completions a second through the public port, {} s warm-up"
        + " + {} s", config.writesPerSecond(), config.writesWarmupSeconds(), config.writesSeconds());
    // the warm-up's CPU is not counted: what code it runs for the first time is compiled then, not in the window
    var warmup = new WritesScenario(vertx, system.publicPort);
    await(warmup.run(onePerAccount, taskIds, toComplete, config.writesPerSecond(), config.writesWarmupSeconds()));
    awaitQuiet();
    SystemUnderTest.CpuTime idleFrom = system.cpuTime();
    await(Future.<Void>future(promise -> vertx.setTimer(config.writesIdleSeconds() * 1000L, id -> promise.complete())));
    SystemUnderTest.CpuTime idleTo = system.cpuTime();
    JsonObject idle = idleTo.secondsSince(idleFrom);
    double idleSeconds = (idleTo.nanos() - idleFrom.nanos()) / 1e9;

    var writes = new WritesScenario(vertx, system.publicPort);
    long auditBefore = auditRows();
    long outboxBefore = outboxRows();
    SystemUnderTest.CpuTime before = system.cpuTime();
    await(writes.run(onePerAccount, taskIds, toComplete, config.writesPerSecond(), config.writesSeconds()));
    long answered = System.nanoTime();
    // the events the writes made (an update that changes nothing makes none)
    long events = outboxRows() - outboxBefore;
    long stored = awaitAudit(auditBefore, events);
    SystemUnderTest.CpuTime after = system.cpuTime();
    coresUsed.put("writes", after.coresUsedSince(before));
    JsonObject cpu = after.secondsSince(before);
    double windowSeconds = (after.nanos() - before.nanos()) / 1e9;
    JsonObject aboveIdle = minus(cpu, scaled(idle, windowSeconds / idleSeconds));
    double perThousand = writes.acknowledged() == 0 ? 0 : 1000.0 / writes.acknowledged();
    JsonObject result = writes.json(config.writesPerSecond(), config.writesSeconds())
        .put("events", events)
        .put("auditStored", stored)
        .put("secondsFromLastAnswerToAuditCaughtUp", Seeder.round((after.nanos() - answered) / 1e9))
        .put("windowSeconds", Seeder.round(windowSeconds))
        .put("cpuSeconds", cpu)
        .put("cpuSecondsPer1000Writes", scaled(cpu, perThousand))
        .put("idleCores", scaled(idle, 1 / idleSeconds))
        .put("cpuSecondsPer1000WritesAboveIdle", scaled(aboveIdle, perThousand));
    log.info("writes: {}", result.encode());
    return result;
  }

  /** Each figure of {@code cpuSeconds}, nested ones too, times {@code factor}; the load generator's left out. */
  static JsonObject scaled(JsonObject cpuSeconds, double factor) {
    var scaled = new JsonObject();
    for (String part : cpuSeconds.fieldNames()) {
      Object value = cpuSeconds.getValue(part);
      if (value instanceof JsonObject nested) {
        scaled.put(part, scaled(nested, factor));
      } else if (!part.equals("loadGenerator")) {
        scaled.put(part, round3(((Number) value).doubleValue() * factor));
      }
    }
    return scaled;
  }

  /** {@code window} less {@code idle}, figure by figure (a part missing from {@code idle} used nothing then). */
  static JsonObject minus(JsonObject window, JsonObject idle) {
    var less = new JsonObject();
    for (String part : window.fieldNames()) {
      Object value = window.getValue(part);
      Object idleValue = idle.getValue(part);
      if (value instanceof JsonObject nested) {
        less.put(part, minus(nested, idleValue instanceof JsonObject idleNested ? idleNested : new JsonObject()));
      } else {
        less.put(part, round3(((Number) value).doubleValue()
            - (idleValue instanceof Number number ? number.doubleValue() : 0)));
      }
    }
    return less;
  }

  private static double round3(double value) {
    return Math.round(value * 1000) / 1000.0;
  }

  private long auditRows() {
    return await(db.query("SELECT count(*) FROM audit.task_event").execute()).iterator().next().getLong(0);
  }

  /** Rows ever written to the task service's outbox: one per task event, numbered by its sequence. */
  private long outboxRows() {
    return await(db.query("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM tasks.outbox_id_seq").execute())
        .iterator().next().getLong(0);
  }

  /**
   * Waits (up to two minutes) until the audit trail holds {@code expected} rows more than {@code before}.
   * Returns how many more it holds by then.
   */
  private long awaitAudit(long before, long expected) {
    long deadline = System.nanoTime() + 120_000_000_000L;
    long stored = auditRows() - before;
    while (stored < expected && System.nanoTime() < deadline) {
      await(Future.<Void>future(promise -> vertx.setTimer(250, id -> promise.complete())));
      stored = auditRows() - before;
    }
    if (stored < expected) {
      log.warn("The audit trail stored {} of the writes' {} events within two minutes", stored, expected);
    }
    return stored;
  }

  /**
   * The live scenario ({@link LiveScenario}): {@code BENCH_SOCKETS} WebSockets (10,000), then
   * {@code BENCH_LIVE_CHANGES} task changes (300, 10 a second), {@code BENCH_LIVE_COMPLETIONS}
   * completions of repeating tasks (200, 10 a second) and {@code BENCH_LIVE_REMINDERS} reminders (200,
   * 10 a second, each set 5 s before it is due), all at once; the tasks they work on are made before
   * the sockets open.
   */
  private JsonObject runLive(List<Api.Session> sessions, List<Api.Session> onePerAccount) {
    int sockets = envInt("BENCH_SOCKETS", 10_000);
    int changes = envInt("BENCH_LIVE_CHANGES", 300);
    int completions = envInt("BENCH_LIVE_COMPLETIONS", 200);
    int reminders = envInt("BENCH_LIVE_REMINDERS", 200);
    var api = new Api(vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(16)), system.publicPort);
    var live = new LiveScenario(vertx, api, system.publicPort);
    log.info("Scenario live: preparing {} tasks", onePerAccount.size() + completions + reminders);
    await(live.prepare(onePerAccount, completions, reminders));
    awaitQuiet();
    log.info("Scenario live: opening {} WebSockets", sockets);
    long opening = System.nanoTime();
    await(live.open(sessions, sockets));
    double secondsToOpen = Seeder.round((System.nanoTime() - opening) / 1e9);
    log.info("Opened {} WebSockets in {} s; {} changes, {} completions and {} reminders", live.openSockets(),
        secondsToOpen, changes, completions, reminders);
    SystemUnderTest.CpuTime before = system.cpuTime();
    await(Future.all(live.changes(onePerAccount, changes, 10), live.completions(onePerAccount, completions, 10),
        live.reminders(onePerAccount, reminders, 10)));
    await(live.settle(30));
    coresUsed.put("live", system.cpuTime().coresUsedSince(before));
    JsonObject result = live.json().put("secondsToOpen", secondsToOpen);
    log.info("live: {}", result.encode());
    await(live.close());
    return result;
  }

  /**
   * Waits (up to two minutes) until the audit trail stops growing: the users scenario can leave a
   * backlog of events, and the live scenario is measured on a system that has caught up.
   */
  private void awaitQuiet() {
    long deadline = System.nanoTime() + 120_000_000_000L;
    long last = -1;
    long started = System.nanoTime();
    while (System.nanoTime() < deadline) {
      long count = await(db.query("SELECT count(*) FROM audit.task_event").execute()).iterator().next().getLong(0);
      if (count == last) {
        break;
      }
      last = count;
      await(Future.<Void>future(promise -> vertx.setTimer(2_000, id -> promise.complete())));
    }
    log.info("The event backlog was worked off after {} s", Seeder.round((System.nanoTime() - started) / 1e9));
  }

  /**
   * The chat scenario ({@link ChatScenario}): {@code BENCH_CHAT_PEOPLE} people (8), each with their
   * seeded tasks, talking to the built-in engine in a closed loop for {@code BENCH_CHAT_SECONDS} (20 s,
   * after 5 s of warm-up); the round trip of each message through the public port, per kind.
   */
  private JsonObject runChat(List<Api.Session> onePerAccount) {
    int people = Math.min(envInt("BENCH_CHAT_PEOPLE", 8), onePerAccount.size());
    int seconds = envInt("BENCH_CHAT_SECONDS", 20);
    var api = new Api(vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(people)), system.publicPort);
    log.info("Scenario chat: {} people talking in a closed loop, 5 s warm-up + {} s", people, seconds);
    Recorder recorder = withCpu("chat", () -> new ChatScenario(vertx, api).run(onePerAccount.subList(0, people), 5,
        seconds));
    var chat = new JsonObject().put("people", people).put("seconds", seconds);
    for (String kind : recorder.kinds()) {
      Recorder.Stats stats = recorder.stats(kind);
      chat.put(kind, new JsonObject().put("count", stats.count()).put("errors", stats.errors())
          .put("perSecond", stats.throughputPerSec()).put("p50Ms", stats.p50Ms()).put("p95Ms", stats.p95Ms())
          .put("p99Ms", stats.p99Ms()).put("maxMs", stats.maxMs()).put("errorSamples", recorder.errorSamples(kind)));
      log.info("{}: {}", kind, stats);
    }
    return chat;
  }

  private static int envInt(String name, int fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : Integer.parseInt(value.strip());
  }

  private void explainQueries(String userId, Seeder.Seeded seeded, String postgresVersion) throws IOException {
    log.info("Explaining the list queries");
    var queryPlans = new QueryPlans(db);
    List<QueryPlans.Plan> plans = await(queryPlans.shapes(userId).compose(queryPlans::explain));
    Files.writeString(config.outputDir().resolve("query-plans.md"),
        QueryPlans.markdown(plans, postgresVersion, seeded, userId, config.tasksPerAccount()));
  }

  /** Each capacity kind in turn at {@code port}, on one connection per worker, each worker signed in as another account. */
  private List<Recorder> runCapacity(String scenario, int port, List<CapacityScenario.Kind> kinds,
      List<Api.Session> onePerAccount, Map<String, List<String>> taskIds, List<Context> eventLoops) {
    var workers = CapacityScenario.workers(config.capacityConnections(), onePerAccount, taskIds);
    var capacity = new CapacityScenario(vertx, vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)), port);
    var recorders = new ArrayList<Recorder>();
    for (CapacityScenario.Kind kind : kinds) {
      log.info("Scenario {}, {}: {} connections, closed loop, {} s warm-up + {} s", scenario, kind.name(),
          config.capacityConnections(), config.capacityWarmupSeconds(), config.capacitySeconds());
      Recorder recorder = withCpu(scenario + " " + kind.name(), () -> capacity.run(kind, workers, eventLoops,
          config.capacityWarmupSeconds(), config.capacitySeconds()));
      log.info("{} {}: {}", scenario, kind.name(), recorder.stats(kind.name()));
      recorders.add(recorder);
    }
    return recorders;
  }

  /** Runs a scenario and notes the cores each part of the machine used meanwhile. */
  private Recorder withCpu(String scenario, Supplier<Future<Recorder>> run) {
    SystemUnderTest.CpuTime before = system.cpuTime();
    Recorder recorder = await(run.get());
    coresUsed.put(scenario, system.cpuTime().coresUsedSince(before));
    log.info("{}: cores used {}", scenario, coresUsed.getJsonObject(scenario).encode());
    return recorder;
  }

  /** Runs {@code count} setup calls, a few at a time, timing each under {@code kind}; any failure stops the run. */
  private static <T> List<T> timed(Recorder recorder, String kind, int count, int concurrency,
      IntFunction<Future<T>> call) {
    recorder.begin();
    List<T> results = await(Parallel.limited(count, concurrency, i -> {
      long sent = System.nanoTime();
      return call.apply(i).onSuccess(result -> recorder.success(kind, sent));
    }));
    recorder.end();
    return results;
  }

  private static String email(int account) {
    return String.format(Locale.ROOT, "bench-user-%03d@example.com", account);
  }

  private static JsonObject machine(String postgresVersion) {
    return new JsonObject()
        .put("cores", Runtime.getRuntime().availableProcessors())
        .put("cpu", procLine("/proc/cpuinfo", "model name"))
        .put("memory", procLine("/proc/meminfo", "MemTotal"))
        .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch"))
        .put("javaVersion", System.getProperty("java.version"))
        .put("javaVm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"))
        .put("postgresVersion", postgresVersion);
  }

  /** The value of the first "name: value" line of a /proc file, or "unknown". */
  private static String procLine(String file, String name) {
    try {
      for (String line : Files.readAllLines(Path.of(file))) {
        if (line.startsWith(name)) {
          return line.substring(line.indexOf(':') + 1).strip();
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return "unknown";
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }
}
