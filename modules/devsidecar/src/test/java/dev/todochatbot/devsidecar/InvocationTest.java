package dev.todochatbot.devsidecar;

import static dev.todochatbot.devsidecar.PublishTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.devsidecar.TestApp.Answer;
import dev.todochatbot.platform.testing.Await;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InvocationTest extends SidecarTestSupport {

  private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01";

  @Test
  void verbPathQueryHeadersAndBodyGoThroughAndTheAnswerComesBackAsIs() {
    var callee = app().on("/tasks/42", r -> new Answer(201, "{\"created\":true}",
        Map.of("Content-Type", "application/json", "X-Answer", "yes")));
    String calleeId = appId("callee");
    sidecar(calleeId, callee);
    var caller = http(sidecar(appId("caller"), null));

    var answer = caller.send("POST", "/v1.0/invoke/" + calleeId + "/method/tasks/42?x=1&y=two%20words", null,
        "{\"a\":1}", Map.of("X-Custom", "c", "traceparent", TRACEPARENT, "Authorization", "Bearer t"));

    assertThat(answer.status()).isEqualTo(201);
    assertThat(answer.header("X-Answer")).contains("yes");
    assertThat(answer.body()).isEqualTo("{\"created\":true}");
    var seen = callee.received("/tasks/42").get(0);
    assertThat(seen.method().name()).isEqualTo("POST");
    assertThat(seen.query()).isEqualTo("x=1&y=two%20words");
    assertThat(seen.body()).isEqualTo("{\"a\":1}");
    assertThat(seen.header("X-Custom")).isEqualTo("c");
    assertThat(seen.header("Authorization")).isEqualTo("Bearer t");
    assertThat(seen.header("Content-Type")).isEqualTo("application/json");
    // a span of its own under the caller's, as the callee's daprd would make it
    assertChildSpan(seen.header("traceparent"), TRACEPARENT);
    assertThat(seen.header("dapr-caller-app-id")).startsWith("caller-");
    assertThat(seen.header("dapr-callee-app-id")).isEqualTo(calleeId);
  }

  @Test
  void theDaprAppIdHeaderRoutesAnyPathAndErrorStatusesPassThrough() {
    var callee = app().on("/tasks", r -> Answer.status(404, "{\"title\":\"Not found\"}"));
    String calleeId = appId("callee");
    sidecar(calleeId, callee);
    var caller = http(sidecar(appId("caller"), null));

    var answer = caller.send("GET", "/tasks?page=2", null, null, Map.of("dapr-app-id", calleeId));

    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.body()).isEqualTo("{\"title\":\"Not found\"}");
    var seen = callee.received("/tasks").get(0);
    assertThat(seen.method().name()).isEqualTo("GET");
    assertThat(seen.query()).isEqualTo("page=2");
    assertThat(seen.header("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
  }

  @Test
  void unknownAppsAndAppsThatAreDownAre500DirectInvoke() {
    var callee = app().on("/x", r -> Answer.ok(""));
    String calleeId = appId("callee");
    sidecar(calleeId, callee);
    var caller = http(sidecar(appId("caller"), null));

    assertError(caller.get("/v1.0/invoke/nobody/method/x", null), 500, "ERR_DIRECT_INVOKE");
    callee.stop();
    assertError(caller.get("/v1.0/invoke/" + calleeId + "/method/x", null), 500, "ERR_DIRECT_INVOKE");
  }

  @Test
  void aUrlEncodedAsTheAppIdIsCalledDirectlyWithPathVerbHeadersAndBodyAndItsAnswerComesBack() {
    var endpoint = app().on("/hooks/in", r -> new Answer(202, "{\"queued\":true}",
        Map.of("Content-Type", "application/json", "X-Answer", "yes")));
    var caller = http(sidecar(appId("caller"), null));
    String encoded = URLEncoder.encode("http://127.0.0.1:" + endpoint.port(), StandardCharsets.UTF_8);

    var answer = caller.send("PUT", "/v1.0/invoke/" + encoded + "/method/hooks/in?x=1", null, "{\"a\":1}",
        Map.of("Content-Type", "application/json", "X-Signature", "sha256=ab", "traceparent", TRACEPARENT));

    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.header("X-Answer")).contains("yes");
    assertThat(answer.body()).isEqualTo("{\"queued\":true}");
    var seen = endpoint.received("/hooks/in").get(0);
    assertThat(seen.method().name()).isEqualTo("PUT");
    assertThat(seen.query()).isEqualTo("x=1");
    assertThat(seen.body()).isEqualTo("{\"a\":1}");
    assertThat(seen.header("X-Signature")).isEqualTo("sha256=ab");
    assertThat(seen.header("Content-Type")).isEqualTo("application/json");
    // the API's span, named in the answer too; and, as daprd, no caller id to an endpoint outside Dapr
    assertChildSpan(seen.header("traceparent"), TRACEPARENT);
    assertThat(seen.header("traceparent")).isEqualTo(answer.header("traceparent").orElseThrow());
    assertThat(seen.header("dapr-caller-app-id")).isNull();
    assertThat(seen.header("Host")).isEqualTo("127.0.0.1:" + endpoint.port());
  }

  @Test
  void aPlainUrlAsTheAppIdWorksTooAndErrorStatusesPassThrough() {
    var endpoint = app().on("/x", r -> Answer.status(500, "boom"));
    var caller = http(sidecar(appId("caller"), null));

    var answer = caller.send("POST", "/v1.0/invoke/http://127.0.0.1:" + endpoint.port() + "/method/x", null, "{}",
        Map.of("Content-Type", "application/json"));

    assertThat(answer.status()).isEqualTo(500);
    assertThat(answer.body()).isEqualTo("boom");
    assertThat(endpoint.received("/x")).singleElement()
        .satisfies(seen -> assertThat(seen.method().name()).isEqualTo("POST"));
  }

  @Test
  void anUnreachableUrlIs500DirectInvoke() {
    var endpoint = app().on("/x", r -> Answer.ok(""));
    endpoint.stop();
    var caller = http(sidecar(appId("caller"), null));
    String url = "http://127.0.0.1:" + endpoint.port();

    assertError(caller.get("/v1.0/invoke/" + URLEncoder.encode(url, StandardCharsets.UTF_8) + "/method/x", null), 500,
        "ERR_DIRECT_INVOKE");
    assertError(caller.get("/v1.0/invoke/" + url + "/method/x", null), 500, "ERR_DIRECT_INVOKE");
    assertError(caller.get("/v1.0/invoke/http%3A%2F%2F/method/x", null), 500, "ERR_DIRECT_INVOKE");
  }

  @Test
  void healthzWaitsForTheAppWhileOutboundIsReadyAtOnce() {
    var app = new TestApp(vertx);
    int port = dev.todochatbot.platform.testing.TestHttp.freePort();
    var sidecar = sidecar(appId("health"), port, Map.of());
    var http = http(sidecar);

    assertThat(http.get("/v1.0/healthz/outbound", null).status()).isEqualTo(204);
    assertThat(http.get("/v1.0/healthz", null).status()).isEqualTo(500);
    app.startOn(port);
    try {
      Await.result(sidecar.subscribed());
      assertThat(http.get("/v1.0/healthz", null).status()).isEqualTo(204);
    } finally {
      app.close();
    }
  }
  /**
   * A streamed answer (server-sent events) reaches the caller piece by piece: the app holds its answer
   * open after the first event until the caller has read that event through the sidecar, so a sidecar
   * that waited for the end would never deliver it.
   */
  @Test
  void aStreamedAnswerIsPassedOnAsItArrives() throws Exception {
    var firstRead = new java.util.concurrent.CompletableFuture<Void>();
    var server = Await.result(vertx.createHttpServer().requestHandler(request -> {
      var response = request.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
      response.write("event: token\ndata: {\"text\":\"Hel\"}\n\n");
      firstRead.whenComplete((v, e) -> vertx.runOnContext(x -> response.end("event: done\ndata: {}\n\n")));
    }).listen(0, "127.0.0.1"));
    try {
      String calleeId = appId("streamer");
      sidecar(calleeId, server.actualPort(), Map.of());
      var caller = sidecar(appId("caller"), null);
      var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + caller.httpPort()
          + "/v1.0/invoke/" + calleeId + "/method/chat")).POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
          .timeout(java.time.Duration.ofSeconds(30)).build();
      var response = java.net.http.HttpClient.newHttpClient().send(request,
          java.net.http.HttpResponse.BodyHandlers.ofInputStream());
      assertThat(response.headers().firstValue("content-type")).contains("text/event-stream");
      try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
        assertThat(lines.readLine()).isEqualTo("event: token");
        assertThat(lines.readLine()).isEqualTo("data: {\"text\":\"Hel\"}");
        firstRead.complete(null);
        assertThat(lines.readLine()).isEmpty();
        assertThat(lines.readLine()).isEqualTo("event: done");
      }
    } finally {
      firstRead.complete(null);
      Await.result(server.close());
    }
  }
}
