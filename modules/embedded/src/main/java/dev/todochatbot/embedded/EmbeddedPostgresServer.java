package dev.todochatbot.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (packaged binaries, started as a child process) for the single-process mode
 * and tests. With a data directory, data survives restarts; without one it lives in a temporary
 * directory and disappears on close.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

  /** How long a stop waits for the server to be gone. */
  private static final Duration STOP_DEADLINE = Duration.ofSeconds(60);

  private final EmbeddedPostgres postgres;
  /** The data directory of a {@link Mode#DURABLE} server; {@code null} for a throw-away one. */
  private final Path durableData;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path durableData) {
    this.postgres = postgres;
    this.durableData = durableData;
  }

  /** How the server is used. */
  public enum Mode {
    /**
     * Tests: data thrown away, so commits do not wait for the disk, and the server stops by itself
     * when the JVM exits.
     */
    THROWAWAY,
    /**
     * The single-process mode: an acknowledged write survives a crash, and the owner stops the server
     * with {@link #close()} after its services have drained.
     */
    DURABLE
  }

  /**
   * A PostgreSQL that an earlier run left on {@code dataDirectory} (its JVM was killed, the server lived
   * on) is stopped first, and a pid file that names some other process is removed: neither blocks the
   * start.
   *
   * @param dataDirectory where the cluster lives; kept between runs. {@code null} for a throw-away one.
   * @param port 0 for any free port
   */
  public static EmbeddedPostgresServer start(Path dataDirectory, int port, Mode mode) {
    boolean durable = mode == Mode.DURABLE;
    try {
      var builder = EmbeddedPostgres.builder()
          .setPGStartupWait(Duration.ofSeconds(60))
          .setServerConfig("max_connections", "200")
          .setServerConfig("shared_buffers", "256MB")
          .setServerConfig("work_mem", "8MB")
          .setServerConfig("synchronous_commit", durable ? "on" : "off")
          .setServerConfig("listen_addresses", "localhost")
          .setRegisterShutdownHook(!durable);
      if (port > 0) {
        builder.setPort(port);
      }
      if (dataDirectory != null) {
        Files.createDirectories(dataDirectory);
        Postmaster.clearLeftOver(dataDirectory);
        builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
      }
      EmbeddedPostgres postgres;
      try {
        postgres = builder.start();
      } catch (IllegalStateException e) {
        // another process holds the lock ("could not lock"), or this very process does (overlapping lock)
        if (e instanceof java.nio.channels.OverlappingFileLockException
            || String.valueOf(e.getMessage()).contains("could not lock")) {
          throw new IllegalStateException("Another process is already using the database in " + dataDirectory
              + ": stop it first, or set DATA_DIR to another directory", e);
        }
        throw e;
      }
      log.info("Embedded PostgreSQL listening on localhost:{} (data in {})", postgres.getPort(),
          dataDirectory == null ? "a temporary directory" : dataDirectory.toAbsolutePath());
      return new EmbeddedPostgresServer(postgres,
          durable && dataDirectory != null ? dataDirectory.toAbsolutePath() : null);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start the embedded PostgreSQL: " + e.getMessage(), e);
    }
  }

  public int port() {
    return postgres.getPort();
  }

  /** A {@code postgresql://} URL for the superuser on the given database. */
  public String url(String database) {
    return "postgresql://postgres@localhost:" + port() + "/" + database;
  }

  /** Creates a database (for a test class of its own) and returns its URL. */
  public String createDatabase(String name) {
    if (!name.matches("[a-z][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("database name must be lower-case letters, digits and _: " + name);
    }
    try (var connection = postgres.getPostgresDatabase().getConnection();
        var statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not create database " + name + ": " + e.getMessage(), e);
    }
    return url(name);
  }

  /**
   * Stops the server and returns once it is gone. The library stops it with {@code pg_ctl stop -m fast
   * -t 5} and logs a failure of that (a server already gone, a shutdown longer than 5 s) as an error
   * with a stack trace; for the durable server, this checks first and says what is true in one line.
   */
  @Override
  public void close() {
    if (durableData == null) {
      closeLibrary();
      return;
    }
    long started = System.nanoTime();
    Optional<ProcessHandle> postmaster = Postmaster.of(durableData);
    if (postmaster.isEmpty()) {
      // nothing for pg_ctl to stop; the library's lock on the directory goes with this process
      log.warn("Embedded PostgreSQL on localhost:{} had already stopped (data in {}): it was stopped or killed from outside",
          port(), durableData);
      return;
    }
    checkpoint();
    closeLibrary();
    if (Postmaster.awaitExit(postmaster.get(), STOP_DEADLINE)) {
      log.info("Embedded PostgreSQL on localhost:{} stopped in {} ms", port(), (System.nanoTime() - started) / 1_000_000);
    } else {
      log.warn("Embedded PostgreSQL (pid {}) is still shutting down after {} s: it finishes on its own, and a start "
          + "before then stops it first", postmaster.get().pid(), STOP_DEADLINE.toSeconds());
    }
  }

  /**
   * Writes what is in memory to disk, without pg_ctl's 5 s limit, so that the shutdown checkpoint that
   * follows has next to nothing left to do.
   */
  private void checkpoint() {
    try (var connection = postgres.getPostgresDatabase().getConnection();
        var statement = connection.createStatement()) {
      statement.setQueryTimeout((int) STOP_DEADLINE.toSeconds());
      statement.execute("CHECKPOINT");
    } catch (SQLException e) {
      log.debug("No checkpoint before the stop ({}): the shutdown writes it", e.getMessage());
    }
  }

  private void closeLibrary() {
    try {
      postgres.close();
    } catch (IOException e) {
      log.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
    }
  }
}
