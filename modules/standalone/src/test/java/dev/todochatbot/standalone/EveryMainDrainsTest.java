package dev.todochatbot.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.todochatbot.platform.DatabaseConfig;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.ChildProcess;
import dev.todochatbot.platform.testing.TestHttp;
import dev.todochatbot.platform.testing.TestPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every service's main, in a JVM of its own as its container runs it, sent SIGTERM: it turns not
 * ready at once, stops accepting connections on every port it listens on once the drain delay is
 * over, and exits 0 well before the drain timeout, so no background loop of it holds a rollout to the
 * timeout and the pod is not killed. What the drain does with work in flight is pinned in the
 * platform's {@code DrainTest} and, through the recurrence and chat mains, in their process tests.
 */
class EveryMainDrainsTest {

  private static final String SECRET = "every-main-drains-test-secret-long-enough-for-hs256";
  // long enough for a loaded machine to see the 503 before the ports close
  private static final Duration DELAY = Duration.ofSeconds(3);
  // far beyond the exit this test waits for: a drain that runs into it has something that did not stop
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** A main, the variables naming its ports (the first one is where /healthz and /readyz are), and whether it has a database. */
  record Service(Class<?> main, List<String> ports, boolean database) {
    @Override
    public String toString() {
      return main.getSimpleName();
    }
  }

  static Stream<Service> services() {
    return Stream.of(
        new Service(dev.todochatbot.edge.EdgeMain.class, List.of("PORT", "EDGE_EVENTS_PORT"), true),
        new Service(dev.todochatbot.tasks.TaskServiceMain.class, List.of("TASK_SERVICE_PORT"), true),
        new Service(dev.todochatbot.audit.AuditServiceMain.class, List.of("AUDIT_SERVICE_PORT"), true),
        new Service(dev.todochatbot.chat.ChatServiceMain.class, List.of("CHAT_SERVICE_PORT"), true),
        new Service(dev.todochatbot.recurrence.RecurrenceServiceMain.class, List.of("RECURRENCE_SERVICE_PORT"), false),
        new Service(dev.todochatbot.notification.NotificationServiceMain.class, List.of("NOTIFICATION_SERVICE_PORT"), true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("services")
  void onSigtermItTurnsNotReadyClosesEveryPortAfterTheDelayAndExitsZeroWithoutWaitingForTheTimeout(Service service)
      throws IOException {
    // a sidecar that answers its health check (asked by /readyz) and nothing else: every service must start and
    // stop without the rest of it
    HttpServer sidecar = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    sidecar.createContext("/v1.0/healthz/outbound", exchange -> {
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    sidecar.start();
    var env = new HashMap<String, String>(Map.of(
        "JWT_SECRET", SECRET,
        "DAPR_HTTP_PORT", String.valueOf(sidecar.getAddress().getPort()),
        "DRAIN_DELAY", DELAY.toString(),
        "DRAIN_TIMEOUT", TIMEOUT.toString()));
    var ports = new HashMap<String, Integer>();
    for (String variable : service.ports()) {
      int port = TestHttp.freePort();
      ports.put(variable, port);
      env.put(variable, String.valueOf(port));
    }
    if (service.main() == dev.todochatbot.chat.ChatServiceMain.class) {
      // set, so that the main does not wait for the secret store to look for it; never called here
      env.put("OPENAI_API_KEY", "not-used-by-this-test");
      env.put("OPENAI_BASE_URL", "http://127.0.0.1:" + TestHttp.freePort() + "/v1");
    }
    if (service.database()) {
      DatabaseConfig database = TestPostgres.newDatabase("drain_" + service.main().getSimpleName());
      env.put("DATABASE_URL", DatabaseConfig.url(database.host(), database.port(), database.database(), database.user(),
          database.password()));
    }
    int port = ports.get(service.ports().get(0));

    try (var process = ChildProcess.start(service.main(), env)) {
      process.awaitHealthy(port, Duration.ofSeconds(60));
      assertThat(ChildProcess.status(port, "/readyz")).as("ready before the signal").isEqualTo(200);

      process.terminate();

      Await.until(Duration.ofSeconds(10), () -> ChildProcess.status(port, "/readyz") == 503,
          () -> "/readyz never answered 503 while the process drained:\n" + process.tail());
      for (var entry : ports.entrySet()) {
        Await.until(Duration.ofSeconds(15), () -> ChildProcess.refusesConnections(entry.getValue()),
            () -> entry.getKey() + " still accepts connections after the drain delay:\n" + process.tail());
      }
      assertThat(process.awaitExit(Duration.ofSeconds(15))).as("exit code; output:\n%s", process.tail()).isZero();
      assertThat(process.lines()).as("the drain ran to its end").anyMatch(line -> line.contains("Drained in"));
    } finally {
      sidecar.stop(0);
    }
  }
}
