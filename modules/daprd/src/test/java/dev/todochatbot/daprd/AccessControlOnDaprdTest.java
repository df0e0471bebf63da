package dev.todochatbot.daprd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.todochatbot.platform.Env;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
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
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What daprd 1.16.5's service-invocation access-control list does, with and without mTLS, on app ids of this test's
 * own (so no other topology's mDNS names are involved): the callee's list denies by default and allows one caller.
 * With mTLS (identities from {@link Sentry}) the named caller gets through and any other is refused; without mTLS
 * the callee cannot tell who calls (pkg/acl applies the list's default action when the connection carries no
 * SPIFFE id), so a list that denies by default refuses even the caller it names.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessControlOnDaprdTest {

  private static final Env ENV = Env.system();
  private static final Duration READY = Duration.ofSeconds(60);

  @TempDir
  static Path dir;

  private HttpServer app;
  private final List<String> appCalls = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> running = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private Sentry sentry;

  @BeforeAll
  void start() throws IOException {
    assumeTrue(DaprdBinary.find(ENV).isPresent(), DaprdBinary.whyMissing(ENV));
    assumeTrue(Sentry.find(ENV).isPresent(), Sentry.whyMissing(ENV));
    // one app behind every sidecar here: it answers every path, and says which it was asked
    app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    app.createContext("/", exchange -> {
      appCalls.add(exchange.getRequestURI().getPath());
      byte[] body = "hello".getBytes();
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    app.start();
    sentry = Sentry.start(Sentry.find(ENV).orElseThrow(), dir.resolve("sentry"), Duration.ofSeconds(30));
    running.add(sentry);
  }

  @AfterAll
  void stop() throws Exception {
    // the sidecars before Sentry
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).close();
    }
    if (app != null) {
      app.stop(0);
    }
  }

  @Test
  void withMtlsTheCallerTheListNamesGetsThroughAndIsCountedAsAllowedByItsPolicy() throws Exception {
    Daprd callee = daprd("acl-test-callee", Optional.of(list("acl-test-callee", "acl-test-caller")), true);
    Daprd caller = daprd("acl-test-caller", Optional.empty(), true);

    HttpResponse<String> answer = invoke(caller, "acl-test-callee", "allowed");

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("hello");
    assertThat(appCalls).contains("/allowed");
    assertThat(metrics(callee)).contains(
        "dapr_runtime_acl_app_policy_action_allowed_total{app_id=\"acl-test-caller\",namespace=\"default\",trustDomain=\"public\"} 1");
  }

  @Test
  void withMtlsACallerTheListDoesNotNameIsRefusedBeforeTheApp() throws Exception {
    Daprd callee = daprd("acl-test-guarded", Optional.of(list("acl-test-guarded", "acl-test-friend")), true);
    Daprd stranger = daprd("acl-test-stranger", Optional.empty(), true);

    HttpResponse<String> answer = invoke(stranger, "acl-test-guarded", "refused");

    assertRefusedByTheList(answer, callee, "acl-test-guarded", "refused",
        "spiffe://public/ns/default/acl-test-stranger",
        "app_id=\"acl-test-stranger\",namespace=\"default\",trustDomain=\"public\"");
  }

  @Test
  void withoutMtlsTheListKnowsNoCallerAndItsDefaultRefusesEvenTheOneItNames() throws Exception {
    Daprd callee = daprd("acl-test-plain-callee", Optional.of(list("acl-test-plain-callee", "acl-test-plain-caller")),
        false);
    Daprd caller = daprd("acl-test-plain-caller", Optional.empty(), false);

    HttpResponse<String> answer = invoke(caller, "acl-test-plain-callee", "unidentified");

    // no SPIFFE id: the id in the message and the metric's labels are empty
    assertRefusedByTheList(answer, callee, "acl-test-plain-callee", "unidentified", "",
        "app_id=\"\",namespace=\"\",trustDomain=\"\"");
  }

  /**
   * Refused by {@code callee}'s list before its app: 403 ERR_DIRECT_INVOKE naming the caller's id (as daprd saw
   * it) and the operation, the app never called, and the refusal counted under the caller's labels.
   */
  private void assertRefusedByTheList(HttpResponse<String> answer, Daprd callee, String calleeId, String operation,
      String callerId, String callerLabels) throws Exception {
    assertThat(answer.statusCode()).isEqualTo(403);
    var body = new JsonObject(answer.body());
    assertThat(body.getString("errorCode")).isEqualTo("ERR_DIRECT_INVOKE");
    assertThat(body.getString("message")).isEqualTo("failed to invoke, id: " + calleeId + ", err: rpc error: code ="
        + " PermissionDenied desc = access control policy has denied access to id: " + callerId + " operation: "
        + operation + " verb: GET");
    assertThat(appCalls).doesNotContain("/" + operation);
    assertThat(metrics(callee)).contains("dapr_runtime_acl_global_policy_action_blocked_total{" + callerLabels + "} 1");
  }

  @Test
  void aSidecarWithoutMtlsCannotReachOneWithIt() throws Exception {
    daprd("acl-test-tls-only", Optional.empty(), true);
    Daprd plain = daprd("acl-test-no-tls", Optional.empty(), false);

    HttpResponse<String> answer = invoke(plain, "acl-test-tls-only", "handshake");

    // the TLS server meets a plaintext HTTP/2 client: no answer it can read, retried, then given up
    assertThat(answer.statusCode()).isEqualTo(500);
    var body = new JsonObject(answer.body());
    assertThat(body.getString("errorCode")).isEqualTo("ERR_DIRECT_INVOKE");
    assertThat(body.getString("message")).startsWith("failed to invoke, id: acl-test-tls-only, err: failed to invoke"
        + " target acl-test-tls-only after 3 retries. Error: rpc error: code = Unavailable");
    assertThat(appCalls).doesNotContain("/handshake");
  }

  /** The Configuration a callee's list is in: deny by default, allow {@code caller} as the chart writes it. */
  private Path list(String callee, String caller) {
    Path file = dir.resolve(callee + "-access-control.yaml");
    try {
      Files.writeString(file, """
          apiVersion: dapr.io/v1alpha1
          kind: Configuration
          metadata:
            name: %s
          spec:
            accessControl:
              defaultAction: deny
              trustDomain: public
              policies:
                - appId: %s
                  defaultAction: allow
                  trustDomain: public
                  namespace: default
          """.formatted(callee, caller));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** A ready sidecar for {@code appId}: with mTLS its list is the second --config; without, its only one. */
  private Daprd daprd(String appId, Optional<Path> accessControl, boolean mtls) {
    var options = new Daprd.Options(appId, app.getAddress().getPort(), List.of(), mtls ? Optional.empty() : accessControl,
        dir.resolve(appId), Map.of(), Optional.of("api-token-for-" + appId), Optional.empty(), Optional.empty());
    if (mtls) {
      Daprd.Mtls settings = sentry.mtls();
      options = options.withMtls(accessControl.map(settings::withAccessControl).orElse(settings));
    }
    Daprd daprd = Daprd.start(DaprdBinary.require(ENV), options);
    running.add(daprd);
    daprd.awaitReady(READY);
    return daprd;
  }

  private HttpResponse<String> invoke(Daprd from, String appId, String method) throws Exception {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + from.httpPort() + "/v1.0/invoke/" + appId
            + "/method/" + method))
        .header("dapr-api-token", from.apiToken().orElseThrow()).timeout(Duration.ofSeconds(30)).GET().build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private String metrics(Daprd daprd) throws Exception {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daprd.metricsPort() + "/metrics"))
        .timeout(Duration.ofSeconds(10)).GET().build();
    return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }
}
