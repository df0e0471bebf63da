package dev.todochatbot.audit;

import static dev.todochatbot.audit.AuditServiceFixture.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.audit.AuditServiceFixture.User;
import dev.todochatbot.audit.SampleEvents.Story;
import dev.todochatbot.platform.DatabaseConfig;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * While the database refuses connections an event is handed back to the sidecar (RETRY), never
 * dropped; delivered again after the database is back, it is stored once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditDatabaseOutageTest {

  private AuditServiceFixture service;

  @BeforeAll
  void start() {
    service = AuditServiceFixture.start("outage");
  }

  @AfterAll
  void stop() {
    service.close();
  }

  @Test
  void anEventArrivingWhileTheDatabaseIsDownIsRetriedThenStoredOnce() throws SQLException {
    User alice = service.newUser();
    var task = new Story(alice.id());
    service.publish(task.created("Pay rent", Instant.parse("2026-12-01T09:00:00Z")));
    JsonObject completed = task.completed(Instant.parse("2026-12-01T10:00:00Z"));
    double retriedBefore = service.counter("audit_events_retried_total", "");

    refuseConnections(true);
    try {
      assertStatus(service.deliver(SampleEvents.envelope(completed)), "RETRY");
      assertStatus(service.deliver(SampleEvents.envelope(completed)), "RETRY");
      assertThat(service.http.get("/readyz", null).status()).isEqualTo(503);
    } finally {
      refuseConnections(false);
    }
    assertThat(service.counter("audit_events_retried_total", "")).isEqualTo(retriedBefore + 2);

    service.publish(completed);

    var history = service.http.get("/api/tasks/" + task.taskId + "/history", alice.token()).items();
    assertThat(history).hasSize(2);
    assertThat(history.getJsonObject(1)).isEqualTo(completed);
  }

  /**
   * Turns the service's database away as an outage would: no new connections, and the open ones
   * ended (waiting until PostgreSQL has ended them, so that no query slips through on one).
   */
  private void refuseConnections(boolean refuse) throws SQLException {
    DatabaseConfig db = service.database;
    try (Connection admin = DriverManager.getConnection(
            "jdbc:postgresql://" + db.host() + ":" + db.port() + "/postgres", db.user(), db.password());
        var statement = admin.createStatement()) {
      statement.execute("ALTER DATABASE " + db.database() + " WITH ALLOW_CONNECTIONS " + !refuse);
      if (!refuse) {
        return;
      }
      String backends = "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + db.database() + "'";
      statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
          + db.database() + "'");
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (true) {
        try (var rows = statement.executeQuery(backends)) {
          rows.next();
          if (rows.getLong(1) == 0) {
            return;
          }
        }
        assertThat(System.nanoTime()).as("backends of %s still open", db.database()).isLessThan(deadline);
        Thread.onSpinWait();
      }
    }
  }
}
