package dev.todochatbot.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server process that a data directory's {@code postmaster.pid} names. A pid alone is not
 * proof: after a reboot or in a new container it may belong to anything. The postmaster runs the
 * {@code postgres} binary and works in its data directory (it changes into it at start), which
 * {@code /proc} shows; anything else is an unrelated process that reused the pid.
 */
final class Postmaster {

  private static final Logger log = LoggerFactory.getLogger(Postmaster.class);

  /** The lock zonky's EmbeddedPostgres holds on a data directory for as long as its JVM uses it. */
  private static final String LAUNCHER_LOCK = "epg-lock";
  /** How long a left-over server gets to shut down after SIGTERM before it is killed. */
  private static final Duration STOP_DEADLINE = Duration.ofSeconds(30);

  private Postmaster() {}

  /** The running postmaster of {@code dataDirectory}, if its pid file names one. */
  static Optional<ProcessHandle> of(Path dataDirectory) {
    return pidIn(dataDirectory).flatMap(ProcessHandle::of).filter(process -> runs(process, dataDirectory));
  }

  /**
   * Before a start on {@code dataDirectory}: a PostgreSQL that an earlier run left there (its JVM was
   * killed; the server, a process of its own, lived on) is stopped, and a pid file naming a process
   * that is not one is removed, so that neither blocks the start. Says what it did in one line.
   * Nothing is touched while another launcher holds the directory: that one is refused by the lock.
   */
  static void clearLeftOver(Path dataDirectory) {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    if (!Files.exists(pidFile) || !Files.isDirectory(Path.of("/proc/self"))) {
      return;
    }
    try (var channel = FileChannel.open(dataDirectory.resolve(LAUNCHER_LOCK), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
        var lock = channel.tryLock()) {
      if (lock == null) {
        return;
      }
      clearLeftOverWhileLocked(dataDirectory, pidFile);
    } catch (OverlappingFileLockException inThisJvm) {
      // a server of this very process uses the directory: the start is refused with that reason
    } catch (IOException e) {
      throw new UncheckedIOException("Could not check " + pidFile + ": " + e.getMessage(), e);
    }
  }

  private static void clearLeftOverWhileLocked(Path dataDirectory, Path pidFile) throws IOException {
    Optional<Long> pid = pidIn(dataDirectory);
    if (pid.isEmpty()) {
      Files.deleteIfExists(pidFile);
      log.info("Removed {}: it names no process", pidFile);
      return;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid.get()).filter(ProcessHandle::isAlive);
    if (process.isEmpty()) {
      // left for PostgreSQL, which also checks that no backend of the dead server still holds its memory
      log.info("PostgreSQL on {} was not stopped cleanly (its pid {} is gone): it recovers from its log now",
          dataDirectory, pid.get());
    } else if (runs(process.get(), dataDirectory)) {
      stop(process.get(), dataDirectory);
    } else {
      // PostgreSQL would take the live process for another server on this directory and refuse to start
      Files.deleteIfExists(pidFile);
      log.info("Removed {}: its pid {} now belongs to another process ({}), which was left alone", pidFile, pid.get(),
          process.get().info().command().orElse("unknown"));
    }
  }

  /** SIGTERM (its clients died with their JVM, so it checkpoints and exits), SIGKILL only after the deadline. */
  private static void stop(ProcessHandle postmaster, Path dataDirectory) {
    long started = System.nanoTime();
    List<ProcessHandle> children = postmaster.children().toList();
    if (!postmaster.destroy()) {
      throw new IllegalStateException("A PostgreSQL (pid " + postmaster.pid() + ") left by an earlier run is using "
          + dataDirectory + " and cannot be stopped from here: stop it, then start again");
    }
    if (awaitExit(postmaster, STOP_DEADLINE)) {
      log.info("Stopped the PostgreSQL (pid {}) that an earlier run left on {} in {} ms", postmaster.pid(),
          dataDirectory, (System.nanoTime() - started) / 1_000_000);
      return;
    }
    postmaster.destroyForcibly();
    // its backends notice at once that the postmaster is gone; until they have, the data cannot be used
    boolean gone = awaitExit(postmaster, Duration.ofSeconds(10))
        && children.stream().allMatch(child -> awaitExit(child, Duration.ofSeconds(10)));
    if (!gone) {
      throw new IllegalStateException("A PostgreSQL (pid " + postmaster.pid() + ") left by an earlier run on "
          + dataDirectory + " survived SIGTERM and SIGKILL: stop it, then start again");
    }
    log.warn("The PostgreSQL (pid {}) that an earlier run left on {} did not stop within {} s of SIGTERM: killed it "
        + "(SIGKILL); it recovers from its log now", postmaster.pid(), dataDirectory, STOP_DEADLINE.toSeconds());
  }

  /** True once {@code process} has exited within {@code timeout}. */
  static boolean awaitExit(ProcessHandle process, Duration timeout) {
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return !process.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  /** The pid on the first line of the pid file; empty when there is no file or it holds no pid. */
  private static Optional<Long> pidIn(Path dataDirectory) {
    try {
      List<String> lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"), StandardCharsets.UTF_8);
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).strip()));
    } catch (NoSuchFileException | NumberFormatException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read the pid file in " + dataDirectory + ": " + e.getMessage(), e);
    }
  }

  /** Whether {@code process} is a postgres working in {@code dataDirectory} (Linux' /proc tells). */
  private static boolean runs(ProcessHandle process, Path dataDirectory) {
    Path proc = Path.of("/proc", String.valueOf(process.pid()));
    try {
      byte[] commandLine = Files.readAllBytes(proc.resolve("cmdline"));
      String program = new String(commandLine, StandardCharsets.UTF_8).split("\0", 2)[0];
      return Path.of(program).getFileName().toString().equals("postgres")
          && Files.isSameFile(proc.resolve("cwd"), dataDirectory);
    } catch (IOException | RuntimeException e) {
      // gone meanwhile, or not ours to look at: not a server this launcher started
      return false;
    }
  }
}
