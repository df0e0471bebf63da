package dev.todochatbot.daprit;

import dev.todochatbot.platform.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A service started the way production starts it: {@code java -jar <module>-<version>-all.jar}
 * in its own JVM, configured only through the environment. Output goes to a log file whose tail
 * is quoted when the service does not come up.
 */
final class ServiceProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final int port;
  private final Process process;
  private final Path log;

  private ServiceProcess(String name, int port, Process process, Path log) {
    this.name = name;
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code modules/<module>/target/<module>-0.1.0-SNAPSHOT-all.jar} with {@code env} plus its port. */
  static ServiceProcess start(Path repositoryRoot, String module, int port, Map<String, String> env, Path logDir)
      throws IOException {
    Path jar = repositoryRoot.resolve("modules").resolve(module).resolve("target")
        .resolve(module + "-0.1.0-SNAPSHOT-all.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " does not exist: build the service jars first, e.g."
          + " `mvn -pl modules/dapr-it -am verify` (dapr-it depends on the service modules so -am packages them)");
    }
    Files.createDirectories(logDir);
    Path log = logDir.resolve(module + ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx256m", "-jar", jar.toString()))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    // the edge's port is PORT, the others' <APP>_PORT (they share one environment in make run)
    builder.environment().put(module.equals("edge") ? "PORT" : module.toUpperCase(Locale.ROOT).replace('-', '_') + "_PORT",
        Integer.toString(port));
    return new ServiceProcess(module, port, builder.start(), log);
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return port;
  }

  /** Waits until GET /healthz answers 2xx; fails with the end of the service's log otherwise. */
  void awaitHealthy(Duration timeout) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/healthz"))
        .timeout(Duration.ofSeconds(2)).GET().build();
    Await.until(timeout, () -> {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with code " + process.exitValue() + " before it was healthy;"
            + " end of " + log + ":\n" + tail());
      }
      try {
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() / 100 == 2;
      } catch (IOException e) {
        return false; // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }, () -> name + " did not answer GET /healthz on port " + port + " within " + timeout + "; end of " + log + ":\n"
        + tail());
  }

  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
