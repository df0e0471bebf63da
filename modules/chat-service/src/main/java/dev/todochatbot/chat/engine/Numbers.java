package dev.todochatbot.chat.engine;

import java.time.DayOfWeek;
import java.time.Month;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Numbers, ordinals, weekdays and months as people write them, shared by the readers. */
final class Numbers {

  /** A count in digits or words: "3", "three", "a", "an". */
  static final String COUNT = "(\\d{1,4}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
      + "|fifteen|twenty|thirty|forty[- ]five|forty|sixty|ninety|half an?|a half|couple of|a couple of|few)";
  /** An hour of the clock face in digits or words: "2", "two", "twelve". */
  static final String HOUR = "(\\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)";
  /** An ordinal: "2nd", "second", "last". */
  static final String ORDINAL = "(\\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|last|next to last)";
  static final String WEEKDAY = "(monday|tuesday|wednesday|thursday|friday|saturday|sunday)";
  /** Weekdays written out or shortened; only used where a word before them says a day follows. */
  static final String WEEKDAY_ANY = "(monday|tuesday|wednesday|thursday|friday|saturday|sunday"
      + "|mon|tues?|wed|thurs?|thu|fri|sat|sun)";
  /** {@link #WEEKDAY_ANY} without a group of its own, for patterns that only let a weekday stand there. */
  static final String WEEKDAY_WORD = "(?:" + WEEKDAY_ANY.substring(1);
  static final String MONTH = "(january|february|march|april|may|june|july|august|september|october|november"
      + "|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)";

  private static final Map<String, Integer> WORDS = Map.ofEntries(Map.entry("a", 1), Map.entry("an", 1),
      Map.entry("one", 1), Map.entry("two", 2), Map.entry("three", 3), Map.entry("four", 4), Map.entry("five", 5),
      Map.entry("six", 6), Map.entry("seven", 7), Map.entry("eight", 8), Map.entry("nine", 9), Map.entry("ten", 10),
      Map.entry("eleven", 11), Map.entry("twelve", 12), Map.entry("fifteen", 15), Map.entry("twenty", 20),
      Map.entry("thirty", 30), Map.entry("forty", 40), Map.entry("forty-five", 45), Map.entry("forty five", 45),
      Map.entry("sixty", 60), Map.entry("ninety", 90), Map.entry("couple of", 2), Map.entry("a couple of", 2),
      Map.entry("few", 3));
  private static final List<String> ORDINAL_WORDS = List.of("first", "second", "third", "fourth", "fifth");

  private Numbers() {}

  /** The value of a {@link #COUNT}; "half an" is 0 (the callers turn it into 30 minutes). */
  static int count(String text) {
    String t = text.toLowerCase(Locale.ROOT).strip();
    if (t.startsWith("half") || t.equals("a half")) {
      return 0;
    }
    if (Character.isDigit(t.charAt(0))) {
      return Integer.parseInt(t);
    }
    return WORDS.getOrDefault(t, 1);
  }

  /** The value of an {@link #ORDINAL}: 1 for "first", -1 for "last", -2 for "next to last". */
  static int ordinal(String text) {
    String t = text.toLowerCase(Locale.ROOT).strip();
    if (t.equals("last")) {
      return -1;
    }
    if (t.equals("next to last")) {
      return -2;
    }
    int index = ORDINAL_WORDS.indexOf(t);
    if (index >= 0) {
      return index + 1;
    }
    return Integer.parseInt(t.replaceAll("\\D", ""));
  }

  static DayOfWeek weekday(String text) {
    String t = text.toLowerCase(Locale.ROOT);
    for (DayOfWeek day : DayOfWeek.values()) {
      if (day.name().toLowerCase(Locale.ROOT).startsWith(t.substring(0, 3))) {
        return day;
      }
    }
    throw new IllegalArgumentException("not a weekday: " + text);
  }

  static Month month(String text) {
    String t = text.toLowerCase(Locale.ROOT);
    for (Month month : Month.values()) {
      if (month.name().toLowerCase(Locale.ROOT).startsWith(t.substring(0, 3))) {
        return month;
      }
    }
    throw new IllegalArgumentException("not a month: " + text);
  }

  /** RFC 5545's two letters for a weekday: MO, TU, ... */
  static String rruleDay(DayOfWeek day) {
    return day.name().substring(0, 2);
  }
}
