package dev.todochatbot.daprd;

import dev.todochatbot.platform.Env;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dapr's certificate authority, self-hosted, as {@code dapr init -k} runs it in a cluster: every daprd started with
 * {@link Daprd.Mtls} asks it for an X.509 identity ({@code spiffe://public/ns/default/<app-id>}), and the sidecars
 * then speak mTLS to each other. Only with those identities can a callee's access-control list tell one caller
 * from another (daprd's pkg/acl reads the caller's SPIFFE id from the TLS connection; without one it applies the
 * list's default action to everybody).
 *
 * <p>It makes its own root and issuer on first start into {@code <dir>/credentials} (owner-only files) and reuses
 * them afterwards. Self-hosted it signs whatever app id a caller asks for (its "insecure" validator: there is no
 * Kubernetes service account to check), so an identity is worth exactly as much as access to its port, which
 * binds loopback, as its readiness endpoint does. The executable is tools/daprd/sentry (Dapr's pkg/sentry composed
 * by us), not Dapr's cmd/sentry: 1.16.5's binds its health server on every interface whatever
 * {@code --healthz-listen-address} says (fixed upstream by dapr/dapr#10394), and restarts its server two seconds
 * after writing a root it has just made, which a sidecar starting in that moment would meet.
 *
 * <p>Blocking: start and stop wait for the process. Call them off the event loops.
 */
public final class Sentry implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Sentry.class);
  private static final String LOOPBACK = "127.0.0.1";
  /** What the sidecars verify Sentry's own certificate against: its --trust-domain, daprd's default control plane's. */
  private static final String CONTROL_PLANE_TRUST_DOMAIN = "localhost";

  /** Its gRPC port (certificate signing) and its health port. */
  public record Ports(int grpc, int healthz) {

    public static Ports free() {
      return new Ports(FreePorts.take(), FreePorts.take());
    }
  }

  private final Path binary;
  private final Path dir;
  private final Ports ports;
  private volatile Process process;

  private Sentry(Path binary, Path dir, Ports ports) {
    this.binary = binary;
    this.dir = dir;
    this.ports = ports;
  }

  /** The executable: {@code DAPR_SENTRY} if set, else {@code sentry} beside daprd in the cache {@code make daprd} fills. */
  public static Path expectedPath(Env env) {
    return env.optional("DAPR_SENTRY").map(Path::of).orElseGet(() -> DaprdBinary.cacheDir(env).resolve("sentry"));
  }

  /** The binary when it is there and executable. */
  public static Optional<Path> find(Env env) {
    Path path = expectedPath(env);
    return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
  }

  /** Why {@link #find} comes back empty, in words a person can act on. */
  public static String whyMissing(Env env) {
    Path path = expectedPath(env);
    if (env.optional("DAPR_SENTRY").isPresent()) {
      return "DAPR_SENTRY names " + path + ", which is not an executable file";
    }
    return "no Dapr Sentry " + DaprdBinary.VERSION + " at " + path
        + ": run make daprd (needs Go; it builds Sentry from the Go module proxy with daprd)";
  }

  /** Starts Sentry with its files in {@code dir} and waits until it signs certificates. */
  public static Sentry start(Path binary, Path dir, Duration deadline) {
    var sentry = new Sentry(binary, dir.toAbsolutePath(), Ports.free());
    try {
      Files.createDirectories(sentry.credentials());
      sentry.writeConfiguration();
      sentry.killLeftOver();
      sentry.launch();
      sentry.awaitHealthy(deadline);
      return sentry;
    } catch (IOException e) {
      sentry.close();
      throw new UncheckedIOException("Could not prepare " + dir + " for Sentry: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      sentry.close();
      throw e;
    }
  }

  /** Where the sidecars ask for their certificates ({@code --sentry-address}). */
  public String address() {
    return LOOPBACK + ":" + ports.grpc();
  }

  public Ports ports() {
    return ports;
  }

  /** Its root certificate (PEM), which every sidecar must be given to trust the others ({@code DAPR_TRUST_ANCHORS}). */
  public String trustAnchors() {
    try {
      return Files.readString(trustAnchorsFile());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read Sentry's root certificate " + trustAnchorsFile(), e);
    }
  }

  /** What a daprd needs to take part: this Sentry's address and root. */
  public Daprd.Mtls mtls() {
    return new Daprd.Mtls(address(), trustAnchors());
  }

  public Path logFile() {
    return dir.resolve("sentry.log");
  }

  public boolean isAlive() {
    Process current = process;
    return current != null && current.isAlive();
  }

  /** SIGTERM; it stops at once (it holds no state but its files). */
  @Override
  public void close() {
    stop();
    try {
      Files.deleteIfExists(pidFile());
    } catch (IOException e) {
      log.debug("Could not delete {}: {}", pidFile(), e.toString());
    }
  }

  List<String> command() {
    return List.of(binary.toString(),
        "--config", configFile().toString(),
        "--issuer-credentials", credentials().toString(),
        "--trust-domain", CONTROL_PLANE_TRUST_DOMAIN,
        "--listen-address", LOOPBACK,
        "--port", String.valueOf(ports.grpc()),
        "--healthz-listen-address", LOOPBACK,
        "--healthz-port", String.valueOf(ports.healthz()));
  }

  private Path credentials() {
    return dir.resolve("credentials");
  }

  private Path trustAnchorsFile() {
    return credentials().resolve("ca.crt");
  }

  private Path configFile() {
    return dir.resolve("sentry-config.yaml");
  }

  private Path pidFile() {
    return dir.resolve("sentry.pid");
  }

  /** Sentry's own Configuration (it refuses to start without one): how long an identity lasts, the clock skew allowed. */
  private void writeConfiguration() throws IOException {
    Files.writeString(configFile(), """
        # written by the launcher (dev.todochatbot.daprd.Sentry) on every start
        apiVersion: dapr.io/v1alpha1
        kind: Configuration
        metadata:
          name: daprsystem
        spec:
          mtls:
            enabled: true
            workloadCertTTL: 24h
            allowedClockSkew: 15m
        """);
  }

  private void launch() {
    try {
      var builder = new ProcessBuilder(command())
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
      // its own identity's namespace, which the sidecars expect to be daprd's default control plane's
      builder.environment().remove("NAMESPACE");
      process = builder.start();
      Files.writeString(pidFile(), Long.toString(process.pid()));
      log.info("Sentry {} started (pid {}, gRPC {}, log {})", DaprdBinary.VERSION, process.pid(), address(), logFile());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start " + binary + ": " + e.getMessage(), e);
    }
  }

  private void stop() {
    Process current = process;
    if (current == null || !current.isAlive()) {
      return;
    }
    current.destroy();
    try {
      if (!current.waitFor(10, TimeUnit.SECONDS)) {
        log.warn("Sentry did not stop within 10 s of SIGTERM: killed");
        current.destroyForcibly();
        current.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      current.destroyForcibly();
    }
  }

  /** A Sentry this launcher started in the same directory that outlived its JVM: it holds the credentials. */
  private void killLeftOver() throws IOException {
    Processes.stopLeftOver(pidFile(), handle -> Processes.runs(handle, "sentry"), "a Sentry");
  }

  /** Waits for {@code /healthz} 200: its root is loaded and its gRPC server is up. */
  private void awaitHealthy(Duration deadline) {
    Processes.awaitAnswer(URI.create("http://" + LOOPBACK + ":" + ports.healthz() + "/healthz"), 200, deadline,
        () -> process, "Sentry", logFile());
  }
}
