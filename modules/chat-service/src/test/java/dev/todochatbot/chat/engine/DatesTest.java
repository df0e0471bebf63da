package dev.todochatbot.chat.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/** Days and times read on the person's clock, across the clock changes of 2026. */
class DatesTest {

  private static String due(String words, String nowUtc, String zone) {
    ZonedDateTime now = Instant.parse(nowUtc).atZone(ZoneId.of(zone));
    var phrase = new Phrase(words);
    return Dates.take(phrase, now).map(When::json).orElse(null);
  }

  @Test
  void aSlashDateIsMonthFirstOnAnAmericanClockAndDayFirstElsewhere() {
    assertThat(due("on 9/10", "2026-05-14T08:30:00Z", "America/Chicago")).isEqualTo("2026-09-10");
    assertThat(due("on 9/10", "2026-05-14T08:30:00Z", "Europe/London")).isEqualTo("2026-10-09");
    // only one order makes a date: that one, wherever the person is
    assertThat(due("on 25/12", "2026-05-14T08:30:00Z", "America/New_York")).isEqualTo("2026-12-25");
    assertThat(due("on 12/25/27", "2026-05-14T08:30:00Z", "America/New_York")).isEqualTo("2027-12-25");
    assertThat(due("buy 1/2 cup of sugar", "2026-05-14T08:30:00Z", "America/New_York")).isNull();
    assertThatThrownBy(() -> due("on 13/13", "2026-05-14T08:30:00Z", "America/New_York")).isInstanceOf(Unclear.class);
  }

  @Test
  void aClockNoDayHasIsAskedBack() {
    assertThatThrownBy(() -> due("meeting at 25:00", "2026-05-14T08:30:00Z", "UTC")).isInstanceOf(Unclear.class);
    assertThatThrownBy(() -> due("lunch at 13pm", "2026-05-14T08:30:00Z", "UTC")).isInstanceOf(Unclear.class);
    assertThat(due("flight at 23:59", "2026-05-14T08:30:00Z", "UTC")).isEqualTo("2026-05-14T23:59:00Z");
  }

  @Test
  void tomorrowNineIsNineOnTheWallClockAfterBerlinFallsBack() {
    // Saturday 22:00 CEST; the clocks go back at 03:00 on Sunday 2026-10-25
    assertThat(due("tomorrow 9am", "2026-10-24T20:00:00Z", "Europe/Berlin")).isEqualTo("2026-10-25T09:00:00+01:00");
  }

  @Test
  void tomorrowNineIsNineOnTheWallClockAfterNewYorkFallsBack() {
    assertThat(due("tomorrow 9am", "2026-10-31T14:00:00Z", "America/New_York")).isEqualTo("2026-11-01T09:00:00-05:00");
  }

  @Test
  void aTimeInTheSpringForwardGapMovesOnByTheGap() {
    assertThat(due("tomorrow at 2:30am", "2026-03-07T15:00:00Z", "America/New_York")).isEqualTo("2026-03-08T03:30:00-04:00");
    assertThat(due("tomorrow at 2:30", "2026-03-28T09:00:00Z", "Europe/Berlin")).isEqualTo("2026-03-29T03:30:00+02:00");
  }

  @Test
  void inTwoHoursIsTwoHoursOfRealTimeAcrossTheChange() {
    // 02:30 CEST, half an hour before the clocks go back: two hours later the wall clock says 03:30 CET
    assertThat(due("in 2 hours", "2026-10-25T00:30:00Z", "Europe/Berlin")).isEqualTo("2026-10-25T03:30:00+01:00");
  }

  @Test
  void aTimeAloneIsTheNextTimeTheClockShowsIt() {
    // 11:00 in Berlin: 15:30 is still today, 9 (the morning) is tomorrow
    assertThat(due("at 15:30", "2026-11-25T10:00:00Z", "Europe/Berlin")).isEqualTo("2026-11-25T15:30:00+01:00");
    assertThat(due("at 9", "2026-11-25T10:00:00Z", "Europe/Berlin")).isEqualTo("2026-11-26T09:00:00+01:00");
    assertThat(due("at 5", "2026-11-25T10:00:00Z", "Europe/Berlin")).isEqualTo("2026-11-25T17:00:00+01:00");
  }

  @Test
  void daysWithoutATimeAreAllDay() {
    String wednesday = "2026-11-25T10:00:00Z";
    assertThat(due("Friday", wednesday, "Europe/Berlin")).isEqualTo("2026-11-27");
    assertThat(due("next Friday", wednesday, "Europe/Berlin")).isEqualTo("2026-12-04");
    assertThat(due("end of the month", wednesday, "Europe/Berlin")).isEqualTo("2026-11-30");
    assertThat(due("this weekend", wednesday, "Europe/Berlin")).isEqualTo("2026-11-28");
    assertThat(due("on the 3rd", wednesday, "Europe/Berlin")).isEqualTo("2026-12-03");
    assertThat(due("Dec 24", wednesday, "Europe/Berlin")).isEqualTo("2026-12-24");
    assertThat(due("March 3", wednesday, "Europe/Berlin")).isEqualTo("2027-03-03");
  }

  @Test
  void theDayIsTheDayInThePersonsZoneNotInUtc() {
    // 23:30 UTC on the 25th is already the 26th in Tokyo
    assertThat(due("tomorrow", "2026-11-25T23:30:00Z", "Asia/Tokyo")).isEqualTo("2026-11-27");
    assertThat(due("tomorrow", "2026-11-25T23:30:00Z", "America/New_York")).isEqualTo("2026-11-26");
  }

  @Test
  void aDateThatDoesNotExistIsAskedBack() {
    assertThatThrownBy(() -> due("Feb 30", "2026-11-25T10:00:00Z", "UTC")).isInstanceOf(Unclear.class)
        .hasMessage("There is no February 30; which day do you mean?");
  }

  @Test
  void wordsThatAreNoDateAreLeftAlone() {
    var phrase = new Phrase("buy 2 apples for Sunny");
    assertThat(Dates.take(phrase, Instant.parse("2026-11-25T10:00:00Z").atZone(ZoneId.of("UTC")))).isEmpty();
    assertThat(phrase.text()).isEqualTo("buy 2 apples for Sunny");
  }
}
