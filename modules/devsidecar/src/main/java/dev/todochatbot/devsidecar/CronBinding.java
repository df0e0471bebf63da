package dev.todochatbot.devsidecar;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code bindings.cron} input binding: on each tick, {@code POST /<route or component name>} to the
 * app with an empty JSON body and the headers {@code timeZone} and {@code readTimeUTC}, as daprd does.
 * Ticks missed (process suspended, app slow) are not replayed. Like daprd, a binding whose
 * {@code direction} names {@code input} starts at once; any other (no direction, or only
 * {@code output}) starts only if the app answers {@code OPTIONS} on the route with 2xx or 405.
 */
final class CronBinding {

  private static final Logger log = LoggerFactory.getLogger(CronBinding.class);
  /** Go's time.Time.String() for a UTC time, which is what daprd sends */
  private static final DateTimeFormatter GO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

  private final Vertx vertx;
  private final String name;
  private final String route;
  private final CronSchedule schedule;
  private final AppChannel app;
  private final String appId;
  private final boolean probe;
  private volatile boolean stopped;
  private long timer = -1;

  private CronBinding(Vertx vertx, String name, String route, CronSchedule schedule, AppChannel app, String appId,
      boolean probe) {
    this.vertx = vertx;
    this.probe = probe;
    this.name = name;
    this.route = route;
    this.schedule = schedule;
    this.app = app;
    this.appId = appId;
  }

  /** Fails, as daprd's component init does, when the schedule cannot be read. */
  static void validate(Component c) {
    schedule(c);
  }

  static CronBinding create(Vertx vertx, Component c, AppChannel app, String appId) {
    // daprd's isBindingOfExplicitDirection: one of the comma-separated directions is "input"
    boolean input = java.util.Arrays.stream(c.get("direction", "").split(","))
        .anyMatch(d -> d.strip().toLowerCase(Locale.ROOT).equals("input"));
    String route = c.get("route", "/" + c.name());
    return new CronBinding(vertx, c.name(), route.startsWith("/") ? route : "/" + route, schedule(c), app, appId,
        !input);
  }

  private static CronSchedule schedule(Component c) {
    String spec = c.get("schedule").orElseThrow(() -> new IllegalArgumentException("Component " + c.name() + " ("
        + c.file() + "): bindings.cron needs metadata schedule"));
    CronSchedule schedule;
    try {
      schedule = CronSchedule.parse(spec);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Component " + c.name() + " (" + c.file() + "): " + e.getMessage(), e);
    }
    return schedule;
  }

  String name() {
    return name;
  }

  void start() {
    if (!probe) {
      log.info("Binding {}: POST {} to app {} on schedule", name, route, appId);
      scheduleAfter(Instant.now());
      return;
    }
    MultiMap json = MultiMap.caseInsensitiveMultiMap().set(HttpHeaders.CONTENT_TYPE, "application/json");
    app.call(HttpMethod.OPTIONS, route, json, null).onComplete(probe -> {
      if (probe.failed()) {
        log.error("Binding {}: app {} did not answer OPTIONS {} ({}); binding not started", name, appId, route,
            probe.cause().getMessage());
        return;
      }
      int status = probe.result().status();
      if (status / 100 != 2 && status != 405) {
        log.info("Binding {}: app {} answers OPTIONS {} with {}, so it does not listen there; binding not started",
            name, appId, route, status);
        return;
      }
      log.info("Binding {}: POST {} to app {} on schedule", name, route, appId);
      scheduleAfter(Instant.now());
    });
  }

  private void scheduleAfter(Instant after) {
    if (stopped) {
      return;
    }
    Instant next = schedule.next(after);
    long delay = Math.max(1, next.toEpochMilli() - System.currentTimeMillis());
    timer = vertx.setTimer(delay, id -> {
      tick();
      Instant now = Instant.now();
      scheduleAfter(now.isBefore(next) ? next : now);
    });
  }

  private void tick() {
    Instant now = Instant.now();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .set(HttpHeaders.CONTENT_TYPE, "application/json")
        .set("timeZone", "Local")
        .set("readTimeUTC", goTime(now))
        .set("traceparent", TraceContext.newTraceparent());
    app.call(HttpMethod.POST, route, headers, Buffer.buffer()).onComplete(result -> {
      if (result.failed()) {
        log.error("Binding {}: POST {} to app {} failed: {}", name, route, appId, result.cause().getMessage());
      } else if (result.result().status() / 100 != 2) {
        log.error("Binding {}: app {} answered POST {} with {}", name, appId, route, result.result().status());
      }
    });
  }

  static String goTime(Instant instant) {
    var utc = instant.atOffset(ZoneOffset.UTC);
    String fraction = "";
    if (utc.getNano() != 0) {
      fraction = String.format(Locale.ROOT, ".%09d", utc.getNano()).replaceAll("0+$", "");
    }
    return GO_TIME.format(utc) + fraction + " +0000 UTC";
  }

  void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }
}
