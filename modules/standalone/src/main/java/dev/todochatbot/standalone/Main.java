package dev.todochatbot.standalone;

import dev.todochatbot.edge.Edge;
import dev.todochatbot.edge.EdgeConfig;
import dev.todochatbot.embedded.EmbeddedPostgresServer;
import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.Observability;
import dev.todochatbot.platform.Shutdown;
import dev.todochatbot.tasks.TaskService;
import dev.todochatbot.tasks.TaskServiceConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code make run}: the whole system in one JVM. Without {@code DATABASE_URL} it starts an embedded
 * PostgreSQL whose data lives under {@code DATA_DIR} (.data), so tasks survive a restart. Then the
 * task service and the edge, and it prints where to point a browser.
 */
public final class Main {

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  /** What is running, so that tests and the benchmark can start and stop the same thing. */
  public record Running(Vertx vertx, EmbeddedPostgresServer postgres, int port, int taskServicePort)
      implements AutoCloseable {
    /** Stops the services, then PostgreSQL once they have drained. */
    @Override
    public void close() {
      Shutdown.close(vertx);
      if (postgres != null) {
        postgres.close();
      }
    }
  }

  public static void main(String[] args) {
    long started = System.nanoTime();
    Running running;
    try {
      running = start(Env.system()).toCompletionStage().toCompletableFuture().join();
    } catch (RuntimeException e) {
      Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
      log.error("todo-chatbot could not start: {}", cause.getMessage());
      log.debug("Start-up failure", cause);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("Stopping");
      running.close();
    }, "shutdown"));
    log.info("todo-chatbot is ready at http://localhost:{} (task service on port {}) after {} ms",
        running.port(), running.taskServicePort(), (System.nanoTime() - started) / 1_000_000);
  }

  public static Future<Running> start(Env systemEnv) {
    Path dataDir = Path.of(systemEnv.get("DATA_DIR", ".data"));
    EmbeddedPostgresServer postgres = null;
    TaskServiceConfig tasks;
    EdgeConfig edge;
    try {
      Map<String, String> filled = new HashMap<>();
      if (systemEnv.optional("DATABASE_URL").isEmpty()) {
        postgres = EmbeddedPostgresServer.start(dataDir.resolve("postgres"), systemEnv.getInt("EMBEDDED_PG_PORT", 0),
            EmbeddedPostgresServer.Mode.DURABLE);
        filled.put("DATABASE_URL", postgres.url("postgres"));
      }
      if (systemEnv.optional("JWT_SECRET").isEmpty()) {
        filled.put("JWT_SECRET", localSecret(dataDir.resolve("jwt-secret")));
      }
      Env env = systemEnv.with(filled);
      tasks = TaskServiceConfig.fromEnv(env);
      edge = EdgeConfig.fromEnv(env);
    } catch (RuntimeException e) {
      if (postgres != null) {
        postgres.close();
      }
      return Future.failedFuture(e);
    }

    Vertx vertx = Observability.newVertx();
    EmbeddedPostgresServer db = postgres;
    return TaskService.deploy(vertx, tasks)
        .compose(id -> Edge.deploy(vertx, edge))
        .map(id -> new Running(vertx, db, edge.port(), tasks.port()))
        .recover(failure -> vertx.close().transform(closed -> {
          if (db != null) {
            db.close();
          }
          return Future.<Running>failedFuture(failure);
        }));
  }

  /**
   * The token-signing key of the single-process mode when JWT_SECRET is not set: made once, kept
   * beside the data (owner-only) so that sign-ins survive a restart. Deployments set JWT_SECRET
   * from their secret store instead.
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
