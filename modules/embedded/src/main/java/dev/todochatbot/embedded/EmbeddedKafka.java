package dev.todochatbot.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.internals.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one node) running inside this JVM,
 * for the single-process mode and tests. Topics and committed offsets live in {@code dataDir} and
 * survive {@link #stop()}/{@link #restart()} and new processes on the same directory. Nothing of it
 * outlives a killed JVM: the broker runs in it, and its {@code .lock} in the directory is a file lock
 * that the operating system drops with the process, so a stale one never blocks the next start.
 *
 * <p>Listens on 127.0.0.1 only. Topics are created on first use with 16 partitions: a subscriber
 * handles one record at a time per partition (as daprd does), so the partitions bound how many events
 * a subscriber has in hand at once; with 4, the audit service fell behind whenever the cores were busy,
 * because each delivery then waits on busy event loops rather than on work.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final Path dataDir;
  private final int port;
  private final int controllerPort;
  private KafkaRaftServer server;
  private boolean closed;

  private EmbeddedKafka(Path dataDir, int port, int controllerPort) {
    this.dataDir = dataDir;
    this.port = port;
    this.controllerPort = controllerPort;
  }

  /**
   * Formats {@code dataDir} unless it already holds a broker's data, then starts the broker and
   * returns once it accepts clients.
   *
   * @param port the client port; 0 picks a free one (kept for {@link #restart()})
   * @throws IllegalStateException when the broker cannot start, with the reason (port taken, data
   *     directory used by another broker, ...)
   */
  public static EmbeddedKafka start(Path dataDir, int port) {
    quietBrokerLogging();
    Exits.neverFromKafka();
    int brokerPort = port > 0 ? port : freePort();
    var kafka = new EmbeddedKafka(dataDir.toAbsolutePath(), brokerPort, freePort());
    kafka.startServer();
    return kafka;
  }

  /** {@code 127.0.0.1:<port>}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Stops the broker and keeps its data; {@link #restart()} brings it back on the same port. */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    long started = System.nanoTime();
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      log.warn("Embedded Kafka did not stop cleanly: {}", e.toString());
    } finally {
      server = null;
    }
    log.info("Embedded Kafka on {} stopped in {} ms", bootstrapServers(), (System.nanoTime() - started) / 1_000_000);
  }

  /** Starts the broker again on the same port and data directory (after {@link #stop()}). */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException("Embedded Kafka on " + bootstrapServers() + " is closed");
    }
    if (server == null) {
      startServer();
    }
  }

  public synchronized boolean running() {
    return server != null;
  }

  @Override
  public synchronized void close() {
    closed = true;
    stop();
  }

  private synchronized void startServer() {
    long started = System.nanoTime();
    requireFree(port, "client");
    requireFree(controllerPort, "controller");
    Path logDir = dataDir.resolve("kraft");
    Properties properties = properties(logDir);
    try {
      Files.createDirectories(logDir);
      format(properties, logDir);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not prepare the Kafka data directory " + dataDir + ": " + e.getMessage(), e);
    }
    var candidate = new KafkaRaftServer(KafkaConfig.fromProps(properties, false), Time.SYSTEM);
    try {
      candidate.startup();
    } catch (RuntimeException e) {
      try {
        candidate.shutdown();
      } catch (RuntimeException ignored) {
        // the start failure is the news
      }
      throw new IllegalStateException(startFailure(e), e);
    }
    server = candidate;
    log.info("Embedded Kafka listening on {} (data in {}) after {} ms", bootstrapServers(), dataDir,
        (System.nanoTime() - started) / 1_000_000);
  }

  private Properties properties(Path logDir) {
    var p = new Properties();
    String host = "127.0.0.1";
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
    p.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("num.partitions", "16");
    p.put("auto.create.topics.enable", "true");
    // one node: every internal topic has one replica, and groups need not wait for more members
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "4");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // the cleaner's default 128 MiB dedupe buffer kills a small heap at start-up without a word
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
    p.put("log.cleaner.threads", "1");
    // small segments and indexes: tests create many topics, and preallocated 10 MiB indexes add up
    p.put("log.segment.bytes", String.valueOf(16 * 1024 * 1024));
    p.put("log.index.size.max.bytes", String.valueOf(1024 * 1024));
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "4");
    p.put("background.threads", "2");
    // after a crash (no clean stop), the new start waits until the old registration's session expires
    p.put("broker.session.timeout.ms", "3000");
    p.put("broker.heartbeat.interval.ms", "1000");
    return p;
  }

  /** {@code kafka-storage format}, unless the directory already holds a broker's data. */
  private void format(Properties properties, Path logDir) throws IOException {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    Path config = Files.createTempFile(dataDir, "format", ".properties");
    var output = new ByteArrayOutputStream();
    int status;
    try (var print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      try (var out = Files.newOutputStream(config)) {
        properties.store(out, "embedded Kafka");
      }
      status = StorageTool.execute(new String[] {"format", "--config", config.toString(),
          "--cluster-id", Uuid.randomUuid().toString(), "--ignore-formatted"}, print);
    } catch (Exception e) {
      throw new IllegalStateException("Could not format the Kafka data directory " + logDir + ": " + e.getMessage(), e);
    } finally {
      Files.deleteIfExists(config);
    }
    if (status != 0) {
      throw new IllegalStateException("Could not format the Kafka data directory " + logDir + ": "
          + output.toString(StandardCharsets.UTF_8).strip());
    }
    log.debug("Formatted {}: {}", logDir, output.toString(StandardCharsets.UTF_8).strip());
  }

  private String startFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      if (message.contains("Address already in use") || message.contains("failed to bind")) {
        return "Embedded Kafka could not listen on " + bootstrapServers() + " (or controller port " + controllerPort
            + "): the port is already in use; stop what listens there, or choose another port";
      }
      if (message.contains("Failed to acquire lock")) {
        return "Another Kafka broker is already using " + dataDir + ": stop it first, or use another data directory";
      }
    }
    return "Embedded Kafka could not start on " + bootstrapServers() + " (data in " + dataDir + "): " + e;
  }

  private void requireFree(int candidate, String what) {
    try (var socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), candidate));
    } catch (IOException e) {
      throw new IllegalStateException("Embedded Kafka could not listen on 127.0.0.1:" + candidate + " (" + what
          + " port): the port is already in use; stop what listens there, or choose another port", e);
    }
  }

  private static int freePort() {
    try (var socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("No free port for the embedded Kafka: " + e.getMessage(), e);
    }
  }

  /**
   * Kafka halts the JVM on faults it deems fatal (a failed log directory, a metadata fault). Inside an
   * application or a test run that would kill everything without a word: log it loudly instead.
   */
  private static final class Exits {
    private static boolean installed;

    static synchronized void neverFromKafka() {
      if (installed) {
        return;
      }
      installed = true;
      Exit.setExitProcedure((status, message) -> log.error(
          "The embedded Kafka broker asked to exit the JVM (status {}): {}. Ignored; restart the process.", status,
          message));
      Exit.setHaltProcedure((status, message) -> log.error(
          "The embedded Kafka broker asked to halt the JVM (status {}): {}. Ignored; restart the process.", status,
          message));
    }
  }

  /**
   * The broker logs hundreds of INFO lines at start-up (every setting, every partition). With Logback
   * as the SLF4J backend, its loggers go to WARN unless the application configured them itself.
   * Logback is optional here: the nested class is only loaded when it is the backend.
   */
  private static void quietBrokerLogging() {
    if (LoggerFactory.getILoggerFactory().getClass().getName().equals("ch.qos.logback.classic.LoggerContext")) {
      for (String name : new String[] {"kafka", "org.apache.kafka", "state.change.logger"}) {
        Logback.warnUnlessConfigured(name);
      }
    }
  }

  private static final class Logback {
    static void warnUnlessConfigured(String name) {
      var logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(name);
      if (logger.getLevel() == null) {
        logger.setLevel(ch.qos.logback.classic.Level.WARN);
      }
    }
  }
}
