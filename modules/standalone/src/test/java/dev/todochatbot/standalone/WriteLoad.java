package dev.todochatbot.standalone;

import dev.todochatbot.platform.testing.TestHttp;
import io.vertx.core.json.JsonObject;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Several people writing at once through the public port while something breaks: each creates a task, renames it,
 * and starts again, one request after another, keeping every answer. A write is acknowledged when it was answered
 * 2xx; anything else (a 503, a connection cut) is an attempt the person would have to repeat.
 */
final class WriteLoad implements AutoCloseable {

  static final String CREATED = "task.created.v1";
  static final String UPDATED = "task.updated.v1";

  /** One person: the token they write with, their id, and a prefix that makes each of their titles unique. */
  record Writer(String userId, String token, String prefix) {}

  /**
   * One request and its answer.
   *
   * @param type the event type it makes when applied ({@link #CREATED} or {@link #UPDATED})
   * @param title the title it creates (unique: what tells the events of a create apart, acknowledged or not)
   * @param taskId the task, when known (always for an update; for a create, only when it was acknowledged)
   * @param status the answer's status, 0 when there was none
   * @param replayed whether the answer was the task service's recorded one ({@code Idempotent-Replayed}): the
   *     sidecar retried a request the service had carried out already, and the service answered it again
   */
  record Attempt(String userId, String type, String title, String taskId, int status, boolean replayed) {
    boolean acknowledged() {
      return status / 100 == 2;
    }
  }

  private final TestHttp http;
  private final List<Writer> writers;
  private final Duration pause;
  private final ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
  private final ScheduledExecutorService threads;

  private WriteLoad(TestHttp http, List<Writer> writers, Duration pause) {
    this.http = http;
    this.writers = List.copyOf(writers);
    this.pause = pause;
    this.threads = Executors.newScheduledThreadPool(writers.size());
  }

  /**
   * Starts every writer on a thread of its own: a create and its rename, then {@code pause} before the next
   * (a fixed delay after each round, so a slow answer slows that person down as it would a real one).
   */
  static WriteLoad start(TestHttp http, List<Writer> writers, Duration pause) {
    var load = new WriteLoad(http, writers, pause);
    for (Writer writer : load.writers) {
      var rounds = new AtomicInteger();
      load.threads.scheduleWithFixedDelay(() -> load.writeOnce(writer, rounds.getAndIncrement()), 0,
          Math.max(1, pause.toMillis()), TimeUnit.MILLISECONDS);
    }
    return load;
  }

  private void writeOnce(Writer writer, int round) {
    String title = writer.prefix() + " " + round;
    var created = send(writer, CREATED, title, null, "POST", "/api/tasks", new JsonObject().put("title", title));
    if (created.acknowledged()) {
      send(writer, UPDATED, title, created.taskId(), "PATCH", "/api/tasks/" + created.taskId(),
          new JsonObject().put("title", title + " (renamed)"));
    }
  }

  private Attempt send(Writer writer, String type, String title, String taskId, String method, String path,
      JsonObject body) {
    Attempt attempt;
    try {
      var answer = http.send(method, path, writer.token(), body, Map.of());
      String id = taskId == null && answer.status() == 201 ? answer.json().getString("id") : taskId;
      attempt = new Attempt(writer.userId(), type, title, id, answer.status(),
          answer.header("idempotent-replayed").isPresent());
    } catch (UncheckedIOException e) {
      attempt = new Attempt(writer.userId(), type, title, taskId, 0, false);
    }
    attempts.add(attempt);
    return attempt;
  }

  long acknowledged() {
    return attempts.stream().filter(Attempt::acknowledged).count();
  }

  /** Writes answered from the task service's record of them: retries that were not carried out again. */
  long replayed() {
    return attempts.stream().filter(Attempt::replayed).count();
  }

  /** How many attempts were answered with each status ("0": no answer). */
  JsonObject statusesJson() {
    var statuses = new JsonObject();
    attempts.stream().collect(Collectors.groupingBy(Attempt::status, java.util.TreeMap::new, Collectors.counting()))
        .forEach((status, count) -> statuses.put(String.valueOf(status), count));
    return statuses;
  }

  List<Attempt> attempts() {
    return new ArrayList<>(attempts);
  }

  List<Writer> writers() {
    return writers;
  }

  /** Stops the writers after the request each has under way (at most the client's 30 s timeout). */
  @Override
  public void close() {
    // no further rounds; the ones under way end with their answers
    threads.shutdown();
    try {
      if (!threads.awaitTermination(40, TimeUnit.SECONDS)) {
        threads.shutdownNow();
        throw new IllegalStateException("the writers did not stop within 40 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      threads.shutdownNow();
    }
  }
}
