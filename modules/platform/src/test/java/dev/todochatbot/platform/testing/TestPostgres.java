package dev.todochatbot.platform.testing;

import dev.todochatbot.embedded.EmbeddedPostgresServer;
import dev.todochatbot.platform.DatabaseConfig;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The PostgreSQL that tests run against: an embedded server started once per JVM, or the server
 * named by {@code TEST_DATABASE_URL} (a superuser URL, e.g. postgresql://postgres:pw@localhost:5432/postgres).
 * Each caller gets a fresh database of its own, so test classes never see each other's rows.
 */
public final class TestPostgres {

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static volatile DatabaseConfig admin;

  private TestPostgres() {}

  /** A new, empty database; its name starts with {@code prefix}. */
  public static DatabaseConfig newDatabase(String prefix) {
    DatabaseConfig server = admin();
    String name = (prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_") + "_" + ProcessHandle.current().pid()
        + "_" + DATABASES.incrementAndGet());
    try (var connection = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
        var statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("Could not create test database " + name + ": " + e.getMessage(), e);
    }
    return new DatabaseConfig(server.host(), server.port(), name, server.user(), server.password(), server.sslMode());
  }

  private static DatabaseConfig admin() {
    if (admin == null) {
      synchronized (TestPostgres.class) {
        if (admin == null) {
          String external = System.getenv("TEST_DATABASE_URL");
          if (external != null && !external.isBlank()) {
            admin = DatabaseConfig.fromUrl(external);
          } else {
            EmbeddedPostgresServer server = EmbeddedPostgresServer.start(null, 0, EmbeddedPostgresServer.Mode.THROWAWAY);
            admin = DatabaseConfig.fromUrl(server.url("postgres"));
          }
        }
      }
    }
    return admin;
  }
}
