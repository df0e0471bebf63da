package dev.todochatbot.devsidecar;

import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * W3C {@code traceparent} values as daprd (sampling rate 1, as dapr/config.yaml has it) makes them: every hop
 * through the sidecar is a span of its own, a child of the caller's when the caller sent a valid
 * {@code traceparent} (same trace id and flags, a new span id), else the root of a new trace.
 */
final class TraceContext {

  private static final Pattern TRACEPARENT = Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
  private static final String INVALID_TRACE = "0".repeat(32);
  private static final String INVALID_SPAN = "0".repeat(16);

  private TraceContext() {}

  static String newTraceparent() {
    var random = ThreadLocalRandom.current();
    return "00-" + hex(random.nextLong()) + hex(random.nextLong()) + "-" + spanId() + "-01";
  }

  /** A span of its own under {@code parent}, or a new trace when {@code parent} is absent or invalid. */
  static String childOf(String parent) {
    return parse(parent).map(p -> "00-" + p[1] + "-" + spanId() + "-" + p[3]).orElseGet(TraceContext::newTraceparent);
  }

  /** The parts of a valid traceparent: version, trace id, span id, flags. */
  private static Optional<String[]> parse(String traceparent) {
    if (traceparent == null) {
      return Optional.empty();
    }
    var m = TRACEPARENT.matcher(traceparent.strip());
    if (!m.matches() || m.group(1).equals("ff") || m.group(2).equals(INVALID_TRACE) || m.group(3).equals(INVALID_SPAN)) {
      return Optional.empty();
    }
    return Optional.of(new String[] {m.group(1), m.group(2), m.group(3), m.group(4)});
  }

  private static String spanId() {
    long id;
    do {
      id = ThreadLocalRandom.current().nextLong();
    } while (id == 0);
    return hex(id);
  }

  private static String hex(long value) {
    String h = Long.toHexString(value);
    return "0".repeat(16 - h.length()) + h;
  }
}
