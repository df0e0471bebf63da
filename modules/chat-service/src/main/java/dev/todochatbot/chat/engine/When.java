package dev.todochatbot.chat.engine;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * A due time as the person said it: a day ("tomorrow", all day) or an instant in their zone
 * ("tomorrow 9am"). Written to the tools as a date alone or as an offset date-time, so the offset
 * the engine chose across a clock change is visible in the plan and in the call.
 */
record When(LocalDate day, ZonedDateTime at) {

  When {
    if ((day == null) == (at == null)) {
      throw new IllegalArgumentException("a due time is a day or an instant, exactly one");
    }
  }

  static When allDay(LocalDate day) {
    return new When(day, null);
  }

  static When at(ZonedDateTime at) {
    return new When(null, at);
  }

  boolean allDay() {
    return at == null;
  }

  LocalDate date() {
    return at == null ? day : at.toLocalDate();
  }

  /** The time of day; null for an all-day due date. */
  LocalTime time() {
    return at == null ? null : at.toLocalTime();
  }

  /** "2026-11-26" or "2026-11-26T15:00:00+01:00", as the tools' dueAt takes it. */
  String json() {
    return at == null ? day.toString() : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(at.toOffsetDateTime());
  }
}
