package dev.todochatbot.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.todochatbot.daprd.Daprd;
import dev.todochatbot.daprd.DaprdBinary;
import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.Tokens;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.ChildProcess;
import dev.todochatbot.platform.testing.TestHttp;
import dev.todochatbot.tasks.TaskServiceMain;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials through real daprd: the system starts with neither DATABASE_URL nor JWT_SECRET in its environment,
 * as {@code make run SIDECAR=daprd} does; it writes them to the file the {@code secretstore} component
 * ({@code secretstores.local.file}, dapr/components/secretstore.yaml unchanged) reads, and every service asks its
 * own daprd for them. And what a service says when the store lacks one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretsOnDaprdTest {

  @TempDir
  static Path dataDir;

  Main.Running running;
  TestHttp http;

  @BeforeAll
  void start() {
    assumeTrue(DaprdBinary.find(Env.system()).isPresent(), DaprdBinary.whyMissing(Env.system()));
    running = Await.result(Main.start(EndToEndEnv.of("daprd_secrets", dataDir, Map.of("SIDECAR", Sidecars.DAPRD),
        Set.of("DATABASE_URL", "JWT_SECRET"))));
    http = new TestHttp(running.port());
  }

  @AfterAll
  void stop() {
    if (running != null) {
      running.close();
    }
  }

  @Test
  void everyServiceReadsItsCredentialsFromTheSecretStoreThroughItsDaprdAndSignInWorks() throws IOException {
    assertThat(running.env().optional("DATABASE_URL")).as("DATABASE_URL in the services' environment").isEmpty();
    assertThat(running.env().optional("JWT_SECRET")).as("JWT_SECRET in the services' environment").isEmpty();
    Path file = Sidecars.secretsFile(Sidecars.DAPRD, dataDir);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    var secrets = new JsonObject(Files.readString(file));
    assertThat(secrets.fieldNames()).contains("database-url", "jwt-secret");

    String email = "secrets-" + UUID.randomUUID() + "@example.com";
    var signUp = http.post("/api/auth/signup", null, new JsonObject().put("email", email)
        .put("password", "correct horse battery").put("name", "Sam"));
    assertThat(signUp.status()).as(signUp.toString()).isEqualTo(201);
    var signIn = http.post("/api/auth/login", null, new JsonObject().put("email", email)
        .put("password", "correct horse battery"));
    assertThat(signIn.status()).as(signIn.toString()).isEqualTo(200);
    String token = signIn.json().getString("token");
    // signed with the key in the file, which the edge can only have read through its daprd
    Principal principal = Await.result(Tokens.create(running.vertx(), secrets.getString("jwt-secret"), Duration.ofHours(1))
        .verify(token));
    assertThat(principal.userId().toString()).isEqualTo(signIn.json().getJsonObject("user").getString("id"));

    // the task service (the token, its database) and the audit service (the same) read theirs the same way
    var created = http.post("/api/tasks", token, new JsonObject().put("title", "Renew the passport"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String taskId = created.json().getString("id");
    Await.until("the task's creation in its history", Duration.ofSeconds(60),
        () -> http.get("/api/tasks/" + taskId + "/history", token).status() == 200);
    assertThat(http.get("/api/tasks/" + taskId + "/history", token).items()).extracting(e -> ((JsonObject) e).getString("type"))
        .containsExactly("task.created.v1");
  }

  /**
   * A service started beside a daprd whose secret store has no {@code jwt-secret}: it says which variable is not
   * set and that the store has no such key, and exits 1, without a stack trace. The sidecar runs under an app id of its own
   * (the component's copy without its scopes), so that it does not join the running system's apps over mDNS.
   */
  @Test
  void aKeyTheSecretStoreLacksIsSaidPlainlyAtStartAndTheServiceExits() throws IOException {
    Path root = dataDir.resolve("missing-key");
    Path components = Files.createDirectories(root.resolve("components"));
    String component = Files.readString(componentsDir().resolve("secretstore.yaml"));
    Files.writeString(components.resolve("secretstore.yaml"), component.substring(0, component.indexOf("\nscopes:") + 1));
    Path workDir = Files.createDirectories(root.resolve("modules").resolve("task-service").resolve("target"));
    Files.createDirectories(root.resolve("dapr"));
    // the database's address is there, the token key is not
    Files.writeString(root.resolve("dapr").resolve("secrets.json"),
        new JsonObject().put("database-url", "postgresql://todo:todo@127.0.0.1:1/todo").encode());

    var options = new Daprd.Options("secrets-check-" + UUID.randomUUID().toString().substring(0, 8), TestHttp.freePort(),
        List.of(components), Optional.empty(), workDir, Map.of(), Optional.of(Main.randomToken()), Optional.empty(),
        Optional.empty());
    try (Daprd sidecar = Daprd.start(DaprdBinary.require(running.env()), options);
        var service = ChildProcess.start(TaskServiceMain.class, Map.of(
            "DAPR_HTTP_PORT", String.valueOf(sidecar.httpPort()), "DAPR_GRPC_PORT", String.valueOf(sidecar.grpcPort()),
            "DAPR_API_TOKEN", sidecar.apiToken().orElseThrow(),
            "TASK_SERVICE_PORT", String.valueOf(TestHttp.freePort())))) {
      assertThat(service.awaitExit(Duration.ofSeconds(60))).as("exit status; output:\n%s", service.tail()).isEqualTo(1);
      List<String> lines = service.lines();
      assertThat(lines).as("what it said").anyMatch(line -> line.contains("ERROR")
          && line.contains("The task service could not start: JWT_SECRET is not set"));
      assertThat(lines).as("what it said").anyMatch(line -> line.contains("JWT_SECRET is not set, and the Dapr secret"
          + " store secretstore has no jwt-secret"));
      assertThat(lines).as("a stack trace in:\n%s", service.tail()).noneMatch(line -> line.startsWith("\tat ")
          || line.startsWith("Caused by:"));
    }
  }

  /** The directory the system's sidecars load dapr/components from. */
  Path componentsDir() {
    return ((AppSidecar.Real) running.sidecar(Main.EDGE)).daprd().options().resourcesPaths().stream()
        .filter(path -> Files.exists(path.resolve("secretstore.yaml"))).findFirst()
        .orElseThrow(() -> new UncheckedIOException(new IOException("no secretstore.yaml among the sidecars' resources")));
  }
}
