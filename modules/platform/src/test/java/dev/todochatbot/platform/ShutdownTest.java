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
      new Thread(() -> {
        try {
          running.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "worker").start();
      Shutdown.onSignal(() -> {
        running.countDown();
        // the slow last step itself (PostgreSQL's stop takes about a second), not a wait for a condition:
        // the test's assertions hold however long it takes; only with a daemon stop thread would the JVM
        // end during it
        try {
          Thread.sleep(1_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
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

      assertThat(process.awaitExit(Duration.ofSeconds(30))).as("exit code; output:\n%s", process.tail()).isZero();
      assertThat(process.lines()).as("the stop's last step").contains("last step done");
    }
  }
}
