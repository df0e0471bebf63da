package dev.todochatbot.daprit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.todochatbot.daprd.AppIdLock;
import dev.todochatbot.daprd.DaprdBinary;
import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.ChildProcess;
import dev.todochatbot.platform.testing.TestHttp;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code make dapr-run}, as a new user starts it: tools/dapr-run/run.sh, which starts an embedded
 * PostgreSQL and Kafka, then {@code dapr run -f dapr/dapr.yaml} with the Dapr CLI and daprd that make daprd
 * built (its runtime path, no {@code dapr init}), the six services on the run file's own ports. Then as
 * Ctrl-C stops it, after which nothing it started may be running. Skipped, saying why, without the
 * binaries; holds the machine's app-id lock throughout (these are the six app ids, found by mDNS).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(DaprRunFileTest.NeedsTheBinaries.class)
class DaprRunFileTest {

  /** Skips the class, saying why, as a report shows it, where make daprd has not built daprd and the CLI. */
  static final class NeedsTheBinaries implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      Env env = Env.system();
      if (DaprdBinary.find(env).isEmpty()) {
        return ConditionEvaluationResult.disabled("skipped: " + DaprdBinary.whyMissing(env));
      }
      Path cli = DaprdBinary.cacheDir(env).resolve("dapr");
      if (!Files.isExecutable(cli)) {
        return ConditionEvaluationResult.disabled("skipped: no Dapr CLI at " + cli
            + ": run `make daprd` (needs Go; it builds the CLI from the Go module proxy)");
      }
      return ConditionEvaluationResult.enabled("daprd and the Dapr CLI are at " + DaprdBinary.cacheDir(env));
    }
  }

  private static final Path ROOT = DaprFiles.repositoryRoot();
  /** Six JVMs, six daprd and the broker starting at once on two cores. */
  private static final Duration START = Duration.ofMinutes(5);
  private static final Duration PATIENCE = Duration.ofSeconds(90);
  /** The script gives the CLI 30 s and the embedded PostgreSQL and Kafka 90 s. */
  private static final Duration STOP = Duration.ofMinutes(3);

  /** The embedded PostgreSQL's and Kafka's data: a new one for each run of this class. */
  @TempDir
  static Path dataDir;

  private AppIdLock lock;
  private Process run;
  private Path log;
  private boolean wroteSecrets;
  /** What the script had started, as seen while everything ran; none of it may outlive the stop. */
  private final List<ProcessHandle> started = new ArrayList<>();

  @BeforeAll
  void start() throws IOException {
    lock = AppIdLock.acquire(Env.system(), Duration.ofMinutes(20));
    assertThat(portsInUse()).as("the run file's fixed ports (dapr/dapr.yaml) must be free: something else listens"
        + " on these (make run? another dapr run?)").isEmpty();
    wroteSecrets = !Files.exists(ROOT.resolve("dapr/secrets.json"));
    log = Files.createDirectories(Path.of("target", "dapr-run")).resolve("run-" + System.currentTimeMillis() + ".log");
    var builder = new ProcessBuilder(ROOT.resolve("tools/dapr-run/run.sh").toString()).directory(ROOT.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> environment = builder.environment();
    // a new user's shell: none of what the script would otherwise take as given
    for (String name : List.of("DATABASE_URL", "KAFKA_BROKERS", "JWT_SECRET", "DAPR_API_TOKEN", "APP_API_TOKEN",
        "DAPR_RUNTIME_PATH", "OPENAI_API_KEY")) {
      environment.remove(name);
    }
    environment.put("DATA_DIR", dataDir.toString());
    // this JVM holds the lock; the script would otherwise wait for it in a JVM of its own
    environment.put("TODO_CHATBOT_APP_ID_LOCK", "held");
    run = builder.start();
    // up: the edge ready, and every sidecar too (daprd's /v1.0/healthz is 204 once its app answers its
    // health check and its subscriptions are made); the edge alone is ready before the others have started
    List<Integer> sidecars = runFile().findValues("daprHTTPPort").stream().map(JsonNode::asInt).toList();
    Await.until(START, () -> {
      if (!run.isAlive()) {
        throw new AssertionError("make dapr-run exited with " + run.exitValue() + " before it was up:\n" + tail());
      }
      return ChildProcess.status(8080, "/readyz") == 200
          && sidecars.stream().allMatch(port -> ChildProcess.status(port, "/v1.0/healthz") == 204);
    }, () -> "the edge (GET /readyz on 8080) and the sidecars (GET /v1.0/healthz on " + sidecars + ") were not all"
        + " ready within " + START + "; make dapr-run's output ends:\n" + tail());
    started.addAll(run.descendants().toList());
  }

  @Test
  @Order(1)
  void theEdgeIsReadyAndATaskCreatedThroughThePublicApiReachesTheAuditTrailOnce() {
    var http = new TestHttp(8080);
    assertThat(http.get("/readyz", null).status()).isEqualTo(200);
    var signUp = http.post("/api/auth/signup", null, new JsonObject().put("email", "dapr-run-" + UUID.randomUUID()
        + "@example.com").put("password", "correct horse battery").put("name", "Dee"));
    assertThat(signUp.status()).as(signUp.toString()).isEqualTo(201);
    String token = signUp.json().getString("token");
    var created = http.post("/api/tasks", token, new JsonObject().put("title", "Try dapr run -f"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String taskId = created.json().getString("id");

    Await.until("the task's creation in its audit trail", PATIENCE, () -> !history(http, token, taskId).isEmpty());
    assertThat(history(http, token, taskId)).extracting(event -> event.getString("type"))
        .containsExactly("task.created.v1");
  }

  @Test
  @Order(2)
  void stoppingItAsCtrlCWouldLeavesNothingRunning() throws InterruptedException {
    assertThat(started).as("the processes make dapr-run started").isNotEmpty();
    run.destroy();
    assertThat(run.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)).as("make dapr-run stopped within " + STOP + ":\n"
        + tail()).isTrue();
    Await.until("every process make dapr-run started to be gone", Duration.ofSeconds(10),
        () -> started.stream().noneMatch(ProcessHandle::isAlive));
    assertThat(ChildProcess.status(8080, "/readyz")).as("nothing answers on the edge's port").isZero();
  }

  /** Whatever is still running (a failed start, a failed stop) is killed, so that nothing outlives the test. */
  @AfterAll
  void stop() throws InterruptedException {
    if (run != null) {
      started.addAll(run.descendants().toList());
      run.destroy();
      if (!run.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)) {
        run.destroyForcibly();
      }
      started.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
    if (wroteSecrets) {
      try {
        Files.deleteIfExists(ROOT.resolve("dapr/secrets.json"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (lock != null) {
      lock.close();
    }
  }

  private static List<JsonObject> history(TestHttp http, String token, String taskId) {
    var answer = http.get("/api/tasks/" + taskId + "/history?limit=200", token);
    if (answer.status() == 404) {
      return List.of();
    }
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    return answer.json().getJsonArray("items").stream().map(JsonObject.class::cast).toList();
  }

  /** The fixed ports of dapr/dapr.yaml (each app's port, its sidecar's HTTP and gRPC ports, the edge's PORT) that something holds. */
  private static List<Integer> portsInUse() {
    var ports = new TreeSet<Integer>();
    for (JsonNode app : runFile().path("apps")) {
      for (String field : List.of("appPort", "daprHTTPPort", "daprGRPCPort")) {
        ports.add(app.path(field).asInt());
      }
      if (app.path("env").has("PORT")) {
        ports.add(app.path("env").path("PORT").asInt());
      }
    }
    return ports.stream().filter(port -> !free(port)).collect(Collectors.toList());
  }

  private static JsonNode runFile() {
    try {
      return new YAMLMapper().readTree(ROOT.resolve("dapr/dapr.yaml").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read dapr/dapr.yaml: " + e.getMessage(), e);
    }
  }

  private static boolean free(int port) {
    try (var socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }
}
