package dev.todochatbot.daprd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.todochatbot.platform.Env;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real daprd as this launcher starts it: on loopback only, behind its API token, restartable, never orphaned. */
class DaprdTest {

  private static final Env ENV = Env.system();

  @TempDir
  Path dir;

  private HttpServer app;
  private final List<String> appCalls = new CopyOnWriteArrayList<>();
  private Daprd daprd;

  @BeforeEach
  void startApp() throws IOException {
    assumeTrue(DaprdBinary.find(ENV).isPresent(), DaprdBinary.whyMissing(ENV));
    app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    app.createContext("/", exchange -> {
      appCalls.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " token="
          + exchange.getRequestHeaders().getFirst("dapr-api-token"));
      byte[] body = "[]".getBytes();
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    app.start();
  }

  @AfterEach
  void stop() {
    if (daprd != null) {
      daprd.close();
    }
    if (app != null) {
      app.stop(0);
    }
  }

  private Daprd.Options options(String appId) {
    return new Daprd.Options(appId, app.getAddress().getPort(), List.of(), Optional.empty(), dir.resolve(appId),
        Map.of(), Optional.of("api-token-for-" + appId), Optional.of("app-token-for-" + appId), Optional.empty());
  }

  @Test
  void everyListenerOfDaprdIsOnLoopbackOnly() throws Exception {
    daprd = Daprd.start(DaprdBinary.require(ENV), options("daprd-test-listeners"));
    daprd.awaitReady(Duration.ofSeconds(30));
    Optional<InetAddress> network = Dial.networkAddress();
    assumeTrue(network.isPresent(), "this machine has no non-loopback IPv4 address to dial");
    Daprd.Ports ports = daprd.ports();
    for (int port : List.of(ports.http(), ports.grpc(), ports.internalGrpc(), ports.metrics())) {
      assertThat(Dial.accepts(InetAddress.getLoopbackAddress(), port)).as("port %d on loopback", port).isTrue();
      assertThat(Dial.accepts(network.get(), port)).as("port %d on %s", port, network.get()).isFalse();
    }
  }

  @Test
  void itsApiAnswersOnlyACallerWithItsTokenAndItShowsTheAppItsAppToken() throws Exception {
    daprd = Daprd.start(DaprdBinary.require(ENV), options("daprd-test-tokens"));
    daprd.awaitReady(Duration.ofSeconds(30));
    var http = HttpClient.newHttpClient();
    URI metadata = URI.create("http://127.0.0.1:" + daprd.httpPort() + "/v1.0/metadata");
    assertThat(http.send(HttpRequest.newBuilder(metadata).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(401);
    var withToken = HttpRequest.newBuilder(metadata).header("dapr-api-token", "api-token-for-daprd-test-tokens").build();
    HttpResponse<String> answer = http.send(withToken, HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("\"id\":\"daprd-test-tokens\"");
    // it asked the app for its configuration on start-up, with the app token
    assertThat(appCalls).contains("GET /dapr/config token=app-token-for-daprd-test-tokens");
  }

  @Test
  void afterAKillItStartsAgainOnTheSamePorts() {
    daprd = Daprd.start(DaprdBinary.require(ENV), options("daprd-test-restart"));
    daprd.awaitReady(Duration.ofSeconds(30));
    daprd.kill();
    assertThat(daprd.isAlive()).isFalse();
    assertThat(Dial.accepts(InetAddress.getLoopbackAddress(), daprd.httpPort())).isFalse();
    daprd.restart();
    daprd.awaitReady(Duration.ofSeconds(30));
    assertThat(Dial.accepts(InetAddress.getLoopbackAddress(), daprd.httpPort())).isTrue();
  }

  @Test
  void aDaprdLeftRunningByAnEarlierStartIsStoppedBeforeTheNextOne() {
    Daprd first = Daprd.start(DaprdBinary.require(ENV), options("daprd-test-leftover"));
    first.awaitOutbound(Duration.ofSeconds(30));
    long orphan = first.pid();
    // as if the JVM that started it had been killed: nobody closes it, and a new start comes along
    daprd = Daprd.start(DaprdBinary.require(ENV), options("daprd-test-leftover"));
    assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    daprd.awaitReady(Duration.ofSeconds(30));
    assertThat(daprd.pid()).isNotEqualTo(orphan);
  }

  @Test
  void aDaprdWhoseJvmIsGoneIsStoppedByTheNextStartWhereverItsData() throws Exception {
    DaprdBinary binary = DaprdBinary.require(ENV);
    // a daprd started by a JVM that no longer exists (a kill -9 of make run): registered as such
    Process orphan = new ProcessBuilder(binary.path().toString(), "--app-id", "daprd-test-orphan",
        "--dapr-listen-addresses", "127.0.0.1", "--dapr-http-port", String.valueOf(FreePorts.take()),
        "--dapr-grpc-port", String.valueOf(FreePorts.take()), "--metrics-port", String.valueOf(FreePorts.take()),
        "--dapr-internal-grpc-listen-address", "127.0.0.1", "--metrics-listen-address", "127.0.0.1")
        .redirectErrorStream(true).redirectOutput(dir.resolve("orphan.log").toFile()).start();
    try {
      long goneJvm = new ProcessBuilder("true").start().onExit().get().pid();
      Path entry = Daprd.registry(binary).resolve(Long.toString(orphan.pid()));
      Files.createDirectories(entry.getParent());
      Files.writeString(entry, goneJvm + " daprd-test-orphan");

      daprd = Daprd.start(binary, options("daprd-test-other"));

      assertThat(orphan.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).as("the orphan was stopped").isTrue();
      assertThat(entry).doesNotExist();
    } finally {
      orphan.destroyForcibly();
    }
  }

  @Test
  void aDaprdThatCannotStartSaysWhyInsteadOfWaitingOutItsDeadline() throws IOException {
    // (an unreadable --config it only warns about and runs without; a component it cannot make is fatal)
    Path resources = Files.createDirectories(dir.resolve("resources"));
    Files.writeString(resources.resolve("broken.yaml"), """
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: broken
        spec:
          type: pubsub.nosuchbroker
          version: v1
        """);
    var broken = new Daprd.Options("daprd-test-broken", app.getAddress().getPort(), List.of(resources), Optional.empty(),
        dir.resolve("broken"), Map.of(), Optional.empty(), Optional.empty(), Optional.empty());
    daprd = Daprd.start(DaprdBinary.require(ENV), broken);
    assertThatThrownBy(() -> daprd.awaitReady(Duration.ofSeconds(60)))
        .hasMessageContaining("daprd exited").hasMessageContaining("its log ends");
  }

  @Test
  void thePinnedVersionIsTheOneToolsDaprdBuilds() throws IOException {
    Path goMod = Path.of("../../tools/daprd/go.mod");
    assertThat(Files.readAllLines(goMod)).contains("require github.com/dapr/dapr v" + DaprdBinary.VERSION);
  }
}
