package dev.todochatbot.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.notification.NotificationServiceFixture.User;
import dev.todochatbot.notification.RecordingSidecar.Request;
import dev.todochatbot.notification.ReminderEvents.Story;
import dev.todochatbot.platform.testing.Await;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The sweep as the cron binding drives it, against a recording sidecar: what is published, when, how
 * often, and what the projection says afterwards. Each test has a user of its own; a sweep claims
 * whatever is due in the whole table, so tests find their own publications by the user's partition key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReminderSweepTest {

  private NotificationServiceFixture service;

  @BeforeAll
  void start() {
    service = NotificationServiceFixture.start("sweep");
  }

  @AfterAll
  void stop() {
    service.close();
  }

  @Test
  void aDueReminderIsPublishedOnceWithPathMetadataAndBodyThenMarkedDelivered() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    Instant at = now().minusSeconds(1);
    Instant dueAt = at.plus(Duration.ofMinutes(30));
    service.publish(task.created("Pay rent", dueAt, at));
    double deliveredBefore = delivered();

    assertThat(service.sweep()).isPositive();
    Request publish = awaitPublished(alice, 1).get(0);

    UUID reminderId = task.reminderIds.get(0);
    assertThat(publish.method()).isEqualTo("POST");
    assertThat(publish.path()).isEqualTo(RecordingSidecar.PUBLISH_PATH);
    assertThat(publish.headers().get("content-type")).isEqualTo("application/json");
    assertThat(publish.partitionKey()).isEqualTo(alice.id().toString());
    assertThat(publish.cloudEventId()).isEqualTo(reminderId + "@" + at);
    JsonObject body = publish.json();
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("reminderId", "taskId", "userId", "title", "at", "dueAt",
        "firedAt", "missed");
    assertThat(body.getString("reminderId")).isEqualTo(reminderId.toString());
    assertThat(body.getString("taskId")).isEqualTo(task.taskId.toString());
    assertThat(body.getString("userId")).isEqualTo(alice.id().toString());
    assertThat(body.getString("title")).isEqualTo("Pay rent");
    assertThat(Instant.parse(body.getString("at"))).isEqualTo(at);
    assertThat(Instant.parse(body.getString("dueAt"))).isEqualTo(dueAt);
    assertThat(Instant.parse(body.getString("firedAt"))).isAfterOrEqualTo(at).isBeforeOrEqualTo(publish.receivedAt());
    assertThat(body.getBoolean("missed")).isFalse();

    JsonObject stored = service.awaitReminders(alice, "delivered", 1).getJsonObject(0);
    assertThat(stored.getString("reminderId")).isEqualTo(reminderId.toString());
    assertThat(stored.getString("firedAt")).isEqualTo(body.getString("firedAt"));
    service.sweep();
    service.sweep();
    assertThat(service.sidecar.requestsFor(alice.id())).hasSize(1);
    assertThat(delivered()).isEqualTo(deliveredBefore + 1);
    assertThat(service.counter("notification_reminder_lateness_seconds_count", "")).isPositive();
  }

  @Test
  void aReminderDueInTwoSecondsIsPublishedAtItsTimeNotBefore() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    Instant at = now().plusSeconds(2);
    service.publish(task.created("Call the plumber", null, at));

    assertThat(service.sweep()).isPositive();
    assertThat(service.storedStates(task.taskId)).containsExactly("claimed");
    assertThat(service.sidecar.requestsFor(alice.id())).isEmpty();

    Request publish = awaitPublished(alice, 1).get(0);
    assertThat(publish.receivedAt()).isAfterOrEqualTo(at);
    assertThat(Instant.parse(publish.json().getString("firedAt"))).isAfterOrEqualTo(at);
    assertThat(publish.json().getValue("dueAt")).isNull();
    service.awaitReminders(alice, "delivered", 1);
  }

  @Test
  void aReminderNotYetWithinTheLookaheadIsLeftForALaterSweep() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    service.publish(task.created("Book the flight", null, now().plus(NotificationServiceFixture.LOOKAHEAD).plusSeconds(60)));

    service.sweep();

    assertThat(service.storedStates(task.taskId)).containsExactly("pending");
  }

  @Test
  void aReminderMissedWithinTheGraceWindowFiresOnceOnRecovery() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    Instant at = now().minusSeconds(20);
    service.publish(task.created("Water the plants", null, at));

    service.sweep();
    Request publish = awaitPublished(alice, 1).get(0);
    service.awaitReminders(alice, "delivered", 1);
    service.sweep();
    service.sweep();

    assertThat(publish.json().getBoolean("missed")).isFalse();
    assertThat(Instant.parse(publish.json().getString("at"))).isEqualTo(at);
    assertThat(service.sidecar.requestsFor(alice.id())).hasSize(1);
  }

  @Test
  void aReminderSweptAfterTheGraceWindowIsPublishedOnceAsMissedAndListed() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    service.publish(task.created("Renew the passport", null, now().plus(Duration.ofHours(1))));
    // as a downtime longer than the grace window leaves it: still pending, long past
    service.execute("UPDATE notify.reminder SET fire_at = date_trunc('second', now()) - interval '2 minutes' "
        + "WHERE task_id = '" + task.taskId + "'");
    double missedBefore = missed();

    service.sweep();

    JsonObject listed = service.awaitReminders(alice, "missed", 1).getJsonObject(0);
    assertThat(listed.getString("reminderId")).isEqualTo(task.reminderIds.get(0).toString());
    assertThat(listed.getString("title")).isEqualTo("Renew the passport");
    assertThat(listed.getString("state")).isEqualTo("missed");
    assertThat(listed.getString("firedAt")).isNotNull();
    assertThat(service.reminders(alice, "delivered")).isEmpty();
    // published once, as missed, so that open screens can list it without ringing
    JsonObject notice = awaitPublished(alice, 1).get(0).json();
    assertThat(notice.getBoolean("missed")).isTrue();
    assertThat(notice.getString("at")).isEqualTo(listed.getString("at"));
    assertThat(missed()).isEqualTo(missedBefore + 1);
    service.sweep();
    assertThat(service.sidecar.requestsFor(alice.id())).hasSize(1);
  }

  @Test
  void aReminderAlreadyPastTheGraceWindowWhenItsEventArrivesIsRecordedMissedWithoutANotice() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    Instant at = now().minus(NotificationServiceFixture.GRACE).minusSeconds(60);
    double missedBefore = missed();

    service.publish(task.created("File the taxes", null, at));

    JsonObject listed = service.reminders(alice, "missed").getJsonObject(0);
    assertThat(Instant.parse(listed.getString("at"))).isEqualTo(at);
    assertThat(listed.getValue("firedAt")).isNull();
    assertThat(missed()).isEqualTo(missedBefore + 1);
    service.sweep();
    assertThat(service.storedStates(task.taskId)).containsExactly("missed");
    assertThat(service.sidecar.requestsFor(alice.id())).isEmpty();
  }

  @Test
  void aStoppingReplicaHandsItsClaimsBackForAnotherToFire() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    Instant at = now().plusSeconds(2);
    service.publish(task.created("Lock the door", null, at));
    var replica = service.startAnotherReplica();
    NotificationServiceFixture.sweep(replica.http());
    assertThat(service.storedStates(task.taskId)).containsExactly("claimed");

    service.stop(replica);

    assertThat(service.storedStates(task.taskId)).containsExactly("pending");
    service.sweep();
    Request publish = awaitPublished(alice, 1).get(0);
    assertThat(publish.receivedAt()).isAfterOrEqualTo(at);
    service.awaitReminders(alice, "delivered", 1);
    assertThat(service.sidecar.requestsFor(alice.id())).hasSize(1);
  }

  @Test
  void aPublishTheSidecarRefusesLeavesTheReminderPendingAndTheNextSweepDeliversIt() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    service.publish(task.created("Pay the invoice", null, now().minusSeconds(1)));
    double failedBefore = service.counter("notification_reminders_total", "outcome=\"failed\"");
    service.sidecar.answer(alice.id(), 500);

    service.sweep();
    Await.until("the refused reminder back to pending", Duration.ofSeconds(15),
        () -> service.storedStates(task.taskId).equals(List.of("pending")));
    assertThat(service.sidecar.requestsFor(alice.id())).hasSize(1);
    assertThat(service.counter("notification_reminders_total", "outcome=\"failed\"")).isEqualTo(failedBefore + 1);

    service.sidecar.answer(alice.id(), 204);
    service.sweep();

    assertThat(awaitPublished(alice, 1).get(0).cloudEventId())
        .isEqualTo(service.sidecar.requestsFor(alice.id()).get(0).cloudEventId());
    service.awaitReminders(alice, "delivered", 1);
    assertThat(service.sidecar.requestsFor(alice.id())).hasSize(2);
  }

  @Test
  void aSnoozedReminderFiresAgainAtItsNewTime() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    Instant first = now().minusSeconds(1);
    service.publish(task.created("Take the medicine", null, first));
    service.sweep();
    awaitPublished(alice, 1);
    service.awaitReminders(alice, "delivered", 1);

    Instant snoozedTo = now().plusMillis(1500);
    service.publish(task.snoozed(0, snoozedTo));
    assertThat(service.reminders(alice, "pending")).singleElement()
        .satisfies(r -> assertThat(Instant.parse(((JsonObject) r).getString("at"))).isEqualTo(snoozedTo));
    service.sweep();

    List<Request> published = awaitPublished(alice, 2);
    Request again = published.get(1);
    assertThat(again.json().getString("reminderId")).isEqualTo(task.reminderIds.get(0).toString());
    assertThat(Instant.parse(again.json().getString("at"))).isEqualTo(snoozedTo);
    assertThat(again.receivedAt()).isAfterOrEqualTo(snoozedTo);
    assertThat(again.cloudEventId()).isNotEqualTo(published.get(0).cloudEventId());
    service.awaitReminders(alice, "delivered", 2);
  }

  @Test
  void snoozingAReminderBeforeItFiresCancelsItsOldTime() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    service.publish(task.created("Feed the cat", null, now().plus(Duration.ofHours(2))));

    Instant snoozedTo = now().minusSeconds(1);
    service.publish(task.snoozed(0, snoozedTo));
    assertThat(service.storedStates(task.taskId)).containsExactly("pending", "cancelled");
    service.sweep();

    Request publish = awaitPublished(alice, 1).get(0);
    assertThat(Instant.parse(publish.json().getString("at"))).isEqualTo(snoozedTo);
    service.awaitReminders(alice, "delivered", 1);
    assertThat(service.reminders(alice, "cancelled")).hasSize(1);
  }

  @Test
  void completingTheTaskCancelsItsReminderEvenAfterASweepClaimedIt() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    var later = new Story(alice.id());
    Instant at = now().plusMillis(1500);
    service.publish(task.created("Submit the report", null, at));
    // fires after the cancelled one would have: once it is published, the other one never will be
    service.publish(later.created("Stretch", null, at.plusMillis(300)));
    service.sweep();
    assertThat(service.storedStates(task.taskId)).containsExactly("claimed");

    service.publish(task.completed());

    assertThat(service.storedStates(task.taskId)).containsExactly("cancelled");
    Request published = awaitPublished(alice, 1).get(0);
    assertThat(published.json().getString("taskId")).isEqualTo(later.taskId.toString());
    assertThat(service.reminders(alice, "cancelled")).singleElement()
        .satisfies(r -> assertThat(((JsonObject) r).getString("taskId")).isEqualTo(task.taskId.toString()));
  }

  @Test
  void deletingTheTaskCancelsItsReminders() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    service.publish(task.created("Plan the trip", null, now().plus(Duration.ofHours(1)), now().plus(Duration.ofHours(2))));

    service.publish(task.deleted());

    assertThat(service.storedStates(task.taskId)).containsExactly("cancelled", "cancelled");
    assertThat(service.reminders(alice, "pending")).isEmpty();
  }

  @Test
  void reopeningTheTaskArmsItsFutureReminderAgain() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    Instant at = now().plusSeconds(2);
    service.publish(task.created("Buy a present", null, at));
    service.publish(task.completed());
    assertThat(service.reminders(alice, "cancelled")).hasSize(1);

    service.publish(task.reopened());
    assertThat(service.reminders(alice, "pending")).hasSize(1);
    service.sweep();

    Request publish = awaitPublished(alice, 1).get(0);
    assertThat(publish.receivedAt()).isAfterOrEqualTo(at);
    service.awaitReminders(alice, "delivered", 1);
  }

  @Test
  void aDeliveredReminderIsNotArmedAgainByLaterEvents() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    service.publish(task.created("Send the card", null, now().minusSeconds(1)));
    service.sweep();
    awaitPublished(alice, 1);
    service.awaitReminders(alice, "delivered", 1);

    service.publish(task.renamed("Send the birthday card"));
    service.publish(task.completed());
    service.publish(task.reopened());
    service.sweep();

    assertThat(service.storedStates(task.taskId)).containsExactly("delivered");
    assertThat(service.reminders(alice, "pending")).isEmpty();
    assertThat(service.sidecar.requestsFor(alice.id())).hasSize(1);
  }

  @Test
  void aReminderClaimedByAReplicaThatDiedIsTakenOverAfterTheClaimTimeout() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    var held = new Story(alice.id());
    service.publish(task.created("Return the books", null, now().minusSeconds(20)));
    service.publish(held.created("Pick up the parcel", null, now().minusSeconds(1)));
    // one claim older than the timeout after its instant, one a live replica is about to fire
    service.execute("UPDATE notify.reminder SET state = 'claimed', claimed_by = 'dead-replica', "
        + "claim_id = gen_random_uuid(), claimed_at = now() - interval '20 seconds' WHERE task_id = '" + task.taskId + "'");
    service.execute("UPDATE notify.reminder SET state = 'claimed', claimed_by = 'live-replica', "
        + "claim_id = gen_random_uuid(), claimed_at = now() WHERE task_id = '" + held.taskId + "'");

    service.sweep();

    Request publish = awaitPublished(alice, 1).get(0);
    assertThat(publish.json().getString("taskId")).isEqualTo(task.taskId.toString());
    assertThat(publish.json().getBoolean("missed")).isFalse();
    Await.until("the taken-over reminder delivered", Duration.ofSeconds(15),
        () -> service.storedStates(task.taskId).equals(List.of("delivered")));
    assertThat(service.storedStates(held.taskId)).containsExactly("claimed");
  }

  @Test
  void aSweepWithNothingDueAnswersAtOnce() {
    var answer = NotificationServiceFixture.tick(service.http);

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.contentType()).isEqualTo("application/json");
    assertThat(answer.json().getInteger("claimed")).isNotNegative();
  }

  private List<Request> awaitPublished(User user, int count) {
    Await.until(count + " reminders of " + user.id() + " published", Duration.ofSeconds(15),
        () -> service.sidecar.publishedFor(user.id()).size() >= count);
    return service.sidecar.publishedFor(user.id());
  }

  private double delivered() {
    return service.counter("notification_reminders_total", "outcome=\"delivered\"");
  }

  private double missed() {
    return service.counter("notification_reminders_total", "outcome=\"missed\"");
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }
}
