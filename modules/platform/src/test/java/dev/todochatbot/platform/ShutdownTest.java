package dev.todochatbot.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.ChildProcess;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ShutdownTest {

  /**
   * A main shaped like the single-process mode's: its threads (Vert.x, the Kafka broker) end early in
   * the stop, and what the stop does last (stopping PostgreSQL) runs on no other thread.
   */
  public static final class LastStepAlone {
    public static void main(String[] args) throws Exception {
      var running = new CountDownLatch(1);
      Thread worker = new Thread(() -> {
        try {
          running.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "worker");
      worker.start();
      Shutdown.onSignal(() -> {
        running.countDown();
        try {
          worker.join();
          // every other thread has ended: only a stop thread the JVM waits for is still here to say so, and
          // its last step (PostgreSQL's stop, in the real main) lasts until the test says "go"
          System.out.println("the others have ended");
          new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8))
              .readLine();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        System.out.println("last step done");
      });
      System.out.println("waiting for a signal");
    }
  }

  @Test
  void onSigtermTheStopRunsToItsEndAfterEveryOtherThreadHasEnded() {
    try (var process = ChildProcess.start(LastStepAlone.class, Map.of())) {
      Await.until(Duration.ofSeconds(30), () -> process.lines().contains("waiting for a signal"),
          () -> "never started:\n" + process.tail());

      process.terminate();
      Await.until(Duration.ofSeconds(30), () -> process.lines().contains("the others have ended"),
          () -> "the stop never saw the other threads end:\n" + process.tail());
      assertThat(process.isAlive()).as("the JVM while its stop's last step runs alone").isTrue();
      process.send("go");

      assertThat(process.awaitExit(Duration.ofSeconds(30))).as("exit code; output:\n%s", process.tail()).isZero();
      assertThat(process.lines()).as("the stop's last step").contains("last step done");
    }
  }
}
