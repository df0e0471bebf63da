package dev.todochatbot.platform;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Rules every service applies to what people type, so that nothing PostgreSQL refuses gets that far. */
public final class InputRules {

  /** Control characters other than tab and line breaks; PostgreSQL refuses NUL in text outright. */
  private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}&&[^\\t\\n\\r]]");
  /**
   * IANA's zones and links as the JDK knows them. The JDK's tzdb also carries the {@code SystemV/*}
   * ids (its own {@code jdk11_backward} file), which tzdata dropped in 2020b: those 13 are the only ids
   * of JDK 17's list that tzdata 2025b has neither as a zone nor as a link. Backward links such as
   * {@code US/Eastern} are IANA's and stay. (IANA's {@code EST}, {@code MST}, {@code HST} and
   * {@code ROC} are not region ids to the JDK, so they were never accepted.) Copied once, since
   * ZoneId.getAvailableZoneIds() copies its set on every call.
   */
  private static final Set<String> ZONES = ZoneId.getAvailableZoneIds().stream()
      .filter(zone -> !zone.startsWith("SystemV/"))
      .collect(Collectors.toUnmodifiableSet());
  /**
   * The years people mean. RFC 3339 writes four-digit years, and an instant in 9000 stays below 10000
   * in every zone; PostgreSQL's timestamptz would go much further both ways.
   */
  public static final int FIRST_YEAR = 1900;
  public static final int LAST_YEAR = 9000;
  private static final Instant EARLIEST = LocalDate.of(FIRST_YEAR, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();
  private static final Instant END = LocalDate.of(LAST_YEAR + 1, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();

  public static final String CONTROL_MESSAGE = "must not contain control characters";
  public static final String YEAR_MESSAGE = "must be between the years " + FIRST_YEAR + " and " + LAST_YEAR;

  private InputRules() {}

  public static boolean hasControlCharacters(String text) {
    return text != null && CONTROL.matcher(text).find();
  }

  /**
   * What stops {@code text} from being stored as it was sent, or null when nothing does: NUL, which
   * PostgreSQL refuses in text and jsonb, and half of a UTF-16 surrogate pair (JSON can send
   * {@code "\ud800"} alone), which has no UTF-8 form and which the driver would write as '?'.
   */
  public static String unstorable(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\0') {
        return "must not contain the NUL character (U+0000)";
      }
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return "must not contain half of a surrogate pair (such as \\ud800 alone): send whole Unicode characters";
      }
    }
    return null;
  }

  /**
   * Every string of a request body, field names included and at any depth, checked with
   * {@link #unstorable}: a 422 naming each field ({@code tags[1]}, {@code recurrence.rule}) when one
   * cannot be stored. Every body goes through here, so no parser can forget it.
   */
  public static void requireStorable(JsonObject body) {
    var errors = new FieldErrors();
    storable(body, "", errors);
    errors.throwIfInvalidBody();
  }

  private static void storable(Object value, String field, FieldErrors errors) {
    if (value instanceof String text) {
      String problem = unstorable(text);
      if (problem != null) {
        errors.add(field, problem);
      }
    } else if (value instanceof JsonObject object) {
      for (Map.Entry<String, Object> entry : object) {
        String name = field.isEmpty() ? entry.getKey() : field + "." + entry.getKey();
        String problem = unstorable(entry.getKey());
        if (problem != null) {
          errors.add(name, "is a field name that " + problem);
        } else {
          storable(entry.getValue(), name, errors);
        }
      }
    } else if (value instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        storable(array.getValue(i), field + "[" + i + "]", errors);
      }
    }
  }

  public static boolean isTimeZone(String zone) {
    return zone != null && ZONES.contains(zone);
  }

  /** Whether the instant falls in the years {@link #FIRST_YEAR} to {@link #LAST_YEAR} (in UTC), both included. */
  public static boolean isInRange(Instant instant) {
    return !instant.isBefore(EARLIEST) && instant.isBefore(END);
  }

  public static boolean isInRange(LocalDate date) {
    return date.getYear() >= FIRST_YEAR && date.getYear() <= LAST_YEAR;
  }
}
