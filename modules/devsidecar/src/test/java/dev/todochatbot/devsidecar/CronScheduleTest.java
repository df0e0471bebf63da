package dev.todochatbot.devsidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CronScheduleTest {

  private static final Instant AT = Instant.parse("2026-03-06T10:15:30.250Z"); // a Friday

  @Test
  void everyRoundsToWholeSecondsOfAtLeastOne() {
    assertThat(CronSchedule.parse("@every 5s").next(AT)).isEqualTo(Instant.parse("2026-03-06T10:15:35Z"));
    assertThat(CronSchedule.parse("@every 500ms").next(AT)).isEqualTo(Instant.parse("2026-03-06T10:15:31Z"));
    assertThat(CronSchedule.parse("@every 1m30s").next(AT)).isEqualTo(Instant.parse("2026-03-06T10:17:00Z"));
  }

  @Test
  void fiveFieldsStartAtMinutesAndSixAtSeconds() {
    assertThat(CronSchedule.parse("CRON_TZ=UTC */10 * * * *").next(AT)).isEqualTo(Instant.parse("2026-03-06T10:20:00Z"));
    assertThat(CronSchedule.parse("CRON_TZ=UTC 15,45 * * * * *").next(AT)).isEqualTo(Instant.parse("2026-03-06T10:15:45Z"));
    assertThat(CronSchedule.parse("CRON_TZ=UTC 0 0 9 * * MON-FRI").next(AT)).isEqualTo(Instant.parse("2026-03-09T09:00:00Z"));
    assertThat(CronSchedule.parse("CRON_TZ=UTC @daily").next(AT)).isEqualTo(Instant.parse("2026-03-07T00:00:00Z"));
  }

  @Test
  void theTimeZonePrefixShiftsWallClockFields() {
    // 09:00 in New York on 6 March 2026 is 14:00 UTC (EST, before the DST change on 8 March)
    assertThat(CronSchedule.parse("CRON_TZ=America/New_York 0 9 * * *").next(AT))
        .isEqualTo(Instant.parse("2026-03-06T14:00:00Z"));
  }

  @Test
  void dayOfMonthAndDayOfWeekBothRestrictedMatchEither() {
    // the 13th, or any Monday: the next is Monday 9 March
    assertThat(CronSchedule.parse("CRON_TZ=UTC 0 0 0 13 * MON").next(AT)).isEqualTo(Instant.parse("2026-03-09T00:00:00Z"));
  }

  @Test
  void nonsenseIsRefusedWithTheSchedule() {
    assertThatThrownBy(() -> CronSchedule.parse("61 * * * *")).hasMessageContaining("61 * * * *");
    assertThatThrownBy(() -> CronSchedule.parse("@sometimes")).hasMessageContaining("@sometimes");
    assertThatThrownBy(() -> CronSchedule.parse("* * *")).hasMessageContaining("5 or 6 fields");
    assertThat(GoDuration.parse("1h2m3.5s")).isEqualTo(Duration.ofMillis(3_723_500));
    assertThatThrownBy(() -> GoDuration.parse("5 seconds")).hasMessageContaining("5 seconds");
  }
}
