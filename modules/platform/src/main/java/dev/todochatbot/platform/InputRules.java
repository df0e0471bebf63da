package dev.todochatbot.platform;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Set;
import java.util.regex.Pattern;

/** Rules every service applies to what people type, so that nothing PostgreSQL refuses gets that far. */
public final class InputRules {

  /** Control characters other than tab and line breaks; PostgreSQL refuses NUL in text outright. */
  private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}&&[^\\t\\n\\r]]");
  /** ZoneId.getAvailableZoneIds() copies its set on every call. */
  private static final Set<String> ZONES = Set.copyOf(ZoneId.getAvailableZoneIds());
  /** PostgreSQL's timestamptz goes further both ways; these are the years people mean. */
  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  public static final String CONTROL_MESSAGE = "must not contain control characters";
  public static final String YEAR_MESSAGE = "must be between the years 1 and 9999";

  private InputRules() {}

  public static boolean hasControlCharacters(String text) {
    return text != null && CONTROL.matcher(text).find();
  }

  public static boolean isTimeZone(String zone) {
    return zone != null && ZONES.contains(zone);
  }

  public static boolean isInRange(Instant instant) {
    return !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
  }
}
