package dev.todochatbot.tasks;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.todochatbot.platform.FieldErrors;
import dev.todochatbot.platform.InputRules;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A reminder of a task: at an instant, or relative to the task's due time ({@code before}, an ISO-8601
 * duration such as {@code PT30M} or {@code P1D}, optionally at a local {@code time}: "1 day before at
 * 09:00"). {@code at} is always the instant it fires; a relative one is recomputed whenever the due
 * time moves.
 *
 * @param before the ISO-8601 text as given, null for an absolute reminder
 * @param time the local time of day for a relative reminder ("HH:MM"), or null
 */
record Reminder(UUID id, Instant at, String before, String time) {

  static final int MAX_PER_TASK = 10;
  private static final Duration MAX_BEFORE = Duration.ofDays(366);

  /** Stored and evented form: {@code {id, at, before, time}}. */
  JsonObject toJson() {
    return new JsonObject().put("id", id.toString()).put("at", IsoTime.utc(at)).put("before", before).put("time", time);
  }

  void writeJson(JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeStringField("id", id.toString());
    json.writeStringField("at", IsoTime.utc(at));
    json.writeStringField("before", before);
    json.writeStringField("time", time);
    json.writeEndObject();
  }

  static JsonArray toJson(List<Reminder> reminders) {
    var array = new JsonArray();
    reminders.forEach(r -> array.add(r.toJson()));
    return array;
  }

  /** From the stored column (written by {@link #toJson(List)}). */
  static List<Reminder> fromStored(Object value) {
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      return List.of();
    }
    var reminders = new ArrayList<Reminder>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonObject r = array.getJsonObject(i);
      reminders.add(new Reminder(UUID.fromString(r.getString("id")), Instant.parse(r.getString("at")),
          r.getString("before"), r.getString("time")));
    }
    return List.copyOf(reminders);
  }

  /** A relative reminder's instant for {@code due} in {@code zone}; an absolute one's own. */
  Instant instantFor(Instant due, ZoneId zone) {
    if (before == null) {
      return at;
    }
    ZonedDateTime local = due.atZone(zone);
    ZonedDateTime shifted = before.contains("T") ? local.minus(Duration.parse(before)) : local.minus(Period.parse(before));
    if (time != null) {
      shifted = shifted.with(LocalTime.parse(time));
    }
    return shifted.toInstant();
  }

  /** This reminder after the due time moved to {@code due}: relative ones follow, absolute ones stay. */
  Reminder movedTo(Instant due, ZoneId zone) {
    return before == null ? this : new Reminder(id, instantFor(due, zone), before, time);
  }

  /**
   * This reminder on the next occurrence of a series (a new id): relative ones follow the new due time,
   * absolute ones move by as much as the due time did.
   */
  Reminder forOccurrence(Instant previousDue, Instant nextDue, ZoneId zone) {
    Instant next = before != null ? instantFor(nextDue, zone) : at.plus(Duration.between(previousDue, nextDue));
    return new Reminder(UUID.randomUUID(), next, before, time);
  }

  /**
   * A new reminder from {@code {at}} or {@code {before, time?}}, for a task due at {@code due} in
   * {@code zone}; 422 naming the field when something is wrong.
   */
  static Reminder parse(JsonObject json, Instant due, ZoneId zone) {
    var errors = new FieldErrors();
    for (String name : json.fieldNames()) {
      if (!name.equals("at") && !name.equals("before") && !name.equals("time")) {
        errors.add(name, "is not part of a reminder; give at (an instant) or before (a duration such as PT30M)");
      }
    }
    boolean hasAt = json.containsKey("at");
    boolean hasBefore = json.containsKey("before");
    if (hasAt == hasBefore) {
      errors.add(hasAt ? "before" : "at", hasAt ? "cannot be combined with at: a reminder is at an instant or "
          + "relative to the due time" : "is required: give at (such as \"2026-12-01T16:30:00Z\") or before "
          + "(such as \"PT30M\" for 30 minutes before the due time)");
      errors.throwIfInvalidBody();
    }
    if (hasAt) {
      if (json.containsKey("time")) {
        errors.add("time", "goes with before (\"1 day before at 09:00\"), not with at");
      }
      Instant at = null;
      try {
        at = json.getValue("at") instanceof String s ? java.time.OffsetDateTime.parse(s).toInstant() : null;
      } catch (DateTimeParseException e) {
        // reported below
      }
      if (at == null) {
        errors.add("at", "must be an instant with an offset, such as \"2026-12-01T16:30:00Z\"");
      } else if (!InputRules.isInRange(at)) {
        errors.add("at", InputRules.YEAR_MESSAGE);
      }
      errors.throwIfInvalidBody();
      return new Reminder(UUID.randomUUID(), at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS), null, null);
    }
    String before = json.getValue("before") instanceof String s ? s.strip().toUpperCase(java.util.Locale.ROOT) : null;
    if (before == null || !validBefore(before)) {
      errors.add("before", "must be an ISO-8601 duration from a minute to a year, such as \"PT30M\", \"PT2H\" or \"P1D\"");
    }
    String time = null;
    if (json.containsKey("time")) {
      try {
        time = json.getValue("time") instanceof String s ? LocalTime.parse(s).toString() : null;
      } catch (DateTimeParseException e) {
        // reported below
      }
      if (time == null) {
        errors.add("time", "must be a local time such as \"09:00\"");
      }
    }
    if (due == null) {
      errors.add("before", "needs the task to have a due date: set dueAt first, or give at");
    }
    errors.throwIfInvalidBody();
    var reminder = new Reminder(UUID.randomUUID(), null, before, time);
    return new Reminder(reminder.id(), reminder.instantFor(due, zone), before, time);
  }

  private static boolean validBefore(String text) {
    try {
      if (text.contains("T")) {
        Duration d = Duration.parse(text);
        return d.compareTo(Duration.ofMinutes(1)) >= 0 && d.compareTo(MAX_BEFORE) <= 0;
      }
      Period p = Period.parse(text);
      return !p.isNegative() && !p.isZero() && p.toTotalMonths() * 31 + p.getDays() <= 366;
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
