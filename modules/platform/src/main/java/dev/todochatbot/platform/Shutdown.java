package dev.todochatbot.platform;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Clean stops for the mains: Ctrl-C or SIGTERM closes Vert.x (servers, pools), then the JVM exits. */
public final class Shutdown {

  private static final Logger log = LoggerFactory.getLogger(Shutdown.class);

  private Shutdown() {}

  public static void closeOnExit(Vertx vertx) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> close(vertx), "shutdown"));
  }

  /**
   * Closes Vert.x (servers, then pools), waiting at most 20 s: a stuck close must not keep the process
   * alive. Not from an event loop.
   */
  public static void close(Vertx vertx) {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("Vert.x did not close within 20 s: {}", e.toString());
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
