package dev.todochatbot.tasks;

import dev.todochatbot.platform.FieldErrors;
import dev.todochatbot.platform.InputRules;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A list request: filters, one sort order and a keyset cursor, parsed from the query string. Every
 * parameter is checked and unknown ones are refused, so a typo ("stauts=") is an error, not a filter
 * silently ignored.
 */
record TaskQuery(
    EnumSet<TaskStatus> statuses,
    Set<Priority> priorities,
    List<String> tags,
    boolean allTags,
    Instant dueBefore,
    Instant dueAfter,
    boolean overdue,
    /** Completed at or after / before these instants (what was done "yesterday"); null for no bound. */
    Instant completedAfter,
    Instant completedBefore,
    /** The words searched for, as typed ({@link SearchText} folds them); empty for none. */
    String textQuery,
    Sort sort,
    boolean descending,
    int limit,
    Cursor after) {

  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 200;
  static final int MAX_Q = 200;
  private static final Set<String> PARAMETERS = Set.of("status", "priority", "tag", "tagMode", "dueBefore",
      "dueAfter", "overdue", "completedAfter", "completedBefore", "q", "sort", "order", "limit", "cursor");

  /** The orders a list can be sorted in; each has an index (see V1__tasks.sql). */
  enum Sort {
    DUE_AT("dueAt", false), PRIORITY("priority", true), CREATED_AT("createdAt", true),
    UPDATED_AT("updatedAt", true), TITLE("title", false);

    final String json;
    final boolean descendingByDefault;

    Sort(String json, boolean descendingByDefault) {
      this.json = json;
      this.descendingByDefault = descendingByDefault;
    }

    static Sort parse(String value) {
      for (Sort s : values()) {
        if (s.json.equals(value)) {
          return s;
        }
      }
      return null;
    }
  }

  /**
   * Where the previous page ended: the sort keys of its last task, as PostgreSQL printed them, and
   * its id. Opaque to clients (base64url JSON); bound to the sort order it was made for.
   */
  record Cursor(Sort sort, boolean descending, List<String> keys, UUID id) {

    String encode() {
      var json = new JsonObject()
          .put("s", sort.json)
          .put("d", descending)
          .put("k", new JsonArray(new ArrayList<Object>(keys)))
          .put("i", id.toString());
      return Base64.getUrlEncoder().withoutPadding().encodeToString(json.toBuffer().getBytes());
    }

    static Cursor decode(String text) {
      try {
        var json = new JsonObject(Buffer.buffer(Base64.getUrlDecoder().decode(text)));
        Sort sort = Sort.parse(json.getString("s"));
        JsonArray keys = json.getJsonArray("k");
        if (sort == null || keys == null || json.getBoolean("d") == null) {
          return null;
        }
        var list = new ArrayList<String>();
        for (Object key : keys) {
          if (!(key instanceof String)) {
            return null;
          }
          list.add((String) key);
        }
        return new Cursor(sort, json.getBoolean("d"), list, UUID.fromString(json.getString("i")));
      } catch (RuntimeException e) {
        return null;
      }
    }
  }

  static TaskQuery parse(MultiMap params, String userZone) {
    var errors = new FieldErrors();
    for (String name : params.names()) {
      if (!PARAMETERS.contains(name)) {
        errors.add(name, "is not a list parameter; use " + String.join(", ", new java.util.TreeSet<>(PARAMETERS)));
      } else if (!name.equals("priority") && !name.equals("tag") && params.getAll(name).size() > 1) {
        errors.add(name, "may be given once");
      }
    }

    EnumSet<TaskStatus> statuses = switch (params.get("status") == null ? "open" : params.get("status")) {
      case "open" -> EnumSet.of(TaskStatus.OPEN);
      case "completed" -> EnumSet.of(TaskStatus.COMPLETED);
      case "all" -> EnumSet.allOf(TaskStatus.class);
      default -> {
        errors.add("status", "must be open, completed or all");
        yield EnumSet.of(TaskStatus.OPEN);
      }
    };

    var priorities = EnumSet.noneOf(Priority.class);
    for (String value : commaSeparated(params.getAll("priority"))) {
      Priority.parse(value).ifPresentOrElse(priorities::add,
          () -> errors.add("priority", "'" + value + "' is not one of " + Priority.NAMES));
    }

    var tags = new LinkedHashSet<String>();
    for (String value : commaSeparated(params.getAll("tag"))) {
      String tag = TaskInput.normalizeTag(value);
      String problem = TaskInput.tagProblem(tag);
      if (problem != null) {
        errors.add("tag", "'" + value + "' " + problem);
      } else {
        tags.add(tag);
      }
    }
    boolean allTags = false;
    String tagMode = params.get("tagMode");
    if (tagMode != null) {
      if (!tagMode.equals("any") && !tagMode.equals("all")) {
        errors.add("tagMode", "must be any or all");
      }
      allTags = tagMode.equals("all");
    }

    ZoneId zone = ZoneId.of(userZone);
    Instant dueBefore = instantOrDate(params.get("dueBefore"), "dueBefore", zone, errors);
    Instant dueAfter = instantOrDate(params.get("dueAfter"), "dueAfter", zone, errors);
    boolean overdue = bool(params.get("overdue"), "overdue", errors);
    if (overdue && "completed".equals(params.get("status"))) {
      errors.add("overdue", "lists open tasks only; drop status=completed or overdue=true");
    }

    Instant completedAfter = instantOrDate(params.get("completedAfter"), "completedAfter", zone, errors);
    Instant completedBefore = instantOrDate(params.get("completedBefore"), "completedBefore", zone, errors);
    // open is also the default: without status, these would always answer an empty list
    if ((completedAfter != null || completedBefore != null) && !statuses.contains(TaskStatus.COMPLETED)) {
      errors.add("status", "open tasks have no completion time; add status=completed (or status=all) to use "
          + "completedAfter/completedBefore");
    }

    String textQuery = "";
    String q = params.get("q");
    if (q != null) {
      if (q.codePointCount(0, q.length()) > MAX_Q) {
        errors.add("q", "must be at most " + MAX_Q + " characters");
      } else {
        textQuery = q;
      }
    }

    Sort sort = Sort.DUE_AT;
    if (params.get("sort") != null) {
      sort = Sort.parse(params.get("sort"));
      if (sort == null) {
        errors.add("sort", "must be one of dueAt, priority, createdAt, updatedAt, title");
        sort = Sort.DUE_AT;
      }
    }
    boolean descending = sort.descendingByDefault;
    String order = params.get("order");
    if (order != null) {
      if (!order.equals("asc") && !order.equals("desc")) {
        errors.add("order", "must be asc or desc");
      }
      descending = order.equals("desc");
    }

    int limit = DEFAULT_LIMIT;
    if (params.get("limit") != null) {
      try {
        limit = Integer.parseInt(params.get("limit"));
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        errors.add("limit", "must be a whole number from 1 to " + MAX_LIMIT);
      }
    }

    Cursor after = null;
    if (params.get("cursor") != null) {
      after = Cursor.decode(params.get("cursor"));
      if (after == null) {
        errors.add("cursor", "is not a cursor this API made; pass nextCursor from the previous page as it is");
      } else if (after.sort() != sort || after.descending() != descending
          || after.keys().size() != TaskSql.sortKeys(sort, descending).size() - 1) {
        errors.add("cursor", "belongs to another sort order; keep sort and order as they were for the first page");
      }
    }
    errors.throwIfInvalidParameters();
    return new TaskQuery(statuses, priorities, List.copyOf(tags), allTags, dueBefore, dueAfter, overdue,
        completedAfter, completedBefore, textQuery, sort, descending, limit, after);
  }

  private static List<String> commaSeparated(List<String> values) {
    var all = new ArrayList<String>();
    for (String value : values) {
      for (String part : value.split(",")) {
        if (!part.isBlank()) {
          all.add(part.strip());
        }
      }
    }
    return all;
  }

  /** An instant with an offset, or a date meaning the start of that day in the user's zone. */
  private static Instant instantOrDate(String value, String name, ZoneId zone, FieldErrors errors) {
    if (value == null) {
      return null;
    }
    Instant instant;
    try {
      instant = OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException notInstant) {
      try {
        instant = LocalDate.parse(value).atStartOfDay(zone).toInstant();
      } catch (java.time.DateTimeException notDate) {
        errors.add(name, "must be a date (2026-12-01) or a date and time with an offset (2026-12-01T17:00:00Z)");
        return null;
      }
    }
    if (!InputRules.isInRange(instant)) {
      errors.add(name, InputRules.YEAR_MESSAGE);
      return null;
    }
    return instant;
  }

  private static boolean bool(String value, String name, FieldErrors errors) {
    if (value == null) {
      return false;
    }
    if (!value.equals("true") && !value.equals("false")) {
      errors.add(name, "must be true or false");
    }
    return value.equals("true");
  }
}
