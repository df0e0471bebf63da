package dev.todochatbot.platform.recurrence;

import dev.todochatbot.platform.FieldErrors;
import dev.todochatbot.platform.InputRules;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;
import java.util.regex.Pattern;
import org.dmfs.rfc5545.DateTime;
import org.dmfs.rfc5545.recur.InvalidRecurrenceRuleException;
import org.dmfs.rfc5545.recur.RecurrenceRule;
import org.dmfs.rfc5545.recur.RecurrenceRuleIterator;

/**
 * How a task repeats: an RFC 5545 rule and whether the next occurrence counts from the due time or
 * from the completion. Rules are evaluated by lib-recur in the task's own time zone on wall-clock
 * time, so a task at 09:00 stays at 09:00 when the clocks change.
 *
 * <p>The parts people need for tasks are accepted ({@code FREQ} DAILY/WEEKLY/MONTHLY/YEARLY,
 * {@code INTERVAL}, {@code BYDAY} with ordinals such as {@code 2MO} or {@code -1FR},
 * {@code BYMONTHDAY} with {@code -1} for the last day, {@code BYMONTH}, {@code BYSETPOS},
 * {@code COUNT}, {@code UNTIL}, {@code WKST}); anything else is refused with a reason. {@code COUNT}
 * counts the occurrences of the series, the first one included, in both modes.
 *
 * @param rule the rule, normalized: parts upper-case, without a leading {@code RRULE:}
 * @param mode {@link Mode#FROM_DUE} ("every Monday") or {@link Mode#FROM_COMPLETION} ("3 days after I
 *     finish it")
 */
public record Recurrence(String rule, Mode mode) {

  /** Where the next occurrence counts from. */
  public enum Mode {
    FROM_DUE("fromDue"), FROM_COMPLETION("fromCompletion");

    private final String json;

    Mode(String json) {
      this.json = json;
    }

    public String json() {
      return json;
    }

    public static Optional<Mode> parse(String text) {
      for (Mode mode : values()) {
        if (mode.json.equals(text)) {
          return Optional.of(mode);
        }
      }
      return Optional.empty();
    }
  }

  private static final int MAX_RULE_LENGTH = 500;
  private static final int MAX_INTERVAL = 1000;
  private static final int MAX_COUNT = 10_000;
  /** instances looked at for the next occurrence before giving up on a rule that never matches */
  private static final int MAX_INSTANCES = 5_000;
  private static final List<String> FREQUENCIES = List.of("DAILY", "WEEKLY", "MONTHLY", "YEARLY");
  private static final Set<String> PARTS =
      Set.of("FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "COUNT", "UNTIL", "WKST");
  private static final Pattern WEEKDAY_NUM = Pattern.compile("([+-]?)(\\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)");
  private static final Pattern WEEKDAY = Pattern.compile("MO|TU|WE|TH|FR|SA|SU");
  private static final DateTimeFormatter UNTIL_DATE_TIME = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter UNTIL_DATE = DateTimeFormatter.ofPattern("uuuuMMdd");

  public Recurrence {
    if (rule == null || mode == null) {
      throw new IllegalArgumentException("a recurrence needs a rule and a mode");
    }
  }

  /** {@code {rule, mode}}, as the API shows it. */
  public JsonObject toJson() {
    return new JsonObject().put("rule", rule).put("mode", mode.json());
  }

  /** The number of occurrences the rule allows ({@code COUNT}), if it limits them. */
  public Optional<Integer> count() {
    return Optional.ofNullable(parts(rule).get("COUNT")).map(Integer::valueOf);
  }

  /**
   * Whether the series ends before an occurrence due at {@code due} in {@code zone}: its {@code UNTIL}
   * (inclusive, as RFC 5545 has it) is an earlier instant, or, as a bare date, an earlier day in the
   * task's zone. A series whose first occurrence is so due would never repeat.
   */
  public boolean endsBefore(Instant due, ZoneId zone) {
    String until = parts(rule).get("UNTIL");
    if (until == null) {
      return false;
    }
    TemporalAccessor end = parseUntil(until);
    if (end == null) {
      return false; // a stored rule from before UNTIL was checked: nothing to compare
    }
    return end instanceof LocalDate day
        ? due.atZone(zone).toLocalDate().isAfter(day)
        : due.isAfter(Instant.from(end));
  }

  /** The {@code UNTIL} of the rule, as the API writes it: a rule part, or the simple form's {@code until}. */
  public Optional<String> until() {
    return Optional.ofNullable(parts(rule).get("UNTIL"));
  }

  /**
   * Reads a recurrence as the API accepts it: {@code {rule: "FREQ=WEEKLY;BYDAY=MO", mode}} or a simple
   * form {@code {frequency: "weekly", interval: 2, byDay: ["MO"], byMonthDay: [-1], byMonth: [1],
   * count: 10, until: "2027-06-30", mode}} ({@code frequency} may also be {@code "weekdays"}).
   * Problems go to {@code errors} under {@code field} (and its sub-fields); the answer is then null.
   */
  public static Recurrence fromJson(Object value, String field, FieldErrors errors) {
    if (!(value instanceof JsonObject json)) {
      errors.add(field, "must be an object such as {\"rule\": \"FREQ=WEEKLY;BYDAY=MO\"} or "
          + "{\"frequency\": \"weekly\", \"byDay\": [\"MO\"]}, or null to stop repeating");
      return null;
    }
    Mode mode = Mode.FROM_DUE;
    if (json.containsKey("mode")) {
      Optional<Mode> parsed = json.getValue("mode") instanceof String s ? Mode.parse(s) : Optional.empty();
      if (parsed.isEmpty()) {
        errors.add(field + ".mode", "must be \"fromDue\" (the next one counts from the due time) or "
            + "\"fromCompletion\" (it counts from when the task is completed)");
        return null;
      }
      mode = parsed.get();
    }
    String rule;
    if (json.containsKey("rule")) {
      for (String other : json.fieldNames()) {
        if (!other.equals("rule") && !other.equals("mode")) {
          errors.add(field + "." + other, "cannot be combined with rule: give either a rule or the simple form");
          return null;
        }
      }
      if (!(json.getValue("rule") instanceof String text)) {
        errors.add(field + ".rule", "must be text such as \"FREQ=WEEKLY;BYDAY=MO\"");
        return null;
      }
      rule = text;
    } else {
      rule = fromSimpleForm(json, field, errors);
      if (rule == null) {
        return null;
      }
    }
    String normalized = normalize(rule, field + (json.containsKey("rule") ? ".rule" : ""), errors);
    return normalized == null ? null : new Recurrence(normalized, mode);
  }

  /** The recurrence of a stored task or an event; the rule is trusted (it was checked when written). */
  public static Recurrence of(String rule, String mode) {
    return new Recurrence(rule, Mode.parse(mode).orElseThrow(() -> new IllegalArgumentException("mode " + mode)));
  }

  private static String fromSimpleForm(JsonObject json, String field, FieldErrors errors) {
    Set<String> known = Set.of("frequency", "interval", "byDay", "byMonthDay", "byMonth", "count", "until", "mode");
    for (String name : json.fieldNames()) {
      if (!known.contains(name)) {
        errors.add(field + "." + name, "is not part of a recurrence; give rule, or frequency with interval, "
            + "byDay, byMonthDay, byMonth, count, until (and mode)");
        return null;
      }
    }
    if (!(json.getValue("frequency") instanceof String frequency)) {
      errors.add(field + ".frequency", "is required: daily, weekdays, weekly, monthly or yearly (or give a rule)");
      return null;
    }
    var rule = new StringBuilder();
    String upper = frequency.strip().toUpperCase(Locale.ROOT);
    if (upper.equals("WEEKDAYS")) {
      if (json.containsKey("byDay")) {
        errors.add(field + ".byDay", "cannot be combined with frequency weekdays (it means MO to FR)");
        return null;
      }
      rule.append("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR");
    } else if (FREQUENCIES.contains(upper)) {
      rule.append("FREQ=").append(upper);
    } else {
      errors.add(field + ".frequency", "must be daily, weekdays, weekly, monthly or yearly, not \"" + frequency + "\"");
      return null;
    }
    boolean ok = appendNumber(json, "interval", "INTERVAL", rule, field, errors)
        && appendList(json, "byDay", "BYDAY", rule, field, errors)
        && appendList(json, "byMonthDay", "BYMONTHDAY", rule, field, errors)
        && appendList(json, "byMonth", "BYMONTH", rule, field, errors)
        && appendNumber(json, "count", "COUNT", rule, field, errors);
    if (!ok) {
      return null;
    }
    if (json.containsKey("until")) {
      Object until = json.getValue("until");
      String text = until instanceof String s ? untilPart(s.strip()) : null;
      if (text == null) {
        errors.add(field + ".until", "must be a date such as \"2027-06-30\" (the last day it may occur) or an "
            + "instant such as \"2027-06-30T17:00:00Z\"");
        return null;
      }
      rule.append(";UNTIL=").append(text);
    }
    return rule.toString();
  }

  private static String untilPart(String text) {
    try {
      return UNTIL_DATE_TIME.format(OffsetDateTime.parse(text).toInstant());
    } catch (DateTimeParseException notInstant) {
      try {
        // the whole last day counts: until the end of that day in UTC at the latest
        return UNTIL_DATE_TIME.format(LocalDate.parse(text).atTime(23, 59, 59).toInstant(ZoneOffset.UTC));
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }

  private static boolean appendNumber(JsonObject json, String name, String part, StringBuilder rule, String field,
      FieldErrors errors) {
    if (!json.containsKey(name)) {
      return true;
    }
    Object value = json.getValue(name);
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      errors.add(field + "." + name, "must be a whole number");
      return false;
    }
    rule.append(';').append(part).append('=').append(n.longValue());
    return true;
  }

  private static boolean appendList(JsonObject json, String name, String part, StringBuilder rule, String field,
      FieldErrors errors) {
    if (!json.containsKey(name)) {
      return true;
    }
    if (!(json.getValue(name) instanceof JsonArray array) || array.isEmpty()) {
      errors.add(field + "." + name, "must be a non-empty array");
      return false;
    }
    var items = new ArrayList<String>();
    for (Object item : array) {
      if (!(item instanceof String) && !(item instanceof Number)) {
        errors.add(field + "." + name, "must hold " + (name.equals("byDay") ? "days such as \"MO\", \"2MO\" or \"-1FR\""
            : "whole numbers"));
        return false;
      }
      items.add(String.valueOf(item).strip().toUpperCase(Locale.ROOT));
    }
    rule.append(';').append(part).append('=').append(String.join(",", items));
    return true;
  }

  /**
   * Checks a rule part by part (so the message names what is wrong), then with lib-recur, and answers
   * it normalized; null after adding to {@code errors}.
   */
  static String normalize(String text, String field, FieldErrors errors) {
    String rule = text.strip();
    if (rule.regionMatches(true, 0, "RRULE:", 0, 6)) {
      rule = rule.substring(6);
    }
    if (rule.isEmpty() || rule.length() > MAX_RULE_LENGTH) {
      errors.add(field, "must be an RFC 5545 rule such as \"FREQ=WEEKLY;BYDAY=MO\" of at most " + MAX_RULE_LENGTH
          + " characters");
      return null;
    }
    var parts = new LinkedHashMap<String, String>();
    for (String piece : rule.split(";")) {
      int eq = piece.indexOf('=');
      if (eq <= 0 || eq == piece.length() - 1) {
        errors.add(field, "\"" + piece + "\" is not a NAME=VALUE part; a rule looks like \"FREQ=MONTHLY;BYMONTHDAY=-1\"");
        return null;
      }
      String name = piece.substring(0, eq).strip().toUpperCase(Locale.ROOT);
      String value = piece.substring(eq + 1).strip().toUpperCase(Locale.ROOT);
      if (!PARTS.contains(name)) {
        errors.add(field, name + " is not supported for tasks; use FREQ, INTERVAL, BYDAY, BYMONTHDAY, BYMONTH, "
            + "BYSETPOS, COUNT, UNTIL, WKST");
        return null;
      }
      if (parts.put(name, value) != null) {
        errors.add(field, name + " appears twice");
        return null;
      }
    }
    String problem = problem(parts);
    if (problem != null) {
      errors.add(field, problem);
      return null;
    }
    var normalized = new StringBuilder();
    parts.forEach((name, value) -> normalized.append(normalized.length() == 0 ? "" : ";").append(name).append('=')
        .append(value));
    String result = normalized.toString();
    try {
      RecurrenceRule parsed = new RecurrenceRule(result, RecurrenceRule.RfcMode.RFC5545_STRICT);
      // a rule that can never occur ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30") is refused now, not found out later
      if (!occursWithin(parsed, parts)) {
        errors.add(field, "never occurs: no date matches all of its parts");
        return null;
      }
    } catch (InvalidRecurrenceRuleException | RuntimeException e) {
      errors.add(field, "is not a valid RFC 5545 rule (" + e.getMessage() + ")");
      return null;
    }
    return result;
  }

  private static String problem(Map<String, String> parts) {
    String freq = parts.get("FREQ");
    if (freq == null) {
      return "needs FREQ: DAILY, WEEKLY, MONTHLY or YEARLY";
    }
    if (!FREQUENCIES.contains(freq)) {
      return "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY (tasks do not repeat more often than daily), not " + freq;
    }
    String interval = parts.get("INTERVAL");
    if (interval != null && !isIntBetween(interval, 1, MAX_INTERVAL)) {
      return "INTERVAL must be a whole number from 1 to " + MAX_INTERVAL;
    }
    String count = parts.get("COUNT");
    if (count != null && !isIntBetween(count, 1, MAX_COUNT)) {
      return "COUNT must be a whole number from 1 to " + MAX_COUNT;
    }
    if (count != null && parts.containsKey("UNTIL")) {
      return "COUNT and UNTIL cannot both be given: a series ends one way";
    }
    String until = parts.get("UNTIL");
    if (until != null) {
      TemporalAccessor end = parseUntil(until);
      if (end == null) {
        return "UNTIL must be a UTC date and time such as 20270630T235959Z";
      }
      if (!InputRules.isInRange(LocalDate.from(end))) {
        return "UNTIL " + InputRules.YEAR_MESSAGE;
      }
    }
    String byDay = parts.get("BYDAY");
    if (byDay != null) {
      boolean ordinalsAllowed = freq.equals("MONTHLY") || freq.equals("YEARLY");
      for (String day : byDay.split(",")) {
        var m = WEEKDAY_NUM.matcher(day);
        if (!m.matches()) {
          return "BYDAY holds days such as MO, 2MO (second Monday) or -1FR (last Friday), not \"" + day + "\"";
        }
        if (m.group(2) != null) {
          int n = Integer.parseInt(m.group(2));
          int max = freq.equals("MONTHLY") ? 5 : 53;
          if (!ordinalsAllowed) {
            return "BYDAY " + day + ": a numbered day (such as 2MO) needs FREQ=MONTHLY or FREQ=YEARLY";
          }
          if (n < 1 || n > max) {
            return "BYDAY " + day + ": the number must be 1 to " + max + " or -1 to -" + max;
          }
        } else if (!m.group(1).isEmpty()) {
          return "BYDAY " + day + ": a sign needs a number after it, such as -1FR";
        }
      }
    }
    String byMonthDay = parts.get("BYMONTHDAY");
    if (byMonthDay != null) {
      if (freq.equals("WEEKLY")) {
        return "BYMONTHDAY cannot be used with FREQ=WEEKLY";
      }
      for (String day : byMonthDay.split(",")) {
        if (!(isIntBetween(day, 1, 31) || isIntBetween(day, -31, -1))) {
          return "BYMONTHDAY holds days 1 to 31, or -1 (last day) to -31, not \"" + day + "\"";
        }
      }
    }
    String byMonth = parts.get("BYMONTH");
    if (byMonth != null) {
      for (String month : byMonth.split(",")) {
        if (!isIntBetween(month, 1, 12)) {
          return "BYMONTH holds months 1 to 12, not \"" + month + "\"";
        }
      }
    }
    String bySetPos = parts.get("BYSETPOS");
    if (bySetPos != null) {
      for (String pos : bySetPos.split(",")) {
        if (!(isIntBetween(pos, 1, 366) || isIntBetween(pos, -366, -1))) {
          return "BYSETPOS holds positions 1 to 366 or -1 to -366, not \"" + pos + "\"";
        }
      }
    }
    String wkst = parts.get("WKST");
    if (wkst != null && !WEEKDAY.matcher(wkst).matches()) {
      return "WKST must be a day: MO, TU, WE, TH, FR, SA or SU";
    }
    return null;
  }

  /** An UNTIL value: an instant (UTC date and time) or a date; null when it is neither. */
  private static TemporalAccessor parseUntil(String value) {
    try {
      return Instant.from(UNTIL_DATE_TIME.parse(value)).atOffset(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      try {
        return LocalDate.from(UNTIL_DATE.parse(value));
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  private static boolean isIntBetween(String value, int min, int max) {
    try {
      int n = Integer.parseInt(value);
      return n >= min && n <= max;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Whether the rule (without COUNT and UNTIL) has an instance after a fixed start, within a bounded search. */
  private static boolean occursWithin(RecurrenceRule rule, Map<String, String> parts) throws InvalidRecurrenceRuleException {
    var open = new LinkedHashMap<>(parts);
    open.remove("COUNT");
    open.remove("UNTIL");
    RecurrenceRule unbounded = new RecurrenceRule(join(open), RecurrenceRule.RfcMode.RFC5545_STRICT);
    try {
      RecurrenceRuleIterator it = unbounded.iterator(new DateTime(TimeZone.getTimeZone("UTC"), 2000, 0, 1, 0, 0, 0));
      long start = it.peekMillis();
      for (int i = 0; i < 3 && it.hasNext(); i++) {
        if (it.nextMillis() > start) {
          return true;
        }
      }
      return false;
    } catch (RuntimeException e) {
      // lib-recur gives up after many candidate dates that all fail the filters
      return false;
    }
  }

  private static String join(Map<String, String> parts) {
    var text = new StringBuilder();
    parts.forEach((name, value) -> text.append(text.length() == 0 ? "" : ";").append(name).append('=').append(value));
    return text.toString();
  }

  private static Map<String, String> parts(String rule) {
    var parts = new LinkedHashMap<String, String>();
    for (String piece : rule.split(";")) {
      int eq = piece.indexOf('=');
      parts.put(piece.substring(0, eq), piece.substring(eq + 1));
    }
    return parts;
  }

  /**
   * The due time of the occurrence after occurrence number {@code occurrence} (1 for the first of a
   * series), or empty when the series is over ({@code COUNT} reached, or nothing before {@code UNTIL}).
   *
   * @param due the due time of the occurrence just completed
   * @param zone the task's time zone: the rule runs on its wall clock
   * @param completedAt when it was completed; used in {@link Mode#FROM_COMPLETION}, where the series
   *     starts again from the completion day at the due time's time of day
   */
  public Optional<Instant> next(Instant due, ZoneId zone, int occurrence, Instant completedAt) {
    Map<String, String> parts = parts(rule);
    String count = parts.remove("COUNT");
    if (count != null && occurrence >= Integer.parseInt(count)) {
      return Optional.empty();
    }
    ZonedDateTime anchor = due.atZone(zone);
    if (mode == Mode.FROM_COMPLETION && completedAt != null) {
      anchor = completedAt.atZone(zone).toLocalDate().atTime(anchor.toLocalTime()).atZone(zone);
    }
    RecurrenceRule recurrence;
    try {
      recurrence = new RecurrenceRule(join(parts), RecurrenceRule.RfcMode.RFC5545_LAX);
    } catch (InvalidRecurrenceRuleException e) {
      throw new IllegalStateException("stored rule " + rule + " no longer parses", e);
    }
    var start = new DateTime(TimeZone.getTimeZone(zone), anchor.getYear(), anchor.getMonthValue() - 1,
        anchor.getDayOfMonth(), anchor.getHour(), anchor.getMinute(), anchor.getSecond());
    RecurrenceRuleIterator it = recurrence.iterator(start);
    long after = start.getTimestamp();
    for (int i = 0; i < MAX_INSTANCES && it.hasNext(); i++) {
      long instance = it.nextMillis();
      if (instance > after) {
        // the API holds no later year: the series ends there, rather than ask for an occurrence it refuses
        Instant next = Instant.ofEpochMilli(instance);
        return InputRules.isInRange(next) ? Optional.of(next) : Optional.empty();
      }
    }
    return Optional.empty();
  }
}
