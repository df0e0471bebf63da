package dev.todochatbot.standalone;

import dev.todochatbot.audit.AuditService;
import dev.todochatbot.audit.AuditServiceConfig;
import dev.todochatbot.notification.NotificationService;
import dev.todochatbot.notification.NotificationServiceConfig;
import dev.todochatbot.chat.Agents;
import dev.todochatbot.chat.ChatService;
import dev.todochatbot.chat.ChatServiceConfig;
import dev.todochatbot.recurrence.RecurrenceService;
import dev.todochatbot.recurrence.RecurrenceServiceConfig;
import dev.todochatbot.daprd.FreePorts;
import dev.todochatbot.edge.Edge;
import dev.todochatbot.edge.EdgeConfig;
import dev.todochatbot.embedded.EmbeddedKafka;
import dev.todochatbot.embedded.EmbeddedPostgresServer;
import dev.todochatbot.platform.Drain;
import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.Observability;
import dev.todochatbot.platform.Shutdown;
import dev.todochatbot.platform.Sidecar;
import dev.todochatbot.tasks.TaskService;
import dev.todochatbot.tasks.TaskServiceConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code make run}: the whole system in one JVM. Without {@code DATABASE_URL} it starts an embedded
 * PostgreSQL, without {@code KAFKA_BROKERS} an embedded Kafka broker, both keeping their data under
 * {@code DATA_DIR} (.data) so that everything survives a restart. Each service gets an in-JVM
 * stand-in for its Dapr sidecar (devsidecar) loaded from the same {@code dapr/components} that
 * daprd loads, and reaches Kafka and the other services only through it, as in a deployment.
 */
public final class Main {

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  static final String EDGE = "edge";
  static final String TASK_SERVICE = "task-service";
  static final String AUDIT_SERVICE = AuditService.APP_ID;
  static final String RECURRENCE_SERVICE = RecurrenceService.APP_ID;
  static final String NOTIFICATION_SERVICE = NotificationService.APP_ID;
  static final String CHAT_SERVICE = ChatService.APP_ID;
  /** Environment variable to secret store key, for the credentials every service needs. */
  static final Map<String, String> SECRET_KEYS = Map.of("DATABASE_URL", "database-url", "JWT_SECRET", "jwt-secret");

  private Main() {}

  /**
   * What is running, so that tests and the benchmark can start and stop the same thing; {@code appPorts}:
   * each app id's own port, the one its sidecar calls (the edge's events port for the edge).
   */
  public record Running(Vertx vertx, EmbeddedPostgresServer postgres, EmbeddedKafka kafka, List<AppSidecar> sidecars,
      Map<String, String> deployments, int port, int taskServicePort, int auditServicePort,
      Map<String, Integer> appPorts, Sidecars launcher, Env env, List<Replica> replicas) implements AutoCloseable {

    /** The (first) sidecar of one app id. */
    public AppSidecar sidecar(String appId) {
      return sidecars.stream().filter(s -> s.appId().equals(appId)).findFirst().orElseThrow();
    }

    /** Which sidecars these are: {@code devsidecar} or {@code daprd}. */
    public String sidecarKind() {
      return launcher.kind();
    }

    /**
     * Another replica of {@code appId}, as another process (pod) of the same app would be: its own Vert.x (so its
     * own event bus), its own sidecar and its own ports, with {@code overrides} added to its environment.
     * Completes when its sidecar delivers to it; {@link #close} stops it with the rest.
     */
    public Future<Replica> addReplica(String appId, Map<String, String> overrides) {
      List<String> names = PORT_VARIABLES.get(appId);
      Map<String, String> ports = new HashMap<>();
      for (String name : names) {
        ports.put(name, String.valueOf(FreePorts.take()));
      }
      Env replicaEnv = env.with(overrides).with(ports);
      int appPort = Integer.parseInt(ports.get(names.get(names.size() - 1)));
      Vertx own = Vertx.vertx();
      Context context = own.getOrCreateContext();
      return launcher.start(appId, appPort).compose(sidecar -> {
        var replica = new Replica(appId, own, sidecar, Integer.parseInt(ports.get(names.get(0))));
        replicas.add(replica);
        return envOf(own, replicaEnv, sidecar)
            .compose(serviceEnv -> deploy(context, own, appId, serviceEnv))
            .compose(id -> sidecar.subscribed())
            .map(v -> replica);
      });
    }

    /** Stops the sidecars (their Kafka clients first), the services once drained, then the broker and PostgreSQL. */
    @Override
    public void close() {
      for (Replica replica : replicas) {
        replica.close();
      }
      try {
        Future.join(sidecars.stream().map(AppSidecar::close).toList())
            .toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("The sidecars did not stop cleanly: {}", e.toString());
      }
      Shutdown.close(vertx);
      launcher.close();
      if (kafka != null) {
        kafka.close();
      }
      if (postgres != null) {
        postgres.close();
      }
    }
  }

  /**
   * One more replica of an app.
   *
   * @param vertx its own Vert.x, as another process's
   * @param port its first port: the public one for the edge, else the service's own
   */
  public record Replica(String appId, Vertx vertx, AppSidecar sidecar, int port) implements AutoCloseable {

    /** Stops its sidecar, then its services. */
    @Override
    public void close() {
      try {
        sidecar.close().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("{}'s replica sidecar did not stop cleanly: {}", appId, e.toString());
      }
      Shutdown.close(vertx);
    }
  }

  /** Each app id's port variables; the last is the one its sidecar calls (the edge: PORT, then its events port). */
  static final Map<String, List<String>> PORT_VARIABLES = Map.of(
      EDGE, List.of("PORT", "EDGE_EVENTS_PORT"),
      TASK_SERVICE, List.of("TASK_SERVICE_PORT"),
      AUDIT_SERVICE, List.of("AUDIT_SERVICE_PORT"),
      RECURRENCE_SERVICE, List.of("RECURRENCE_SERVICE_PORT"),
      NOTIFICATION_SERVICE, List.of("NOTIFICATION_SERVICE_PORT"),
      CHAT_SERVICE, List.of("CHAT_SERVICE_PORT"));

  /**
   * Deploys one app's service (its verticles) with its own environment, from {@code context}: whichever
   * thread completed the step before may be one of Vert.x's acceptor threads (a sidecar's listen completes
   * there), whose context has no class loader, and a deployment made from there inherits none: Flyway then
   * finds no JDBC driver. {@code context} is made on the thread that starts it all.
   */
  static Future<String> deploy(Context context, Vertx vertx, String appId, Env serviceEnv) {
    Promise<String> deployed = Promise.promise();
    context.runOnContext(v -> deploy(vertx, appId, serviceEnv).onComplete(deployed));
    return deployed.future();
  }

  /** Deploys one app's service (its verticles) with its own environment, on the calling thread's context. */
  static Future<String> deploy(Vertx vertx, String appId, Env serviceEnv) {
    return switch (appId) {
      case TASK_SERVICE -> TaskService.deploy(vertx, TaskServiceConfig.fromEnv(serviceEnv));
      case AUDIT_SERVICE -> AuditService.deploy(vertx, AuditServiceConfig.fromEnv(serviceEnv));
      case RECURRENCE_SERVICE -> RecurrenceService.deploy(vertx, RecurrenceServiceConfig.fromEnv(serviceEnv));
      case NOTIFICATION_SERVICE -> NotificationService.deploy(vertx, NotificationServiceConfig.fromEnv(serviceEnv));
      // the agent: a model when OPENAI_API_KEY is set in the environment, else the built-in engine
      case CHAT_SERVICE -> ChatService.deploy(vertx, ChatServiceConfig.fromEnv(serviceEnv),
          Agents.fromEnv(vertx, serviceEnv));
      case EDGE -> Edge.deploy(vertx, EdgeConfig.fromEnv(serviceEnv));
      default -> Future.failedFuture(new IllegalArgumentException("No such app id: " + appId));
    };
  }

  public static void main(String[] args) {
    long started = System.nanoTime();
    Running running;
    Drain.Settings drain;
    try {
      drain = Drain.Settings.fromEnv(Env.system());
      running = start(Env.system()).toCompletionStage().toCompletableFuture().join();
    } catch (RuntimeException e) {
      Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
      log.error("todo-chatbot could not start: {}", cause.getMessage());
      log.debug("Start-up failure", cause);
      System.exit(1);
      return;
    }
    // Ctrl-C or SIGTERM: the services drain as they do alone (DRAIN_DELAY is 0 unless set), while their
    // sidecars still relay what is in flight; then the sidecars, Vert.x, Kafka and PostgreSQL stop
    var closed = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable closeOnce = () -> {
      if (closed.compareAndSet(false, true)) {
        running.close();
      }
    };
    Shutdown.onSignal(() -> {
      log.info("Stopping");
      Shutdown.drain(running.vertx(), drain);
      closeOnce.run();
    });
    // any other way out (SIGHUP when the terminal closes, an exit elsewhere) still stops PostgreSQL and
    // Kafka, whose files in DATA_DIR the next start needs
    Runtime.getRuntime().addShutdownHook(new Thread(closeOnce, "close"));
    log.info("todo-chatbot is ready at http://localhost:{} (task service on port {}, audit service on port {}; sidecars: {})"
        + " after {} ms", running.port(), running.taskServicePort(), running.auditServicePort(), running.sidecarKind(),
        (System.nanoTime() - started) / 1_000_000);
  }

  public static Future<Running> start(Env systemEnv) {
    Path dataDir = Path.of(systemEnv.get("DATA_DIR", ".data"));
    EmbeddedPostgresServer postgres = null;
    EmbeddedKafka kafka = null;
    Env env;
    List<Path> resources;
    String kind = systemEnv.get("SIDECAR", Sidecars.DEVSIDECAR);
    Path secretsFile;
    try {
      secretsFile = Sidecars.secretsFile(kind, dataDir);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    try {
      Map<String, String> filled = new HashMap<>();
      // secrets go to the file the sidecars' secret store reads, not into the services' environment
      var secrets = new JsonObject();
      if (systemEnv.optional("DATABASE_URL").isEmpty()) {
        postgres = EmbeddedPostgresServer.start(dataDir.resolve("postgres"), systemEnv.getInt("EMBEDDED_PG_PORT", 0),
            EmbeddedPostgresServer.Mode.DURABLE);
        secrets.put("database-url", postgres.url("postgres"));
      }
      if (systemEnv.optional("KAFKA_BROKERS").isEmpty()) {
        kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), systemEnv.getInt("EMBEDDED_KAFKA_PORT", 0));
        filled.put("KAFKA_BROKERS", kafka.bootstrapServers());
      }
      if (systemEnv.optional("JWT_SECRET").isEmpty()) {
        secrets.put("jwt-secret", localSecret(dataDir.resolve("jwt-secret")));
      }
      writeOwnerOnly(secretsFile, secrets.encodePrettily());
      // the apps' ports are fixed before their sidecars start, as daprd's --app-port is
      for (String name : List.of("PORT", "EDGE_EVENTS_PORT", "TASK_SERVICE_PORT", "AUDIT_SERVICE_PORT",
          "RECURRENCE_SERVICE_PORT", "NOTIFICATION_SERVICE_PORT", "CHAT_SERVICE_PORT")) {
        if (systemEnv.getInt(name, -1) == 0) {
          filled.put(name, String.valueOf(FreePorts.take()));
        }
      }
      env = systemEnv.with(filled);
      resources = resourcesPaths(env, dataDir);
    } catch (RuntimeException e) {
      closeQuietly(kafka, postgres);
      return Future.failedFuture(e);
    }

    int edgePort = env.getInt("PORT", 8080);
    // where the edge's sidecar delivers the real-time subscriptions (daprd's --app-port for the edge)
    int edgeEventsPort = env.getInt("EDGE_EVENTS_PORT", 8090);
    int taskPort = env.getInt("TASK_SERVICE_PORT", 8081);
    int auditPort = env.getInt("AUDIT_SERVICE_PORT", 8082);
    int recurrencePort = env.getInt("RECURRENCE_SERVICE_PORT", 8084);
    int notificationPort = env.getInt("NOTIFICATION_SERVICE_PORT", 8085);
    int chatPort = env.getInt("CHAT_SERVICE_PORT", 8083);
    Optional<String> brokers = env.optional("KAFKA_BROKERS");
    Vertx vertx = Observability.newVertx();
    var sidecars = new java.util.concurrent.CopyOnWriteArrayList<AppSidecar>();
    EmbeddedPostgresServer db = postgres;
    EmbeddedKafka broker = kafka;
    Context startContext = vertx.getOrCreateContext();
    Sidecars launcher;
    try {
      launcher = Sidecars.of(kind, vertx, env, dataDir, resources, brokers, secretsFile);
    } catch (RuntimeException e) {
      Shutdown.close(vertx);
      closeQuietly(kafka, postgres);
      return Future.failedFuture(e);
    }

    Map<String, Integer> appPorts = Map.of(EDGE, edgeEventsPort, TASK_SERVICE, taskPort, AUDIT_SERVICE, auditPort,
        RECURRENCE_SERVICE, recurrencePort, NOTIFICATION_SERVICE, notificationPort, CHAT_SERVICE, chatPort);
    // sidecars first (as daprd is told --app-port before the app listens), the services in dependency order
    List<String> sidecarOrder = List.of(EDGE, TASK_SERVICE, AUDIT_SERVICE, RECURRENCE_SERVICE, NOTIFICATION_SERVICE,
        CHAT_SERVICE);
    List<String> serviceOrder = List.of(TASK_SERVICE, AUDIT_SERVICE, RECURRENCE_SERVICE, NOTIFICATION_SERVICE,
        CHAT_SERVICE, EDGE);
    Map<String, AppSidecar> byApp = new java.util.concurrent.ConcurrentHashMap<>();
    Future<Void> sidecarsStarted = Future.succeededFuture();
    for (String appId : sidecarOrder) {
      sidecarsStarted = sidecarsStarted.compose(v -> launcher.start(appId, appPorts.get(appId)))
          .map(sidecar -> {
            sidecars.add(sidecar);
            byApp.put(appId, sidecar);
            return null;
          });
    }
    var deployments = new java.util.LinkedHashMap<String, String>();
    Future<Void> deployed = sidecarsStarted;
    for (String appId : serviceOrder) {
      deployed = deployed.compose(v -> envOf(vertx, env, byApp.get(appId)))
          .compose(serviceEnv -> deploy(startContext, vertx, appId, serviceEnv))
          .map(id -> {
            deployments.put(appId, id);
            return null;
          });
    }
    // completed off the event loops: on failure Vert.x is closed, and cannot run callbacks any more
    Promise<Running> result = Promise.promise();
    deployed
        // ready means events flow: the audit, recurrence, notification and edge subscriptions are in place
        .compose(v -> Future.all(List.of(byApp.get(AUDIT_SERVICE).subscribed(), byApp.get(RECURRENCE_SERVICE).subscribed(),
            byApp.get(NOTIFICATION_SERVICE).subscribed(), byApp.get(EDGE).subscribed()))
            .timeout(90, java.util.concurrent.TimeUnit.SECONDS))
        .map(v -> new Running(vertx, db, broker, sidecars, Map.copyOf(deployments), edgePort, taskPort,
            auditPort, appPorts, launcher, env, new java.util.concurrent.CopyOnWriteArrayList<>()))
        .onSuccess(result::complete)
        .onFailure(failure -> Future.join(sidecars.stream().map(AppSidecar::close).toList())
            .onComplete(closed -> new Thread(() -> {
              Shutdown.close(vertx);
              launcher.close();
              closeQuietly(broker, db);
              result.fail(failure);
            }, "start-failed").start()));
    return result.future();
  }

  /**
   * A service's environment: pointed at its own sidecar, with its credentials read from the secret
   * store as a deployed service reads them (unless the environment already sets them).
   */
  static Future<Env> envOf(Vertx vertx, Env env, AppSidecar sidecar) {
    Env own = env.with(Map.of("DAPR_HTTP_PORT", String.valueOf(sidecar.httpPort()),
        "DAPR_GRPC_PORT", String.valueOf(sidecar.grpcPort()), "DAPR_API_TOKEN", sidecar.apiToken().orElseThrow(), "APP_API_TOKEN", sidecar.appToken().orElseThrow()));
    return Sidecar.resolveSecrets(vertx, own, SECRET_KEYS);
  }

  /**
   * The Dapr resource directories the sidecars load, as {@code dapr run -f dapr/dapr.yaml} gives them
   * to daprd: {@code DAPR_RESOURCES_PATH} (comma-separated), else {@code dapr/components} and
   * {@code dapr/resiliency} of the checkout {@code make run} runs in, else the copies in this jar.
   */
  static List<Path> resourcesPaths(Env env, Path dataDir) {
    Optional<String> configured = env.optional("DAPR_RESOURCES_PATH");
    if (configured.isPresent()) {
      return java.util.Arrays.stream(configured.get().split(",")).map(String::strip).map(Path::of).toList();
    }
    List<String> names = List.of("components", "resiliency");
    if (Files.isDirectory(Path.of("dapr", "components"))) {
      return names.stream().map(name -> Path.of("dapr", name)).filter(Files::isDirectory).toList();
    }
    var paths = new ArrayList<Path>();
    for (String name : names) {
      Path target = dataDir.resolve("dapr").resolve(name);
      try {
        URI packaged = Main.class.getResource("/dapr/" + name).toURI();
        Files.createDirectories(target);
        if (packaged.getScheme().equals("jar")) {
          try (FileSystem jar = FileSystems.newFileSystem(packaged, Map.of())) {
            copyYaml(jar.getPath("/dapr/" + name), target);
          }
        } else {
          copyYaml(Path.of(packaged), target);
        }
        paths.add(target);
      } catch (IOException | java.net.URISyntaxException | NullPointerException e) {
        throw new IllegalStateException("No Dapr " + name + " files: set DAPR_RESOURCES_PATH or run from the checkout ("
            + e.getMessage() + ")", e);
      }
    }
    return paths;
  }

  /**
   * The sidecars' Configuration (tracing, metrics), as {@code dapr run -f dapr/dapr.yaml} gives it to daprd:
   * {@code DAPR_CONFIG}, else {@code dapr/config.yaml} of the checkout, else the copy in this jar.
   */
  static Path configFile(Env env, Path dataDir) {
    Optional<String> configured = env.optional("DAPR_CONFIG");
    if (configured.isPresent()) {
      return Path.of(configured.get());
    }
    Path checkout = Path.of("dapr", "config.yaml");
    if (Files.isRegularFile(checkout)) {
      return checkout;
    }
    Path copy = dataDir.resolve("dapr").resolve("config.yaml");
    try (var packaged = Main.class.getResourceAsStream("/dapr/config.yaml")) {
      if (packaged == null) {
        throw new IllegalStateException("No dapr/config.yaml: set DAPR_CONFIG or run from the checkout");
      }
      Files.createDirectories(copy.getParent());
      Files.copy(packaged, copy, StandardCopyOption.REPLACE_EXISTING);
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write " + copy + ": " + e.getMessage(), e);
    }
  }

  private static void writeOwnerOnly(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      if (!Files.exists(file)) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write " + file + ": " + e.getMessage(), e);
    }
  }

  private static void copyYaml(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".yaml")).toList()) {
        Files.copy(file, to.resolve(file.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static void closeQuietly(EmbeddedKafka kafka, EmbeddedPostgresServer postgres) {
    if (kafka != null) {
      kafka.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  /** 32 random bytes, URL-safe Base64: a Dapr API or app token. */
  static String randomToken() {
    byte[] token = new byte[32];
    RANDOM.nextBytes(token);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
  }

  /**
   * The token-signing key of the single-process mode when JWT_SECRET is not set: made once, kept
   * beside the data (owner-only) so that sign-ins survive a restart. Deployments read it from the
   * Dapr secret store instead.
   */
  static String localSecret(Path file) {
    try {
      if (Files.exists(file)) {
        return Files.readString(file).strip();
      }
      Files.createDirectories(file.getParent());
      byte[] key = new byte[48];
      new SecureRandom().nextBytes(key);
      String secret = Base64.getEncoder().encodeToString(key);
      // owner-only from the moment it exists
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, secret);
      return secret;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read or create " + file + ": " + e.getMessage(), e);
    }
  }
}
