package dev.todochatbot.devsidecar;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This machine's name, as Go's {@code os.Hostname()} gives it to daprd (for {@code X-Forwarded-Host}): the
 * kernel's host name, read once. Looking it up may block (a resolver), so the first call is made while a
 * sidecar starts, on a worker thread.
 */
final class HostName {

  private static volatile String name;

  private HostName() {}

  static String get() {
    String known = name;
    if (known == null) {
      known = lookUp();
      name = known;
    }
    return known;
  }

  private static String lookUp() {
    try {
      String kernel = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
      if (!kernel.isEmpty()) {
        return kernel;
      }
    } catch (IOException | RuntimeException notLinux) {
      // below
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
