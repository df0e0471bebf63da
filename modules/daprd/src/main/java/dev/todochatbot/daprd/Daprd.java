package dev.todochatbot.daprd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real daprd process in self-hosted mode beside one app, as {@code dapr run} starts it: no placement,
 * no scheduler, name resolution by mDNS, the same resource and configuration files as every other run.
 * Every listener it opens binds loopback; its output goes to {@code daprd.log} in its working directory.
 *
 * <p>Blocking: start, readiness, stop and kill wait for the process. Call them off the event loops.
 */
public final class Daprd implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Daprd.class);
  private static final String LOOPBACK = "127.0.0.1";
  /** daprd's own default for {@code --dapr-graceful-shutdown-seconds}. */
  private static final Duration GRACEFUL_SHUTDOWN = Duration.ofSeconds(5);

  /** The four ports one daprd listens on, fixed before it starts so that a restart keeps them. */
  public record Ports(int http, int grpc, int internalGrpc, int metrics) {

    public static Ports free() {
      return new Ports(FreePorts.take(), FreePorts.take(), FreePorts.take(), FreePorts.take());
    }
  }

  /**
   * What one daprd is started with.
   *
   * @param appId {@code --app-id}
   * @param appPort {@code --app-port}: where the app listens (HTTP; the same port serves gRPC proxying)
   * @param resourcesPaths each a {@code --resources-path} (components, resiliency)
   * @param config {@code --config}, the Configuration file
   * @param workDir its working directory (relative paths in components resolve against it) and where its
   *     log and pid file go
   * @param environment added to the inherited environment (the broker address components read with envRef)
   * @param apiToken {@code DAPR_API_TOKEN}: what every caller of its API must show
   * @param appToken {@code APP_API_TOKEN}: what it shows the app
   * @param blockShutdown {@code --dapr-block-shutdown-duration}, when set
   * @param mtls mTLS with the other sidecars, identities from a {@link Sentry}; when set
   */
  public record Options(String appId, int appPort, List<Path> resourcesPaths, Optional<Path> config, Path workDir,
      Map<String, String> environment, Optional<String> apiToken, Optional<String> appToken,
      Optional<Duration> blockShutdown, Optional<Mtls> mtls) {

    public Options {
      resourcesPaths = List.copyOf(resourcesPaths);
      environment = Map.copyOf(environment);
    }

    /** Without mTLS. */
    public Options(String appId, int appPort, List<Path> resourcesPaths, Optional<Path> config, Path workDir,
        Map<String, String> environment, Optional<String> apiToken, Optional<String> appToken,
        Optional<Duration> blockShutdown) {
      this(appId, appPort, resourcesPaths, config, workDir, environment, apiToken, appToken, blockShutdown,
          Optional.empty());
    }

    public Options withBlockShutdown(Duration duration) {
      return new Options(appId, appPort, resourcesPaths, config, workDir, environment, apiToken, appToken,
          Optional.of(duration), mtls);
    }

    public Options withMtls(Mtls settings) {
      return new Options(appId, appPort, resourcesPaths, config, workDir, environment, apiToken, appToken,
          blockShutdown, Optional.of(settings));
    }
  }

  /**
   * mTLS between sidecars ({@code --enable-mtls}): the sidecar asks {@code sentryAddress} for its identity
   * ({@code spiffe://public/ns/default/<app-id>}) and trusts only peers whose certificate chains to
   * {@code trustAnchors} ({@code DAPR_TRUST_ANCHORS}). It is what lets a callee's access-control list know
   * who calls; {@code accessControl}, a Configuration holding that list, is layered over {@link Options#config}
   * as a second {@code --config} (daprd reads the files in order, each over the last).
   */
  public record Mtls(String sentryAddress, String trustAnchors, Optional<Path> accessControl) {

    public Mtls(String sentryAddress, String trustAnchors) {
      this(sentryAddress, trustAnchors, Optional.empty());
    }

    public Mtls withAccessControl(Path configuration) {
      return new Mtls(sentryAddress, trustAnchors, Optional.of(configuration));
    }
  }

  private final DaprdBinary binary;
  private final Options options;
  private final Ports ports;
  private volatile Process process;

  private Daprd(DaprdBinary binary, Options options, Ports ports) {
    this.binary = binary;
    this.options = options;
    this.ports = ports;
  }

  /** Starts daprd (without waiting for it: see {@link #awaitOutbound} and {@link #awaitReady}). */
  public static Daprd start(DaprdBinary binary, Options options) {
    return start(binary, options, Ports.free());
  }

  public static Daprd start(DaprdBinary binary, Options options, Ports ports) {
    var daprd = new Daprd(binary, options, ports);
    daprd.launch();
    return daprd;
  }

  public String appId() {
    return options.appId();
  }

  public int httpPort() {
    return ports.http();
  }

  public int grpcPort() {
    return ports.grpc();
  }

  public int internalGrpcPort() {
    return ports.internalGrpc();
  }

  public int metricsPort() {
    return ports.metrics();
  }

  public Ports ports() {
    return ports;
  }

  public Options options() {
    return options;
  }

  public Optional<String> apiToken() {
    return options.apiToken();
  }

  public Optional<String> appToken() {
    return options.appToken();
  }

  public Path logFile() {
    return options.workDir().resolve("daprd.log");
  }

  public boolean isAlive() {
    Process current = process;
    return current != null && current.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** Waits until its components are loaded ({@code /v1.0/healthz/outbound} 204): it can publish and read secrets. */
  public void awaitOutbound(Duration deadline) {
    await("/v1.0/healthz/outbound", deadline);
  }

  /** Waits until it is fully up ({@code /v1.0/healthz} 204): the app's port answered and subscriptions are made. */
  public void awaitReady(Duration deadline) {
    await("/v1.0/healthz", deadline);
  }

  /** {@code kill -9}: no drain, no goodbye to the broker, as when the process is killed or the machine dies. */
  public void kill() {
    Process current = process;
    if (current == null) {
      return;
    }
    current.destroyForcibly();
    waitFor(current, Duration.ofSeconds(10));
    unregister(current);
  }

  /** Starts it again after {@link #kill} or {@link #close}, on the same ports with the same options. */
  public void restart() {
    if (isAlive()) {
      throw new IllegalStateException(options.appId() + "'s daprd is still running");
    }
    launch();
  }

  /** SIGTERM, as an orchestrator stops it: daprd drains (blocking for its block-shutdown duration first), then exits. */
  @Override
  public void close() {
    Process current = process;
    if (current == null || !current.isAlive()) {
      return;
    }
    current.destroy();
    Duration patience = options.blockShutdown().orElse(Duration.ZERO).plus(GRACEFUL_SHUTDOWN).plusSeconds(5);
    if (!waitFor(current, patience)) {
      log.warn("{}'s daprd did not stop within {} s of SIGTERM: killed", options.appId(), patience.toSeconds());
      kill();
    }
    unregister(current);
    deletePidFile();
  }

  /** The last lines of its log, for a failure message. */
  public String logTail(int lines) {
    return Processes.logTail(logFile(), lines);
  }

  List<String> command() {
    var command = new ArrayList<>(List.of(binary.path().toString(),
        "--mode", "standalone",
        "--app-id", options.appId(),
        "--app-port", String.valueOf(options.appPort()),
        "--app-protocol", "http",
        "--app-channel-address", LOOPBACK,
        "--dapr-http-port", String.valueOf(ports.http()),
        "--dapr-grpc-port", String.valueOf(ports.grpc()),
        "--dapr-internal-grpc-port", String.valueOf(ports.internalGrpc()),
        "--metrics-port", String.valueOf(ports.metrics()),
        // daprd binds every interface by default: its API, the internal port other sidecars call (without
        // mTLS anyone reaching it could invoke the app) and its metrics
        "--dapr-listen-addresses", LOOPBACK,
        "--dapr-internal-grpc-listen-address", LOOPBACK,
        "--metrics-listen-address", LOOPBACK,
        "--enable-app-health-check",
        "--app-health-check-path", "/healthz",
        "--log-level", "info"));
    for (Path path : options.resourcesPaths()) {
      command.add("--resources-path");
      command.add(path.toAbsolutePath().toString());
    }
    options.config().ifPresent(config -> {
      command.add("--config");
      command.add(config.toAbsolutePath().toString());
    });
    options.mtls().ifPresent(mtls -> {
      command.add("--enable-mtls");
      command.add("--sentry-address");
      command.add(mtls.sentryAddress());
      mtls.accessControl().ifPresent(config -> {
        command.add("--config");
        command.add(config.toAbsolutePath().toString());
      });
    });
    options.blockShutdown().ifPresent(duration -> {
      command.add("--dapr-block-shutdown-duration");
      command.add(duration.toMillis() + "ms");
    });
    return command;
  }

  private void launch() {
    try {
      Files.createDirectories(options.workDir());
      killLeftOver();
      var builder = new ProcessBuilder(command())
          .directory(options.workDir().toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
      Map<String, String> environment = builder.environment();
      environment.remove("DAPR_API_TOKEN");
      environment.remove("APP_API_TOKEN");
      environment.remove("DAPR_TRUST_ANCHORS");
      // the identity's namespace: Sentry's default, the one the access-control lists name
      environment.remove("NAMESPACE");
      environment.putAll(options.environment());
      options.apiToken().ifPresent(token -> environment.put("DAPR_API_TOKEN", token));
      options.appToken().ifPresent(token -> environment.put("APP_API_TOKEN", token));
      options.mtls().ifPresent(mtls -> environment.put("DAPR_TRUST_ANCHORS", mtls.trustAnchors()));
      // what mDNS announces to the other sidecars: this machine's loopback, where the internal port is
      environment.put("DAPR_HOST_IP", LOOPBACK);
      reapOrphans(binary);
      process = builder.start();
      Files.writeString(pidFile(), Long.toString(process.pid()));
      Path registered = registry(binary).resolve(Long.toString(process.pid()));
      Files.createDirectories(registered.getParent());
      Files.writeString(registered, ProcessHandle.current().pid() + " " + options.appId());
      log.info("daprd {} for {} started (pid {}, HTTP {}, gRPC {}, {}, log {})", binary.version(), options.appId(),
          process.pid(), ports.http(), ports.grpc(), options.mtls().isPresent() ? "mTLS" : "no mTLS", logFile());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start " + binary.path() + " for " + options.appId() + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * A daprd this launcher started for the same app in the same directory and that outlived its JVM (a
   * {@code kill -9} of the JVM leaves its children running): it still holds the ports and the mDNS name.
   */
  private void killLeftOver() throws IOException {
    Processes.stopLeftOver(pidFile(), handle -> Processes.runs(handle, "daprd") && handle.info().arguments()
        .map(List::of).map(args -> args.contains(options.appId())).orElse(false), "a daprd for " + options.appId());
  }

  /**
   * Every daprd this launcher started on the machine, as {@code running/<its pid>} beside the binary holding
   * the starting JVM's pid: a JVM killed with {@code kill -9} cannot stop its daprd processes, which then
   * keep their ports and, worse, their mDNS names (a later topology's sidecars would resolve task-service to
   * an orphan whose app is gone).
   */
  static Path registry(DaprdBinary binary) {
    return binary.path().toAbsolutePath().getParent().resolve("running");
  }

  /** Stops each registered daprd whose starting JVM is gone. */
  static void reapOrphans(DaprdBinary binary) {
    Path registry = registry(binary);
    if (!Files.isDirectory(registry)) {
      return;
    }
    try (var entries = Files.list(registry)) {
      for (Path entry : entries.toList()) {
        try {
          String[] owner = Files.readString(entry).strip().split(" ", 2);
          long pid = Long.parseLong(entry.getFileName().toString());
          boolean ownerAlive = ProcessHandle.of(Long.parseLong(owner[0])).map(ProcessHandle::isAlive).orElse(false);
          Optional<ProcessHandle> daprd = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
              .filter(handle -> Processes.runs(handle, "daprd"));
          if (daprd.isEmpty()) {
            Files.deleteIfExists(entry);
          } else if (!ownerAlive) {
            log.warn("Stopping daprd for {} (pid {}): the JVM that started it (pid {}) is gone", owner.length > 1
                ? owner[1] : "?", pid, owner[0]);
            daprd.get().destroyForcibly();
            daprd.get().onExit().get(10, TimeUnit.SECONDS);
            Files.deleteIfExists(entry);
          }
        } catch (Exception e) {
          log.debug("Could not check {}: {}", entry, e.toString());
        }
      }
    } catch (IOException e) {
      log.debug("Could not list {}: {}", registry, e.toString());
    }
  }

  private void unregister(Process stopped) {
    try {
      Files.deleteIfExists(registry(binary).resolve(Long.toString(stopped.pid())));
    } catch (IOException e) {
      log.debug("Could not unregister daprd {}: {}", stopped.pid(), e.toString());
    }
  }

  private Path pidFile() {
    return options.workDir().resolve("daprd.pid");
  }

  private void deletePidFile() {
    try {
      Files.deleteIfExists(pidFile());
    } catch (IOException e) {
      log.debug("Could not delete {}: {}", pidFile(), e.toString());
    }
  }

  private void await(String path, Duration deadline) {
    Processes.awaitAnswer(URI.create("http://" + LOOPBACK + ":" + ports.http() + path), 204, deadline, () -> process,
        options.appId() + "'s daprd", logFile());
  }

  private static boolean waitFor(Process process, Duration patience) {
    try {
      return process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
