package dev.todochatbot.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The system being measured: the all-in-one jar in a child JVM with fresh data, on free ports of
 * 127.0.0.1, its output in {@code system.log}, beside one kind of sidecar ({@code SIDECAR=devsidecar}: in
 * its JVM; {@code SIDECAR=daprd}: a real daprd process per service, children of the JVM). Closing it stops
 * it (SIGTERM, so that its embedded PostgreSQL and its daprd processes shut down too), and kills what is
 * left if it does not stop in time.
 */
final class SystemUnderTest implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SystemUnderTest.class);
  private static final Duration READY_WITHIN = Duration.ofSeconds(180);
  /**
   * With real daprd the system first takes the machine-wide lock of the six app ids (only one such
   * topology may run on a machine: the sidecars find each other by mDNS), which another run or test may
   * hold; the launcher waits up to {@code DAPRD_LOCK_PATIENCE} (10 minutes) for it.
   */
  private static final Duration DAPRD_READY_WITHIN = READY_WITHIN.plusMinutes(10);
  private static final Duration STOP_WITHIN = Duration.ofSeconds(30);
  private static final int CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on every Linux this runs on

  private final Process process;
  private final Path dataDir;
  final String sidecar;
  final int publicPort;
  final int taskServicePort;
  final int postgresPort;
  final Path logFile;

  private SystemUnderTest(Process process, Path dataDir, String sidecar, int publicPort, int taskServicePort,
      int postgresPort, Path logFile) {
    this.process = process;
    this.dataDir = dataDir;
    this.sidecar = sidecar;
    this.publicPort = publicPort;
    this.taskServicePort = taskServicePort;
    this.postgresPort = postgresPort;
    this.logFile = logFile;
  }

  /**
   * Starts the jar beside {@code sidecar} ({@code devsidecar} or {@code daprd}) with an empty data directory
   * under {@code outputDir} and waits until both ports are ready.
   */
  static SystemUnderTest start(Path jar, Path outputDir, String sidecar) throws IOException, InterruptedException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("No system jar at " + jar.toAbsolutePath()
          + ": build it first (make build) or point BENCH_SYSTEM_JAR at it");
    }
    Path dataDir = outputDir.resolve("data");
    deleteRecursively(dataDir);
    Files.createDirectories(dataDir);
    Path logFile = outputDir.resolve("system.log");
    List<Integer> ports = freePorts(4);
    var command = new java.util.ArrayList<>(List.of(javaExecutable(), "-Xms256m", "-Xmx1g"));
    // extra options for the system's JVM, e.g. a flight recording while profiling
    String extra = System.getenv().getOrDefault("BENCH_SYSTEM_JAVA_OPTS", "").strip();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
    var builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(logFile.toFile());
    var env = builder.environment();
    env.remove("DATABASE_URL");
    env.put("DATA_DIR", dataDir.toAbsolutePath().toString());
    env.put("PORT", ports.get(0).toString());
    env.put("TASK_SERVICE_PORT", ports.get(1).toString());
    env.put("EMBEDDED_PG_PORT", ports.get(2).toString());
    env.put("AUDIT_SERVICE_PORT", ports.get(3).toString());
    env.put("RECURRENCE_SERVICE_PORT", "0");
    env.put("EDGE_EVENTS_PORT", "0");
    env.put("NOTIFICATION_SERVICE_PORT", "0");
    env.put("CHAT_SERVICE_PORT", "0");
    env.remove("KAFKA_BROKERS");
    env.put("SIDECAR", sidecar);
    // every account signs up and every session signs in from 127.0.0.1: the per-address limits, meant
    // for one attacker's address, would measure the limit instead of the system (0 turns them off)
    env.putIfAbsent("SIGNIN_LIMIT_PER_ADDRESS", "0");
    env.putIfAbsent("SIGNUP_LIMIT_PER_ADDRESS", "0");
    log.info("Starting {} beside {} (public port {}, task service port {}, PostgreSQL port {}, log in {})", jar,
        sidecar, ports.get(0), ports.get(1), ports.get(2), logFile);
    if (sidecar.equals(BenchConfig.DAPRD)) {
      log.info("Real daprd: the system waits for the machine-wide lock while another real-daprd topology runs");
    }
    var system = new SystemUnderTest(builder.start(), dataDir, sidecar, ports.get(0), ports.get(1), ports.get(2),
        logFile);
    try {
      system.awaitReady();
    } catch (IOException | InterruptedException | RuntimeException e) {
      system.close();
      throw e;
    }
    return system;
  }

  private void awaitReady() throws IOException, InterruptedException {
    long started = System.nanoTime();
    Duration within = sidecar.equals(BenchConfig.DAPRD) ? DAPRD_READY_WITHIN : READY_WITHIN;
    long deadline = started + within.toNanos();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    for (int port : List.of(publicPort, taskServicePort)) {
      while (!isReady(http, port)) {
        if (!process.isAlive()) {
          throw new IllegalStateException("The system exited with status " + process.exitValue()
              + " before it was ready; see " + logFile.toAbsolutePath());
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("The system was not ready within " + within.toSeconds()
              + " s; see " + logFile.toAbsolutePath());
        }
        Thread.sleep(200);
      }
    }
    log.info("System ready after {} ms", (System.nanoTime() - started) / 1_000_000);
  }

  private static boolean isReady(HttpClient http, int port) throws InterruptedException {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
        .timeout(Duration.ofSeconds(2)).build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException notYet) {
      return false;
    }
  }

  /**
   * CPU time used so far, in seconds: the system's JVM split into the embedded Kafka broker's threads and
   * the rest (the services, and the devsidecars when they are the sidecars), each daprd by app id, the
   * PostgreSQL processes, this benchmark, and the whole machine (so that what other processes took shows too).
   */
  record CpuTime(long nanos, double appJvm, double broker, Map<String, Double> daprd, double postgres, double bench,
      double machine) {

    double systemJvm() {
      return appJvm + broker;
    }

    double daprdTotal() {
      return daprd.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** Cores kept busy on average since {@code before}, per part: on a shared machine, who took the CPU. */
    JsonObject coresUsedSince(CpuTime before) {
      double seconds = (nanos - before.nanos) / 1e9;
      double daprdSeconds = daprdSince(before).values().stream().mapToDouble(Double::doubleValue).sum();
      double ours = (systemJvm() - before.systemJvm()) + daprdSeconds + (postgres - before.postgres)
          + (bench - before.bench);
      var cores = new JsonObject()
          .put("seconds", Seeder.round(seconds))
          .put("systemJvm", cores(systemJvm() - before.systemJvm(), seconds));
      if (!daprd.isEmpty()) {
        cores.put("daprd", cores(daprdSeconds, seconds));
      }
      return cores
          .put("postgres", cores(postgres - before.postgres, seconds))
          .put("loadGenerator", cores(bench - before.bench, seconds))
          .put("otherProcesses", cores(Math.max(0, machine - before.machine - ours), seconds))
          .put("machineIdle", cores(Math.max(0, Runtime.getRuntime().availableProcessors() * seconds
              - (machine - before.machine)), seconds));
    }

    /**
     * CPU seconds of each part of the system since {@code before}: {@code appJvm}, {@code broker},
     * {@code daprd} (per app id), {@code postgres}, and {@code system}, all of them together; the load
     * generator apart.
     */
    JsonObject secondsSince(CpuTime before) {
      Map<String, Double> daprdSeconds = daprdSince(before);
      double daprdAll = daprdSeconds.values().stream().mapToDouble(Double::doubleValue).sum();
      double jvm = appJvm - before.appJvm;
      double kafka = broker - before.broker;
      double pg = postgres - before.postgres;
      var perDaprd = new JsonObject();
      daprdSeconds.forEach((app, seconds) -> perDaprd.put(app, round(seconds)));
      return new JsonObject()
          .put("appJvm", round(jvm))
          .put("broker", round(kafka))
          .put("daprd", round(daprdAll))
          .put("daprdByApp", perDaprd)
          .put("postgres", round(pg))
          .put("system", round(jvm + kafka + daprdAll + pg))
          .put("loadGenerator", round(bench - before.bench));
    }

    /** Each daprd's seconds since {@code before}; one started since then counts from zero. */
    private Map<String, Double> daprdSince(CpuTime before) {
      var since = new TreeMap<String, Double>();
      daprd.forEach((app, seconds) -> since.put(app, seconds - before.daprd.getOrDefault(app, 0.0)));
      return since;
    }

    private static double cores(double cpuSeconds, double seconds) {
      return Math.round(cpuSeconds / seconds * 100) / 100.0;
    }

    private static double round(double value) {
      return Math.round(value * 1000) / 1000.0;
    }
  }

  /**
   * Reads /proc (Linux); zeros elsewhere. The PostgreSQL figure is the postmaster's own time, what its
   * children that already exited used (the kernel adds a child's time to its parent when the parent
   * collects it, as the postmaster does), and its live children's. The broker's is the time of the JVM's
   * live threads named as Kafka broker threads ({@link #isBrokerThread}); a broker thread that exited
   * meanwhile leaves its time in the app's figure.
   */
  CpuTime cpuTime() {
    double postgres = postgres().stream()
        .mapToDouble(postmaster -> cpuSeconds(postmaster.pid(), true)
            + postmaster.descendants().mapToDouble(p -> cpuSeconds(p.pid(), false)).sum())
        .sum();
    double jvm = cpuSeconds(process.pid(), false);
    double broker = brokerThreadSeconds(process.pid());
    var daprd = new TreeMap<String, Double>();
    daprdProcesses().forEach((app, pid) -> daprd.put(app, cpuSeconds(pid, false)));
    return new CpuTime(System.nanoTime(), jvm - broker, broker, daprd, postgres,
        cpuSeconds(ProcessHandle.current().pid(), false), machineBusySeconds());
  }

  /**
   * The names (as Linux keeps them: the first 15 characters) that the threads of a Kafka 4 broker and
   * controller start with. Kafka's clients in the same JVM (the devsidecars' producers and consumers:
   * {@code kafka-producer-network-thread}, {@code kafka-coordinator-heartbeat-thread}) are not among them:
   * they are sidecar work.
   */
  private static final List<String> BROKER_THREADS = List.of("data-plane-kafk", "ExpirationReape", "group-coordinat",
      "share-", "ShareGroupDLQSe", "PersisterStateM", "controller-", "broker-", "quorum-controll", "raft-",
      "kafka-1-", "kafka-scheduler", "kafka-log-clean", "transaction-log", "TxnMarkerSender", "AddPartitionsTo",
      "LogDirFailureHa", "SensorExpiryThr", "client-metrics-", "metrics-meter-t", "executor-");

  static boolean isBrokerThread(String name) {
    return BROKER_THREADS.stream().anyMatch(name::startsWith);
  }

  /** utime + stime of the live threads of {@code pid} whose names are the broker's. */
  private static double brokerThreadSeconds(long pid) {
    double seconds = 0;
    try (Stream<Path> threads = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path thread : threads.toList()) {
        try {
          String stat = Files.readString(thread.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          if (isBrokerThread(name)) {
            seconds += ticks(stat, false);
          }
        } catch (IOException | RuntimeException exited) {
          // the thread ended between the listing and the read
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0; // not Linux, or the process is gone
    }
    return seconds;
  }

  /**
   * utime + stime of a process, from /proc/<pid>/stat (fields 14 and 15, in clock ticks), and with
   * {@code withExitedChildren} also cutime + cstime (16 and 17: its children that exited and were collected).
   */
  private static double cpuSeconds(long pid, boolean withExitedChildren) {
    try {
      return ticks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")), withExitedChildren);
    } catch (IOException | RuntimeException e) {
      return 0; // not Linux, or the process is gone
    }
  }

  private static double ticks(String stat, boolean withExitedChildren) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    if (withExitedChildren) {
      ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
    }
    return ticks / (double) CLOCK_TICKS_PER_SECOND;
  }

  /**
   * The live daprd processes of the system by app id (a replica as {@code <app-id>-<n>}), from the
   * {@code daprd.pid} the launcher writes in each one's working directory,
   * {@code DATA_DIR/daprd/modules/<app>/target}; none beside the devsidecar.
   */
  Map<String, Long> daprdProcesses() {
    var pids = new TreeMap<String, Long>();
    Path modules = dataDir.resolve("daprd").resolve("modules");
    if (!Files.isDirectory(modules)) {
      return pids;
    }
    try (Stream<Path> files = Files.walk(modules, 3)) {
      for (Path pidFile : files.filter(f -> f.getFileName().toString().equals("daprd.pid")).toList()) {
        try {
          long pid = Long.parseLong(Files.readString(pidFile).strip());
          if (ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent()) {
            pids.put(pidFile.getParent().getParent().getFileName().toString(), pid);
          }
        } catch (IOException | RuntimeException gone) {
          // stopped meanwhile
        }
      }
    } catch (IOException | RuntimeException e) {
      // not started yet, or already stopped
    }
    return pids;
  }

  /** Busy time of all CPUs together, from the first line of /proc/stat: all but idle and iowait. */
  private static double machineBusySeconds() {
    try {
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i < fields.length && i <= 8; i++) {
        if (i != 4 && i != 5) { // idle, iowait
          busy += Long.parseLong(fields[i]);
        }
      }
      return busy / (double) CLOCK_TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /**
   * The embedded PostgreSQL's postmaster, found through the postmaster.pid file under the data directory:
   * pg_ctl detaches it, so it is no descendant of the system's JVM.
   */
  private Optional<ProcessHandle> postgres() {
    try (Stream<Path> files = Files.walk(dataDir, 3)) {
      Optional<Path> pidFile = files.filter(f -> f.getFileName().toString().equals("postmaster.pid")).findFirst();
      if (pidFile.isPresent()) {
        return ProcessHandle.of(Long.parseLong(Files.readAllLines(pidFile.get()).get(0).strip()));
      }
    } catch (IOException | RuntimeException e) {
      // not started yet, or already stopped
    }
    return Optional.empty();
  }

  /** The resident memory of the system's JVM (not its PostgreSQL), in MiB; -1 when unknown. */
  long residentMemoryMb() {
    return residentMemoryMb(process.pid());
  }

  /** The resident memory of all its daprd processes together, in MiB; 0 beside the devsidecar. */
  long daprdResidentMemoryMb() {
    return daprdProcesses().values().stream().mapToLong(SystemUnderTest::residentMemoryMb).filter(mb -> mb > 0).sum();
  }

  private static long residentMemoryMb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux, or already gone
    }
    return -1;
  }

  @Override
  public void close() {
    Optional<ProcessHandle> postgres = postgres();
    Map<String, Long> daprd = daprdProcesses();
    process.destroy();
    try {
      if (!process.waitFor(STOP_WITHIN.toSeconds(), TimeUnit.SECONDS)) {
        log.warn("The system did not stop within {} s of SIGTERM; killing it", STOP_WITHIN.toSeconds());
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    // the system stops its PostgreSQL and its daprd processes as it exits; if it had to be killed, stop them here
    postgres.filter(ProcessHandle::isAlive).ifPresent(ProcessHandle::destroy);
    daprd.values().forEach(pid -> ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(ProcessHandle::destroy));
  }

  private static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static List<Integer> freePorts(int count) throws IOException {
    var sockets = new java.util.ArrayList<ServerSocket>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()));
      }
      return sockets.stream().map(ServerSocket::getLocalPort).toList();
    } finally {
      for (ServerSocket socket : sockets) {
        socket.close();
      }
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
