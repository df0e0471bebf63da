package dev.todochatbot.platform;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.shareddata.Shareable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a process stops without dropping a request or an event, in this order:
 * <ol>
 *   <li>{@code /readyz} answers 503 at once, so that Kubernetes takes the pod out of its Services;
 *   <li>everything keeps being served for {@link Settings#delay}: taking a pod out of the endpoints,
 *       kube-proxy rules and the ingress takes a moment, during which requests still arrive;
 *   <li>the HTTP servers stop accepting connections and close idle ones; requests and event
 *       deliveries in flight finish (a streamed answer to its end); WebSockets are told
 *       (their {@code shutdownHandler}: the edge closes them with 1001 Going Away); the background
 *       loops ({@link #onDrain}) stop after their current step, all within {@link Settings#timeout};
 *   <li>then the caller closes Vert.x (pools, verticles) and exits.
 * </ol>
 * Event deliveries need nothing special: one answered SUCCESS was stored first, and one the sidecar
 * cannot deliver any more (connection refused) is not acknowledged and comes again, to another
 * replica or after the restart.
 *
 * <p>One drain per Vert.x instance: the single-process mode drains all its services together.
 */
public final class Drain implements Shareable {

  private static final Logger log = LoggerFactory.getLogger(Drain.class);

  /**
   * {@code DRAIN_DELAY}: how long the process keeps serving after the signal (0: Ctrl-C on
   * {@code make run} stops at once; the chart sets it). {@code DRAIN_TIMEOUT}: the most that work in
   * flight is then given (20 s). Seconds or ISO-8601 durations.
   */
  public record Settings(Duration delay, Duration timeout) {
    public static Settings fromEnv(Env env) {
      return new Settings(env.getDuration("DRAIN_DELAY", Duration.ZERO),
          env.getDuration("DRAIN_TIMEOUT", Duration.ofSeconds(20)));
    }
  }

  private record Step(String what, Context context, Supplier<Future<?>> stop) {}

  private final Vertx vertx;
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private final List<Step> steps = new CopyOnWriteArrayList<>();
  private volatile boolean draining;
  private Future<Void> run;

  private Drain(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The drain of this Vert.x instance (kept in its local shared data, which goes with it). */
  public static Drain of(Vertx vertx) {
    return vertx.sharedData().<String, Drain>getLocalMap(Drain.class.getName()).computeIfAbsent("drain", k -> new Drain(vertx));
  }

  /** True from the signal on: readiness fails. */
  public boolean draining() {
    return draining;
  }

  /** A server whose connections the drain closes once the delay is over ({@link HttpServers} adds each). */
  void serve(HttpServer server) {
    servers.add(server);
  }

  /**
   * A background loop's stop, run once the delay is over on the context of the caller (a verticle's
   * event loop, where the loop's state lives): it stops taking new work and completes once the step
   * in hand is done. What it leaves (outbox rows, claimed reminders) another replica or the next
   * start takes.
   */
  public void onDrain(String what, Supplier<Future<?>> stop) {
    steps.add(new Step(what, vertx.getOrCreateContext(), stop));
  }

  /**
   * Runs the drain (once; later calls get the same future). Completes when the servers and loops are
   * done, or when the timeout is over: never fails, so that the process always goes on to exit.
   */
  public synchronized Future<Void> start(Settings settings) {
    if (run != null) {
      return run;
    }
    draining = true;
    long started = System.nanoTime();
    log.info("Draining: /readyz answers 503; serving {} ms more, then at most {} ms for the work in flight",
        settings.delay().toMillis(), settings.timeout().toMillis());
    run = after(settings.delay()).compose(v -> {
      log.info("Not accepting connections any more; finishing the requests in flight on {} servers, stopping {} background loops",
          servers.size(), steps.size());
      long timeoutMillis = Math.max(1, settings.timeout().toMillis());
      var stopping = new ArrayList<Future<?>>();
      for (HttpServer server : servers) {
        stopping.add(server.shutdown(timeoutMillis, TimeUnit.MILLISECONDS)
            .onFailure(failure -> log.warn("A server did not shut down cleanly: {}", failure.toString())));
      }
      for (Step step : steps) {
        stopping.add(stop(step).timeout(timeoutMillis, TimeUnit.MILLISECONDS)
            .onFailure(failure -> log.warn("{} did not stop within the drain timeout: {}", step.what(), failure.toString())));
      }
      return Future.join(stopping).<Void>mapEmpty().otherwiseEmpty();
    }).onComplete(done -> log.info("Drained in {} ms", (System.nanoTime() - started) / 1_000_000));
    return run;
  }

  private Future<Void> after(Duration delay) {
    if (delay.isZero() || delay.isNegative()) {
      return Future.succeededFuture();
    }
    Promise<Void> elapsed = Promise.promise();
    vertx.setTimer(delay.toMillis(), id -> elapsed.complete());
    return elapsed.future();
  }

  private static Future<Void> stop(Step step) {
    Promise<Void> stopped = Promise.promise();
    step.context().runOnContext(v -> {
      try {
        step.stop().get().onComplete(result -> {
          if (result.failed()) {
            log.warn("{} stopped with a failure: {}", step.what(), result.cause().toString());
          }
          stopped.complete();
        });
      } catch (RuntimeException e) {
        log.warn("{} could not be stopped: {}", step.what(), e.toString());
        stopped.complete();
      }
    });
    return stopped.future();
  }
}
