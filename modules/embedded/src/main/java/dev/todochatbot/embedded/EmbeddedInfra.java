package dev.todochatbot.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code make dapr-run}'s PostgreSQL and Kafka: the two {@code make run} starts inside its own JVM, here in
 * a process of their own, since under {@code dapr run -f dapr/dapr.yaml} each service is a JVM beside its
 * own daprd; like make run, it starts only what {@code DATABASE_URL} and {@code KAFKA_BROKERS} do not name.
 * Started by tools/dapr-run/run.sh as
 * <pre>
 * java -cp modules/standalone/target/standalone-0.1.0-SNAPSHOT-all.jar dev.todochatbot.embedded.EmbeddedInfra \
 *   .data/dapr-run .data/dapr-run/infra.env
 * </pre>
 * Data stays in the first directory between runs. Ports: {@code EMBEDDED_KAFKA_PORT} and
 * {@code EMBEDDED_PG_PORT}, free ones when unset or 0. Once they accept clients it writes a
 * {@code KAFKA_BROKERS=<host:port>} and a {@code DATABASE_URL=<url>} line (for what it started) to the second
 * (owner-only) and prints them; on SIGTERM or SIGINT it stops Kafka, then PostgreSQL, and deletes that file.
 */
public final class EmbeddedInfra {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedInfra.class);

  private EmbeddedInfra() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: EmbeddedInfra <data directory> <env file to write>");
      System.exit(2);
    }
    Path dataDir = Path.of(args[0]);
    Path envFile = Path.of(args[1]);
    // what the environment names already is used as it is, as make run does
    EmbeddedPostgresServer postgres = null;
    EmbeddedKafka kafka = null;
    String starting = "PostgreSQL";
    try {
      if (isBlank(System.getenv("DATABASE_URL"))) {
        postgres = EmbeddedPostgresServer.start(dataDir.resolve("postgres"), port("EMBEDDED_PG_PORT"),
            EmbeddedPostgresServer.Mode.DURABLE);
      }
      starting = "Kafka";
      if (isBlank(System.getenv("KAFKA_BROKERS"))) {
        kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), port("EMBEDDED_KAFKA_PORT"));
      }
    } catch (RuntimeException e) {
      log.error("The embedded {} could not start: {}", starting, e.getMessage());
      stop(kafka, postgres);
      System.exit(1);
      return;
    }
    EmbeddedKafka broker = kafka;
    EmbeddedPostgresServer database = postgres;
    var stopped = new CountDownLatch(1);
    // Ctrl-C or SIGTERM: the broker first (its clients are gone or going), then PostgreSQL, whose files in
    // the data directory the next start needs
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        Files.deleteIfExists(envFile);
      } catch (IOException e) {
        log.warn("Could not delete {}: {}", envFile, e.toString());
      }
      stop(broker, database);
      stopped.countDown();
    }, "stop-infra"));
    String env = (kafka == null ? "" : "KAFKA_BROKERS=" + kafka.bootstrapServers() + "\n")
        + (postgres == null ? "" : "DATABASE_URL=" + postgres.url("postgres") + "\n");
    try {
      writeOwnerOnly(envFile, env);
    } catch (UncheckedIOException e) {
      log.error(e.getMessage());
      System.exit(1);
    }
    System.out.print(env);
    System.out.flush();
    stopped.await();
  }

  private static void stop(EmbeddedKafka kafka, EmbeddedPostgresServer postgres) {
    if (kafka != null) {
      kafka.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }

  private static int port(String name) {
    String value = System.getenv(name);
    try {
      return isBlank(value) ? 0 : Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a port number, not '" + value + "'", e);
    }
  }

  /** Written whole under another name and moved into place: whoever waits for the file never reads half of it. */
  private static void writeOwnerOnly(Path file, String content) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path partial = Files.createTempFile(parent, "infra", ".partial",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(partial, content);
      Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write " + file + ": " + e.getMessage(), e);
    }
  }
}
