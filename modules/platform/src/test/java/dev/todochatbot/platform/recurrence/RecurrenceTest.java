package dev.todochatbot.platform.recurrence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.todochatbot.platform.FieldErrors;
import dev.todochatbot.platform.ProblemException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Next occurrences on the task's wall clock, and rules refused with a reason. */
class RecurrenceTest {

  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final ZoneId SYDNEY = ZoneId.of("Australia/Sydney");
  private static final ZoneId UTC = ZoneId.of("UTC");

  private static Recurrence rule(String rule) {
    return rule(rule, "fromDue");
  }

  private static Recurrence rule(String rule, String mode) {
    var errors = new FieldErrors();
    Recurrence parsed = Recurrence.fromJson(new JsonObject().put("rule", rule).put("mode", mode), "recurrence", errors);
    errors.throwIfInvalidBody();
    return parsed;
  }

  private static Instant at(String localDateTime, ZoneId zone) {
    return LocalDateTime.parse(localDateTime).atZone(zone).toInstant();
  }

  /** The local due times of the occurrences after the first, following each from the one before. */
  private static List<String> series(Recurrence recurrence, String first, ZoneId zone, int howMany) {
    var local = new ArrayList<String>();
    Instant due = at(first, zone);
    for (int n = 1; n <= howMany; n++) {
      Optional<Instant> next = recurrence.next(due, zone, n, due);
      if (next.isEmpty()) {
        break;
      }
      due = next.get();
      local.add(ZonedDateTime.ofInstant(due, zone).toLocalDateTime().toString());
    }
    return local;
  }

  @Test
  void aWeeklyTaskStaysAtNineAcrossDaylightSavingChanges() {
    // New York springs forward on 8 March 2026 and falls back on 1 November 2026
    assertThat(series(rule("FREQ=WEEKLY;BYDAY=MO"), "2026-03-02T09:00", NEW_YORK, 2))
        .containsExactly("2026-03-09T09:00", "2026-03-16T09:00");
    assertThat(series(rule("FREQ=WEEKLY;BYDAY=MO"), "2026-10-26T09:00", NEW_YORK, 2))
        .containsExactly("2026-11-02T09:00", "2026-11-09T09:00");
    // the instants differ by 167 and 169 hours: wall-clock time, not a fixed period
    Instant before = at("2026-03-02T09:00", NEW_YORK);
    assertThat(rule("FREQ=WEEKLY").next(before, NEW_YORK, 1, before)).contains(Instant.parse("2026-03-09T13:00:00Z"));
    // London (29 March) and Sydney (5 April, clocks go back; 4 October, forward)
    assertThat(series(rule("FREQ=DAILY"), "2026-03-28T09:00", LONDON, 2))
        .containsExactly("2026-03-29T09:00", "2026-03-30T09:00");
    assertThat(series(rule("FREQ=DAILY"), "2026-04-04T09:00", SYDNEY, 2))
        .containsExactly("2026-04-05T09:00", "2026-04-06T09:00");
    assertThat(series(rule("FREQ=DAILY"), "2026-10-03T09:00", SYDNEY, 2))
        .containsExactly("2026-10-04T09:00", "2026-10-05T09:00");
  }

  @Test
  void monthDaysThatShortMonthsLack() {
    // the 31st: months without one are skipped, as RFC 5545 says
    assertThat(series(rule("FREQ=MONTHLY"), "2026-01-31T10:00", UTC, 3))
        .containsExactly("2026-03-31T10:00", "2026-05-31T10:00", "2026-07-31T10:00");
    // the last day of every month
    assertThat(series(rule("FREQ=MONTHLY;BYMONTHDAY=-1"), "2026-01-31T10:00", UTC, 4))
        .containsExactly("2026-02-28T10:00", "2026-03-31T10:00", "2026-04-30T10:00", "2026-05-31T10:00");
    // 29 February comes every four years
    assertThat(series(rule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"), "2024-02-29T08:00", UTC, 2))
        .containsExactly("2028-02-29T08:00", "2032-02-29T08:00");
  }

  @Test
  void numberedWeekdays() {
    // the second Monday of each month
    assertThat(series(rule("FREQ=MONTHLY;BYDAY=2MO"), "2026-01-12T09:00", UTC, 3))
        .containsExactly("2026-02-09T09:00", "2026-03-09T09:00", "2026-04-13T09:00");
    // the last Friday of each month
    assertThat(series(rule("FREQ=MONTHLY;BYDAY=-1FR"), "2026-01-30T17:00", UTC, 2))
        .containsExactly("2026-02-27T17:00", "2026-03-27T17:00");
    // every second Monday, counting weeks
    assertThat(series(rule("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"), "2026-01-05T09:00", UTC, 2))
        .containsExactly("2026-01-19T09:00", "2026-02-02T09:00");
    // weekdays: Friday is followed by Monday
    assertThat(series(rule("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"), "2026-01-08T09:00", UTC, 3))
        .containsExactly("2026-01-09T09:00", "2026-01-12T09:00", "2026-01-13T09:00");
  }

  @Test
  void countAndUntilEndTheSeries() {
    // COUNT=3: the first occurrence and two more
    assertThat(series(rule("FREQ=DAILY;COUNT=3"), "2026-05-01T09:00", UTC, 10))
        .containsExactly("2026-05-02T09:00", "2026-05-03T09:00");
    assertThat(series(rule("FREQ=DAILY;UNTIL=20260503T235959Z"), "2026-05-01T09:00", UTC, 10))
        .containsExactly("2026-05-02T09:00", "2026-05-03T09:00");
    assertThat(rule("FREQ=DAILY;COUNT=3").count()).contains(3);
  }

  @Test
  void fromCompletionCountsFromTheDayItIsDoneAtTheSameTimeOfDay() {
    Recurrence everyThreeDays = rule("FREQ=DAILY;INTERVAL=3", "fromCompletion");
    Instant due = at("2026-06-01T09:00", UTC);
    // done two days late, in the evening: three days after that day, at 09:00
    Instant done = at("2026-06-03T20:15", UTC);
    assertThat(everyThreeDays.next(due, UTC, 1, done)).contains(at("2026-06-06T09:00", UTC));
    // the same rule from the due date ignores when it was done
    assertThat(rule("FREQ=DAILY;INTERVAL=3").next(due, UTC, 1, done)).contains(at("2026-06-04T09:00", UTC));
  }

  @Test
  void theSimpleFormMapsToARule() {
    var errors = new FieldErrors();
    Recurrence simple = Recurrence.fromJson(new JsonObject("{\"frequency\":\"weekly\",\"interval\":2,"
        + "\"byDay\":[\"mo\"],\"mode\":\"fromCompletion\"}"), "recurrence", errors);
    assertThat(simple).isEqualTo(new Recurrence("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", Recurrence.Mode.FROM_COMPLETION));
    assertThat(Recurrence.fromJson(new JsonObject("{\"frequency\":\"weekdays\"}"), "recurrence", errors).rule())
        .isEqualTo("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR");
    assertThat(Recurrence.fromJson(new JsonObject("{\"frequency\":\"monthly\",\"byMonthDay\":[-1],"
        + "\"until\":\"2027-06-30\"}"), "recurrence", errors).rule())
        .isEqualTo("FREQ=MONTHLY;BYMONTHDAY=-1;UNTIL=20270630T235959Z");
    assertThat(Recurrence.fromJson(new JsonObject("{\"rule\":\"RRULE:freq=daily\"}"), "recurrence", errors))
        .isEqualTo(new Recurrence("FREQ=DAILY", Recurrence.Mode.FROM_DUE));
    errors.throwIfInvalidBody();
  }

  @Test
  void invalidRulesAreRefusedNamingWhatIsWrong() {
    assertRefused("{\"rule\":\"BYDAY=MO\"}", "recurrence.rule", "needs FREQ");
    assertRefused("{\"rule\":\"FREQ=HOURLY\"}", "recurrence.rule", "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY");
    assertRefused("{\"rule\":\"FREQ=WEEKLY;BYDAY=2MO\"}", "recurrence.rule", "needs FREQ=MONTHLY or FREQ=YEARLY");
    assertRefused("{\"rule\":\"FREQ=MONTHLY;BYDAY=XX\"}", "recurrence.rule", "BYDAY holds days");
    assertRefused("{\"rule\":\"FREQ=MONTHLY;BYMONTHDAY=32\"}", "recurrence.rule", "BYMONTHDAY holds days 1 to 31");
    assertRefused("{\"rule\":\"FREQ=DAILY;COUNT=2;UNTIL=20270101T000000Z\"}", "recurrence.rule",
        "COUNT and UNTIL cannot both be given");
    assertRefused("{\"rule\":\"FREQ=DAILY;BYHOUR=9\"}", "recurrence.rule", "BYHOUR is not supported");
    assertRefused("{\"rule\":\"FREQ=DAILY;INTERVAL=0\"}", "recurrence.rule", "INTERVAL must be a whole number");
    assertRefused("{\"rule\":\"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\"}", "recurrence.rule", "never occurs");
    assertRefused("{\"rule\":\"FREQ=DAILY\",\"mode\":\"sometimes\"}", "recurrence.mode", "fromCompletion");
    assertRefused("{\"frequency\":\"fortnightly\"}", "recurrence.frequency", "must be daily, weekdays");
    assertRefused("{\"frequency\":\"weekly\",\"every\":2}", "recurrence.every", "is not part of a recurrence");
    assertRefused("{\"rule\":\"FREQ=DAILY\",\"interval\":2}", "recurrence.interval", "cannot be combined with rule");
    assertRefused("{\"rule\":\"FREQ=DAILY;UNTIL=18991231T000000Z\"}", "recurrence.rule",
        "between the years 1900 and 9000");
    assertRefused("{\"frequency\":\"daily\",\"until\":\"9001-01-01\"}", "recurrence",
        "between the years 1900 and 9000");
  }

  @Test
  void aSeriesEndsBeforeADueTimeAfterItsUntilInclusive() {
    Instant due = at("2026-03-02T09:00", UTC);
    assertThat(rule("FREQ=DAILY;UNTIL=20260302T085959Z").endsBefore(due, UTC)).isTrue();
    assertThat(rule("FREQ=DAILY;UNTIL=20260302T090000Z").endsBefore(due, UTC)).isFalse();
    assertThat(rule("FREQ=DAILY").endsBefore(due, UTC)).isFalse();
    // a bare date is a day of the task's zone: 2 March 00:30 in Sydney is 1 March in UTC
    Instant sydneyMorning = at("2026-03-02T00:30", SYDNEY);
    assertThat(rule("FREQ=DAILY;UNTIL=20260302").endsBefore(sydneyMorning, SYDNEY)).isFalse();
    assertThat(rule("FREQ=DAILY;UNTIL=20260301").endsBefore(sydneyMorning, SYDNEY)).isTrue();
  }

  @Test
  void aSeriesEndsAtTheLastYearTheApiAccepts() {
    assertThat(rule("FREQ=YEARLY").next(at("8999-06-01T09:00", UTC), UTC, 1, null))
        .contains(at("9000-06-01T09:00", UTC));
    assertThat(rule("FREQ=YEARLY").next(at("9000-06-01T09:00", UTC), UTC, 1, null)).isEmpty();
  }

  private static void assertRefused(String json, String field, String message) {
    var errors = new FieldErrors();
    assertThat(Recurrence.fromJson(new JsonObject(json), "recurrence", errors)).as(json).isNull();
    assertThatThrownBy(errors::throwIfInvalidBody).as(json).isInstanceOfSatisfying(ProblemException.class,
        e -> assertThat(e.problem().toJson().encode()).contains("\"" + field + "\"").contains(message));
  }
}
