package dev.todochatbot.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.todochatbot.daprd.Daprd;
import dev.todochatbot.daprd.DaprdBinary;
import dev.todochatbot.daprd.FreePorts;
import dev.todochatbot.embedded.testing.TestKafka;
import dev.todochatbot.platform.DatabaseConfig;
import dev.todochatbot.platform.Drain;
import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.Shutdown;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.PrometheusText;
import dev.todochatbot.platform.testing.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The system on real daprd sidecars when one of them fails: {@code kill -9} of one daprd while several people
 * write through the public port, then the same daprd started again on its ports. What must hold: the service
 * beside it says it is not ready while it is gone and ready again after, nothing acknowledged is lost, nothing is
 * stored twice. The counts of each case go to target/fault-counts.json.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SidecarFaultsOnDaprdTest {

  /** How long the audit trail gets to catch up after a fault: a Kafka consumer group rejoins within it. */
  static final Duration CATCH_UP = Duration.ofSeconds(90);
  static final Duration PAUSE = Duration.ofMillis(20);
  static final int WRITERS = 6;

  @TempDir
  static Path dataDir;

  Main.Running running;
  TestHttp http;

  @BeforeAll
  void start() {
    assumeTrue(DaprdBinary.find(Env.system()).isPresent(), DaprdBinary.whyMissing(Env.system()));
    running = Await.result(Main.start(EndToEndEnv.of("daprd_faults", dataDir, Map.of("SIDECAR", Sidecars.DAPRD))));
    // a second task-service replica with a sidecar of its own, for the whole class: it takes the writes while the
    // first one's sidecar is gone (the first one started first, so it holds the outbox relay's lock). Stopping it
    // in a case would leave its address with the other sidecars: mDNS keeps an address for 60 s after it was last
    // announced, and the calls sent there meanwhile fail
    Await.result(running.addReplica(Main.TASK_SERVICE, Map.of()));
    http = new TestHttp(running.port());
  }

  @AfterAll
  void stop() {
    if (running != null) {
      running.close();
    }
  }

  @Test
  void killingTheTaskServicesDaprdUnderLoadLosesNoAcknowledgedWriteAndStoresNoneTwice() {
    // the first replica's sidecar: the other replica takes the writes, and the events wait in the outbox for the
    // relay of the first one, which holds the lock
    FaultCounts counts = killUnderLoad("kill -9 task-service's daprd", Main.TASK_SERVICE, running.taskServicePort(),
        load -> {
          long before = load.acknowledged();
          Await.until("writes acknowledged through the other replica while the sidecar is gone", Duration.ofSeconds(20),
              () -> load.acknowledged() >= before + 20);
          Await.until("the outbox to hold events while the relay's sidecar is gone", Duration.ofSeconds(10),
              () -> outboxBacklog() > 0);
        });
    assertExactlyOnce(counts);
  }

  @Test
  void killingTheAuditServicesDaprdUnderLoadLosesNoAcknowledgedWriteAndStoresNoneTwice() {
    FaultCounts counts = killUnderLoad("kill -9 audit-service's daprd", Main.AUDIT_SERVICE, running.auditServicePort(),
        load -> {
          // writes do not need the subscriber: its events wait in Kafka for its sidecar
          long before = load.acknowledged();
          Await.until("writes acknowledged while the audit service's sidecar is gone", Duration.ofSeconds(20),
              () -> load.acknowledged() >= before + 50);
        });
    assertExactlyOnce(counts);
  }

  @Test
  void withTheBrokerDownThePublishCircuitBreakerOpensWritesGoOnAndEveryEventArrivesOnceAfter() {
    var broker = TestKafka.embedded().orElse(null);
    assumeTrue(broker != null, "needs the embedded broker to stop it");
    Daprd publisher = daprd(Main.TASK_SERVICE);
    List<WriteLoad.Writer> writers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      writers.add(signUp("breaker " + i));
    }
    double openedBefore = breakerOpenings(publisher);
    long stoppedMillis;
    WriteLoad load = WriteLoad.start(http, writers, PAUSE);
    try {
      Await.until("writes acknowledged before the broker stops", Duration.ofSeconds(30), () -> load.acknowledged() >= 20);
      long stopped = System.nanoTime();
      broker.stop();
      try {
        // dapr/resiliency/resiliency.yaml: components.pubsub.outbound.circuitBreaker, consecutiveFailures >= 5
        Await.until("task-service's sidecar to open the publish circuit breaker", Duration.ofSeconds(60),
            () -> breakerOpenings(publisher) > openedBefore);
        long before = load.acknowledged();
        Await.until("writes acknowledged with the broker down and the breaker open", Duration.ofSeconds(20),
            () -> load.acknowledged() >= before + 20);
        Await.until("the outbox to hold the events the broker cannot take", Duration.ofSeconds(10),
            () -> outboxBacklog() > 0);
      } finally {
        broker.restart();
      }
      stoppedMillis = (System.nanoTime() - stopped) / 1_000_000;
      long after = load.acknowledged();
      Await.until("writes acknowledged after the broker is back", Duration.ofSeconds(30),
          () -> load.acknowledged() >= after + 20);
    } finally {
      load.close();
    }
    FaultCounts counts = awaitCaughtUp(load);
    counts.report("broker stopped (publish circuit breaker)", new JsonObject()
        .put("statuses", load.statusesJson())
        .put("brokerDownMillis", stoppedMillis)
        .put("breakerOpenings", breakerOpenings(publisher) - openedBefore)
        .put("writers", writers.size()));
    assertThat(counts.unacknowledged()).as("writes refused while only the broker was down: %s", counts).isZero();
    assertExactlyOnce(counts);
  }

  /**
   * The graceful stop of a pod, on real daprd: the app and its sidecar get SIGTERM together while people's
   * requests keep arriving (Kubernetes still routes to the pod for a moment, which is what the drain delay is
   * for). With {@code --dapr-block-shutdown-duration} (the chart's {@code dapr.io/block-shutdown-duration}: drain
   * delay + timeout), the sidecar stops taking events but keeps serving the app's invocations and publishes, so
   * every request the draining edge takes (the one in flight at the signal included) is carried out.
   */
  @Test
  void withBlockShutdownTheSidecarServesTheDrainingAppsCallsAndEveryRequestItTakesSucceeds() {
    Drained drained = drainWithRequests(Optional.of(DRAIN.delay().plus(DRAIN.timeout())));

    assertThat(drained.log()).as("daprd's log").contains("Blocking graceful shutdown");
    assertThat(drained.publish()).as("a publish through the sidecar during the block").isEqualTo(204);
    assertThat(drained.invoke()).as("an invocation through the sidecar during the block").isEqualTo(200);
    assertThat(drained.taken()).as("requests the draining edge took after the signal").isNotEmpty()
        .allMatch(WriteLoad.Attempt::acknowledged);
  }

  /**
   * The same without {@code --dapr-block-shutdown-duration} (daprd's default): at SIGTERM the sidecar closes its
   * API at once, while the app still serves for its drain delay, so every request the draining edge takes after
   * that fails for want of its sidecar (503, the task service "cannot be reached"), and so would the outbox
   * relay's publishes (their rows wait for another replica).
   */
  @Test
  void withoutBlockShutdownTheSidecarStopsAtTheSignalAndRequestsTheDrainingAppTakesFail() {
    Drained drained = drainWithRequests(Optional.empty());

    assertThat(drained.log()).as("daprd's log").doesNotContain("Blocking graceful shutdown");
    assertThat(drained.publish()).as("a publish through the sidecar after the signal (0: refused)").isZero();
    assertThat(drained.invoke()).as("an invocation through the sidecar after the signal (0: refused)").isZero();
    assertThat(drained.taken()).as("requests the draining edge took after the signal")
        .anyMatch(attempt -> attempt.status() == 503);
  }

  /** DRAIN_DELAY and DRAIN_TIMEOUT of the draining replica; short, the delay long enough for requests to arrive. */
  static final Drain.Settings DRAIN = new Drain.Settings(Duration.ofSeconds(3), Duration.ofSeconds(5));

  /**
   * What a drain left behind: the requests the draining replica answered after the signal, what its sidecar
   * answered a publish and an invocation once it had begun to shut down (0: refused), and the sidecar's log.
   */
  record Drained(List<WriteLoad.Attempt> taken, int publish, int invoke, String log) {}

  /**
   * An edge replica beside a daprd of its own (started with {@code blockShutdown}) takes writes; both get SIGTERM
   * at once; once daprd has logged the signal, a publish and an invocation go straight to its API, as the app's
   * next ones would; the replica drains and stops, and daprd exits.
   */
  Drained drainWithRequests(Optional<Duration> blockShutdown) {
    Daprd primary = daprd(Main.EDGE);
    int port = FreePorts.take();
    int eventsPort = FreePorts.take();
    var options = new Daprd.Options(Main.EDGE, eventsPort, primary.options().resourcesPaths(),
        primary.options().config(),
        Sidecars.Real.root(dataDir).resolve("modules").resolve("edge-drain-" + UUID.randomUUID()).resolve("target"),
        primary.options().environment(), Optional.of(Main.randomToken()), Optional.of(Main.randomToken()),
        blockShutdown, primary.options().mtls()); // the primary's identity and list: the others speak only mTLS
    Daprd sidecar = Daprd.start(DaprdBinary.require(running.env()), options);
    Vertx vertx = Vertx.vertx();
    try {
      sidecar.awaitOutbound(Duration.ofSeconds(60));
      Env replicaEnv = running.env().with(Map.of("PORT", String.valueOf(port), "EDGE_EVENTS_PORT",
          String.valueOf(eventsPort), "EDGE_INSTANCES", "1", "DAPR_HTTP_PORT", String.valueOf(sidecar.httpPort()), "DAPR_GRPC_PORT", String.valueOf(sidecar.grpcPort()),
          "DAPR_API_TOKEN", sidecar.apiToken().orElseThrow(), "APP_API_TOKEN", sidecar.appToken().orElseThrow()));
      Await.result(Main.deploy(vertx.getOrCreateContext(), vertx, Main.EDGE, replicaEnv));
      sidecar.awaitReady(Duration.ofSeconds(60));

      String topic = TestKafka.newTopic("drain");
      WriteLoad load = WriteLoad.start(new TestHttp(port), List.of(signUp("drain a"), signUp("drain b")),
          Duration.ofMillis(50));
      List<WriteLoad.Attempt> taken;
      int publish;
      int invoke;
      try {
        Await.until("writes acknowledged through the replica", Duration.ofSeconds(30), () -> load.acknowledged() >= 10);
        int before = load.attempts().size();
        // SIGTERM to both containers of the pod at once (once only: a second one makes daprd exit at once)
        ProcessHandle daprdProcess = ProcessHandle.of(sidecar.pid()).orElseThrow();
        daprdProcess.destroy();
        var drained = java.util.concurrent.CompletableFuture.runAsync(() -> Shutdown.drain(vertx, DRAIN));
        Await.until("daprd to log the signal", Duration.ofSeconds(10),
            () -> sidecar.logTail(20).contains("beginning shutdown"));
        // where the two cases part: daprd says it blocks its shutdown (and keeps its API open for the block),
        // or its API no longer takes a connection
        Await.until("daprd to block its shutdown or close its API", Duration.ofSeconds(10),
            () -> sidecar.logTail(50).contains("Blocking graceful shutdown")
                || sidecarApi(sidecar, "GET", "/v1.0/healthz", null) == 0);
        publish = publish(sidecar, topic);
        invoke = invokeTaskServiceHealth(sidecar);
        drained.join();
        taken = load.attempts().subList(before, load.attempts().size()).stream()
            .filter(attempt -> attempt.status() != 0) // refused once the replica closed its port: never taken
            .toList();
      } finally {
        load.close();
      }
      String log = sidecar.logTail(200);
      Shutdown.close(vertx);
      Await.until("the replica's daprd to exit", DRAIN.delay().plus(DRAIN.timeout()).plusSeconds(15),
          () -> !sidecar.isAlive());
      return new Drained(taken, publish, invoke, log);
    } finally {
      if (sidecar.isAlive()) {
        sidecar.kill();
      }
      Shutdown.close(vertx);
    }
  }

  /** A publish straight to the sidecar's API, as the outbox relay makes it; 0 when nothing answers. */
  static int publish(Daprd sidecar, String topic) {
    return sidecarApi(sidecar, "POST", "/v1.0/publish/pubsub/" + topic, "{\"drain\":true}");
  }

  /** An invocation of the task service's /healthz straight through the sidecar's API; 0 when nothing answers. */
  static int invokeTaskServiceHealth(Daprd sidecar) {
    return sidecarApi(sidecar, "GET", "/v1.0/invoke/task-service/method/healthz", null);
  }

  private static int sidecarApi(Daprd sidecar, String method, String path, String body) {
    try {
      return new TestHttp(sidecar.httpPort()).send(method, path, null, body,
          Map.of("dapr-api-token", sidecar.apiToken().orElseThrow())).status();
    } catch (UncheckedIOException e) {
      return 0;
    }
  }

  /** How often the sidecar's publish circuit breaker opened. */
  static double breakerOpenings(Daprd sidecar) {
    return resiliencyActivations(sidecar, "circuitbreaker", "open", "pubsub");
  }

  /**
   * daprd's {@code dapr_resiliency_activations_total}: how often a policy of dapr/resiliency acted, summed over the
   * samples with this policy and status ("" for retries) whose target names {@code target}.
   */
  static double resiliencyActivations(Daprd sidecar, String policy, String status, String target) {
    String text = new TestHttp(sidecar.metricsPort()).get("/metrics", null).body();
    return PrometheusText.parse(text).samples().stream()
        .filter(sample -> sample.name().equals("dapr_resiliency_activations_total"))
        .filter(sample -> policy.equals(sample.labels().get("policy"))
            && status.equals(sample.labels().getOrDefault("status", ""))
            && sample.labels().getOrDefault("target", "").contains(target))
        .mapToDouble(PrometheusText.Sample::value).sum();
  }

  /**
   * Writers start; once they are under way, {@code appId}'s daprd is killed; its service must turn not ready;
   * {@code duringOutage} runs; the daprd starts again and the service must turn ready; the writers go on a little,
   * stop, and the audit trail gets {@link #CATCH_UP} to hold every acknowledged write.
   */
  FaultCounts killUnderLoad(String faultCase, String appId, int servicePort, Consumer<WriteLoad> duringOutage) {
    Daprd daprd = daprd(appId);
    List<WriteLoad.Writer> writers = new ArrayList<>();
    for (int i = 0; i < WRITERS; i++) {
      writers.add(signUp("writer " + i));
    }
    double absorbedBefore = auditDuplicates();
    Daprd edge = daprd(Main.EDGE);
    double retriesBefore = resiliencyActivations(edge, "retry", "", appId);
    long outageMillis;
    WriteLoad load = WriteLoad.start(http, writers, PAUSE);
    try {
      Await.until("writes acknowledged before the fault", Duration.ofSeconds(30), () -> load.acknowledged() >= 50);
      long killed = System.nanoTime();
      daprd.kill();
      Await.until(Duration.ofSeconds(10), () -> readiness(servicePort) == 503,
          () -> appId + " still answers /readyz " + readiness(servicePort) + " with its sidecar killed");
      duringOutage.accept(load);
      daprd.restart();
      daprd.awaitReady(Duration.ofSeconds(60));
      Await.until(Duration.ofSeconds(30), () -> readiness(servicePort) == 200,
          () -> appId + " answers /readyz " + readiness(servicePort) + " after its sidecar is back");
      outageMillis = (System.nanoTime() - killed) / 1_000_000;
      long after = load.acknowledged();
      Await.until("writes acknowledged after the sidecar is back", Duration.ofSeconds(30),
          () -> load.acknowledged() >= after + 50);
    } finally {
      load.close();
      if (!daprd.isAlive()) {
        // the case failed half-way: the next one needs the whole topology
        daprd.restart();
        daprd.awaitReady(Duration.ofSeconds(60));
      }
    }

    FaultCounts counts = awaitCaughtUp(load);
    counts.report(faultCase, new JsonObject()
        .put("statuses", load.statusesJson())
        .put("redeliveriesAbsorbed", (long) (auditDuplicates() - absorbedBefore))
        // the edge's sidecar retrying its calls to appId (dapr/resiliency: apps.<id>.retry, notProcessed)
        .put("edgeRetries", (long) (resiliencyActivations(edge, "retry", "", appId) - retriesBefore))
        // of those, the ones that reached a service which had carried the write out: answered from its key
        .put("answeredFromKey", load.replayed())
        .put("outageMillis", outageMillis)
        .put("writers", WRITERS));
    return counts;
  }

  /** The counts once every acknowledged write is in the trail, or after {@link #CATCH_UP} (then it fails). */
  FaultCounts awaitCaughtUp(WriteLoad load) {
    // each look reads every user's audit trail: every half second is often enough
    Await.untilPresent(CATCH_UP, Duration.ofMillis(500),
        () -> FaultCounts.of(http, load, false).lost() == 0 ? Optional.of(true) : Optional.empty(), () -> "acknowledged writes still missing from the audit trail after " + CATCH_UP.toSeconds() + " s: "
        + FaultCounts.of(http, load, true));
    return FaultCounts.of(http, load, true);
  }

  static void assertExactlyOnce(FaultCounts counts) {
    assertThat(counts.lost()).as("acknowledged writes missing from the audit trail: %s", counts).isZero();
    assertThat(counts.duplicateEventIds()).as("events stored twice: %s", counts).isZero();
    assertThat(counts.appliedTwice()).as("writes carried out twice: %s", counts).isZero();
    assertThat(counts.unexplained()).as("events no write accounts for: %s", counts).isZero();
    assertThat(counts.audited()).as("what the trail holds: %s", counts).isGreaterThanOrEqualTo(counts.acknowledged());
  }

  Daprd daprd(String appId) {
    return ((AppSidecar.Real) running.sidecar(appId)).daprd();
  }

  WriteLoad.Writer signUp(String name) {
    var answer = http.post("/api/auth/signup", null, new JsonObject().put("email", "faults-" + UUID.randomUUID()
        + "@example.com").put("password", "correct horse battery").put("name", name));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
    return new WriteLoad.Writer(answer.json().getJsonObject("user").getString("id"), answer.json().getString("token"),
        name + " " + UUID.randomUUID());
  }

  static int readiness(int port) {
    try {
      return new TestHttp(port).get("/readyz", null).status();
    } catch (UncheckedIOException e) {
      return 0;
    }
  }

  PrometheusText metrics() {
    return PrometheusText.parse(new TestHttp(running.taskServicePort()).get("/metrics", null).body());
  }

  /**
   * Outbox rows not yet published, counted in the table (the relays' gauge shows the figures of the process's latest
   * relay, which is gone once a replica started after the first one has stopped).
   */
  long outboxBacklog() {
    DatabaseConfig database = DatabaseConfig.fromEnv(running.env());
    try (var connection = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
        var rows = connection.createStatement().executeQuery("SELECT count(*) FROM tasks.outbox")) {
      rows.next();
      return rows.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not count the outbox: " + e.getMessage(), e);
    }
  }

  /** Deliveries the audit service acknowledged without a second row, since this JVM started. */
  double auditDuplicates() {
    return metrics().value("audit_events_duplicate_total").orElse(0.0);
  }
}
