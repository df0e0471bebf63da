package dev.todochatbot.chat.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The sentences about tasks, said relative to now in the person's zone. */
class RepliesTest {

  private final Replies replies = new Replies(Instant.parse("2026-11-25T10:00:00Z"), ZoneId.of("Europe/Berlin"));

  private static JsonObject task(String title, String dueAt, boolean allDay) {
    return new JsonObject().put("id", "t").put("title", title).put("status", "open").put("priority", "none")
        .put("tags", new JsonArray()).put("dueAt", dueAt).put("allDay", allDay).put("timeZone", "Europe/Berlin")
        .put("reminders", new JsonArray());
  }

  @Test
  void anAddedTaskIsDescribedWithItsDayTimePriorityAndTags() {
    JsonObject task = task("Call the dentist", "2026-11-26T14:00:00Z", false).put("priority", "high")
        .put("tags", new JsonArray().add("health"));
    assertThat(replies.added(task)).isEqualTo("Added \"Call the dentist\" for tomorrow 15:00, high priority, tagged health.");
  }

  @Test
  void anAddedRecurringTaskWithAReminderSaysBoth() {
    JsonObject task = task("Pay rent", "2026-11-30T23:00:00Z", true)
        .put("recurrence", new JsonObject().put("rule", "FREQ=MONTHLY;BYMONTHDAY=1").put("mode", "fromDue"))
        .put("reminders", new JsonArray().add(new JsonObject().put("before", "P1D").put("time", "09:00")));
    assertThat(replies.added(task)).isEqualTo(
        "Added \"Pay rent\" for Tuesday, repeating every month on the 1st; I'll remind you 1 day before at 09:00.");
  }

  @Test
  void recurrenceRulesReadAsPeopleSayThem() {
    assertThat(Replies.recurrence(new JsonObject().put("rule", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"))).isEqualTo("every other Monday");
    assertThat(Replies.recurrence(new JsonObject().put("rule", "FREQ=MONTHLY;BYDAY=2TU"))).isEqualTo("on the second Tuesday of every month");
    assertThat(Replies.recurrence(new JsonObject().put("rule", "FREQ=MONTHLY;BYDAY=-1FR"))).isEqualTo("on the last Friday of every month");
    assertThat(Replies.recurrence(new JsonObject().put("rule", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"))).isEqualTo("every weekday");
    assertThat(Replies.recurrence(new JsonObject().put("rule", "FREQ=DAILY;INTERVAL=3").put("mode", "fromCompletion")))
        .isEqualTo("every 3 days, counted from when you finish it");
  }

  @Test
  void aListIsNumberedAndAnEmptyOneSaysSo() {
    JsonArray items = new JsonArray().add(task("Call the dentist", "2026-11-26T14:00:00Z", false))
        .add(task("Buy milk", null, false).put("priority", "urgent").put("status", "completed"));
    assertThat(replies.list("Due today", items)).isEqualTo("Due today (2):\n1. Call the dentist — tomorrow 15:00\n2. ✓ Buy milk — urgent");
    assertThat(replies.list("Due today", new JsonArray())).isEqualTo("Nothing due today.");
  }

  @Test
  void daysAreSaidRelativeToToday() {
    LocalDate today = LocalDate.of(2026, 11, 25);
    assertThat(Replies.day(today, today)).isEqualTo("today");
    assertThat(Replies.day(today.plusDays(1), today)).isEqualTo("tomorrow");
    assertThat(Replies.day(today.plusDays(2), today)).isEqualTo("Friday");
    assertThat(Replies.day(today.plusDays(9), today)).isEqualTo("Friday, Dec 4");
    assertThat(Replies.day(LocalDate.of(2026, 12, 24), today)).isEqualTo("Dec 24");
    assertThat(Replies.day(LocalDate.of(2027, 8, 1), today)).isEqualTo("Aug 1, 2027");
  }
}
