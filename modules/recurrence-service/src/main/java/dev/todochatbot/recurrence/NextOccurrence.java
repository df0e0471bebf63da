package dev.todochatbot.recurrence;

import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.events.InvalidEventException;
import dev.todochatbot.platform.events.TaskEvent;
import dev.todochatbot.platform.recurrence.Recurrence;
import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The occurrence of a series that a task event calls for. An occurrence ends when it is completed, or
 * when it is deleted while still open (skipped); either way the next one follows, unless the person
 * deleted it with {@code series=stop} or the rule has no date left.
 *
 * @param previousTaskId the occurrence that ended
 * @param occurrence the number of the one to create: the ended one's plus one
 * @param dueAt when it is due, by the series' rule on the task zone's wall clock
 * @param owner the person it is created for, in the task's time zone
 * @param skipped for a skipped (deleted) occurrence, what it held: the task service can no longer copy it
 *     from the task, which is gone; null when it was completed
 */
record NextOccurrence(UUID seriesId, UUID previousTaskId, int occurrence, Instant dueAt, Principal owner,
    JsonObject skipped) {

  private static final Logger log = LoggerFactory.getLogger(NextOccurrence.class);

  /**
   * The next occurrence {@code event} calls for; empty when it calls for none. Events written before
   * tasks could repeat have no recurrence fields and call for none.
   *
   * @param data the event as delivered, for the fields {@link TaskEvent} does not keep ({@code seriesStopped})
   * @throws InvalidEventException when the event ends an occurrence but its series cannot be read
   */
  static Optional<NextOccurrence> after(TaskEvent event, JsonObject data) {
    JsonObject task = event.task();
    if (!endsOccurrence(event, data) || task.getValue("recurrence") == null || task.getValue("seriesId") == null
        || task.getValue("occurrence") == null) {
      return Optional.empty();
    }
    Recurrence recurrence = recurrence(task);
    UUID seriesId = seriesId(task);
    int occurrence = occurrence(task);
    ZoneId zone = zone(task);
    Instant due = dueAt(task);
    Instant ended = task.getValue("completedAt") == null ? event.occurredAt() : instant(task, "completedAt");
    Optional<Instant> nextDue;
    try {
      nextDue = recurrence.next(due, zone, occurrence, ended);
    } catch (RuntimeException e) {
      throw malformed("the rule '" + recurrence.rule() + "' cannot be evaluated (" + e + ")");
    }
    if (nextDue.isEmpty()) {
      log.info("Series {} is over after occurrence {} (rule {}): nothing follows task {}", seriesId, occurrence,
          recurrence.rule(), event.taskId());
      return Optional.empty();
    }
    String email = task.getValue("email") instanceof String text ? text : "";
    JsonObject skipped = null;
    if (event.type() == dev.todochatbot.platform.events.TaskEventType.DELETED) {
      skipped = new JsonObject();
      for (String field : new String[] {"title", "description", "priority", "tags", "timeZone", "allDay", "recurrence",
          "dueAt", "reminders"}) {
        if (task.containsKey(field)) {
          skipped.put(field, task.getValue(field));
        }
      }
    }
    return Optional.of(new NextOccurrence(seriesId, event.taskId(), occurrence + 1, nextDue.get(),
        new Principal(event.userId(), email, zone.getId()), skipped));
  }

  /** The task service's route that creates it, idempotent on (series, occurrence). */
  String path() {
    return "/internal/series/" + seriesId + "/occurrences";
  }

  JsonObject body() {
    var body = new JsonObject()
        .put("previousTaskId", previousTaskId.toString())
        .put("occurrence", occurrence)
        .put("dueAt", dueAt.toString());
    if (skipped != null) {
      body.put("skipped", skipped);
    }
    return body;
  }

  /** Completed, or deleted while open without stopping the series. Deleting a completed one asks nothing more. */
  private static boolean endsOccurrence(TaskEvent event, JsonObject data) {
    return switch (event.type()) {
      case COMPLETED -> true;
      case DELETED -> "open".equals(event.task().getValue("status"))
          && !Boolean.TRUE.equals(data.getValue("seriesStopped"));
      case CREATED, UPDATED, REOPENED -> false;
    };
  }

  private static Recurrence recurrence(JsonObject task) {
    if (!(task.getValue("recurrence") instanceof JsonObject json) || !(json.getValue("rule") instanceof String rule)) {
      throw malformed("task.recurrence is not {rule, mode}");
    }
    Recurrence.Mode mode = json.getValue("mode") instanceof String text ? Recurrence.Mode.parse(text).orElse(null) : null;
    if (mode == null) {
      throw malformed("task.recurrence.mode '" + json.getValue("mode") + "' is not fromDue or fromCompletion");
    }
    return new Recurrence(rule, mode);
  }

  private static UUID seriesId(JsonObject task) {
    try {
      return UUID.fromString(String.valueOf(task.getValue("seriesId")));
    } catch (IllegalArgumentException e) {
      throw malformed("task.seriesId '" + task.getValue("seriesId") + "' is not a UUID");
    }
  }

  private static int occurrence(JsonObject task) {
    if (task.getValue("occurrence") instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
        && n.doubleValue() >= 1 && n.doubleValue() < Integer.MAX_VALUE) {
      return n.intValue();
    }
    throw malformed("task.occurrence '" + task.getValue("occurrence") + "' is not a number from 1");
  }

  private static ZoneId zone(JsonObject task) {
    try {
      return ZoneId.of(String.valueOf(task.getValue("timeZone")));
    } catch (DateTimeException e) {
      throw malformed("task.timeZone '" + task.getValue("timeZone") + "' is not an IANA time zone");
    }
  }

  private static Instant dueAt(JsonObject task) {
    if (task.getValue("dueAt") == null) {
      throw malformed("a recurring task has no dueAt to count the next occurrence from");
    }
    return instant(task, "dueAt");
  }

  /** An ISO-8601 date-time with its offset: dueAt carries the task zone's, completedAt Z. */
  private static Instant instant(JsonObject task, String field) {
    try {
      return OffsetDateTime.parse(String.valueOf(task.getValue(field))).toInstant();
    } catch (DateTimeException e) {
      throw malformed("task." + field + " '" + task.getValue(field) + "' is not an ISO-8601 date-time");
    }
  }

  private static InvalidEventException malformed(String why) {
    return new InvalidEventException("malformed", why);
  }
}
