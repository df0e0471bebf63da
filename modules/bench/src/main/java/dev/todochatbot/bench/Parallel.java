package dev.todochatbot.bench;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/** Spreading the benchmark's own work: over event loops, and over a bounded number of jobs at a time. */
final class Parallel {

  private Parallel() {}

  /**
   * {@code count} event-loop contexts, each on its own thread (round robin over Vert.x's event loops).
   * Work started on a context stays there, so state confined to one needs no locks.
   */
  static Future<List<Context>> eventLoops(Vertx vertx, int count) {
    List<Context> contexts = Collections.synchronizedList(new ArrayList<>());
    return vertx.deployVerticle(() -> new VerticleBase() {
          @Override
          public Future<?> start() {
            contexts.add(context);
            return Future.succeededFuture();
          }
        }, new DeploymentOptions().setInstances(count))
        .map(id -> List.copyOf(contexts));
  }

  /**
   * Runs {@code job(0)} to {@code job(count - 1)}, at most {@code concurrency} at a time; the results in
   * job order. Fails with the first failure, after the jobs under way have finished.
   */
  static <T> Future<List<T>> limited(int count, int concurrency, IntFunction<Future<T>> job) {
    @SuppressWarnings("unchecked")
    T[] results = (T[]) new Object[count];
    var next = new AtomicInteger();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int i = 0; i < Math.min(count, concurrency); i++) {
      lanes.add(lane(next, count, job, results));
    }
    return Future.all(lanes).map(done -> Arrays.asList(results));
  }

  private static <T> Future<Void> lane(AtomicInteger next, int count, IntFunction<Future<T>> job, T[] results) {
    int index = next.getAndIncrement();
    if (index >= count) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    job.apply(index).onComplete(result -> {
      if (result.failed()) {
        next.set(count); // start nothing more
        done.fail(result.cause());
      } else {
        results[index] = result.result();
        lane(next, count, job, results).onComplete(done);
      }
    });
    return done.future();
  }

  /** Completes when {@code inFlight} is down to zero (looked at every 50 ms), or after {@code patienceMs}. */
  static Future<Void> drained(Vertx vertx, AtomicInteger inFlight, long patienceMs) {
    Promise<Void> drained = Promise.promise();
    long deadline = System.currentTimeMillis() + patienceMs;
    vertx.setPeriodic(50, timer -> {
      if (inFlight.get() == 0 || System.currentTimeMillis() > deadline) {
        vertx.cancelTimer(timer);
        drained.complete();
      }
    });
    return drained.future();
  }
}
