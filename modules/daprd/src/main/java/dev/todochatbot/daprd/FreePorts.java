package dev.todochatbot.daprd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports nothing listens on, for a listener that binds them a few seconds later (an app whose sidecar must
 * know its port first, as daprd's {@code --app-port}; a daprd told its ports on the command line).
 */
public final class FreePorts {

  /** Ports handed out in this JVM, so one start never gets the same port twice. */
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  /**
   * A free port taken below the kernel's ephemeral range: a port from that range (what binding port 0
   * gives) can meanwhile become the local end of one of the many outgoing connections start-up makes
   * (Kafka, PostgreSQL), and the listener then fails to bind it.
   */
  public static int take() {
    int below = ephemeralLow();
    var random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 200 && below > 10_000; attempt++) {
      int port = random.nextInt(10_000, below);
      if (HANDED_OUT.contains(port)) {
        continue;
      }
      try (var socket = new ServerSocket()) {
        socket.setReuseAddress(false);
        socket.bind(new InetSocketAddress(port));
        HANDED_OUT.add(port);
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lowest port the kernel gives outgoing connections (Linux), else IANA's 49152. */
  static int ephemeralLow() {
    try {
      // not Files.readString: JDK 17 reads a /proc file's reported size, and this one reads as "3"
      String range = String.join(" ", Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))).strip();
      return Integer.parseInt(range.split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 49_152;
    }
  }
}
