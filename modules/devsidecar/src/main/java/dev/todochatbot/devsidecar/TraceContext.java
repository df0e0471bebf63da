package dev.todochatbot.devsidecar;

import java.util.concurrent.ThreadLocalRandom;

/** W3C {@code traceparent} values: made up when a request has none, as daprd's tracing would. */
final class TraceContext {

  private TraceContext() {}

  static String newTraceparent() {
    var random = ThreadLocalRandom.current();
    return "00-" + hex(random.nextLong()) + hex(random.nextLong()) + "-" + hex(random.nextLong()) + "-01";
  }

  private static String hex(long value) {
    String h = Long.toHexString(value);
    return "0".repeat(16 - h.length()) + h;
  }
}
