package dev.todochatbot.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable server of {@code make run} on a data directory that a crash left in a state of its own.
 * A PostgreSQL that outlived its JVM is covered by the standalone {@code StartAfterKillTest}: it
 * needs a JVM that can be killed.
 */
class EmbeddedPostgresServerTest {

  @TempDir
  Path dataDir;

  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private Process unrelated;

  @BeforeEach
  void captureLogs() {
    logged.start();
    root().addAppender(logged);
  }

  @AfterEach
  void stopCapturing() throws Exception {
    root().detachAppender(logged);
    if (unrelated != null) {
      unrelated.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aPidFileNamingAnUnrelatedLiveProcessNeitherBlocksTheStartNorGetsThatProcessKilled() throws Exception {
    String pidFile = firstRunWithARow();
    // what a reboot or a new container does: the pid of the dead postmaster now belongs to something else
    unrelated = new ProcessBuilder("sleep", "300").start();
    Files.writeString(dataDir.resolve("postmaster.pid"), pidFile.replaceFirst("^\\d+", String.valueOf(unrelated.pid())));

    try (var server = EmbeddedPostgresServer.start(dataDir, 0, EmbeddedPostgresServer.Mode.DURABLE)) {
      assertThat(rows(server)).isEqualTo(1);
    }
    assertThat(unrelated.isAlive()).as("the process that reused the pid").isTrue();
    assertThat(messages()).filteredOn(m -> m.contains("pid " + unrelated.pid())).hasSize(1);
  }

  @Test
  void aPidFileNamingAProcessThatIsGoneDoesNotBlockTheStart() throws Exception {
    String pidFile = firstRunWithARow();
    var gone = new ProcessBuilder("true").start();
    gone.waitFor(10, TimeUnit.SECONDS);
    Files.writeString(dataDir.resolve("postmaster.pid"), pidFile.replaceFirst("^\\d+", String.valueOf(gone.pid())));

    try (var server = EmbeddedPostgresServer.start(dataDir, 0, EmbeddedPostgresServer.Mode.DURABLE)) {
      assertThat(rows(server)).isEqualTo(1);
    }
  }

  @Test
  void closingAServerWhosePostgresWasStoppedBySomeoneElseSaysSoInOneLineWithoutAStackTrace() throws Exception {
    var server = EmbeddedPostgresServer.start(dataDir, 0, EmbeddedPostgresServer.Mode.DURABLE);
    long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip());
    var postmaster = ProcessHandle.of(pid).orElseThrow();
    postmaster.destroy();
    postmaster.onExit().get(30, TimeUnit.SECONDS);

    server.close();

    assertThat(logged.list).as("what the stop logged").allSatisfy(event -> assertThat(event.getThrowableProxy())
        .as("stack trace of %s", event.getFormattedMessage()).isNull());
    assertThat(messages()).filteredOn(m -> m.contains("had already stopped")).hasSize(1);
  }

  @Test
  void closeStopsThePostgresItStarted() throws Exception {
    var server = EmbeddedPostgresServer.start(dataDir, 0, EmbeddedPostgresServer.Mode.DURABLE);
    long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip());

    server.close();

    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(dataDir.resolve("postmaster.pid")).doesNotExist();
    assertThat(logged.list).allSatisfy(event -> assertThat(event.getThrowableProxy()).isNull());
  }

  /** A cluster with one row, stopped cleanly; returns its postmaster.pid as it was while it ran. */
  private String firstRunWithARow() throws Exception {
    String pidFile;
    try (var server = EmbeddedPostgresServer.start(dataDir, 0, EmbeddedPostgresServer.Mode.DURABLE)) {
      try (var connection = DriverManager.getConnection("jdbc:postgresql://localhost:" + server.port() + "/postgres",
          "postgres", "");
          var statement = connection.createStatement()) {
        statement.execute("CREATE TABLE kept (id int); INSERT INTO kept VALUES (1)");
      }
      pidFile = Files.readString(dataDir.resolve("postmaster.pid"));
    }
    assertThat(dataDir.resolve("postmaster.pid")).as("removed by the clean stop").doesNotExist();
    logged.list.clear();
    return pidFile;
  }

  private static int rows(EmbeddedPostgresServer server) throws Exception {
    try (var connection = DriverManager.getConnection("jdbc:postgresql://localhost:" + server.port() + "/postgres",
        "postgres", "");
        var result = connection.createStatement().executeQuery("SELECT count(*) FROM kept")) {
      result.next();
      return result.getInt(1);
    }
  }

  private List<String> messages() {
    return logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  private static ch.qos.logback.classic.Logger root() {
    return ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
  }
}
