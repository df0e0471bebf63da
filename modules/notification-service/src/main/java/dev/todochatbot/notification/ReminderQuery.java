package dev.todochatbot.notification;

import dev.todochatbot.platform.FieldErrors;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code GET /api/reminders?state=&limit=}, parsed. Unknown parameters are refused, so a typo is an
 * error, not a filter silently ignored. A claimed reminder has not fired yet: to its owner it is pending.
 *
 * @param states the stored states to list
 */
record ReminderQuery(List<String> states, int limit) {

  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 200;
  private static final Set<String> PARAMETERS = Set.of("state", "limit");
  private static final Map<String, List<String>> STATES = Map.of(
      "pending", List.of("pending", "claimed"),
      "delivered", List.of("delivered"),
      "missed", List.of("missed"),
      "cancelled", List.of("cancelled"));
  private static final List<String> ALL = List.of("pending", "claimed", "delivered", "missed", "cancelled");

  static ReminderQuery parse(MultiMap params) {
    var errors = new FieldErrors();
    refuseUnknown(params, PARAMETERS, errors);
    List<String> states = ALL;
    String state = params.get("state");
    if (state != null) {
      states = STATES.get(state);
      if (states == null) {
        errors.add("state", "'" + state + "' is not a state; use one of " + String.join(", ", new TreeSet<>(STATES.keySet())));
      }
    }
    int limit = limit(params, errors);
    errors.throwIfInvalidParameters();
    return new ReminderQuery(states, limit);
  }

  /** Collects parameters that are not {@code known}, or given more than once. */
  static void refuseUnknown(MultiMap params, Set<String> known, FieldErrors errors) {
    for (String name : params.names()) {
      if (!known.contains(name)) {
        errors.add(name, "is not a parameter here; use " + String.join(", ", new TreeSet<>(known)));
      } else if (params.getAll(name).size() > 1) {
        errors.add(name, "may be given once");
      }
    }
  }

  /** {@code limit}: 1 to {@link #MAX_LIMIT}, {@link #DEFAULT_LIMIT} when absent. */
  static int limit(MultiMap params, FieldErrors errors) {
    if (params.get("limit") == null) {
      return DEFAULT_LIMIT;
    }
    int limit;
    try {
      limit = Integer.parseInt(params.get("limit"));
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      errors.add("limit", "must be a whole number from 1 to " + MAX_LIMIT);
    }
    return limit;
  }

  /** The state a person sees. */
  static String shown(String stored) {
    return stored.equals("claimed") ? "pending" : stored;
  }
}
