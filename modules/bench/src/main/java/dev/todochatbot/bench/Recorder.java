package dev.todochatbot.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Latencies and errors of one scenario (or one part of one), per request kind, in microseconds. Requests record from any
 * thread; {@link #tick} (once a second) moves what came in since the last tick into the totals and
 * the per-second timeline, or throws it away before {@link #begin} (warm-up) and after {@link #end}.
 */
final class Recorder {

  /** One second of one kind: requests answered, errors, and latency percentiles in ms. */
  record Second(int second, long count, long errors, double p50Ms, double p95Ms, double p99Ms, double maxMs) {}

  /** The figures of one kind over the measured period. */
  record Stats(long count, long errors, double throughputPerSec, double p50Ms, double p95Ms, double p99Ms,
      double maxMs) {

    @Override
    public String toString() {
      return String.format(java.util.Locale.ROOT, "%d answers, %d errors, %.1f/s, p50 %.2f ms, p95 %.2f ms, "
          + "p99 %.2f ms, max %.2f ms", count, errors, throughputPerSec, p50Ms, p95Ms, p99Ms, maxMs);
    }
  }

  private static final int MAX_ERROR_SAMPLES = 5;

  private final Map<String, Kind> kinds = new ConcurrentHashMap<>();
  private final List<String> kindOrder = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean measuring;
  private long begunNanos;
  private long endedNanos;
  private long lastHarvestNanos;
  private int seconds;

  /** A request of {@code kind} that was due to be sent at {@code intendedNanos} got its answer now. */
  void success(String kind, long intendedNanos) {
    long micros = Math.max(1, (System.nanoTime() - intendedNanos) / 1_000);
    kind(kind).interval.recordValue(micros);
  }

  /** A non-2xx answer or a transport failure; {@code what} is kept for the first few. */
  void error(String kind, String what) {
    Kind k = kind(kind);
    k.intervalErrors.incrementAndGet();
    synchronized (k.errorSamples) {
      if (k.errorSamples.size() < MAX_ERROR_SAMPLES) {
        k.errorSamples.add(what);
      }
    }
  }

  /**
   * Runs the clock of a scenario: {@code warmupSeconds} not recorded, then {@code seconds} measured with a
   * tick each second. The load itself runs beside it, until the returned future completes.
   */
  Future<Void> measure(Vertx vertx, int warmupSeconds, int seconds) {
    Promise<Void> done = Promise.promise();
    vertx.setTimer(warmupSeconds * 1000L, warm -> {
      begin();
      long ticker = vertx.setPeriodic(1000, t -> tick());
      vertx.setTimer(seconds * 1000L, over -> {
        vertx.cancelTimer(ticker);
        end();
        done.complete();
      });
    });
    return done.future();
  }

  /** Discards everything recorded so far (warm-up) and starts the measured period. */
  synchronized void begin() {
    harvest(false, false);
    measuring = true;
    begunNanos = System.nanoTime();
  }

  /** Once a second while running: adds the last second to the totals and the timeline. */
  synchronized void tick() {
    if (measuring) {
      harvest(true, true);
    }
  }

  /** Ends the measured period; answers arriving later are not counted. */
  synchronized void end() {
    if (measuring) {
      // a sliver left after the last tick counts in the totals, but is no second of its own
      harvest(true, System.nanoTime() - lastHarvestNanos > 500_000_000L);
      measuring = false;
      endedNanos = System.nanoTime();
    }
  }

  private void harvest(boolean keep, boolean newSecond) {
    lastHarvestNanos = System.nanoTime();
    for (Kind k : kinds.values()) {
      Histogram second = k.interval.getIntervalHistogram();
      long errors = k.intervalErrors.getAndSet(0);
      if (keep) {
        k.total.add(second);
        k.errors += errors;
      }
      if (keep && newSecond) {
        k.timeline.add(new Second(seconds, second.getTotalCount(), errors, ms(second, 50), ms(second, 95),
            ms(second, 99), second.getTotalCount() == 0 ? 0 : second.getMaxValue() / 1000.0));
      }
    }
    if (keep && newSecond) {
      seconds++;
    }
  }

  double measuredSeconds() {
    return (endedNanos - begunNanos) / 1e9;
  }

  /** The kinds in the order they were first seen. */
  List<String> kinds() {
    synchronized (kindOrder) {
      return List.copyOf(kindOrder);
    }
  }

  synchronized Stats stats(String kind) {
    return stats(kind(kind).total, kind(kind).errors);
  }

  /** All kinds together, as one stream of requests. */
  synchronized Stats statsOfAll() {
    var all = new Histogram(3);
    long errors = 0;
    for (Kind k : kinds.values()) {
      all.add(k.total);
      errors += k.errors;
    }
    return stats(all, errors);
  }

  private Stats stats(Histogram h, long errors) {
    double seconds = Math.max(measuredSeconds(), 1e-9);
    return new Stats(h.getTotalCount(), errors, (h.getTotalCount() + errors) / seconds, ms(h, 50), ms(h, 95),
        ms(h, 99), h.getTotalCount() == 0 ? 0 : h.getMaxValue() / 1000.0);
  }

  synchronized List<Second> timeline(String kind) {
    return List.copyOf(kind(kind).timeline);
  }

  List<String> errorSamples(String kind) {
    Kind k = kind(kind);
    synchronized (k.errorSamples) {
      return List.copyOf(k.errorSamples);
    }
  }

  /** Every kind's figures, in the order the kinds were first seen. */
  Map<String, Stats> allStats() {
    var all = new LinkedHashMap<String, Stats>();
    kinds().forEach(kind -> all.put(kind, stats(kind)));
    return all;
  }

  private Kind kind(String name) {
    return kinds.computeIfAbsent(name, n -> {
      kindOrder.add(n);
      return new Kind();
    });
  }

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
  }

  private static final class Kind {
    final org.HdrHistogram.Recorder interval = new org.HdrHistogram.Recorder(3);
    final AtomicLong intervalErrors = new AtomicLong();
    final Histogram total = new Histogram(3);
    final List<Second> timeline = new ArrayList<>();
    final List<String> errorSamples = new ArrayList<>();
    long errors;
  }
}
