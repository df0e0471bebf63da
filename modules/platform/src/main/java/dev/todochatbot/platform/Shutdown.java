package dev.todochatbot.platform;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clean stops for the mains. SIGTERM (Kubernetes, {@code docker stop}) or Ctrl-C drains the process
 * ({@link Drain}), closes Vert.x (servers, pools) and exits 0. The signals are handled rather than
 * left to shutdown hooks: the JVM would exit 143 after a hook, which Kubernetes reports as an error.
 */
public final class Shutdown {

  private static final Logger log = LoggerFactory.getLogger(Shutdown.class);

  private Shutdown() {}

  /** A service's main: on SIGTERM or Ctrl-C, drain with the environment's settings, close Vert.x, exit 0. */
  public static void drainOnSignal(Vertx vertx) {
    Drain.Settings settings = Drain.Settings.fromEnv(Env.system());
    onSignal(() -> {
      await(Drain.of(vertx).start(settings), settings.delay().plus(settings.timeout()).toMillis() + 5_000);
      close(vertx);
    });
    // any other exit (System.exit after a failed start) still closes the pools
    closeOnExit(vertx);
  }

  /**
   * Runs {@code stop} on its own thread at the first SIGTERM or SIGINT, then exits 0; later signals are
   * only logged (every step of a stop is bounded by a timeout). Where the JVM offers no signal
   * handling, {@code stop} runs as a shutdown hook instead.
   */
  public static void onSignal(Runnable stop) {
    var stopping = new AtomicBoolean();
    Runnable handle = () -> {
      if (!stopping.compareAndSet(false, true)) {
        log.info("Already stopping");
        return;
      }
      new Thread(() -> {
        try {
          stop.run();
        } catch (RuntimeException e) {
          log.warn("Stopping failed: {}", e.toString());
        }
        System.exit(0);
      }, "drain").start();
    };
    try {
      for (String name : new String[] {"TERM", "INT"}) {
        sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> handle.run());
      }
    } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
      log.debug("No signal handling ({}); stopping from a shutdown hook", e.toString());
      Runtime.getRuntime().addShutdownHook(new Thread(stop, "shutdown"));
    }
  }

  public static void closeOnExit(Vertx vertx) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> close(vertx), "shutdown"));
  }

  /**
   * Closes Vert.x (servers, then pools), waiting at most 20 s: a stuck close must not keep the process
   * alive. Not from an event loop.
   */
  public static void close(Vertx vertx) {
    await(vertx.close(), 20_000);
  }

  private static void await(io.vertx.core.Future<?> future, long millis) {
    try {
      future.toCompletionStage().toCompletableFuture().get(millis, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("Not done within {} ms: {}", millis, e.toString());
    }
  }

  /**
   * Start-up failed: say why in one line, and exit non-zero. The exit runs on a thread of its own:
   * called from an event loop, System.exit would wait for the shutdown hook, which waits for Vert.x
   * to close, which waits for that event loop.
   */
  public static void fail(String what, Throwable failure) {
    log.error("{}: {}", what, failure.getMessage(), failure);
    new Thread(() -> System.exit(1), "exit").start();
  }
}
