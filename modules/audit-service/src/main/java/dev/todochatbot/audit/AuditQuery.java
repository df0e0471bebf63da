package dev.todochatbot.audit;

import dev.todochatbot.platform.FieldErrors;
import dev.todochatbot.platform.InputRules;
import dev.todochatbot.platform.events.TaskEventType;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A page request of events: filters, a size and a keyset cursor, parsed from the query string.
 * Unknown parameters are refused, so a typo ("tpye=") is an error, not a filter silently ignored.
 *
 * @param since only events that occurred at or after it; null for all
 * @param types only events of these types; empty for all
 * @param after the position the previous page ended at; 0 for the first page
 */
record AuditQuery(Instant since, Set<TaskEventType> types, int limit, long after) {

  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 200;
  private static final Set<String> HISTORY_PARAMETERS = Set.of("limit", "cursor");
  private static final Set<String> AUDIT_PARAMETERS = Set.of("since", "type", "limit", "cursor");
  private static final String TYPE_NAMES = Arrays.stream(TaskEventType.values()).map(TaskEventType::wireName)
      .collect(Collectors.joining(", "));
  private static final String BAD_CURSOR =
      "is not a cursor this API made; pass nextCursor from the previous page as it is";

  /** {@code GET /api/tasks/:id/history}: limit and cursor. */
  static AuditQuery history(MultiMap params) {
    return parse(params, HISTORY_PARAMETERS);
  }

  /** {@code GET /api/audit}: since, type, limit and cursor. */
  static AuditQuery audit(MultiMap params) {
    return parse(params, AUDIT_PARAMETERS);
  }

  private static AuditQuery parse(MultiMap params, Set<String> known) {
    var errors = new FieldErrors();
    for (String name : params.names()) {
      if (!known.contains(name)) {
        errors.add(name, "is not a parameter here; use " + String.join(", ", new TreeSet<>(known)));
      } else if (!name.equals("type") && params.getAll(name).size() > 1) {
        errors.add(name, "may be given once");
      }
    }

    Instant since = null;
    String sinceText = params.get("since");
    if (sinceText != null) {
      try {
        since = OffsetDateTime.parse(sinceText).toInstant();
        if (!InputRules.isInRange(since)) {
          errors.add("since", InputRules.YEAR_MESSAGE);
        }
      } catch (DateTimeParseException e) {
        errors.add("since", "must be a date and time with an offset, such as 2026-12-01T17:00:00Z");
      }
    }

    var types = EnumSet.noneOf(TaskEventType.class);
    for (String value : params.getAll("type")) {
      for (String part : value.split(",")) {
        if (!part.isBlank()) {
          TaskEventType.parse(part.strip()).ifPresentOrElse(types::add,
              () -> errors.add("type", "'" + part.strip() + "' is not an event type; use one of " + TYPE_NAMES));
        }
      }
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

    long after = 0;
    if (params.get("cursor") != null) {
      after = decodeCursor(params.get("cursor"));
      if (after <= 0) {
        errors.add("cursor", BAD_CURSOR);
      }
    }
    errors.throwIfInvalidParameters();
    return new AuditQuery(since, types, limit, after);
  }

  /** The cursor after the event at {@code position}: opaque to clients (base64url JSON). */
  static String encodeCursor(long position) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(new JsonObject().put("p", position).toBuffer().getBytes());
  }

  /** The position a cursor holds, or 0 when it is not one this API made. */
  private static long decodeCursor(String text) {
    try {
      Object position = new JsonObject(Buffer.buffer(Base64.getUrlDecoder().decode(text))).getValue("p");
      return position instanceof Long || position instanceof Integer ? ((Number) position).longValue() : 0;
    } catch (RuntimeException e) {
      return 0;
    }
  }
}
