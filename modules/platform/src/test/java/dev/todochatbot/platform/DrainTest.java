package dev.todochatbot.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.ChildProcess;
import dev.todochatbot.platform.testing.TestHttp;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The order of a drain, on a real server with a real request in flight and a background loop. */
class DrainTest {

  private final Vertx vertx = Vertx.vertx();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final Promise<Void> release = Promise.promise();
  private int port;

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  /** A server with health routes and {@code /slow}, which answers once the test releases it; and a loop. */
  private void start() {
    port = TestHttp.freePort();
    Await.result(vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        Router router = Router.router(vertx);
        Observability.mountHealthAndMetrics(router, Future::succeededFuture);
        router.get("/slow").handler(ctx -> {
          events.add("request started");
          release.future().onComplete(v -> {
            // Recorded as the answer is handed to the server: end()'s own callback is dispatched to the
            // context and may run after the server's shutdown has already completed.
            events.add("request answered");
            ctx.response().end("the full answer");
          });
        });
        Drain.of(vertx).onDrain("the test loop", () -> {
          events.add("loop stopped");
          return Future.succeededFuture();
        });
        return HttpServers.listen(vertx, router, "127.0.0.1", port, "PORT");
      }
    }));
  }

  @Test
  void notReadyAtOnceServesThroughTheDelayThenRefusesConnectionsAndLetsTheRequestInFlightFinish() throws Exception {
    start();
    CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> get("/slow"));
    Await.until("the slow request to start", Duration.ofSeconds(10), () -> events.contains("request started"));

    Future<Void> drained = Drain.of(vertx).start(new Drain.Settings(Duration.ofSeconds(2), Duration.ofSeconds(30)))
        // andThen, not onComplete: the returned future completes after the handler ran, so that waiting for it
        // below also waits for "drained" to be recorded (onComplete's handler may run later, on the context).
        .andThen(v -> events.add("drained"));

    assertThat(get("/readyz")).as("readiness fails at once").startsWith("HTTP/1.1 503").contains("draining");
    assertThat(get("/healthz")).as("new connections are still served during the delay").startsWith("HTTP/1.1 200");
    assertThat(events).as("nothing stops during the delay").doesNotContain("loop stopped");

    Await.until("the loop to be stopped after the delay", Duration.ofSeconds(10), () -> events.contains("loop stopped"));
    Await.until("new connections to be refused", Duration.ofSeconds(10), () -> ChildProcess.refusesConnections(port));
    assertThat(drained.isComplete()).as("the drain waits for the request in flight").isFalse();

    release.complete();
    assertThat(slow.get(10, TimeUnit.SECONDS)).startsWith("HTTP/1.1 200").endsWith("the full answer");
    Await.result(drained);
    assertThat(events).containsExactly("request started", "loop stopped", "request answered", "drained");
  }

  @Test
  void aRequestThatNeverEndsHoldsTheDrainOnlyUntilTheTimeout() throws Exception {
    start();
    CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> get("/slow"));
    Await.until("the slow request to start", Duration.ofSeconds(10), () -> events.contains("request started"));
    long started = System.nanoTime();

    Await.result(Drain.of(vertx).start(new Drain.Settings(Duration.ZERO, Duration.ofMillis(300))));

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    assertThat(slow.get(10, TimeUnit.SECONDS)).as("the connection was closed at the timeout").isEqualTo("(closed)");
  }

  @Test
  void drainingTwiceIsOneDrain() {
    start();
    var settings = new Drain.Settings(Duration.ZERO, Duration.ofSeconds(1));
    assertThat(Drain.of(vertx).start(settings)).isSameAs(Drain.of(vertx).start(settings));
  }

  /** GET on a connection of its own: the status line and body, {@code (closed)} when the server hung up. */
  private String get(String path) {
    try (var socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return answer.isEmpty() ? "(closed)" : answer;
    } catch (IOException e) {
      throw new IllegalStateException("GET " + path + " failed: " + e, e);
    }
  }
}
