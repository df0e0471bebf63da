package dev.todochatbot.chat.engine;

import static dev.todochatbot.chat.engine.Phrase.words;

import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reminders: "remind me 30 minutes before", "remind me the day before at 9", "remind me at 8",
 * "remind me tomorrow at 9". Read before the due date, so the reminder's time is never taken for
 * the task's. "remind me to ..." is not a reminder clause but a way to add a task.
 */
final class Reminders {

  /**
   * A reminder as said: relative to the due time ({@code before}, an ISO duration, with a local
   * {@code time} for "the day before at 9"), or at a time ({@code day} may be open: "at 8" is on the
   * due day).
   */
  record Reminder(String before, LocalTime time, LocalDate day, LocalTime at) {

    static Reminder before(String duration, LocalTime time) {
      return new Reminder(duration, time, null, null);
    }

    /** The tools' form; an open day is the due day, or the next time the clock shows {@code at}. */
    JsonObject toJson(When due, ZonedDateTime now) {
      if (before != null) {
        var json = new JsonObject().put("before", before);
        if (time != null) {
          json.put("time", HH_MM.format(time));
        }
        return json;
      }
      LocalDate on = day;
      if (on == null) {
        on = due != null ? due.date() : at.isAfter(now.toLocalTime()) ? now.toLocalDate() : now.toLocalDate().plusDays(1);
      }
      return new JsonObject().put("at",
          DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(ZonedDateTime.of(on, at, now.getZone()).toOffsetDateTime()));
    }
  }

  private static final LocalTime NINE = LocalTime.of(9, 0);
  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");
  /** The ways of asking to be reminded: "remind me", "nudge me", "ping me", "give me a heads-up". */
  static final String REMIND_ME = "(?:remind|nudge|ping|alert|notify|buzz|prod)\\s+me"
      + "|give\\s+me\\s+an?\\s+(?:quick\\s+|little\\s+)?(?:heads[-\\s]?up|nudge|ping|shout|reminder|buzz)";
  private static final Pattern HEAD = words("(?:\\s*,\\s*|\\s)(?:and\\s+)?(?:please\\s+)?(?:" + REMIND_ME + "|remind|set\\s+(?:a\\s+)?reminder"
      + "|(?:with\\s+)?an?\\s+reminder|reminder)(?:\\s+(?:about|of)\\s+(?:it|this|that))?"
      + "(?:\\s+for)?(?=\\s)");
  /** Where a reminder's body may start; "to", "that" and "about the ..." start a task instead. */
  private static final Pattern BODY_START = words("^\\s+(?:at|on|in|tomorrow|today|tonight|this|next|the|a|an|half|one|two"
      + "|three|noon|\\d+|" + Numbers.WEEKDAY + "|" + Numbers.MONTH + ")\\b");
  private static final String TIME = "(\\d{1,2}(?::\\d{2})?\\s*(?:[ap]\\.?m\\.?)?|noon)";
  private static final Pattern BEFORE = words("\\s" + Numbers.COUNT + "\\s*(minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?)"
      + "\\s+(?:before(?:hand)?|earlier|ahead|in\\s+advance|prior)(?:\\s+(?:it's\\s+|it\\s+is\\s+)?(?:due|it|that))?"
      + "(?:\\s+at\\s+" + TIME + ")?");
  private static final Pattern DAY_BEFORE = words("\\s(?:on\\s+)?the\\s+(day|night|evening|morning)\\s+before"
      + "(?:\\s+(?:it's\\s+|it\\s+is\\s+)?due)?(?:\\s+at\\s+" + TIME + ")?");
  private static final Pattern CLAUSE_END = Pattern.compile("[,;]|\\s(?:and|but|with|tag(?:ged)?|high|low|urgent)\\s|\\s#");

  private Reminders() {}

  /** Takes every "remind me ..." clause that names when; leaves "remind me to ..." alone. */
  static List<Reminder> takeClauses(Phrase phrase, ZonedDateTime now) {
    var found = new ArrayList<Reminder>();
    int from = 0;
    while (true) {
      String text = phrase.padded();
      Matcher head = HEAD.matcher(text);
      if (!head.find(from)) {
        return found;
      }
      String rest = text.substring(head.end());
      if (!BODY_START.matcher(rest).find()) {
        from = head.end();
        continue;
      }
      Matcher end = CLAUSE_END.matcher(rest);
      int bodyEnd = end.find() ? end.start() : rest.length();
      var body = new Phrase(rest.substring(0, bodyEnd));
      Optional<Reminder> reminder = takeAnywhere(body, now);
      if (reminder.isEmpty()) {
        from = head.end();
        continue;
      }
      found.add(reminder.get());
      // the clause goes; words of it nobody read ("about it") go with it
      phrase.cut(head.start(), head.end() + bodyEnd);
      from = 0;
    }
  }

  /** A reminder expression anywhere in {@code phrase}: "1 hour before", "the day before at 9", "at 8". */
  static Optional<Reminder> takeAnywhere(Phrase phrase, ZonedDateTime now) {
    Optional<MatchResult> m = phrase.take(BEFORE);
    if (m.isPresent()) {
      int n = Numbers.count(m.get().group(1));
      String unit = m.get().group(2).toLowerCase(Locale.ROOT);
      String duration;
      if (unit.startsWith("m")) {
        duration = "PT" + (n == 0 ? 30 : n) + "M";
      } else if (unit.startsWith("h")) {
        duration = n == 0 ? "PT30M" : "PT" + n + "H";
      } else if (unit.startsWith("w")) {
        duration = "P" + (7 * Math.max(n, 1)) + "D";
      } else {
        duration = "P" + Math.max(n, 1) + "D";
      }
      LocalTime time = m.get().group(3) == null || !duration.startsWith("P") || duration.startsWith("PT") ? null
          : timeOf(m.get().group(3));
      return Optional.of(Reminder.before(duration, time));
    }
    m = phrase.take(DAY_BEFORE);
    if (m.isPresent()) {
      LocalTime time = m.get().group(2) != null ? timeOf(m.get().group(2))
          : TimesOfDay.partTime(m.get().group(1).toLowerCase(Locale.ROOT).replace("day", "morning"));
      return Optional.of(Reminder.before("P1D", time));
    }
    LocalDate day = Dates.takeDay(phrase, now).orElse(null);
    Optional<TimesOfDay.Clock> clock = TimesOfDay.take(phrase);
    if (day == null && clock.isEmpty()) {
      // "in 2 hours": an instant
      return Dates.take(phrase, now).map(w -> new Reminder(null, null, w.date(), w.allDay() ? NINE : w.time()));
    }
    if (day == null && clock.get().today()) {
      day = now.toLocalDate();
    }
    // a day named alone ("remind me tomorrow") reminds at nine that morning
    return Optional.of(new Reminder(null, null, day, clock.map(TimesOfDay.Clock::time).orElse(NINE)));
  }

  private static LocalTime timeOf(String text) {
    var phrase = new Phrase("at " + text);
    return TimesOfDay.take(phrase).map(TimesOfDay.Clock::time).orElse(LocalTime.of(9, 0));
  }
}
