package dev.todochatbot.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.todochatbot.daprd.Daprd;
import dev.todochatbot.daprd.DaprdBinary;
import dev.todochatbot.daprd.Sentry;
import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.Tokens;
import dev.todochatbot.platform.testing.TestHttp;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link ChatEndToEndTest} against real daprd 1.16 sidecars (one process per app and replica, self-hosted, found by
 * mDNS) instead of the devsidecar: chat to task-service by service invocation, and the MCP server. Skipped, saying
 * why, where {@code make daprd} has not built daprd.
 *
 * <p>Here also the access-control lists, which only real daprd enforces and only with mTLS (Sentry, built by
 * tools/daprd/build-sentry.sh; those tests skip, saying so, without it): the task service's sidecar lets the chat
 * service through by its policy, refuses a sidecar its list does not name, and behind the list the task service
 * still checks the service token and that it was issued to the app daprd says is calling.
 */
class ChatOnDaprdTest extends ChatEndToEndTest {

  @Override
  String sidecar() {
    assumeTrue(DaprdBinary.find(Env.system()).isPresent(), DaprdBinary.whyMissing(Env.system()));
    return Sidecars.DAPRD;
  }

  @Test
  void theTaskServicesSidecarLetsTheChatServiceThroughByTheListsPolicyForIt() throws Exception {
    assumeMtls();
    String token = signUp("cleo");

    say(token, "add renew the passport #admin", null);

    assertThat(tasks(token)).extracting(task -> task.getString("title")).containsExactly("Renew the passport");
    // counted by the callee's sidecar under the caller's SPIFFE id: the list was in force and matched chat-service
    assertThat(allowedByPolicy(daprd(Main.TASK_SERVICE), Main.CHAT_SERVICE)).isPositive();
  }

  @Test
  void aSidecarTheTaskServicesListDoesNotNameIsRefusedWhereTheEdgesIsLetThrough() {
    User user = user("ivo");
    String path = "/v1.0/invoke/task-service/method/api/tasks";

    TestHttp.Answer viaEdge = through(Main.EDGE).send("GET", path, user.token(), null, apiToken(Main.EDGE));
    TestHttp.Answer viaAudit = through(Main.AUDIT_SERVICE).send("GET", path, user.token(), null,
        apiToken(Main.AUDIT_SERVICE));

    assertThat(viaEdge.status()).as(viaEdge.toString()).isEqualTo(200);
    assertThat(viaAudit.status()).as(viaAudit.toString()).isEqualTo(403);
    assertThat(viaAudit.json().getString("errorCode")).isEqualTo("ERR_DIRECT_INVOKE");
    assertThat(viaAudit.json().getString("message")).isEqualTo("failed to invoke, id: task-service, err: rpc error:"
        + " code = PermissionDenied desc = access control policy has denied access to id:"
        + " spiffe://public/ns/default/audit-service operation: api/tasks verb: GET");
  }

  @Test
  void behindTheListTheTaskServiceStillWantsAServiceTokenIssuedToTheAppThatCalls() {
    User user = user("noor");
    Tokens services = Tokens.forServices(running.vertx(), EndToEndEnv.JWT_SECRET);
    String chatsToken = services.issueForService(user.principal(), Main.CHAT_SERVICE);
    String path = "/v1.0/invoke/task-service/method/api/tasks";

    TestHttp.Answer asChat = through(Main.CHAT_SERVICE).send("GET", path, chatsToken, null, apiToken(Main.CHAT_SERVICE));
    TestHttp.Answer noToken = through(Main.CHAT_SERVICE).send("GET", path, null, null, apiToken(Main.CHAT_SERVICE));
    // the edge's sidecar may call the task service, but it says the caller is the edge (dapr-caller-app-id)
    TestHttp.Answer chatsTokenFromTheEdge = through(Main.EDGE).send("GET", path, chatsToken, null, apiToken(Main.EDGE));

    assertThat(asChat.status()).as(asChat.toString()).isEqualTo(200);
    assertThat(noToken.status()).as(noToken.toString()).isEqualTo(401);
    assertThat(noToken.contentType()).startsWith("application/problem+json");
    assertThat(chatsTokenFromTheEdge.status()).as(chatsTokenFromTheEdge.toString()).isEqualTo(403);
    assertThat(chatsTokenFromTheEdge.json().getString("detail"))
        .isEqualTo("The token was issued to chat-service, but the request came from edge.");
  }

  record User(String token, Principal principal) {}

  private User user(String name) {
    assumeMtls();
    String email = name + "-" + UUID.randomUUID() + "@example.com";
    var answer = http.post("/api/auth/signup", null, new JsonObject().put("email", email)
        .put("password", "correct horse battery").put("name", name).put("timeZone", BERLIN.getId()));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
    var principal = new Principal(UUID.fromString(answer.json().getJsonObject("user").getString("id")), email,
        BERLIN.getId());
    return new User(answer.json().getString("token"), principal);
  }

  private void assumeMtls() {
    Env env = Env.system();
    assumeTrue(Sentry.find(env).isPresent(), Sentry.whyMissing(env));
    assumeTrue(!"false".equals(env.get("DAPRD_MTLS", "")), "DAPRD_MTLS=false: the sidecars run without mTLS");
    assertThat(((Sidecars.Real) running.launcher()).mtls()).as("mTLS on by default where Sentry is built").isTrue();
  }

  private Daprd daprd(String appId) {
    return ((AppSidecar.Real) running.sidecar(appId)).daprd();
  }

  private TestHttp through(String appId) {
    return new TestHttp(running.sidecar(appId).httpPort());
  }

  private Map<String, String> apiToken(String appId) {
    return Map.of("dapr-api-token", running.sidecar(appId).apiToken().orElseThrow());
  }

  /** dapr_runtime_acl_app_policy_action_allowed_total of {@code caller} on {@code daprd}'s metrics; 0 when absent. */
  private static double allowedByPolicy(Daprd daprd, String caller) throws Exception {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daprd.metricsPort() + "/metrics"))
        .timeout(Duration.ofSeconds(10)).GET().build();
    String metrics = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
    Matcher line = Pattern.compile("(?m)^dapr_runtime_acl_app_policy_action_allowed_total\\{app_id=\""
        + Pattern.quote(caller) + "\",namespace=\"default\",trustDomain=\"public\"} (\\S+)$").matcher(metrics);
    return line.find() ? Double.parseDouble(line.group(1)) : 0;
  }
}
