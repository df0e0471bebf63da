package dev.todochatbot.chat.engine;

import static dev.todochatbot.chat.engine.Phrase.words;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.Month;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a task repeats, in the tools' simple recurrence form ({@code {frequency, interval, byDay,
 * byMonthDay, count, until, mode}}): "every day", "every weekday", "every other Monday", "every 2nd
 * Tuesday" (the second Tuesday of each month), "on the last Friday of every month", "every month on
 * the 1st", "every 3 days after I finish it" (counted from completion), "until June", "until end of December",
 * "till Friday", "10 times".
 *
 * <p>Read before dates, so that "every Monday at 9" leaves "at 9" for the time of day.
 */
final class Recurrences {

  private static final String UNIT = "(day|week|month|year)s?";
  private static final Pattern AFTER_COMPLETION = words("\\s(?:every\\s+)?" + Numbers.COUNT + "\\s+" + UNIT
      + "\\s+after\\s+(?:i\\s+|it\\s+is\\s+|it's\\s+)?(?:finish|complete|completion|do|did|mark|done|tick|check|\\w+(?=\\s+(?:it|them)\\b))\\w*"
      + "(?:\\s+(?:it|them|each\\s+one|the\\s+last\\s+one|each\\s+time))?(?:\\s+done)?");
  private static final Pattern ORDINAL_WEEKDAY = words("\\s(?:on\\s+)?(?:every\\s+|each\\s+)?(?:the\\s+)?"
      + Numbers.ORDINAL + "\\s+" + Numbers.WEEKDAY + "s?(?:\\s+(?:of|in)\\s+(?:every|each|the|a)\\s+month)");
  private static final Pattern EVERY_ORDINAL_WEEKDAY = words("\\s(?:every|each)\\s+(?:month\\s+on\\s+the\\s+)?"
      + Numbers.ORDINAL + "\\s+" + Numbers.WEEKDAY + "(?:\\s+of\\s+the\\s+month)?");
  private static final Pattern MONTHLY_ORDINAL_WEEKDAY = words("\\s(?:every\\s+month|monthly)\\s+on\\s+the\\s+"
      + Numbers.ORDINAL + "\\s+" + Numbers.WEEKDAY);
  private static final Pattern LAST_DAY = words("\\s(?:on\\s+)?(?:every\\s+|each\\s+)?(?:the\\s+)?last\\s+day\\s+of\\s+"
      + "(?:every|each|the)\\s+month|\\s(?:every\\s+month|monthly)\\s+on\\s+the\\s+last\\s+day(?:\\s+of\\s+the\\s+month)?");
  private static final Pattern MONTH_DAY = words("\\s(?:every\\s+month|monthly|each\\s+month)\\s+on\\s+the\\s+"
      + "(\\d{1,2})(?:st|nd|rd|th)?\\b|\\s(?:on\\s+)?(?:every\\s+|each\\s+)?the\\s+(\\d{1,2})(?:st|nd|rd|th)?\\s+of\\s+"
      + "(?:every|each|the)\\s+month|\\s(?:every|each)\\s+(\\d{1,2})(?:st|nd|rd|th)\\b(?!\\s+" + Numbers.WEEKDAY + ")");
  private static final Pattern EVERY_OTHER_WEEKDAY = words("\\s(?:every|each)\\s+other\\s+" + Numbers.WEEKDAY);
  private static final Pattern WEEKDAYS = words("\\s(?:every|each|on)\\s+(?:week|work|business)\\s*days?\\b"
      + "|\\s(?:every|each|on)\\s+weekdays\\b|\\sweekdays\\b|\\smonday\\s+(?:to|through|thru|-)\\s+friday\\b");
  private static final Pattern WEEKEND = words("\\s(?:every|each|on)\\s+weekends?\\b");
  /** Between the days of a list: "mon, wed and fri", "mon/wed/fri", "mon wed fri". */
  private static final String DAY_SEPARATOR = "(?:\\s*(?:,|/|and|&|\\+|,\\s*and)\\s*|\\s+)";
  private static final String DAY_LIST = Numbers.WEEKDAY_ANY + "s?(?:" + DAY_SEPARATOR + Numbers.WEEKDAY_ANY + "s?)*";
  /**
   * Days listed without "every" that still say a week's pattern: joined by slashes ("gym mon/wed/fri"), or three and
   * more ("mon, wed and fri"). Two days with "and" ("call mom monday and friday") stay two words of a date.
   */
  private static final Pattern DAY_SERIES = words("\\s(?:on\\s+)?" + Numbers.WEEKDAY_ANY + "s?(?:\\s*/\\s*" + Numbers.WEEKDAY_ANY
      + "s?)+(?=[\\s,.!?]|$)|\\s(?:on\\s+)?" + Numbers.WEEKDAY_ANY + "s?(?:" + DAY_SEPARATOR + Numbers.WEEKDAY_ANY + "s?){2,}(?=[\\s,.!?]|$)");
  private static final Pattern EVERY_WEEKDAYS = words("\\s(?:every|each)\\s+(?:week\\s+on\\s+)?" + DAY_LIST + "\\b"
      + "|\\s(?:weekly|every\\s+week)\\s+on\\s+" + DAY_LIST + "\\b"
      + "|\\s(?:on\\s+)?(mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays)"
      + "(?:\\s*(?:,|and|&)\\s*" + Numbers.WEEKDAY + "s)*\\b");
  private static final Pattern EVERY_N = words("\\s(?:every|each)\\s+(\\d{1,3}|other|two|three|four|five|six|"
      + "second|2nd|3rd|third)\\s+" + UNIT + "\\b");
  private static final Pattern EVERY_UNIT = words("\\s(?:every|each|once\\s+a)\\s+(day|week|month|year)\\b"
      + "|\\s(daily|weekly|monthly|yearly|annually|nightly|fortnightly|biweekly)\\b");
  /** "every morning": daily, and "morning" stays for the time-of-day reader. */
  private static final Pattern EVERY_PART = words("\\s(?:every|each)(?=\\s+(?:morning|afternoon|evening|night)\\b)");
  private static final Pattern COUNT = words("\\s(?:for\\s+)?(\\d{1,4}|two|three|four|five|six|seven|eight|nine|ten"
      + "|twelve|twenty)\\s+(?:times|occurrences)\\b");
  /** "for 8 weeks", "for the next 3 months": how long the repeating lasts. */
  private static final Pattern FOR_SPAN = words("\\sfor\\s+(?:the\\s+next\\s+|another\\s+)?" + Numbers.COUNT
      + "\\s+(days?|weeks?|months?|years?)\\b");
  private static final String UNTIL_WORD = "\\s(?:until|till|til|through|thru|ending(?:\\s+on)?|up\\s+to)";
  /** "until June", "until end of december", "till the end of the month", "until next year": to the end of that span. */
  private static final Pattern UNTIL = words(UNTIL_WORD + "\\s+(?:(?:the\\s+)?end\\s+of\\s+)?"
      + "(?:(\\d{4})-(\\d{1,2})-(\\d{1,2})|" + Numbers.MONTH + "(?:\\s+(\\d{1,2})(?:st|nd|rd|th)?)?(?:,?\\s+(\\d{4}))?"
      + "|(?:the\\s+|this\\s+)?(year|month|week)|next\\s+(year|month))\\b");
  /** "until" before any day the date reader knows: "until Friday", "till 1 March", "until 28/2". */
  private static final Pattern UNTIL_HEAD = words(UNTIL_WORD + "(?=\\s)");
  /**
   * "after I finish it", "from completion", "counting from when I complete it", "counted from the day I do it":
   * the next one is due that long after the last was done, not on a fixed calendar.
   */
  private static final Pattern MODE_FROM_COMPLETION = words("(?:\\s*,\\s*|\\s)(?:(?:counting|counted|starting|measured|calculated)\\s+)?"
      + "(?:after|from)\\s+(?:(?:when|the\\s+(?:day|time|moment|date))\\s+)?(?:i\\s+|it\\s+is\\s+|it's\\s+|it\\s+gets\\s+)?(?:last\\s+)?"
      + "(?:finish|complete|completion|do|did|done|mark|tick|check)\\w*(?:\\s+(?:it|them|each\\s+one|off|done|as\\s+done))*(?=[\\s,.!?;]|$)");

  private static final Pattern RRULE_DAY = Pattern.compile("([+-]?\\d*)([A-Z]{2})");
  private static final Pattern ANY_WEEKDAY = words(Numbers.WEEKDAY_ANY);

  private Recurrences() {}

  /** Takes a recurrence out of {@code phrase}; {@code now} fixes which June "until June" means. */
  static Optional<JsonObject> take(Phrase phrase, ZonedDateTime now) {
    LocalDate today = now.toLocalDate();
    Optional<JsonObject> found = takeShape(phrase);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    JsonObject rule = found.get();
    if (phrase.take(MODE_FROM_COMPLETION).isPresent()) {
      rule.put("mode", "fromCompletion");
    }
    phrase.take(COUNT).ifPresent(m -> rule.put("count", Numbers.count(m.group(1))));
    if (!rule.containsKey("count")) {
      phrase.take(FOR_SPAN).ifPresent(m -> span(rule, Math.max(1, Numbers.count(m.group(1))), m.group(2), today));
    }
    phrase.take(UNTIL).map(m -> until(m, today)).or(() -> phrase.takeAfter(UNTIL_HEAD, rest -> Dates.takeDay(rest, now)))
        .ifPresent(last -> rule.put("until", last.toString()));
    return Optional.of(rule);
  }

  private static Optional<JsonObject> takeShape(Phrase phrase) {
    Optional<MatchResult> m = phrase.take(AFTER_COMPLETION);
    if (m.isPresent()) {
      return Optional.of(every(m.get().group(2), Numbers.count(m.get().group(1))).put("mode", "fromCompletion"));
    }
    m = phrase.take(ORDINAL_WEEKDAY).or(() -> phrase.take(MONTHLY_ORDINAL_WEEKDAY))
        .or(() -> phrase.take(EVERY_ORDINAL_WEEKDAY));
    if (m.isPresent()) {
      int nth = Numbers.ordinal(m.get().group(1));
      String day = Numbers.rruleDay(Numbers.weekday(m.get().group(2)));
      return Optional.of(simple("monthly").put("byDay", new JsonArray().add(nth + day)));
    }
    if (phrase.take(LAST_DAY).isPresent()) {
      return Optional.of(simple("monthly").put("byMonthDay", new JsonArray().add(-1)));
    }
    m = phrase.take(MONTH_DAY);
    if (m.isPresent()) {
      String day = m.get().group(1) != null ? m.get().group(1) : m.get().group(2) != null ? m.get().group(2) : m.get().group(3);
      return Optional.of(simple("monthly").put("byMonthDay", new JsonArray().add(Integer.parseInt(day))));
    }
    m = phrase.take(EVERY_OTHER_WEEKDAY);
    if (m.isPresent()) {
      return Optional.of(simple("weekly").put("interval", 2)
          .put("byDay", new JsonArray().add(Numbers.rruleDay(Numbers.weekday(m.get().group(1))))));
    }
    if (phrase.take(WEEKDAYS).isPresent()) {
      return Optional.of(simple("weekdays"));
    }
    if (phrase.take(WEEKEND).isPresent()) {
      return Optional.of(simple("weekly").put("byDay", new JsonArray().add("SA").add("SU")));
    }
    m = phrase.take(EVERY_WEEKDAYS).or(() -> phrase.take(DAY_SERIES));
    if (m.isPresent()) {
      return Optional.of(simple("weekly").put("byDay", days(m.get().group())));
    }
    m = phrase.take(EVERY_N);
    if (m.isPresent()) {
      String n = m.get().group(1).toLowerCase(Locale.ROOT);
      int interval = switch (n) {
        case "other", "second", "2nd" -> 2;
        case "third", "3rd" -> 3;
        default -> Numbers.count(n);
      };
      return Optional.of(every(m.get().group(2), interval));
    }
    m = phrase.take(EVERY_UNIT);
    if (m.isPresent()) {
      String unit = (m.get().group(1) != null ? m.get().group(1) : m.get().group(2)).toLowerCase(Locale.ROOT);
      return Optional.of(switch (unit) {
        case "day", "daily", "nightly" -> simple("daily");
        case "week", "weekly" -> simple("weekly");
        case "fortnightly", "biweekly" -> simple("weekly").put("interval", 2);
        case "month", "monthly" -> simple("monthly");
        default -> simple("yearly");
      });
    }
    if (phrase.take(EVERY_PART).isPresent()) {
      return Optional.of(simple("daily"));
    }
    return Optional.empty();
  }

  /**
   * The first day the rule allows, from {@code today} on; with a time of day, today only if that
   * time is still to come. Used when the person gave no start ("water the plants every Monday").
   */
  static LocalDate firstDay(JsonObject rule, LocalDate today, LocalTime time, LocalTime nowTime) {
    LocalDate day = today;
    if (time != null && !time.isAfter(nowTime)) {
      day = day.plusDays(1);
    }
    for (int i = 0; i < 800; i++, day = day.plusDays(1)) {
      if (matches(rule, day)) {
        return day;
      }
    }
    return today;
  }

  /** Whether {@code day} is one the rule's days allow (its interval is counted from the first one). */
  static boolean matches(JsonObject rule, LocalDate day) {
    String frequency = rule.getString("frequency", "");
    if (frequency.equals("weekdays")) {
      return day.getDayOfWeek().getValue() <= 5;
    }
    JsonArray byMonthDay = rule.getJsonArray("byMonthDay");
    if (byMonthDay != null) {
      int wanted = byMonthDay.getInteger(0);
      int actual = wanted < 0 ? day.getDayOfMonth() - day.lengthOfMonth() - 1 : day.getDayOfMonth();
      if (actual != wanted) {
        return false;
      }
    }
    JsonArray byMonth = rule.getJsonArray("byMonth");
    if (byMonth != null && !byMonth.contains(day.getMonthValue())) {
      return false;
    }
    JsonArray byDay = rule.getJsonArray("byDay");
    if (byDay == null) {
      return true;
    }
    for (Object entry : byDay) {
      Matcher m = RRULE_DAY.matcher((String) entry);
      if (m.matches() && Numbers.rruleDay(day.getDayOfWeek()).equals(m.group(2))) {
        if (m.group(1).isEmpty()) {
          return true;
        }
        int nth = Integer.parseInt(m.group(1));
        int fromStart = (day.getDayOfMonth() - 1) / 7 + 1;
        int fromEnd = -((day.lengthOfMonth() - day.getDayOfMonth()) / 7 + 1);
        if (nth == fromStart || nth == fromEnd) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * "every Tuesday for 8 weeks" is 8 times; "daily for 2 weeks", in a unit other than the rule's, runs
   * until the last day of the span counted from today.
   */
  private static void span(JsonObject rule, int n, String unit, LocalDate today) {
    char u = Character.toLowerCase(unit.charAt(0));
    String frequency = rule.getString("frequency");
    int interval = rule.getInteger("interval", 1);
    JsonArray byDay = rule.getJsonArray("byDay");
    boolean sameUnit = !frequency.equals("weekdays") && frequency.charAt(0) == u && rule.getJsonArray("byMonthDay") == null
        && (byDay == null || u == 'w' && byDay.stream().allMatch(d -> ((String) d).length() == 2));
    if (sameUnit && n % interval == 0) {
      rule.put("count", n / interval * (byDay == null ? 1 : byDay.size()));
    } else if (frequency.equals("weekdays") && u == 'w') {
      rule.put("count", 5 * n);
    } else {
      LocalDate end = switch (u) {
        case 'd' -> today.plusDays(n);
        case 'w' -> today.plusWeeks(n);
        case 'm' -> today.plusMonths(n);
        default -> today.plusYears(n);
      };
      rule.put("until", end.minusDays(1).toString());
    }
  }

  private static JsonObject simple(String frequency) {
    return new JsonObject().put("frequency", frequency);
  }

  private static JsonObject every(String unit, int interval) {
    String u = unit.toLowerCase(Locale.ROOT);
    JsonObject rule = simple(u.startsWith("day") ? "daily" : u.startsWith("week") ? "weekly"
        : u.startsWith("month") ? "monthly" : "yearly");
    if (interval > 1) {
      rule.put("interval", interval);
    }
    return rule;
  }

  private static JsonArray days(String text) {
    var found = new ArrayList<String>();
    Matcher m = ANY_WEEKDAY.matcher(text);
    while (m.find()) {
      String day = Numbers.rruleDay(Numbers.weekday(m.group(1)));
      if (!found.contains(day)) {
        found.add(day);
      }
    }
    found.sort((a, b) -> order(a) - order(b));
    return new JsonArray(new ArrayList<>(found));
  }

  private static int order(String rruleDay) {
    return List.of("MO", "TU", "WE", "TH", "FR", "SA", "SU").indexOf(rruleDay);
  }

  /** The last day "until ..." allows: "until June" is the end of the next June to come. */
  private static LocalDate until(MatchResult m, LocalDate today) {
    if (m.group(1) != null) {
      return LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }
    if (m.group(7) != null) {
      return Dates.endOf(m.group(7).toLowerCase(Locale.ROOT), today);
    }
    if (m.group(8) != null) {
      return m.group(8).equalsIgnoreCase("year") ? today.plusYears(1).with(TemporalAdjusters.lastDayOfYear())
          : today.plusMonths(1).with(TemporalAdjusters.lastDayOfMonth());
    }
    Month month = Numbers.month(m.group(4));
    int year = m.group(6) != null ? Integer.parseInt(m.group(6))
        : month.getValue() < today.getMonthValue() ? today.getYear() + 1 : today.getYear();
    LocalDate first = LocalDate.of(year, month, 1);
    return m.group(5) != null ? first.withDayOfMonth(Integer.parseInt(m.group(5)))
        : first.with(TemporalAdjusters.lastDayOfMonth());
  }
}
