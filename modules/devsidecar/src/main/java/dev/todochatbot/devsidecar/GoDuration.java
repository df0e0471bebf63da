package dev.todochatbot.devsidecar;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Go's {@code time.ParseDuration} syntax, as Dapr metadata uses it: {@code 500ms}, {@code 5s},
 * {@code 1m30s}, {@code 1.5h}. A plain number is milliseconds, as dapr/kit decodes it.
 */
final class GoDuration {

  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

  private GoDuration() {}

  static Duration parse(String text) {
    String s = text.strip();
    if (s.matches("\\d+")) {
      return Duration.ofMillis(Long.parseLong(s));
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    boolean negative = s.startsWith("-");
    if (negative || s.startsWith("+")) {
      s = s.substring(1);
    }
    var matcher = PART.matcher(s);
    int at = 0;
    double nanos = 0;
    while (at < s.length()) {
      if (!matcher.find(at) || matcher.start() != at) {
        throw new IllegalArgumentException("not a duration: '" + text + "' (use Go syntax such as 500ms, 5s, 1m)");
      }
      double value = Double.parseDouble(matcher.group(1));
      nanos += value * switch (matcher.group(2)) {
        case "ns" -> 1;
        case "us", "µs", "μs" -> 1e3;
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        default -> 3600e9;
      };
      at = matcher.end();
    }
    if (at == 0) {
      throw new IllegalArgumentException("not a duration: '" + text + "' (use Go syntax such as 500ms, 5s, 1m)");
    }
    Duration d = Duration.ofNanos(Math.round(nanos));
    return negative ? d.negated() : d;
  }
}
