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

  /**
   * A service's main: on SIGTERM or Ctrl-C, drain with the settings of the environment
   * ({@code DRAIN_DELAY}, {@code DRAIN_TIMEOUT}), close Vert.x, exit 0.
   */
  public static void drainOnSignal(Vertx vertx) {
    Drain.Settings settings;
    try {
      settings = Drain.Settings.fromEnv(Env.system());
    } catch (IllegalArgumentException e) {
      log.error(e.getMessage());
      System.exit(1);
      return;
    }
    onSignal(() -> {
      drain(vertx, settings);
      close(vertx);
    });
    // any other exit (System.exit after a failed start) still closes the pools
    closeOnExit(vertx);
  }

  /** Runs the drain of {@code vertx} and waits for it (bounded by its delay and timeout). Not from an event loop. */
  public static void drain(Vertx vertx, Drain.Settings settings) {
    await(Drain.of(vertx).start(settings), settings.delay().plus(settings.timeout()).toMillis() + 5_000);
  }

  /**
   * Runs {@code stop} on its own thread at the first SIGTERM or SIGINT, then exits (0, or 1 if the stop
   * threw); later signals are
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
      var drain = new Thread(() -> {
        int status = 1;
        try {
          stop.run();
          status = 0;
        } catch (RuntimeException | Error e) {
          log.warn("Stopping failed: {}", e.toString());
        } finally {
          // whatever the stop threw, the process must not be left waiting for a SIGKILL
          System.exit(status);
        }
      }, "drain");
      // the signal's thread is a daemon, and so would this one be: the JVM would end as soon as the stop
      // has ended every other thread (Vert.x's, Kafka's), before its last steps (stopping PostgreSQL)
      drain.setDaemon(false);
      drain.start();
    };
    if (!handle("TERM", handle)) {
      log.debug("No SIGTERM handling here; stopping from a shutdown hook");
      Runtime.getRuntime().addShutdownHook(new Thread(stop, "shutdown"));
    }
    // SIGINT is ignored in processes started in the background by a shell, and cannot be handled there
    handle("INT", handle);
  }

  private static boolean handle(String signal, Runnable handler) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal(signal), received -> handler.run());
      return true;
    } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
      return false;
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
   * Start-up failed: say why in one line, and exit non-zero. A failure that says what to fix (a setting missing or
   * wrong, the sidecar not there) is that line alone, its stack trace at DEBUG: forty lines of Vert.x futures
   * would bury it. Anything else keeps its stack trace. The exit runs on a thread of its own: called from an event
   * loop, System.exit would wait for the shutdown hook, which waits for Vert.x to close, which waits for that event
   * loop.
   */
  public static void fail(String what, Throwable failure) {
    if (failure instanceof IllegalArgumentException || failure instanceof IllegalStateException
        || failure instanceof SidecarException) {
      log.error("{}: {}", what, failure.getMessage());
      log.debug("{}", what, failure);
    } else {
      log.error("{}: {}", what, failure.getMessage(), failure);
    }
    new Thread(() -> System.exit(1), "exit").start();
  }
}
