package dev.todochatbot.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.notification.NotificationServiceFixture.User;
import dev.todochatbot.notification.ReminderEvents.Story;
import dev.todochatbot.platform.Drain;
import dev.todochatbot.platform.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A draining notification service fires nothing more and hands back what it had claimed. */
class ReminderDrainTest {

  private NotificationServiceFixture service;

  @BeforeEach
  void start() {
    service = NotificationServiceFixture.start("reminderdrain");
  }

  @AfterEach
  void stop() {
    service.close();
  }

  @Test
  void aClaimedReminderNotYetDueIsHandedBackForAnotherReplicaInsteadOfFiredFromADrainingOne() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    // due in 2 s: within the sweep's lookahead, so it is claimed now and waits on a timer of this replica
    Instant at = now.plusSeconds(2);
    service.publish(task.created("Pay rent", null, at));
    assertThat(service.sweep()).isEqualTo(1);
    assertThat(service.storedStates(task.taskId)).containsExactly("claimed");

    Await.result(Drain.of(service.vertx).start(new Drain.Settings(Duration.ZERO, Duration.ofSeconds(10))));

    assertThat(service.storedStates(task.taskId)).as("pending again, for the next sweep of a replica that stays")
        .containsExactly("pending");
    assertThat(service.sidecar.requestsFor(alice.id())).as("nothing published by the draining replica").isEmpty();
  }

  /**
   * Handing a reminder back while its publication is under way would let another replica publish it
   * again: the drain waits for the broker's answer and the reminder ends delivered, published once.
   */
  @Test
  void aReminderBeingPublishedWhenTheDrainStartsIsFinishedNotHandedBack() {
    User bob = service.newUser();
    var task = new Story(bob.id());
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    service.publish(task.created("Water the plants", null, now.minusSeconds(1)));
    Promise<Void> broker = Promise.promise();
    service.sidecar.holdUntil(broker.future());
    try {
      assertThat(service.sweep()).isEqualTo(1);
      Await.untilPresent(Duration.ofSeconds(10), () -> service.sidecar.requestsFor(bob.id()).stream().findFirst(),
          () -> "the publication never reached the sidecar");

      var drained = Drain.of(service.vertx).start(new Drain.Settings(Duration.ZERO, Duration.ofSeconds(10)));
      assertThat(service.storedStates(task.taskId)).as("still this replica's while the broker has not answered")
          .containsExactly("claimed");
      broker.complete();
      Await.result(drained);
    } finally {
      service.sidecar.holdUntil(Future.succeededFuture());
    }

    assertThat(service.storedStates(task.taskId)).containsExactly("delivered");
    assertThat(service.sidecar.requestsFor(bob.id())).hasSize(1);
  }
}
