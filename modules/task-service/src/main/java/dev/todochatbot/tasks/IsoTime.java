package dev.todochatbot.tasks;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * ISO-8601 text of instants, character for character what {@link Instant#toString()} and
 * {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME} write, without their formatter machinery: a page of
 * 50 tasks writes 200 timestamps, and the JDK formatters were an eighth of the service's CPU. The one
 * difference: an offset with seconds, which RFC 3339 cannot write, is written as UTC instead.
 * Years outside 0 to 9999 (which the API does not accept) go through the JDK.
 */
final class IsoTime {

  private IsoTime() {}

  /** As {@link Instant#toString()}: UTC, "Z", fraction in groups of three digits, none when zero. */
  static String utc(Instant instant) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
    if (t.getYear() < 0 || t.getYear() > 9999) {
      return instant.toString();
    }
    var out = new StringBuilder(30);
    dateTime(out, t);
    int nano = t.getNano();
    if (nano != 0) {
      out.append('.');
      if (nano % 1_000_000 == 0) {
        digits(out, nano / 1_000_000, 3);
      } else if (nano % 1_000 == 0) {
        digits(out, nano / 1_000, 6);
      } else {
        digits(out, nano, 9);
      }
    }
    return out.append('Z').toString();
  }

  /**
   * As {@code ISO_OFFSET_DATE_TIME} of the instant in {@code zone}: the fraction without trailing zeros.
   * RFC 3339 offsets are hours and minutes only, so where the zone's offset has seconds (local mean
   * time: Paris's +00:09:21 until 1911, Monrovia's -00:44:30 until 1972), the instant is written in UTC,
   * as {@link #utc}: exact, and readable by every RFC 3339 parser.
   */
  static String inZone(Instant instant, ZoneId zone) {
    ZoneOffset offset = zone.getRules().getOffset(instant);
    if (offset.getTotalSeconds() % 60 != 0) {
      return utc(instant);
    }
    LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), offset);
    if (t.getYear() < 0 || t.getYear() > 9999) {
      return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(instant.atZone(zone).toOffsetDateTime());
    }
    var out = new StringBuilder(32);
    dateTime(out, t);
    int nano = t.getNano();
    if (nano != 0) {
      int digits = 9;
      while (nano % 10 == 0) {
        nano /= 10;
        digits--;
      }
      out.append('.');
      digits(out, nano, digits);
    }
    return out.append(offset.getId()).toString();
  }

  private static void dateTime(StringBuilder out, LocalDateTime t) {
    digits(out, t.getYear(), 4);
    out.append('-');
    digits(out, t.getMonthValue(), 2);
    out.append('-');
    digits(out, t.getDayOfMonth(), 2);
    out.append('T');
    digits(out, t.getHour(), 2);
    out.append(':');
    digits(out, t.getMinute(), 2);
    out.append(':');
    digits(out, t.getSecond(), 2);
  }

  /** {@code value} in exactly {@code width} digits, zero-padded. */
  private static void digits(StringBuilder out, int value, int width) {
    for (int divisor = pow10(width - 1); divisor > 0; divisor /= 10) {
      out.append((char) ('0' + value / divisor % 10));
    }
  }

  private static int pow10(int exponent) {
    int result = 1;
    for (int i = 0; i < exponent; i++) {
      result *= 10;
    }
    return result;
  }
}
