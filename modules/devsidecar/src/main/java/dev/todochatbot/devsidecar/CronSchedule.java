package dev.todochatbot.devsidecar;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * A cron binding's {@code schedule} as dapr/kit's cron parser reads it (robfig/cron with optional
 * seconds): {@code @every 1s}, {@code @hourly}-style descriptors, 5 fields (minute hour
 * day-of-month month day-of-week) or 6 (seconds first), an optional {@code CRON_TZ=Zone} prefix.
 */
sealed interface CronSchedule {

  /** The first tick strictly after {@code after}. */
  Instant next(Instant after);

  /** {@code @every d}: d rounded down to whole seconds, at least one second. */
  record Every(Duration interval) implements CronSchedule {
    @Override
    public Instant next(Instant after) {
      return after.truncatedTo(ChronoUnit.SECONDS).plus(interval);
    }
  }

  /** Field sets: seconds, minutes, hours, days of month, months (1-12), days of week (0 = Sunday). */
  record Fields(BitSet seconds, BitSet minutes, BitSet hours, BitSet daysOfMonth, boolean anyDayOfMonth,
      BitSet months, BitSet daysOfWeek, boolean anyDayOfWeek, ZoneId zone) implements CronSchedule {

    @Override
    public Instant next(Instant after) {
      ZonedDateTime t = after.atZone(zone).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
      ZonedDateTime limit = t.plusYears(5);
      while (t.isBefore(limit)) {
        if (!months.get(t.getMonthValue())) {
          t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
        } else if (!dayMatches(t)) {
          t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
        } else if (!hours.get(t.getHour())) {
          t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
        } else if (!minutes.get(t.getMinute())) {
          t = t.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        } else if (!seconds.get(t.getSecond())) {
          t = t.plusSeconds(1);
        } else {
          return t.toInstant();
        }
      }
      throw new IllegalStateException("the schedule never fires");
    }

    private boolean dayMatches(ZonedDateTime t) {
      boolean dom = daysOfMonth.get(t.getDayOfMonth());
      boolean dow = daysOfWeek.get(t.getDayOfWeek().getValue() % 7);
      return anyDayOfMonth || anyDayOfWeek ? dom && dow : dom || dow;
    }
  }

  static CronSchedule parse(String text) {
    String spec = text.strip();
    ZoneId zone = ZoneId.systemDefault();
    if (spec.startsWith("CRON_TZ=") || spec.startsWith("TZ=")) {
      int space = spec.indexOf(' ');
      if (space < 0) {
        throw new IllegalArgumentException("schedule '" + text + "' has a time zone but no schedule");
      }
      String zoneName = spec.substring(spec.indexOf('=') + 1, space);
      try {
        zone = ZoneId.of(zoneName);
      } catch (DateTimeException e) {
        throw new IllegalArgumentException("schedule '" + text + "': unknown time zone " + zoneName);
      }
      spec = spec.substring(space + 1).strip();
    }
    if (spec.startsWith("@")) {
      return descriptor(spec, zone, text);
    }
    String[] parts = spec.split("\\s+");
    if (parts.length != 5 && parts.length != 6) {
      throw new IllegalArgumentException("schedule '" + text + "' must have 5 or 6 fields, or be @every <duration>");
    }
    int i = parts.length == 6 ? 1 : 0;
    BitSet seconds = i == 1 ? field(parts[0], 0, 59, List.of(), text) : bits(0, 0);
    BitSet minutes = field(parts[i], 0, 59, List.of(), text);
    BitSet hours = field(parts[i + 1], 0, 23, List.of(), text);
    BitSet dom = field(parts[i + 2], 1, 31, List.of(), text);
    BitSet months = field(parts[i + 3], 1, 12,
        List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), text);
    BitSet dow = field(parts[i + 4], 0, 6, List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), text);
    return new Fields(seconds, minutes, hours, dom, star(parts[i + 2]), months, dow, star(parts[i + 4]), zone);
  }

  private static CronSchedule descriptor(String spec, ZoneId zone, String text) {
    if (spec.startsWith("@every ")) {
      Duration d;
      try {
        d = GoDuration.parse(spec.substring("@every ".length()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("schedule '" + text + "': " + e.getMessage());
      }
      long secs = Math.max(1, d.getSeconds());
      return new Every(Duration.ofSeconds(secs));
    }
    String fields = switch (spec) {
      case "@yearly", "@annually" -> "0 0 0 1 1 *";
      case "@monthly" -> "0 0 0 1 * *";
      case "@weekly" -> "0 0 0 * * 0";
      case "@daily", "@midnight" -> "0 0 0 * * *";
      case "@hourly" -> "0 0 * * * *";
      default -> throw new IllegalArgumentException("schedule '" + text + "': unknown descriptor " + spec);
    };
    CronSchedule parsed = parse(fields);
    Fields f = (Fields) parsed;
    return new Fields(f.seconds(), f.minutes(), f.hours(), f.daysOfMonth(), f.anyDayOfMonth(), f.months(),
        f.daysOfWeek(), f.anyDayOfWeek(), zone);
  }

  private static boolean star(String field) {
    return field.startsWith("*") || field.startsWith("?");
  }

  private static BitSet field(String field, int min, int max, List<String> names, String text) {
    var set = new BitSet();
    for (String range : field.split(",")) {
      String[] stepParts = range.split("/", -1);
      if (stepParts.length > 2) {
        throw bad(text, range);
      }
      int step = 1;
      if (stepParts.length == 2) {
        step = number(stepParts[1], 1, Integer.MAX_VALUE, List.of(), text, range);
      }
      String r = stepParts[0];
      int from;
      int to;
      if (r.equals("*") || r.equals("?")) {
        from = min;
        to = max;
      } else if (r.contains("-")) {
        String[] ends = r.split("-", -1);
        if (ends.length != 2) {
          throw bad(text, range);
        }
        from = number(ends[0], min, max, names, text, range);
        to = number(ends[1], min, max, names, text, range);
      } else {
        from = number(r, min, max, names, text, range);
        to = stepParts.length == 2 ? max : from;
      }
      if (from > to) {
        throw bad(text, range);
      }
      for (int v = from; v <= to; v += step) {
        set.set(v);
      }
    }
    return set;
  }

  private static int number(String s, int min, int max, List<String> names, String text, String range) {
    int named = names.indexOf(s.toUpperCase(Locale.ROOT));
    int value;
    if (named >= 0) {
      value = named + min;
    } else {
      try {
        value = Integer.parseInt(s);
      } catch (NumberFormatException e) {
        throw bad(text, range);
      }
    }
    if (value < min || value > max) {
      throw bad(text, range);
    }
    return value;
  }

  private static BitSet bits(int from, int to) {
    var set = new BitSet();
    set.set(from, to + 1);
    return set;
  }

  private static IllegalArgumentException bad(String text, String part) {
    return new IllegalArgumentException("schedule '" + text + "': cannot read '" + part + "'");
  }
}
