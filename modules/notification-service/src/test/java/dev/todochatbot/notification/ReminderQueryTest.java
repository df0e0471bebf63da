package dev.todochatbot.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.notification.NotificationServiceFixture.User;
import dev.todochatbot.notification.ReminderEvents.Story;
import dev.todochatbot.platform.testing.TestHttp.Answer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code GET /api/reminders}: the signed-in person's reminders only, oldest first, by state. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReminderQueryTest {

  private static final Instant TOMORROW = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.MICROS);

  private NotificationServiceFixture service;

  @BeforeAll
  void start() {
    service = NotificationServiceFixture.start("query");
  }

  @AfterAll
  void stop() {
    service.close();
  }

  @Test
  void aPersonSeesOnlyTheirOwnRemindersOldestFirst() {
    User alice = service.newUser();
    User bob = service.newUser();
    var rent = new Story(alice.id());
    var plants = new Story(alice.id());
    service.publish(rent.created("Pay rent", null, TOMORROW.plusSeconds(300), TOMORROW.plusSeconds(100)));
    service.publish(plants.created("Water the plants", null, TOMORROW.plusSeconds(200)));
    service.publish(new Story(bob.id()).created("Bob's task", null, TOMORROW));

    JsonArray items = service.reminders(alice, "pending");

    assertThat(items.stream().map(i -> ((JsonObject) i).getString("at")).map(Instant::parse))
        .containsExactly(TOMORROW.plusSeconds(100), TOMORROW.plusSeconds(200), TOMORROW.plusSeconds(300));
    assertThat(items.stream().map(i -> ((JsonObject) i).getString("title")))
        .containsExactly("Pay rent", "Water the plants", "Pay rent");
    assertThat(service.reminders(bob, "pending")).hasSize(1);
    assertThat(service.reminders(alice, "missed")).isEmpty();
  }

  @Test
  void withoutAStateEveryStateIsListedAndLimitCutsThePage() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    service.publish(task.created("Pay rent", null, TOMORROW, TOMORROW.plusSeconds(60), TOMORROW.plusSeconds(120)));
    service.publish(task.snoozed(0, TOMORROW.plusSeconds(180)));

    Answer all = service.http.get("/api/reminders", alice.token());
    Answer two = service.http.get("/api/reminders?limit=2", alice.token());

    assertThat(all.items().stream().map(i -> ((JsonObject) i).getString("state")))
        .containsExactly("cancelled", "pending", "pending", "pending");
    assertThat(two.items()).hasSize(2);
  }

  @Test
  void withoutATokenTheAnswerIs401() {
    Answer answer = service.http.get("/api/reminders?state=missed", null);

    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.contentType()).isEqualTo("application/problem+json");
  }

  @ParameterizedTest
  @ValueSource(strings = {"state=late", "limit=0", "limit=201", "limit=ten", "sate=missed", "state=missed&state=pending"})
  void aQueryItCannotReadIsA400NamingTheParameter(String query) {
    User alice = service.newUser();

    Answer answer = service.http.get("/api/reminders?" + query, alice.token());

    assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
    assertThat(answer.contentType()).isEqualTo("application/problem+json");
    assertThat(answer.json().getJsonArray("errors").getJsonObject(0).getString("field"))
        .isEqualTo(query.substring(0, query.indexOf('=')));
  }
}
