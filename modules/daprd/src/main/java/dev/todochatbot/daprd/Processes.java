package dev.todochatbot.daprd;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the launchers of Dapr's processes (daprd, Sentry) share: their logs, their left-overs, their readiness. */
final class Processes {

  private static final Logger log = LoggerFactory.getLogger(Processes.class);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private static final Duration POLL = Duration.ofMillis(50);

  private Processes() {}

  /** The last {@code lines} lines of {@code logFile}, for a failure message. */
  static String logTail(Path logFile, int lines) {
    try {
      List<String> all = Files.readAllLines(logFile);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Whether {@code handle} runs an executable whose path ends with {@code name}. */
  static boolean runs(ProcessHandle handle, String name) {
    return handle.info().command().map(command -> command.endsWith(name)).orElse(false);
  }

  /**
   * Stops the process {@code pidFile} names when it is still alive and {@code ours} (a start by an earlier JVM,
   * killed with {@code kill -9}, leaves its children running); deletes the file either way.
   */
  static void stopLeftOver(Path pidFile, Predicate<ProcessHandle> ours, String what) throws IOException {
    if (!Files.exists(pidFile)) {
      return;
    }
    String content = Files.readString(pidFile).strip();
    Files.deleteIfExists(pidFile);
    long pid;
    try {
      pid = Long.parseLong(content);
    } catch (NumberFormatException e) {
      return;
    }
    ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(ours).ifPresent(handle -> {
      log.warn("Stopping {} left running by an earlier start (pid {})", what, pid);
      handle.destroyForcibly();
      try {
        handle.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(what + " left running (pid " + pid + ") would not stop", e);
      }
    });
  }

  /**
   * Asks {@code GET uri} until it answers {@code status}, failing at once when {@code process} has exited and
   * after {@code deadline} otherwise, each time with the end of its log.
   */
  static void awaitAnswer(URI uri, int status, Duration deadline, Supplier<Process> process, String who,
      Path logFile) {
    Instant until = Instant.now().plus(deadline);
    var request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build();
    String last = "no answer";
    while (Instant.now().isBefore(until)) {
      Process current = process.get();
      if (current == null || !current.isAlive()) {
        throw new IllegalStateException(who + " exited" + (current == null ? "" : " with status "
            + current.exitValue()) + "; its log ends:\n" + logTail(logFile, 30));
      }
      try {
        HttpResponse<Void> response = HTTP.send(request, HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == status) {
          return;
        }
        last = "HTTP " + response.statusCode();
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for " + who, e);
      }
      // the next look, never past the deadline: the process's own start is what is waited for
      long pause = Math.min(POLL.toMillis(), Math.max(0, Duration.between(Instant.now(), until).toMillis()));
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for " + who, e);
      }
    }
    throw new IllegalStateException(who + " did not answer " + uri.getPath() + " with " + status + " within "
        + deadline.toSeconds() + " s (last: " + last + "); its log ends:\n" + logTail(logFile, 30));
  }
}
