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
import dev.todochatbot.devsidecar.AppDirectory;
import dev.todochatbot.devsidecar.DevSidecar;
import dev.todochatbot.devsidecar.DevSidecarConfig;
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
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
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
  public record Running(Vertx vertx, EmbeddedPostgresServer postgres, EmbeddedKafka kafka, List<DevSidecar> sidecars,
      Map<String, String> deployments, int port, int taskServicePort, int auditServicePort,
      Map<String, Integer> appPorts) implements AutoCloseable {

    /** The sidecar of one app id. */
    public DevSidecar sidecar(String appId) {
      return sidecars.stream().filter(s -> s.appId().equals(appId)).findFirst().orElseThrow();
    }

    /** Stops the sidecars (their Kafka clients first), the services once drained, then the broker and PostgreSQL. */
    @Override
    public void close() {
      try {
        Future.join(sidecars.stream().map(DevSidecar::close).toList())
            .toCompletionStage().toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("The sidecars did not stop cleanly: {}", e.toString());
      }
      Shutdown.close(vertx);
      if (kafka != null) {
        kafka.close();
      }
      if (postgres != null) {
        postgres.close();
      }
    }
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
    log.info("todo-chatbot is ready at http://localhost:{} (task service on port {}, audit service on port {}) after {} ms",
        running.port(), running.taskServicePort(), running.auditServicePort(), (System.nanoTime() - started) / 1_000_000);
  }

  public static Future<Running> start(Env systemEnv) {
    Path dataDir = Path.of(systemEnv.get("DATA_DIR", ".data"));
    EmbeddedPostgresServer postgres = null;
    EmbeddedKafka kafka = null;
    Env env;
    List<Path> resources;
    Path secretsFile = dataDir.resolve("secrets.json");
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
          filled.put(name, String.valueOf(freePort()));
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
    Map<String, String> overrides = Map.of("secretstore.secretsFile", secretsFile.toAbsolutePath().toString());
    Vertx vertx = Observability.newVertx();
    var apps = new AppDirectory();
    var sidecars = new ArrayList<DevSidecar>();
    EmbeddedPostgresServer db = postgres;
    EmbeddedKafka broker = kafka;

    Future<DevSidecar> edgeSidecar = sidecar(vertx, env, apps, sidecars, EDGE, edgeEventsPort, resources, brokers,
        overrides);
    Future<DevSidecar> taskSidecar = edgeSidecar.compose(
        v -> sidecar(vertx, env, apps, sidecars, TASK_SERVICE, taskPort, resources, brokers, overrides));
    Future<DevSidecar> auditSidecar = taskSidecar.compose(
        v -> sidecar(vertx, env, apps, sidecars, AUDIT_SERVICE, auditPort, resources, brokers, overrides));
    Future<DevSidecar> recurrenceSidecar = auditSidecar.compose(
        v -> sidecar(vertx, env, apps, sidecars, RECURRENCE_SERVICE, recurrencePort, resources, brokers, overrides));
    Future<DevSidecar> notificationSidecar = recurrenceSidecar.compose(v -> sidecar(vertx, env, apps, sidecars,
        NOTIFICATION_SERVICE, notificationPort, resources, brokers, overrides));
    Future<DevSidecar> chatSidecar = notificationSidecar.compose(
        v -> sidecar(vertx, env, apps, sidecars, CHAT_SERVICE, chatPort, resources, brokers, overrides));
    var deployments = new java.util.LinkedHashMap<String, String>();
    // completed off the event loops: on failure Vert.x is closed, and cannot run callbacks any more
    Promise<Running> result = Promise.promise();
    chatSidecar
        .compose(v -> envOf(vertx, env, taskSidecar.result()))
        .compose(taskEnv -> TaskService.deploy(vertx, TaskServiceConfig.fromEnv(taskEnv)))
        .compose(id -> {
          deployments.put(TASK_SERVICE, id);
          return envOf(vertx, env, auditSidecar.result());
        })
        .compose(auditEnv -> AuditService.deploy(vertx, AuditServiceConfig.fromEnv(auditEnv)))
        .compose(id -> {
          deployments.put(AUDIT_SERVICE, id);
          return envOf(vertx, env, recurrenceSidecar.result());
        })
        .compose(recurrenceEnv -> RecurrenceService.deploy(vertx, RecurrenceServiceConfig.fromEnv(recurrenceEnv)))
        .compose(id -> {
          deployments.put(RECURRENCE_SERVICE, id);
          return envOf(vertx, env, notificationSidecar.result());
        })
        .compose(notificationEnv -> NotificationService.deploy(vertx, NotificationServiceConfig.fromEnv(notificationEnv)))
        .compose(id -> {
          deployments.put(NOTIFICATION_SERVICE, id);
          return envOf(vertx, env, chatSidecar.result());
        })
        // the agent: a model when OPENAI_API_KEY is set in the environment, else the built-in engine
        .compose(chatEnv -> ChatService.deploy(vertx, ChatServiceConfig.fromEnv(chatEnv), Agents.fromEnv(vertx, chatEnv)))
        .compose(id -> {
          deployments.put(CHAT_SERVICE, id);
          return envOf(vertx, env, edgeSidecar.result());
        })
        .compose(edgeEnv -> Edge.deploy(vertx, EdgeConfig.fromEnv(edgeEnv)))
        .compose(id -> {
          deployments.put(EDGE, id);
          // ready means events flow: the audit, recurrence and edge subscriptions are in place
          return Future.all(List.of(auditSidecar.result().subscribed(), recurrenceSidecar.result().subscribed(),
              notificationSidecar.result().subscribed(), edgeSidecar.result().subscribed()))
              .timeout(60, java.util.concurrent.TimeUnit.SECONDS);
        })
        .map(v -> new Running(vertx, db, broker, List.copyOf(sidecars), Map.copyOf(deployments), edgePort, taskPort,
            auditPort, Map.of(EDGE, edgeEventsPort, TASK_SERVICE, taskPort, AUDIT_SERVICE, auditPort,
                RECURRENCE_SERVICE, recurrencePort, NOTIFICATION_SERVICE, notificationPort, CHAT_SERVICE, chatPort)))
        .onSuccess(result::complete)
        .onFailure(failure -> Future.join(sidecars.stream().map(DevSidecar::close).toList())
            .onComplete(closed -> new Thread(() -> {
              Shutdown.close(vertx);
              closeQuietly(broker, db);
              result.fail(failure);
            }, "start-failed").start()));
    return result.future();
  }

  /**
   * A service's environment: pointed at its own sidecar, with its credentials read from the secret
   * store as a deployed service reads them (unless the environment already sets them).
   */
  static Future<Env> envOf(Vertx vertx, Env env, DevSidecar sidecar) {
    Env own = env.with(Map.of("DAPR_HTTP_PORT", String.valueOf(sidecar.httpPort()),
        "DAPR_API_TOKEN", sidecar.apiToken().orElseThrow(), "APP_API_TOKEN", sidecar.appToken().orElseThrow()));
    return Sidecar.resolveSecrets(vertx, own, SECRET_KEYS);
  }

  /**
   * One app's devsidecar, with the two tokens daprd would be given, made anew for each start and each app
   * and never written anywhere: the one the app must show the sidecar's API, and the one the sidecar
   * shows the app's routes that only it may call.
   */
  private static Future<DevSidecar> sidecar(Vertx vertx, Env env, AppDirectory apps, List<DevSidecar> started,
      String appId, int appPort, List<Path> resources, Optional<String> brokers, Map<String, String> overrides) {
    var config = DevSidecarConfig.of(appId, 0, appPort, resources, brokers, overrides)
        .withTokens(Optional.of(randomToken()), Optional.of(randomToken()));
    return DevSidecar.start(vertx, config, apps, name -> env.optional(name).orElse(null))
        .onSuccess(started::add);
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

  /** Ports handed out by {@link #freePort} in this JVM, so one start never gets the same port twice. */
  private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * A port nothing listens on, for an app that binds it a few seconds later (its sidecar must know it
   * first, as daprd's --app-port). Taken below the kernel's ephemeral range: a port from that range
   * (what binding port 0 gives) can meanwhile become the local end of one of the many outgoing
   * connections start-up makes (Kafka, PostgreSQL), and the app then fails to bind it.
   */
  private static int freePort() {
    int below = ephemeralLow();
    var random = java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 200 && below > 10_000; attempt++) {
      int port = random.nextInt(10_000, below);
      if (HANDED_OUT.contains(port)) {
        continue;
      }
      try (var socket = new ServerSocket()) {
        socket.setReuseAddress(false);
        socket.bind(new java.net.InetSocketAddress(port));
        HANDED_OUT.add(port);
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lowest port the kernel gives outgoing connections (Linux), else IANA's 49152. */
  private static int ephemeralLow() {
    try {
      String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).strip();
      return Integer.parseInt(range.split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 49_152;
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
