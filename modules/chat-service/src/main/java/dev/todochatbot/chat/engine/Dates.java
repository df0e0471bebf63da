package dev.todochatbot.chat.engine;

import static dev.todochatbot.chat.engine.Phrase.words;

import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.Month;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * Days and due times in everyday English, read on the person's clock: "tomorrow 5pm", "next
 * Friday", "in 2 hours", "on the 3rd", "Dec 24 at noon", "end of the month", "this weekend",
 * ISO dates. A day with a time becomes an instant in the person's zone (a time that falls in the
 * gap of a spring-forward change moves on by the gap, as {@link ZonedDateTime#of} does); a day alone
 * stays all-day; a time alone is the next time that clock shows.
 *
 * <p>"next Friday" is the Friday of next week (the reply names the date, so a person who meant the
 * coming one sees it at once); "Friday" is the coming one.
 */
final class Dates {

  /** Words that may stand before a date and belong to it. */
  private static final String PREP = "(?:(?:due|by|on|for|before|starting|from|beginning|this\\s+coming|at)\\s+)*";
  /**
   * A weekday said with a date ("sat 28/2", "Friday, 13 March", "Friday the 13th"): the date says the day, the
   * weekday goes with it. So a weekday read alone must not be followed by a date ({@link #NOT_BEFORE_A_DATE}).
   */
  private static final String DAY_NAME = "(?:" + Numbers.WEEKDAY_WORD + "\\.?,?\\s+)?";
  private static final String NOT_BEFORE_A_DATE = "(?!\\.?,?\\s+(?:the\\s+\\d{1,2}(?:st|nd|rd|th)\\b|\\d{1,2}(?:st|nd|rd|th)?"
      + "(?:/\\d|\\s+(?:of\\s+)?" + Numbers.MONTH + "\\b)|" + Numbers.MONTH + "\\.?\\s+\\d|\\d{4}-\\d))";
  private static final Pattern IN_DURATION = words("\\s(?:in|within)\\s+" + Numbers.COUNT
      + "\\s*(minutes?|mins?|m|hours?|hrs?|h|days?|weeks?|months?|years?)\\b(?:\\s+from\\s+now)?");
  private static final Pattern ISO = words("\\s" + PREP + DAY_NAME + "(\\d{4})-(\\d{1,2})-(\\d{1,2})(?:(?:t|\\s+|\\s+at\\s+)(\\d{1,2}):(\\d{2}))?\\b");
  private static final Pattern DAY_AFTER_TOMORROW = words("\\s" + PREP + "(?:the\\s+)?day\\s+after\\s+tomorrow\\b");
  private static final Pattern TODAY = words("\\s" + PREP + "(today|tonite)\\b");
  private static final Pattern TOMORROW = words("\\s" + PREP + "(tomorrow|tmrw|tmr|tomorow|tommorow|tommorrow)\\b");
  private static final Pattern YESTERDAY = words("\\s" + PREP + "yesterday\\b");
  private static final Pattern WEEKDAY = words("\\s" + PREP + "(?:(this|next|coming|the\\s+following)\\s+)?"
      + Numbers.WEEKDAY + "\\b" + NOT_BEFORE_A_DATE);
  private static final Pattern SHORT_WEEKDAY = words("\\s(?:(?:due|by|on|for|before)\\s+|(this|next)\\s+)"
      + Numbers.WEEKDAY_ANY + "\\.?(?=[\\s,.!?]|$)" + NOT_BEFORE_A_DATE);
  private static final Pattern WEEKEND = words("\\s" + PREP + "(?:(this|next|the|over\\s+the)\\s+)?weekend\\b");
  private static final Pattern END_OF = words("\\s" + PREP + "(?:the\\s+)?end\\s+of\\s+(?:the\\s+|this\\s+)?(week|month|year)\\b"
      + "|\\s" + PREP + "(eow|eom)\\b");
  private static final Pattern NEXT_PERIOD = words("\\s" + PREP + "next\\s+(week|month|year)\\b");
  private static final Pattern MONTH_DAY = words("\\s" + PREP + DAY_NAME + Numbers.MONTH + "\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b"
      + "(?:,?\\s+(\\d{4}))?");
  private static final Pattern DAY_MONTH = words("\\s" + PREP + DAY_NAME + "(?:the\\s+)?(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?"
      + Numbers.MONTH + "\\b(?:,?\\s+(\\d{4}))?");
  private static final Pattern DAY_OF_MONTH = words("\\s" + PREP + DAY_NAME + "the\\s+(\\d{1,2})(?:st|nd|rd|th)\\b"
      + "(?:\\s+of\\s+(?:the|this)\\s+month)?(?!\\s+(?:one|task|item)\\b)");

  /**
   * "9/22", "22/9", "9/22/2026": month first on an American clock (an {@code America/*} zone), day first
   * everywhere else, as each writes it; when only the other order makes a date ("25/12" in New York),
   * that one. Only after a word that says a date follows, or before a time or the end, so that
   * "1/2 cup" stays in the title.
   */
  private static final String SLASH_PREP = "(?:due|by|on|for|before|until|till|starting|from)\\s+";
  private static final Pattern SLASH = words("\\s(?:(?:" + SLASH_PREP + ")+" + DAY_NAME + "|(?:" + SLASH_PREP + ")*"
      + Numbers.WEEKDAY_WORD + "\\.?,?\\s+)(\\d{1,2})/(\\d{1,2})"
      + "(?:/(\\d{4}|\\d{2}))?(?=[\\s,.!?]|$)"
      + "|\\s(\\d{1,2})/(\\d{1,2})(?:/(\\d{4}|\\d{2}))?(?=\\s*(?:$|[,.!?]|\\s(?:at|@)\\s|\\s\\d{1,2}(?::\\d{2})?\\s*[ap]\\.?m))");

  private Dates() {}

  /** Takes a due time out of {@code phrase}; empty when it names none. */
  static Optional<When> take(Phrase phrase, ZonedDateTime now) {
    return take(phrase, now, null);
  }

  /**
   * As {@link #take(Phrase, ZonedDateTime)}; with a recurrence {@code rule} a due time is always
   * found: when no day is named, the first day the rule allows ("every Monday at 9").
   */
  static Optional<When> take(Phrase phrase, ZonedDateTime now, JsonObject rule) {
    Optional<MatchResult> relative = phrase.take(IN_DURATION);
    if (relative.isPresent()) {
      return Optional.of(relative(relative.get(), phrase, now));
    }
    Optional<MatchResult> iso = phrase.take(ISO);
    if (iso.isPresent()) {
      return iso(iso.get(), phrase, now);
    }
    LocalDate today = now.toLocalDate();
    LocalDate day = takeDay(phrase, now).orElse(null);
    Optional<TimesOfDay.Clock> clock = TimesOfDay.take(phrase);
    LocalTime time = clock.map(TimesOfDay.Clock::time).orElse(null);
    if (day == null && clock.isPresent() && clock.get().today()) {
      day = today;
    }
    if (day == null) {
      if (rule != null) {
        day = Recurrences.firstDay(rule, today, time, now.toLocalTime());
      } else if (time == null) {
        return Optional.empty();
      } else {
        // a clock without a day: the next time it shows; with a day named ("tomorrow at 2:30") it stands as written
        return Optional.of(When.at(ZonedDateTime.of(clock.get().next(now.toLocalDateTime()), now.getZone())));
      }
    }
    return Optional.of(time == null ? When.allDay(day) : When.at(ZonedDateTime.of(day, time, now.getZone())));
  }

  /** Takes a day ("tomorrow", "Friday", "Dec 24", "9/22") without a time of day. */
  static Optional<LocalDate> takeDay(Phrase phrase, ZonedDateTime now) {
    LocalDate today = now.toLocalDate();
    if (phrase.take(DAY_AFTER_TOMORROW).isPresent()) {
      return Optional.of(today.plusDays(2));
    }
    if (phrase.take(TODAY).isPresent()) {
      return Optional.of(today);
    }
    if (phrase.take(TOMORROW).isPresent()) {
      return Optional.of(today.plusDays(1));
    }
    if (phrase.take(YESTERDAY).isPresent()) {
      return Optional.of(today.minusDays(1));
    }
    Optional<MatchResult> m = phrase.take(WEEKDAY).or(() -> phrase.take(SHORT_WEEKDAY));
    if (m.isPresent()) {
      String which = m.get().group(1) == null ? "" : m.get().group(1).toLowerCase(Locale.ROOT);
      return Optional.of(weekday(today, Numbers.weekday(m.get().group(2)), which));
    }
    m = phrase.take(WEEKEND);
    if (m.isPresent()) {
      String which = m.get().group(1) == null ? "" : m.get().group(1).toLowerCase(Locale.ROOT);
      LocalDate saturday = today.getDayOfWeek() == DayOfWeek.SUNDAY ? today
          : today.with(TemporalAdjusters.nextOrSame(DayOfWeek.SATURDAY));
      return Optional.of(which.equals("next") ? saturday.plusWeeks(1) : saturday);
    }
    m = phrase.take(END_OF);
    if (m.isPresent()) {
      String period = (m.get().group(1) != null ? m.get().group(1) : m.get().group(2)).toLowerCase(Locale.ROOT);
      return Optional.of(endOf(period, today));
    }
    m = phrase.take(NEXT_PERIOD);
    if (m.isPresent()) {
      return Optional.of(switch (m.get().group(1).toLowerCase(Locale.ROOT)) {
        case "week" -> today.with(TemporalAdjusters.next(DayOfWeek.MONDAY));
        case "month" -> today.plusMonths(1).withDayOfMonth(1);
        default -> today.plusYears(1).withDayOfYear(1);
      });
    }
    m = phrase.peek(MONTH_DAY);
    if (m.isPresent()) {
      Optional<LocalDate> date = monthDay(today, Numbers.month(m.get().group(1)), m.get().group(2), m.get().group(3));
      if (date.isPresent()) {
        phrase.cut(m.get());
        return date;
      }
    }
    m = phrase.peek(DAY_MONTH);
    if (m.isPresent()) {
      Optional<LocalDate> date = monthDay(today, Numbers.month(m.get().group(2)), m.get().group(1), m.get().group(3));
      if (date.isPresent()) {
        phrase.cut(m.get());
        return date;
      }
    }
    m = phrase.take(SLASH);
    if (m.isPresent()) {
      return Optional.of(slashDate(m.get(), today, now.getZone().getId().startsWith("America/")));
    }
    m = phrase.peek(DAY_OF_MONTH);
    if (m.isPresent()) {
      int dayOfMonth = Integer.parseInt(m.get().group(1));
      if (dayOfMonth >= 1 && dayOfMonth <= 31) {
        phrase.cut(m.get());
        return Optional.of(nextDayOfMonth(today, dayOfMonth));
      }
    }
    return Optional.empty();
  }

  static LocalDate weekday(LocalDate today, DayOfWeek day, String which) {
    return switch (which) {
      case "next", "the following" -> today.with(TemporalAdjusters.next(DayOfWeek.MONDAY))
          .with(TemporalAdjusters.nextOrSame(day));
      case "this" -> today.with(TemporalAdjusters.nextOrSame(day));
      default -> today.with(TemporalAdjusters.next(day));
    };
  }

  static LocalDate endOf(String period, LocalDate today) {
    return switch (period) {
      case "week", "eow" -> today.getDayOfWeek().getValue() > 5
          ? today.with(TemporalAdjusters.next(DayOfWeek.FRIDAY))
          : today.with(TemporalAdjusters.nextOrSame(DayOfWeek.FRIDAY));
      case "month", "eom" -> today.with(TemporalAdjusters.lastDayOfMonth());
      default -> today.with(TemporalAdjusters.lastDayOfYear());
    };
  }

  /** The next day that is the {@code dayOfMonth}th, today included; months too short are skipped. */
  static LocalDate nextDayOfMonth(LocalDate today, int dayOfMonth) {
    LocalDate month = today.withDayOfMonth(1);
    for (int i = 0; i < 13; i++, month = month.plusMonths(1)) {
      if (dayOfMonth <= month.lengthOfMonth()) {
        LocalDate candidate = month.withDayOfMonth(dayOfMonth);
        if (!candidate.isBefore(today)) {
          return candidate;
        }
      }
    }
    throw new IllegalStateException("no month has day " + dayOfMonth);
  }

  /** "Dec 24": this year's if it is still to come, else next year's; a year given is kept. */
  private static Optional<LocalDate> monthDay(LocalDate today, Month month, String day, String year) {
    try {
      int d = Integer.parseInt(day);
      if (year != null) {
        return Optional.of(LocalDate.of(Integer.parseInt(year), month, d));
      }
      LocalDate date = LocalDate.of(today.getYear(), month, d);
      return Optional.of(date.isBefore(today) ? date.plusYears(1) : date);
    } catch (DateTimeException e) {
      throw new Unclear("There is no " + Replies.monthName(month) + " " + day + "; which day do you mean?");
    }
  }

  private static LocalDate slashDate(MatchResult m, LocalDate today, boolean monthFirst) {
    int at = m.group(1) != null ? 1 : 4;
    int a = Integer.parseInt(m.group(at));
    int b = Integer.parseInt(m.group(at + 1));
    String year = m.group(at + 2);
    if (year != null && year.length() == 2) {
      year = "20" + year;
    }
    int month = monthFirst ? a : b;
    int day = monthFirst ? b : a;
    if (month > 12 && day <= 12) {
      int swap = month;
      month = day;
      day = swap;
    }
    if (month < 1 || month > 12) {
      throw new Unclear("\"" + m.group().strip() + "\" is not a date I can read; try \"Sep 22\" or 2026-09-22.");
    }
    return monthDay(today, Month.of(month), String.valueOf(day), year).orElseThrow();
  }

  private static When relative(MatchResult m, Phrase phrase, ZonedDateTime now) {
    int n = Numbers.count(m.group(1));
    String unit = m.group(2).toLowerCase(Locale.ROOT);
    if (unit.startsWith("m") && !unit.startsWith("mo")) {
      return When.at(now.plus(Duration.ofMinutes(n == 0 ? 30 : n)).truncatedTo(ChronoUnit.MINUTES));
    }
    if (unit.startsWith("h")) {
      Duration d = n == 0 ? Duration.ofMinutes(30) : Duration.ofHours(n);
      // instant arithmetic: "in 2 hours" is two hours of real time, across a clock change too
      return When.at(now.plus(d).truncatedTo(ChronoUnit.MINUTES));
    }
    LocalDate today = now.toLocalDate();
    LocalDate day = switch (unit.charAt(0)) {
      case 'd' -> today.plusDays(n);
      case 'w' -> today.plusWeeks(n);
      case 'y' -> today.plusYears(n);
      default -> today.plusMonths(n);
    };
    return TimesOfDay.take(phrase).map(c -> When.at(ZonedDateTime.of(day, c.time(), now.getZone())))
        .orElse(When.allDay(day));
  }

  private static Optional<When> iso(MatchResult m, Phrase phrase, ZonedDateTime now) {
    try {
      LocalDate day = LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
          Integer.parseInt(m.group(3)));
      if (m.group(4) != null) {
        LocalTime time = LocalTime.of(Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)));
        return Optional.of(When.at(ZonedDateTime.of(day, time, now.getZone())));
      }
      return Optional.of(TimesOfDay.take(phrase).map(c -> When.at(ZonedDateTime.of(day, c.time(), now.getZone())))
          .orElse(When.allDay(day)));
    } catch (DateTimeException e) {
      throw new Unclear("\"" + m.group().strip() + "\" is not a date I can read; try 2026-12-01 or \"Dec 1\".");
    }
  }
}
