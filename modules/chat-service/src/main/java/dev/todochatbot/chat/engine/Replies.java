package dev.todochatbot.chat.engine;

import java.time.LocalDate;
import java.time.Month;
import java.time.format.TextStyle;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** The sentences the engine answers with. */
final class Replies {

  private Replies() {}

  static String monthName(Month month) {
    return month.getDisplayName(TextStyle.FULL, Locale.ENGLISH);
  }

  /** A day as a person says it relative to today: "today", "tomorrow", "Friday", "Dec 24", "Jan 3, 2028". */
  static String day(LocalDate day, LocalDate today) {
    long ahead = ChronoUnit.DAYS.between(today, day);
    if (ahead == 0) {
      return "today";
    }
    if (ahead == 1) {
      return "tomorrow";
    }
    if (ahead == -1) {
      return "yesterday";
    }
    if (ahead > 1 && ahead < 7) {
      return day.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
    }
    String date = day.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH) + " " + day.getDayOfMonth();
    return day.getYear() == today.getYear() || ahead > 0 && ahead < 180 ? date : date + ", " + day.getYear();
  }
}
