package dev.todochatbot.daprd;

import dev.todochatbot.platform.Env;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machine's claim on this system's app ids. Self-hosted daprd finds other sidecars by mDNS, which has
 * no notion of "my topology": two runs on one machine (make test beside make run SIDECAR=daprd, two
 * checkouts) would resolve each other's task-service and mix their traffic. So a topology holds this lock
 * (an fcntl lock on {@code ~/.cache/todo-chatbot/mdns-app-ids.lock}, released by the kernel if the process
 * dies) from before its first daprd starts until its last has stopped, and a second one waits.
 */
public final class AppIdLock implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AppIdLock.class);

  private final FileChannel channel;
  private final FileLock lock;

  private AppIdLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  public static Path file(Env env) {
    return DaprdBinary.cacheDir(env).getParent().resolve("mdns-app-ids.lock");
  }

  /** Takes the lock, waiting for another topology on this machine to stop for up to {@code patience}. Blocking. */
  public static AppIdLock acquire(Env env, Duration patience) {
    Path file = file(env);
    try {
      Files.createDirectories(file.getParent());
      FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      Instant until = Instant.now().plus(patience);
      boolean said = false;
      while (true) {
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          channel.close();
          throw new IllegalStateException("This JVM already runs a real-daprd topology: stop it before starting another"
              + " (their sidecars would find each other's apps by mDNS)");
        }
        if (lock != null) {
          return new AppIdLock(channel, lock);
        }
        if (Instant.now().isAfter(until)) {
          channel.close();
          throw new IllegalStateException("Another real-daprd topology on this machine still holds " + file + " after "
              + patience.toSeconds() + " s; its sidecars would find ours by mDNS. Stop it (make run SIDECAR=daprd,"
              + " make test or make dapr-run) and try again");
        }
        if (!said) {
          log.info("Waiting for another real-daprd topology on this machine to stop (it holds {})", file);
          said = true;
        }
        Thread.sleep(500);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not open " + file + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for " + file, e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      log.debug("Could not release the app id lock: {}", e.toString());
    }
  }
}
