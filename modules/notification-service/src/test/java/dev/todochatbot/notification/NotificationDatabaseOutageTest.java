package dev.todochatbot.notification;

import static dev.todochatbot.notification.NotificationServiceFixture.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.notification.NotificationServiceFixture.User;
import dev.todochatbot.notification.ReminderEvents.Story;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.TestHttp.Answer;
import io.vertx.core.json.JsonObject;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * While the database refuses connections an event is handed back to the sidecar (RETRY), never
 * dropped, and a sweep says it could not run; once the database is back, the event delivered again is
 * applied and the next sweep fires the reminder.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotificationDatabaseOutageTest {

  private NotificationServiceFixture service;

  @BeforeAll
  void start() {
    service = NotificationServiceFixture.start("outage");
  }

  @AfterAll
  void stop() {
    service.close();
  }

  @Test
  void anEventArrivingWhileTheDatabaseIsDownIsRetriedThenAppliedAndItsReminderFires() throws SQLException {
    User alice = service.newUser();
    var task = new Story(alice.id());
    JsonObject created = task.created("Pay rent", null, Instant.now().minusSeconds(1));
    double retriedBefore = service.counter("notification_events_retried_total", "");

    refuseConnections(true);
    try {
      assertStatus(service.deliver(ReminderEvents.envelope(created)), "RETRY");
      assertStatus(service.deliver(ReminderEvents.envelope(created)), "RETRY");
      Answer sweep = NotificationServiceFixture.tick(service.http);
      assertThat(sweep.status()).isEqualTo(503);
      assertThat(sweep.contentType()).isEqualTo("application/problem+json");
      assertThat(sweep.json().getString("detail")).doesNotContain("Exception");
      assertThat(service.http.get("/readyz", null).status()).isEqualTo(503);
    } finally {
      refuseConnections(false);
    }
    assertThat(service.counter("notification_events_retried_total", "")).isEqualTo(retriedBefore + 2);

    service.publish(created);
    service.sweep();

    Await.until("the reminder published", Duration.ofSeconds(15),
        () -> service.sidecar.publishedFor(alice.id()).size() == 1);
    service.awaitReminders(alice, "delivered", 1);
  }

  /**
   * Turns the service's database away as an outage would: no new connections, and the open ones
   * ended (waiting until PostgreSQL has ended them, so that no query slips through on one).
   */
  private void refuseConnections(boolean refuse) throws SQLException {
    String database = service.database.database();
    try (var admin = service.adminConnection("postgres"); var statement = admin.createStatement()) {
      statement.execute("ALTER DATABASE " + database + " WITH ALLOW_CONNECTIONS " + !refuse);
      if (!refuse) {
        return;
      }
      String backends = "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + database + "'";
      statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database + "'");
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (true) {
        try (var rows = statement.executeQuery(backends)) {
          rows.next();
          if (rows.getLong(1) == 0) {
            return;
          }
        }
        assertThat(System.nanoTime()).as("backends of %s still open", database).isLessThan(deadline);
        Thread.onSpinWait();
      }
    }
  }
}
