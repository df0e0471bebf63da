package dev.todochatbot.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (packaged binaries, started as a child process) for the single-process mode
 * and tests. With a data directory, data survives restarts; without one it lives in a temporary
 * directory and disappears on close.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
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
      return new EmbeddedPostgresServer(postgres);
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

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      log.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
    }
  }
}
