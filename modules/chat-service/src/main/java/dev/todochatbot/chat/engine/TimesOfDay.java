package dev.todochatbot.chat.engine;

import static dev.todochatbot.chat.engine.Phrase.words;

import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times of day: "5pm", "at 15:30", "noon", "at 8", "half past two", "quarter to 5", "at half 2" (British for
 * 2:30), "tonight", "in the morning". A bare hour after
 * "at" is read the way people use it for appointments: 1 to 6 is the afternoon ("call mom at 5"),
 * 7 to 12 the morning or noon.
 */
final class TimesOfDay {

  /**
   * A time of day; {@code today} when the words also fix the day ("tonight", "this morning"). {@code orAfternoon}
   * when the clock was written as on a 12-hour face without am or pm ("4:45"): it may be the afternoon one.
   */
  record Clock(LocalTime time, boolean today, boolean orAfternoon) {

    Clock(LocalTime time, boolean today) {
      this(time, today, false);
    }

    /**
     * The day and time a clock said without a day is due: the next time it shows, after now.
     * "4:45" from 1 to 6 without am or pm is the morning one while that is still to come, else this afternoon's
     * (at 8:00, "remind me at 4:45" is 16:45 today: nobody means tomorrow at dawn), else tomorrow morning's.
     * 7 to 12 stay as written, as a bare "at 8" does.
     */
    LocalDateTime next(LocalDateTime now) {
      LocalDateTime morning = now.toLocalDate().atTime(time);
      if (morning.isAfter(now)) {
        return morning;
      }
      if (orAfternoon && morning.plusHours(12).isAfter(now)) {
        return morning.plusHours(12);
      }
      return morning.plusDays(1);
    }
  }

  private static final String PREP = "(?:(?:at|@|by|around|before|from)\\s+)?";
  private static final Pattern NAMED = words("\\s" + PREP + "(noon|midday|midnight)\\b");
  private static final Pattern MERIDIEM =
      words("\\s" + PREP + "(\\d{1,2})(?:[:.](\\d{2}))?\\s*([ap])\\.?m\\.?(?=[\\s,!?;]|$)");
  private static final Pattern CLOCK = words("\\s" + PREP + "([01]?\\d|2[0-3])(?::|h)([0-5]\\d)\\b");
  private static final Pattern BARE = words("\\s(?:at|@|around)\\s+(\\d{1,2})(?:\\s*o'?clock)?(?=[\\s,.!?;]|$)"
      + "(?!\\s*(?:min|hour|hr|day|week|month|year|time|%|st\\b|nd\\b|rd\\b|th\\b))");
  /**
   * "half past two", "a quarter to 5", "quarter after 9"; the British "half 2" (half past two) only after "at" or
   * the like, so that "half a day" or "cut it in half" stay words.
   */
  private static final Pattern QUARTERS = words("\\s" + PREP + "(?:a\\s+)?(half|quarter)\\s+(past|after|to|till|of)\\s+"
      + Numbers.HOUR + "(?:\\s*([ap])\\.?m\\.?)?(?=[\\s,.!?;]|$)"
      + "|\\s(?:at|@|around|by|from)\\s+(half)\\s+" + Numbers.HOUR + "(?:\\s*([ap])\\.?m\\.?)?(?=[\\s,.!?;]|$)");
  private static final Pattern OCLOCK = words("\\s(\\d{1,2})\\s*o'?clock\\b");
  private static final Pattern PART = words("\\s(?:(in\\s+the|this|at|by|around)\\s+)?(morning|afternoon"
      + "|evening|tonight|(?<=at\\s|this\\s|by\\s)night|lunch\\s*time|lunch|end\\s+of\\s+(?:the\\s+)?(?:work\\s*)?day|eod|close\\s+of\\s+business)\\b");

  /** A clock no day has ("25:00", "13pm"): asked back rather than left in the title. */
  private static final Pattern IMPOSSIBLE = words("\\s(?:(?:at|@|by|around|from)\\s+)?(\\d{1,2}:\\d{2}(?:\\s*[ap]\\.?m\\.?)?"
      + "|\\d{1,2}\\s*[ap]\\.?m\\.?)(?=[\\s,!?;.]|$)");
  private static final Pattern CLOCK_PARTS = Pattern.compile("(\\d{1,2})(?::(\\d{2}))?\\s*([apAP])?");

  private TimesOfDay() {}

  static Optional<Clock> take(Phrase phrase) {
    phrase.peek(IMPOSSIBLE).ifPresent(TimesOfDay::checkPossible);
    Optional<MatchResult> m = phrase.take(QUARTERS);
    if (m.isPresent()) {
      return Optional.of(new Clock(quarters(m.get()), false));
    }
    m = phrase.take(NAMED);
    if (m.isPresent()) {
      String name = m.get().group(1).toLowerCase(Locale.ROOT);
      return Optional.of(new Clock(name.equals("midnight") ? LocalTime.of(23, 59) : LocalTime.NOON, false));
    }
    m = phrase.take(MERIDIEM);
    if (m.isPresent()) {
      int hour = Integer.parseInt(m.get().group(1));
      int minute = m.get().group(2) == null ? 0 : Integer.parseInt(m.get().group(2));
      boolean pm = m.get().group(3).equalsIgnoreCase("p");
      if (hour > 12 || minute > 59) {
        return Optional.empty();
      }
      hour = hour % 12 + (pm ? 12 : 0);
      return Optional.of(new Clock(LocalTime.of(hour, minute), false));
    }
    m = phrase.take(CLOCK);
    if (m.isPresent()) {
      String hour = m.get().group(1);
      // "4:45" may be either; "04:45" and "16:45" are a 24-hour clock
      boolean twelveHour = !hour.startsWith("0") && Integer.parseInt(hour) >= 1 && Integer.parseInt(hour) <= 6;
      return Optional.of(new Clock(LocalTime.of(Integer.parseInt(hour), Integer.parseInt(m.get().group(2))), false,
          twelveHour));
    }
    m = phrase.take(BARE).or(() -> phrase.take(OCLOCK));
    if (m.isPresent()) {
      int hour = Integer.parseInt(m.get().group(1));
      if (hour > 23) {
        return Optional.empty();
      }
      return Optional.of(new Clock(LocalTime.of(hour >= 1 && hour <= 6 ? hour + 12 : hour, 0), false));
    }
    return takePartOfDay(phrase);
  }

  /** "half past 2" is 14:30 and "quarter to 7" 6:45, the hour read as a bare "at 2" or "at 7" would be. */
  private static LocalTime quarters(MatchResult m) {
    boolean british = m.group(5) != null;
    String part = (british ? m.group(5) : m.group(1)).toLowerCase(Locale.ROOT);
    String direction = british ? "past" : m.group(2).toLowerCase(Locale.ROOT);
    int hour = Numbers.count(british ? m.group(6) : m.group(3));
    String meridiem = british ? m.group(7) : m.group(4);
    if (hour < 1 || hour > 12) {
      throw new Unclear("There is no " + m.group().strip() + " on the clock; what time do you mean?");
    }
    int onClock = meridiem == null ? (hour <= 6 ? hour + 12 : hour)
        : hour % 12 + (meridiem.equalsIgnoreCase("p") ? 12 : 0);
    int minutes = part.equals("half") ? 30 : 15;
    LocalTime full = LocalTime.of(onClock, 0);
    return direction.equals("past") || direction.equals("after") ? full.plusMinutes(minutes) : full.minusMinutes(minutes);
  }

  private static void checkPossible(MatchResult m) {
    Matcher parts = CLOCK_PARTS.matcher(m.group(1));
    if (!parts.lookingAt()) {
      return;
    }
    int hour = Integer.parseInt(parts.group(1));
    int minute = parts.group(2) == null ? 0 : Integer.parseInt(parts.group(2));
    int lastHour = parts.group(3) == null ? 23 : 12;
    if (hour > lastHour || minute > 59) {
      throw new Unclear("There is no " + m.group(1).strip() + " on the clock; what time do you mean?");
    }
  }

  private static Optional<Clock> takePartOfDay(Phrase phrase) {
    Optional<MatchResult> m = phrase.take(PART);
    if (m.isEmpty()) {
      return Optional.empty();
    }
    String before = m.get().group(1) == null ? "" : m.get().group(1).toLowerCase(Locale.ROOT);
    String part = m.get().group(2).toLowerCase(Locale.ROOT);
    boolean today = before.equals("this") || part.equals("tonight");
    return Optional.of(new Clock(partTime(part), today));
  }

  static LocalTime partTime(String part) {
    if (part.startsWith("morning")) {
      return LocalTime.of(9, 0);
    }
    if (part.startsWith("afternoon")) {
      return LocalTime.of(15, 0);
    }
    if (part.startsWith("evening")) {
      return LocalTime.of(18, 0);
    }
    if (part.startsWith("lunch")) {
      return LocalTime.NOON;
    }
    if (part.startsWith("night") || part.startsWith("tonight")) {
      return LocalTime.of(20, 0);
    }
    return LocalTime.of(17, 0); // end of the day, close of business
  }
}
