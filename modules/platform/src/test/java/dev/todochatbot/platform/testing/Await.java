package dev.todochatbot.platform.testing;

import io.vertx.core.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for a Vert.x future from a test thread (never from an event loop). */
public final class Await {

  private Await() {}

  public static <T> T result(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("no answer within 60 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** How often a condition is looked at again: short beside any timeout, long beside the check itself. */
  private static final long POLL_MILLIS = 20;

  /**
   * Polls {@code condition} until it holds, failing with {@code what} after {@code timeout}. For
   * outcomes that arrive asynchronously (an event through a broker), instead of a fixed sleep.
   */
  public static void until(String what, java.time.Duration timeout, java.util.function.BooleanSupplier condition) {
    until(timeout, condition, () -> "timed out after " + timeout.toMillis() + " ms waiting for " + what);
  }

  /** The same, with the failure described when it happens (what was seen instead). */
  public static void until(java.time.Duration timeout, java.util.function.BooleanSupplier condition,
      java.util.function.Supplier<String> failure) {
    untilPresent(timeout, () -> condition.getAsBoolean() ? java.util.Optional.of(Boolean.TRUE) : java.util.Optional.empty(),
        failure);
  }

  /**
   * Polls {@code attempt} until it yields a value and returns it; fails with {@code failure} after
   * {@code timeout}. The one polling loop of the tests: everything else that waits calls one of these.
   */
  public static <T> T untilPresent(java.time.Duration timeout, java.util.function.Supplier<java.util.Optional<T>> attempt,
      java.util.function.Supplier<String> failure) {
    return untilPresent(timeout, java.time.Duration.ofMillis(POLL_MILLIS), attempt, failure);
  }

  /** The same, looking again every {@code every}: for a check that itself costs (many requests, a query). */
  public static <T> T untilPresent(java.time.Duration timeout, java.time.Duration every,
      java.util.function.Supplier<java.util.Optional<T>> attempt, java.util.function.Supplier<String> failure) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      java.util.Optional<T> result = attempt.get();
      if (result.isPresent()) {
        return result.get();
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(failure.get());
      }
      // the interval between two looks at the condition, never past the deadline (the last look is at it)
      java.util.concurrent.locks.LockSupport.parkNanos(Math.min(every.toNanos(), left));
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting");
      }
    }
  }
}
