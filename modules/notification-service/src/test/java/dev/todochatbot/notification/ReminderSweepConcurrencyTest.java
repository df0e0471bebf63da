package dev.todochatbot.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.notification.NotificationServiceFixture.User;
import dev.todochatbot.notification.RecordingSidecar.Request;
import dev.todochatbot.notification.ReminderEvents.Story;
import dev.todochatbot.platform.testing.TestHttp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The cron binding fires in every replica: two replicas on one database, swept over and over at the
 * same time while reminders come due one after another, publish each reminder exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReminderSweepConcurrencyTest {

  private static final int TASKS = 8;
  private static final int REMINDERS_PER_TASK = 10;
  private static final int SWEEPING_THREADS = 4;

  private NotificationServiceFixture service;
  private TestHttp otherReplica;

  @BeforeAll
  void start() {
    service = NotificationServiceFixture.start("concurrency");
    otherReplica = service.startAnotherReplica().http();
  }

  @AfterAll
  void stop() {
    service.close();
  }

  @Test
  void twoReplicasSweepingConcurrentlyPublishEachReminderExactlyOnce() throws Exception {
    User alice = service.newUser();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    int count = TASKS * REMINDERS_PER_TASK;
    // from a second overdue to a few seconds ahead, beyond one sweep's lookahead: the sweeps share them out
    for (int t = 0; t < TASKS; t++) {
      var at = new Instant[REMINDERS_PER_TASK];
      for (int r = 0; r < REMINDERS_PER_TASK; r++) {
        at[r] = now.plusMillis(-1_000 + 75L * (r * TASKS + t));
      }
      service.publish(new Story(alice.id()).created("Task " + t, null, at));
    }
    Instant last = now.plusMillis(-1_000 + 75L * (count - 1));

    var claimed = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(SWEEPING_THREADS);
    try {
      var sweepers = new ArrayList<Future<?>>();
      for (int thread = 0; thread < SWEEPING_THREADS; thread++) {
        TestHttp replica = thread % 2 == 0 ? service.http : otherReplica;
        // back to back, until the last reminder is within the lookahead of a sweep that started after it
        sweepers.add(threads.submit(() -> {
          while (Instant.now().isBefore(last.minus(NotificationServiceFixture.LOOKAHEAD).plusMillis(500))) {
            claimed.addAndGet(NotificationServiceFixture.sweep(replica));
          }
          claimed.addAndGet(NotificationServiceFixture.sweep(replica));
        }));
      }
      for (Future<?> sweeper : sweepers) {
        sweeper.get();
      }
    } finally {
      threads.shutdown();
    }

    service.awaitReminders(alice, "delivered", count);
    List<Request> published = service.sidecar.publishedFor(alice.id());
    assertThat(published).hasSize(count);
    assertThat(published.stream().map(Request::cloudEventId).distinct()).hasSize(count);
    assertThat(published).allSatisfy(p ->
        assertThat(p.receivedAt()).isAfterOrEqualTo(Instant.parse(p.json().getString("at"))));
    assertThat(claimed.get()).isEqualTo(count);
    // both replicas took their share
    assertThat(service.column("SELECT DISTINCT claimed_by FROM notify.reminder WHERE user_id = '" + alice.id() + "'"))
        .hasSize(2);
  }
}
