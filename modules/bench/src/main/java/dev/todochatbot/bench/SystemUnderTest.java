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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The system being measured: the all-in-one jar in a child JVM with fresh data, on free ports of
 * 127.0.0.1, its output in {@code system.log}. Closing it stops it (SIGTERM, so that its embedded
 * PostgreSQL shuts down too), and kills what is left if it does not stop in time.
 */
final class SystemUnderTest implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SystemUnderTest.class);
  private static final Duration READY_WITHIN = Duration.ofSeconds(180);
  private static final Duration STOP_WITHIN = Duration.ofSeconds(30);
  private static final int CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on every Linux this runs on

  private final Process process;
  private final Path dataDir;
  final int publicPort;
  final int taskServicePort;
  final int postgresPort;
  final Path logFile;

  private SystemUnderTest(Process process, Path dataDir, int publicPort, int taskServicePort, int postgresPort,
      Path logFile) {
    this.process = process;
    this.dataDir = dataDir;
    this.publicPort = publicPort;
    this.taskServicePort = taskServicePort;
    this.postgresPort = postgresPort;
    this.logFile = logFile;
  }

  /** Starts the jar with an empty data directory under {@code outputDir} and waits until both ports are ready. */
  static SystemUnderTest start(Path jar, Path outputDir) throws IOException, InterruptedException {
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
    // every account signs up and every session signs in from 127.0.0.1: the per-address limits, meant
    // for one attacker's address, would measure the limit instead of the system (0 turns them off)
    env.putIfAbsent("SIGNIN_LIMIT_PER_ADDRESS", "0");
    env.putIfAbsent("SIGNUP_LIMIT_PER_ADDRESS", "0");
    log.info("Starting {} (public port {}, task service port {}, PostgreSQL port {}, log in {})", jar, ports.get(0),
        ports.get(1), ports.get(2), logFile);
    var system = new SystemUnderTest(builder.start(), dataDir, ports.get(0), ports.get(1), ports.get(2), logFile);
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
    long deadline = started + READY_WITHIN.toNanos();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    for (int port : List.of(publicPort, taskServicePort)) {
      while (!isReady(http, port)) {
        if (!process.isAlive()) {
          throw new IllegalStateException("The system exited with status " + process.exitValue()
              + " before it was ready; see " + logFile.toAbsolutePath());
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("The system was not ready within " + READY_WITHIN.toSeconds()
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
   * CPU time used so far, in seconds: the system's JVM, its PostgreSQL processes, this benchmark, and
   * the whole machine (so that what other processes took shows too).
   */
  record CpuTime(long nanos, double systemJvm, double postgres, double bench, double machine) {

    /** Cores kept busy on average since {@code before}, per part: on a shared machine, who took the CPU. */
    JsonObject coresUsedSince(CpuTime before) {
      double seconds = (nanos - before.nanos) / 1e9;
      double ours = (systemJvm - before.systemJvm) + (postgres - before.postgres) + (bench - before.bench);
      return new JsonObject()
          .put("seconds", Seeder.round(seconds))
          .put("systemJvm", cores(systemJvm - before.systemJvm, seconds))
          .put("postgres", cores(postgres - before.postgres, seconds))
          .put("loadGenerator", cores(bench - before.bench, seconds))
          .put("otherProcesses", cores(Math.max(0, machine - before.machine - ours), seconds))
          .put("machineIdle", cores(Math.max(0, Runtime.getRuntime().availableProcessors() * seconds
              - (machine - before.machine)), seconds));
    }

    private static double cores(double cpuSeconds, double seconds) {
      return Math.round(cpuSeconds / seconds * 100) / 100.0;
    }
  }

  /** Reads /proc (Linux); zeros elsewhere. PostgreSQL backends that already exited are not counted. */
  CpuTime cpuTime() {
    double postgres = postgres().stream()
        .flatMap(postmaster -> Stream.concat(Stream.of(postmaster), postmaster.descendants()))
        .mapToDouble(p -> cpuSeconds(p.pid()))
        .sum();
    return new CpuTime(System.nanoTime(), cpuSeconds(process.pid()), postgres, cpuSeconds(ProcessHandle.current().pid()),
        machineBusySeconds());
  }

  /** utime + stime of a process, from /proc/<pid>/stat (fields 14 and 15, in clock ticks). */
  private static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) CLOCK_TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return 0; // not Linux, or the process is gone
    }
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
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
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
    // the system stops its PostgreSQL as it exits; if it had to be killed, stop PostgreSQL here
    postgres.filter(ProcessHandle::isAlive).ifPresent(ProcessHandle::destroy);
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
