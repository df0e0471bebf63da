package dev.todochatbot.platform.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A service's {@code main} in a JVM of its own, as a container runs it: configured only through the
 * environment, stopped with a real SIGTERM ({@link Process#destroy()} on Linux). It runs on the test's
 * class path, so that a module's tests can start its own main before its jar is packaged. Output goes
 * to a file under {@code target/}, quoted when something goes wrong.
 */
public final class ChildProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final Process process;
  private final Path log;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code mainClass} with the test's class path and {@code env} added to this environment. */
  public static ChildProcess start(Class<?> mainClass, Map<String, String> env) {
    return start(mainClass, env, "192m");
  }

  /** The same with a heap of {@code maxHeap} ({@code -Xmx}): the whole system in one JVM needs more. */
  public static ChildProcess start(Class<?> mainClass, Map<String, String> env, String maxHeap) {
    try {
      Path dir = Files.createDirectories(Path.of("target", "child-processes"));
      Path log = Files.createTempFile(dir, mainClass.getSimpleName() + "-", ".log");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      // small and quick to start: these processes live for seconds
      var command = List.of(java, "-Xmx" + maxHeap, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
          System.getProperty("java.class.path"), mainClass.getName());
      var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().putAll(env);
      return new ChildProcess(mainClass.getSimpleName(), builder.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start " + mainClass.getName() + ": " + e.getMessage(), e);
    }
  }

  /** Waits until {@code GET /healthz} on {@code port} answers 2xx; fails with the end of the output otherwise. */
  public void awaitHealthy(int port, Duration timeout) {
    Await.until(timeout, () -> {
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + " before it was healthy:\n" + tail());
      }
      return status(port, "/healthz") / 100 == 2;
    }, () -> name + " did not answer GET /healthz on port " + port + " within " + timeout + ":\n" + tail());
  }

  /** The status of a GET on a new connection; 0 when nothing answers. */
  public static int status(int port, String path) {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5))
        .GET().build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** True when nothing listens on {@code port} of localhost any more. */
  public static boolean refusesConnections(int port) {
    try (var socket = new Socket("127.0.0.1", port)) {
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code line} to the process's standard input. */
  public void send(String line) {
    try {
      var in = process.getOutputStream();
      in.write((line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      in.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write to " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * SIGTERM, as Kubernetes sends it. Through the process's handle: {@code Process.destroy} would also close the
   * pipe to its standard input, which a process still reading it during its stop would see end.
   */
  public void terminate() {
    process.toHandle().destroy();
  }

  /**
   * SIGKILL, as the OOM killer or a {@code kill -9} sends it: the JVM stops on the spot, and whatever it
   * started as a process of its own (the embedded PostgreSQL) is left running. Returns once the JVM is gone.
   */
  public void kill() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(10));
  }

  /** The exit code, once the process has exited within {@code timeout}; fails with the end of its output otherwise. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + " still runs " + timeout + " after it was asked to stop:\n" + tail());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Every line written so far. */
  public List<String> lines() {
    try {
      return Files.readAllLines(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String tail() {
    List<String> lines = new ArrayList<>(lines());
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
