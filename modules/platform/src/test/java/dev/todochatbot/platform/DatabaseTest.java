package dev.todochatbot.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.testing.TestPostgres;
import io.vertx.core.Vertx;
import java.sql.DriverManager;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DatabaseTest {

  /**
   * A service that reads its secrets from the sidecar before it migrates (every service beside real daprd
   * without DATABASE_URL and JWT_SECRET in its environment) came to migrate, now and then, on a Vert.x
   * worker thread with no context class loader; Flyway, looking its database types and the JDBC driver up
   * through that loader, then failed the start with "No JDBC driver found to handle jdbc:postgresql:".
   */
  @Test
  void migratesWhenCalledFromAThreadWithoutAContextClassLoader() throws Exception {
    DatabaseConfig database = TestPostgres.newDatabase("migrate_no_tccl");
    Vertx vertx = Vertx.vertx();
    try {
      var migrated = new CompletableFuture<Void>();
      // the context Vert.x makes for this thread, and so the worker the migration runs on, has its loader: none
      Thread caller = new Thread(() -> Database.migrate(vertx, database, "tccl_probe")
          .onComplete(done -> {
            if (done.succeeded()) {
              migrated.complete(null);
            } else {
              migrated.completeExceptionally(done.cause());
            }
          }), "no-context-class-loader");
      caller.setContextClassLoader(null);
      caller.start();
      migrated.get(60, TimeUnit.SECONDS);

      try (var connection = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
          var rows = connection.createStatement().executeQuery("SELECT count(*) FROM tccl_probe.probe")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getInt(1)).isZero();
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
