package dev.todochatbot.devsidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.devsidecar.TestApp.Answer;
import dev.todochatbot.embedded.testing.TestKafka;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.TestHttp;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * daprd's two tokens: {@code DAPR_API_TOKEN}, which every call to the sidecar's API must carry, and
 * {@code APP_API_TOKEN}, which the sidecar carries on every call to its app. Both travel in
 * {@code dapr-api-token}.
 */
class ApiTokensTest extends SidecarTestSupport {

  private static final String API_TOKEN = "the-api-token-of-this-sidecar";
  private static final String APP_TOKEN = "the-token-this-sidecar-shows-its-app";

  private void components(String appId) {
    file("pubsub.yaml", kafka("pubsub"));
    file("secrets.json", new JsonObject().put("jwt-secret", "the-signing-key").encode());
    file("secretstore.yaml", """
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: secretstore
        spec:
          type: secretstores.local.file
          version: v1
          metadata:
            - name: secretsFile
              value: %s
        """.formatted(resources.resolve("secrets.json")));
    file("sweep.yaml", """
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: sweep
        spec:
          type: bindings.cron
          version: v1
          metadata:
            - name: schedule
              value: "@every 1s"
            - name: direction
              value: input
        scopes:
          - %s
        """.formatted(appId));
  }

  private DevSidecar withTokens(String appId, TestApp app) {
    return sidecar(new DevSidecarConfig(appId, 0, "127.0.0.1", app == null ? 0 : app.port(), resources,
        Optional.of(TestKafka.bootstrapServers()), resources).withTokens(Optional.of(API_TOKEN), Optional.of(APP_TOKEN)),
        Map.of());
  }

  @Test
  void everyCallToTheApiWithoutItsTokenIsRefused401ButTheHealthChecks() {
    String appId = appId("guarded");
    components(appId);
    var app = app().on("/sweep", r -> Answer.ok(""));
    var sidecar = withTokens(appId, app);
    Await.result(sidecar.subscribed());
    var http = http(sidecar);

    for (String token : new String[] {null, "", "wrong", API_TOKEN + "x"}) {
      Map<String, String> headers = token == null ? Map.of() : Map.of("dapr-api-token", token);
      for (var call : new String[][] {
          {"POST", "/v1.0/publish/pubsub/orders"}, {"POST", "/v1.0-alpha1/publish/bulk/pubsub/orders"},
          {"GET", "/v1.0/secrets/secretstore/jwt-secret"}, {"GET", "/v1.0/secrets/secretstore/bulk"},
          {"GET", "/v1.0/invoke/" + appId + "/method/sweep"}, {"GET", "/v1.0/metadata"}}) {
        var answer = http.send(call[0], call[1], null, "{}", headers);
        assertThat(answer.status()).as("%s %s with token %s", call[0], call[1], token).isEqualTo(401);
        assertThat(answer.body()).isEqualTo("invalid api token\n").doesNotContain("the-signing-key");
      }
      var byHeader = http.send("GET", "/sweep", null, null,
          token == null ? Map.of("dapr-app-id", appId) : Map.of("dapr-app-id", appId, "dapr-api-token", token));
      assertThat(byHeader.status()).isEqualTo(401);
      assertThat(http.send("GET", "/v1.0/healthz", null, null, headers).status()).isEqualTo(204);
      assertThat(http.send("GET", "/v1.0/healthz/outbound", null, null, headers).status()).isEqualTo(204);
    }
    assertThat(app.received("/sweep")).allSatisfy(r -> assertThat(r.method().name()).isEqualTo("POST"));

    var secret = http.send("GET", "/v1.0/secrets/secretstore/jwt-secret", null, null,
        Map.of("dapr-api-token", API_TOKEN));
    assertThat(secret.status()).isEqualTo(200);
    assertThat(secret.json().getString("jwt-secret")).isEqualTo("the-signing-key");
  }

  @Test
  void theAppTokenGoesWithDiscoveryDeliveriesAndBindingsAndTheApiTokenNeverReachesTheApp() {
    String appId = appId("delivered");
    String topic = "tokens-" + appId;
    components(appId);
    var app = app().subscriptions(subscriptions(new JsonObject().put("pubsubname", "pubsub").put("topic", topic)
            .put("route", "/events")))
        .on("/events", r -> Answer.ok("")).on("/sweep", r -> Answer.ok(""));
    var sidecar = withTokens(appId, app);
    Await.result(sidecar.subscribed());

    var published = http(sidecar).send("POST", "/v1.0/publish/pubsub/" + topic, null, "{\"n\":1}",
        Map.of("dapr-api-token", API_TOKEN, "Content-Type", "application/json"));
    assertThat(published.status()).isEqualTo(204);

    var delivered = app.await("/events", 1, Duration.ofSeconds(10)).get(0);
    var tick = app.await("/sweep", 1, Duration.ofSeconds(5)).get(0);
    var discovery = app.received("/dapr/subscribe").get(0);
    for (var call : new TestApp.Received[] {delivered, tick, discovery}) {
      assertThat(call.headers().getAll("dapr-api-token")).as(call.path()).containsExactly(APP_TOKEN);
    }
  }

  @Test
  void anInvocationCarriesTheCalleesAppTokenNeverTheCallersApiTokenAndNoTokenLeavesDapr() {
    var callee = app().on("/work", r -> Answer.ok("done"));
    String calleeId = appId("callee");
    file("pubsub.yaml", kafka("pubsub"));
    sidecar(new DevSidecarConfig(calleeId, 0, "127.0.0.1", callee.port(), resources,
        Optional.of(TestKafka.bootstrapServers()), resources)
        .withTokens(Optional.of("callee-api-token"), Optional.of("callee-app-token")), Map.of());
    var endpoint = app().on("/hook", r -> Answer.ok("hooked"));
    var caller = http(withTokens(appId("caller"), null));
    Map<String, String> token = Map.of("dapr-api-token", API_TOKEN);

    assertThat(caller.send("POST", "/v1.0/invoke/" + calleeId + "/method/work", null, "{}", token).body())
        .isEqualTo("done");
    assertThat(caller.send("POST", "/work", null, "{}", Map.of("dapr-api-token", API_TOKEN, "dapr-app-id", calleeId))
        .body()).isEqualTo("done");
    String url = URLEncoder.encode("http://127.0.0.1:" + endpoint.port(), StandardCharsets.UTF_8);
    assertThat(caller.send("POST", "/v1.0/invoke/" + url + "/method/hook", null, "{}", token).body())
        .isEqualTo("hooked");

    assertThat(callee.received("/work")).hasSize(2).allSatisfy(r ->
        assertThat(r.headers().getAll("dapr-api-token")).containsExactly("callee-app-token"));
    assertThat(endpoint.received("/hook").get(0).header("dapr-api-token")).isNull();
  }

  @Test
  void withoutTokensTheSidecarAsksForNoneAndSendsNone() {
    String appId = appId("open");
    components(appId);
    var app = app().on("/sweep", r -> Answer.ok(""));
    var sidecar = sidecar(appId, app);
    Await.result(sidecar.subscribed());

    assertThat(new TestHttp(sidecar.httpPort()).get("/v1.0/secrets/secretstore/jwt-secret", null).status())
        .isEqualTo(200);
    assertThat(app.await("/sweep", 1, Duration.ofSeconds(5)).get(0).header("dapr-api-token")).isNull();
  }
}
