import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command holding the machine's app-id lock, the one modules/daprd's AppIdLock takes (an fcntl lock on
 * $XDG_CACHE_HOME or ~/.cache, /todo-chatbot/mdns-app-ids.lock): self-hosted daprd finds other sidecars by
 * mDNS, so two topologies with the same app ids on one machine would call each other's apps, and the
 * second waits here for the first to stop. A source-file program ({@code java WithAppIdLock.java cmd...}),
 * so that a shell script holds a lock Java's FileChannel.lock respects (flock(1) takes another kind). The
 * command runs with {@code TODO_CHATBOT_APP_ID_LOCK=held}; SIGINT or SIGTERM here is passed on as SIGTERM
 * and the lock kept until the command has exited.
 */
public class WithAppIdLock {

  public static void main(String[] args) throws Exception {
    String cache = System.getenv().getOrDefault("XDG_CACHE_HOME", System.getProperty("user.home") + "/.cache");
    Path file = Path.of(cache, "todo-chatbot", "mdns-app-ids.lock");
    Files.createDirectories(file.getParent());
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        System.err.println("Waiting for another real-daprd topology on this machine to stop (it holds " + file + ")");
        lock = channel.lock();
      }
      var builder = new ProcessBuilder(args).inheritIO();
      builder.environment().put("TODO_CHATBOT_APP_ID_LOCK", "held");
      Process command = builder.start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        if (command.isAlive()) {
          command.destroy();
          try {
            command.waitFor(120, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }));
      int status = command.waitFor();
      lock.release();
      // not System.exit: after a signal this thread gets here while the shutdown hook runs, and
      // System.exit called during the shutdown blocks for ever
      Runtime.getRuntime().halt(status);
    }
  }
}
