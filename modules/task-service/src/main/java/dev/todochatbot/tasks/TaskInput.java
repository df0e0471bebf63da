package dev.todochatbot.tasks;

import dev.todochatbot.platform.FieldErrors;
import dev.todochatbot.platform.InputRules;
import dev.todochatbot.platform.recurrence.Recurrence;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The fields a create or a patch sets, read from JSON and checked in one pass: every problem is
 * reported at once, by field name, and nothing is written unless all of them are fine.
 *
 * <p>A patch is a JSON merge patch: a field that is absent stays as it is; {@code null} clears
 * {@code description}, {@code dueAt} and {@code tags}.
 */
final class TaskInput {

  static final int MAX_TITLE = 500;
  static final int MAX_DESCRIPTION = 10_000;
  static final int MAX_TAGS = 20;
  static final int MAX_TAG = 40;
  private static final Pattern TAG = Pattern.compile("[\\p{L}\\p{N}_\\-./:]+");
  private static final Set<String> WRITABLE =
      Set.of("title", "description", "status", "priority", "tags", "dueAt", "timeZone", "allDay", "recurrence");
  private static final Set<String> READ_ONLY =
      Set.of("id", "createdAt", "updatedAt", "completedAt", "version", "seriesId", "occurrence");

  /** A field of the input: present or not, and its value when present (which may be null). */
  record Field<T>(boolean present, T value) {
    static <T> Field<T> absent() {
      return new Field<>(false, null);
    }

    static <T> Field<T> of(T value) {
      return new Field<>(true, value);
    }
  }

  /** A due date as typed: an instant with an offset, or (for all-day tasks) a bare date. */
  record Due(Instant instant, LocalDate date) {}

  Field<String> title = Field.absent();
  Field<String> description = Field.absent();
  Field<TaskStatus> status = Field.absent();
  Field<Priority> priority = Field.absent();
  Field<List<String>> tags = Field.absent();
  Field<Due> dueAt = Field.absent();
  Field<String> timeZone = Field.absent();
  Field<Boolean> allDay = Field.absent();
  Field<Recurrence> recurrence = Field.absent();

  private TaskInput() {}

  boolean isEmpty() {
    return !(title.present || description.present || status.present || priority.present || tags.present
        || dueAt.present || timeZone.present || allDay.present || recurrence.present);
  }

  static TaskInput parse(JsonObject json) {
    var errors = new FieldErrors();
    var input = new TaskInput();
    for (String name : json.fieldNames()) {
      if (READ_ONLY.contains(name)) {
        errors.add(name, "is set by the server and cannot be written");
      } else if (!WRITABLE.contains(name)) {
        errors.add(name, "is not a task field; the fields are " + String.join(", ", new java.util.TreeSet<>(WRITABLE)));
      }
    }
    if (json.containsKey("title")) {
      input.title = Field.of(title(json.getValue("title"), errors));
    }
    if (json.containsKey("description")) {
      input.description = Field.of(description(json.getValue("description"), errors));
    }
    if (json.containsKey("status")) {
      Object value = json.getValue("status");
      TaskStatus parsed = value instanceof String s ? TaskStatus.parse(s).orElse(null) : null;
      if (parsed == null) {
        errors.add("status", "must be \"open\" or \"completed\"");
      }
      input.status = Field.of(parsed);
    }
    if (json.containsKey("priority")) {
      Object value = json.getValue("priority");
      Priority parsed = value instanceof String s ? Priority.parse(s).orElse(null) : null;
      if (parsed == null) {
        errors.add("priority", "must be one of " + Priority.NAMES);
      }
      input.priority = Field.of(parsed);
    }
    if (json.containsKey("tags")) {
      input.tags = Field.of(tags(json.getValue("tags"), errors));
    }
    if (json.containsKey("dueAt")) {
      input.dueAt = Field.of(due(json.getValue("dueAt"), errors));
    }
    if (json.containsKey("timeZone")) {
      Object value = json.getValue("timeZone");
      if (!(value instanceof String zone) || !InputRules.isTimeZone(zone)) {
        errors.add("timeZone", "must be an IANA time zone name such as \"Europe/Paris\" or \"UTC\"");
      } else {
        input.timeZone = Field.of(zone);
      }
    }
    if (json.containsKey("allDay")) {
      Object value = json.getValue("allDay");
      if (!(value instanceof Boolean b)) {
        errors.add("allDay", "must be true or false");
      } else {
        input.allDay = Field.of(b);
      }
    }
    if (json.containsKey("recurrence")) {
      Object value = json.getValue("recurrence");
      // null stops a task repeating; anything else must be a valid recurrence
      input.recurrence = Field.of(value == null ? null : Recurrence.fromJson(value, "recurrence", errors));
    }
    errors.throwIfInvalidBody();
    return input;
  }

  private static String title(Object value, FieldErrors errors) {
    if (!(value instanceof String s)) {
      errors.add("title", "is required and must be text");
      return null;
    }
    String trimmed = s.strip();
    int length = trimmed.codePointCount(0, trimmed.length());
    if (InputRules.hasControlCharacters(trimmed)) {
      errors.add("title", InputRules.CONTROL_MESSAGE);
    } else if (length == 0) {
      errors.add("title", "must not be blank");
    } else if (length > MAX_TITLE) {
      errors.add("title", "must be at most " + MAX_TITLE + " characters (it has " + length + ")");
    }
    return trimmed;
  }

  private static String description(Object value, FieldErrors errors) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      errors.add("description", "must be text or null");
      return null;
    }
    int length = s.codePointCount(0, s.length());
    if (InputRules.hasControlCharacters(s)) {
      errors.add("description", InputRules.CONTROL_MESSAGE + " (tab and line breaks are fine)");
    } else if (length > MAX_DESCRIPTION) {
      errors.add("description", "must be at most " + MAX_DESCRIPTION + " characters (it has " + length + ")");
    }
    return s.isBlank() ? null : s;
  }

  private static List<String> tags(Object value, FieldErrors errors) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      errors.add("tags", "must be an array of text");
      return List.of();
    }
    var tags = new LinkedHashSet<String>();
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      String field = "tags[" + i + "]";
      if (!(item instanceof String s)) {
        errors.add(field, "must be text");
        continue;
      }
      String tag = normalizeTag(s);
      String problem = tagProblem(tag);
      if (problem != null) {
        errors.add(field, problem);
      } else {
        tags.add(tag);
      }
    }
    if (tags.size() > MAX_TAGS) {
      errors.add("tags", "at most " + MAX_TAGS + " tags (got " + tags.size() + ")");
    }
    return new ArrayList<>(tags);
  }

  /** What is wrong with a normalized tag, or null when it is fine. */
  static String tagProblem(String tag) {
    int length = tag.codePointCount(0, tag.length());
    if (length == 0) {
      return "must not be empty";
    } else if (length > MAX_TAG) {
      return "must be at most " + MAX_TAG + " characters";
    } else if (!TAG.matcher(tag).matches()) {
      return "may hold letters, digits and - _ . / : only (no spaces)";
    }
    return null;
  }

  /** Tags are stored lower-case and without a leading '#', so "#Work" and "work" are one tag. */
  static String normalizeTag(String tag) {
    String t = tag.strip();
    while (t.startsWith("#")) {
      t = t.substring(1);
    }
    return t.toLowerCase(Locale.ROOT);
  }

  private static Due due(Object value, FieldErrors errors) {
    if (value == null) {
      return null;
    }
    if (value instanceof String s) {
      try {
        Instant instant = OffsetDateTime.parse(s).toInstant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        if (!InputRules.isInRange(instant)) {
          errors.add("dueAt", InputRules.YEAR_MESSAGE);
          return null;
        }
        return new Due(instant, null);
      } catch (DateTimeParseException notAnInstant) {
        try {
          LocalDate date = LocalDate.parse(s);
          if (!InputRules.isInRange(date)) {
            errors.add("dueAt", InputRules.YEAR_MESSAGE);
            return null;
          }
          return new Due(null, date);
        } catch (DateTimeParseException notADate) {
          // fall through to the error below
        }
      }
    }
    errors.add("dueAt", "must be a date and time with an offset, such as \"2026-12-01T17:00:00+01:00\" "
        + "or \"2026-12-01T16:00:00Z\", or a date such as \"2026-12-01\" with allDay: true");
    return null;
  }

  /** A new task from a create request. */
  Task create(UUID userId, String defaultZone, Instant now) {
    var errors = new FieldErrors();
    if (!title.present) {
      errors.add("title", "is required");
    }
    String zone = timeZone.present ? timeZone.value : defaultZone;
    boolean isAllDay = allDay.present && allDay.value;
    Instant due = resolveDue(dueAt.present ? dueAt.value : null, null, zone, null, isAllDay, errors);
    Recurrence repeats = recurrence.present ? recurrence.value : null;
    if (repeats != null && due == null) {
      errors.add("recurrence", "needs a due date: set dueAt to the first occurrence");
    } else if (repeats != null && repeats.endsBefore(due, ZoneId.of(zone))) {
      errors.add("recurrence", endsBefore(repeats, due, zone));
    }
    errors.throwIfInvalidBody();
    TaskStatus initial = status.present ? status.value : TaskStatus.OPEN;
    UUID id = UUID.randomUUID();
    return new Task(id, userId, title.value, description.value, initial,
        priority.present ? priority.value : Priority.NONE, tags.present ? tags.value : List.of(), due, zone,
        isAllDay && due != null, now, now, initial == TaskStatus.COMPLETED ? now : null, 1,
        repeats, repeats == null ? null : id, repeats == null ? null : 1, List.of());
  }

  /** The task after this patch, with a new version; the same task when the patch sets nothing. */
  Task applyTo(Task current, Instant now) {
    if (isEmpty()) {
      return current;
    }
    var errors = new FieldErrors();
    String zone = timeZone.present ? timeZone.value : current.timeZone();
    boolean clearsDue = dueAt.present && dueAt.value == null;
    // clearing the due date ends all-day, unless this same patch asks for all-day (which then fails)
    boolean isAllDay = allDay.present ? allDay.value : current.allDay() && !clearsDue;
    Instant due;
    if (dueAt.present) {
      due = resolveDue(dueAt.value, null, zone, null, isAllDay, errors);
    } else {
      // keep the instant; an all-day task keeps its date, re-anchored to the start of that day in its zone
      due = resolveDue(null, current.dueAt(), zone, ZoneId.of(current.timeZone()), isAllDay, errors);
    }
    Recurrence repeats = recurrence.present ? recurrence.value : current.recurrence();
    if (repeats != null && due == null) {
      errors.add(dueAt.present ? "dueAt" : "recurrence", "a repeating task needs a due date: keep dueAt, or set "
          + "recurrence to null first");
    }
    if ((recurrence.present || dueAt.present) && repeats != null && due != null
        && repeats.endsBefore(due, ZoneId.of(zone))) {
      errors.add(recurrence.present ? "recurrence" : "dueAt", recurrence.present ? endsBefore(repeats, due, zone)
          : "is after the end of the task's series (UNTIL=" + repeats.until().orElseThrow() + "): keep it on or "
              + "before that, or set recurrence with a later until");
    }
    if (due == null && current.reminders().stream().anyMatch(r -> r.before() != null)) {
      errors.add("dueAt", "the task has reminders relative to its due time: delete them first, or keep a due date");
    }
    errors.throwIfInvalidBody();
    // reminders relative to the due time move with it
    ZoneId newZone = ZoneId.of(zone);
    List<Reminder> reminders = due == null ? current.reminders()
        : current.reminders().stream().map(r -> r.movedTo(due, newZone)).toList();
    // a task that starts repeating begins a series of its own; one that stops keeps its place in the old one
    UUID series = current.seriesId() != null ? current.seriesId() : repeats != null ? current.id() : null;
    Integer number = current.occurrence() != null ? current.occurrence() : repeats != null ? Integer.valueOf(1) : null;
    Task statused = current.withStatus(status.present ? status.value : current.status(), now);
    var next = new Task(current.id(), current.userId(),
        title.present ? title.value : current.title(),
        description.present ? description.value : current.description(),
        statused.status(),
        priority.present ? priority.value : current.priority(),
        tags.present ? tags.value : current.tags(),
        due, zone, isAllDay && due != null, current.createdAt(), now, statused.completedAt(), current.version() + 1,
        repeats, series, number, reminders);
    // a patch that sets every field to what it already is changes nothing, not even the version
    return next.sameContentAs(current) ? current : next;
  }

  /** Says what to fix when a series would end before its first occurrence is due, so would never repeat. */
  private static String endsBefore(Recurrence repeats, Instant due, String zone) {
    return "ends before its first due date: UNTIL=" + repeats.until().orElseThrow() + " is earlier than "
        + IsoTime.inZone(due, ZoneId.of(zone)) + "; set until (UNTIL in a rule) on or after the due date, "
        + "or leave it out";
  }

  /**
   * The stored due instant. All-day tasks are due at the start of their date in their zone; a bare
   * date is only accepted for them.
   */
  private static Instant resolveDue(Due typed, Instant kept, String zone, ZoneId keptZone, boolean allDay,
      FieldErrors errors) {
    ZoneId zoneId = ZoneId.of(zone);
    if (typed != null) {
      if (typed.date() != null && !allDay) {
        errors.add("dueAt", "needs a time and an offset (such as \"2026-12-01T17:00:00+01:00\"), "
            + "or set allDay: true for a date without a time");
        return null;
      }
      if (allDay) {
        LocalDate date = typed.date() != null ? typed.date() : typed.instant().atZone(zoneId).toLocalDate();
        return date.atStartOfDay(zoneId).toInstant();
      }
      return typed.instant();
    }
    if (kept == null) {
      if (allDay) {
        errors.add("allDay", "needs a due date: set dueAt too");
      }
      return null;
    }
    if (allDay) {
      return kept.atZone(keptZone).toLocalDate().atStartOfDay(zoneId).toInstant();
    }
    return kept;
  }
}
