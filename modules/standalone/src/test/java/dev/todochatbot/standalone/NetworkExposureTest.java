package dev.todochatbot.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.todochatbot.devsidecar.DevSidecar;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.TestHttp;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacks of a probe from the network against {@code make run} (issue 14), each now failing to do
 * harm: the internal ports cannot be reached from another machine; the sidecars give nothing (the
 * token-signing key least of all) to a caller without their API token; the routes only a sidecar may call
 * refuse a forged event without the app token, so nothing reaches another person's audit trail or socket.
 * Every refusal is paired with the same request carrying the token, so a test cannot pass because the
 * forged request was malformed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetworkExposureTest {

  static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir
  static Path dataDir;

  Main.Running running;
  TestHttp http;
  WebSocketClient sockets;
  String signingKey;

  @BeforeAll
  void start() {
    // HOST unset: the public port on every interface, as make run starts it
    // and without JWT_SECRET: make run keeps the signing key in the sidecars' secret store, the prize
    running = Await.result(Main.start(EndToEndEnv.of("exposure", dataDir, Map.of(), java.util.Set.of("JWT_SECRET"))));
    signingKey = Main.localSecret(dataDir.resolve("jwt-secret"));
    http = new TestHttp(running.port());
    sockets = running.vertx().createWebSocketClient();
  }

  @AfterAll
  void stop() {
    running.close();
  }

  record User(String id, String token) {}

  User signUp() {
    var answer = http.post("/api/auth/signup", null, new JsonObject().put("email", "victim-" + UUID.randomUUID()
        + "@example.com").put("password", "correct horse battery").put("name", "Vic"));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
    return new User(answer.json().getJsonObject("user").getString("id"), answer.json().getString("token"));
  }

  /** An address of this machine that is not loopback: what another machine on the network would dial. */
  static Optional<InetAddress> networkAddress() throws SocketException {
    for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : nic.inetAddresses().toList()) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }

  static boolean accepts(InetAddress address, int port) throws IOException {
    try (var socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 2_000);
      return true;
    } catch (ConnectException refused) {
      return false;
    }
  }

  /** Every listener but the public port: each app's own port and each sidecar's API. */
  Map<String, Integer> internalListeners() {
    var listeners = new java.util.LinkedHashMap<String, Integer>();
    running.appPorts().forEach((app, port) -> listeners.put(app + " (its own port)", port));
    running.sidecars().forEach(sidecar -> listeners.put(sidecar.appId() + "'s sidecar", sidecar.httpPort()));
    return listeners;
  }

  @Test
  void onlyThePublicPortCanBeReachedFromTheNetwork() throws IOException {
    Optional<InetAddress> network = networkAddress();
    assumeTrue(network.isPresent(), "this machine has no non-loopback address to dial");
    InetAddress loopback = InetAddress.getLoopbackAddress();

    assertThat(accepts(network.get(), running.port())).as("the public port on %s", network.get()).isTrue();
    assertThat(internalListeners()).hasSize(12);
    internalListeners().forEach((listener, port) -> {
      try {
        assertThat(accepts(loopback, port)).as("%s on loopback", listener).isTrue();
        assertThat(accepts(network.get(), port)).as("%s on %s:%d", listener, network.get(), port).isFalse();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  @Test
  void noSidecarHandsItsSecretsOrAPublishToACallerWithoutItsApiToken() {
    for (AppSidecar sidecar : running.sidecars()) {
      var api = new TestHttp(sidecar.httpPort());
      for (String path : List.of("/v1.0/secrets/secretstore/jwt-secret", "/v1.0/secrets/secretstore/database-url",
          "/v1.0/secrets/secretstore/bulk")) {
        var refused = api.get(path, null);
        assertThat(refused.status()).as("%s of %s", path, sidecar.appId()).isEqualTo(401);
        assertThat(refused.body()).doesNotContain(signingKey);
        assertThat(api.send("GET", path, null, null, Map.of("dapr-api-token", "guessed")).status()).isEqualTo(401);
      }
      var forged = new JsonObject().put("userId", UUID.randomUUID().toString()).put("type", "reminder");
      assertThat(api.post("/v1.0/publish/pubsub/reminders", null, forged).status()).isEqualTo(401);
      assertThat(api.post("/v1.0/publish/realtime/reminders", null, forged).status()).isEqualTo(401);

      var allowed = api.send("GET", "/v1.0/secrets/secretstore/jwt-secret", null, null, token(sidecar.apiToken()));
      assertThat(allowed.status()).isEqualTo(200);
      assertThat(allowed.json().getString("jwt-secret")).isEqualTo(signingKey);
    }
  }

  static Map<String, String> token(Optional<String> token) {
    return Map.of("dapr-api-token", token.orElseThrow());
  }

  @Test
  void everyRouteOnlyASidecarMayCallRefusesACallWithoutTheAppToken() {
    var guarded = new ArrayList<String>();
    for (AppSidecar sidecar : running.sidecars()) {
      var app = new TestHttp(running.appPorts().get(sidecar.appId()));
      Map<String, String> appToken = token(sidecar.appToken());
      var discovery = app.send("GET", "/dapr/subscribe", null, null, appToken);
      if (discovery.status() == 404) {
        continue; // subscribes to nothing (task-service, chat-service)
      }
      assertThat(discovery.status()).isEqualTo(200);
      assertThat(app.get("/dapr/subscribe", null).status()).as(sidecar.appId()).isEqualTo(401);
      var routes = new ArrayList<String>();
      for (Object item : new JsonArray(discovery.body())) {
        var subscription = (JsonObject) item;
        var rules = subscription.getJsonObject("routes");
        if (rules == null) {
          routes.add(subscription.getString("route"));
        } else {
          Optional.ofNullable(rules.getString("default")).ifPresent(routes::add);
          rules.getJsonArray("rules", new JsonArray()).forEach(rule -> routes.add(((JsonObject) rule).getString("path")));
        }
      }
      if (sidecar.appId().equals(Main.NOTIFICATION_SERVICE)) {
        routes.add("/reminders/sweep"); // the cron binding's route (dapr/components/reminder-sweep.yaml)
      }
      for (String route : new java.util.LinkedHashSet<>(routes)) {
        for (var headers : List.<Map<String, String>>of(Map.of(), Map.of("dapr-api-token", "guessed"),
            token(sidecar.apiToken()))) {
          var refused = app.send("POST", route, null, "{}", headers);
          assertThat(refused.status()).as("%s %s with %s", sidecar.appId(), route, headers).isEqualTo(401);
          assertThat(refused.contentType()).isEqualTo("application/problem+json");
        }
        guarded.add(sidecar.appId() + route);
      }
    }
    assertThat(guarded).contains("audit-service/events/task-events", "edge/events/task-updates", "edge/events/reminders",
        "notification-service/reminders/sweep", "notification-service/events/task-events",
        "recurrence-service/events/task-events");
  }

  /** A task event for the victim's task as the task service would publish it, wrapped as daprd delivers it. */
  static JsonObject forgedDelivery(JsonObject realEvent, String title) {
    var data = realEvent.copy().put("eventId", UUID.randomUUID().toString()).put("occurredAt", Instant.now().toString());
    data.getJsonObject("task").put("title", title);
    return new JsonObject().put("specversion", "1.0").put("id", data.getString("eventId")).put("source", "task-service")
        .put("type", "com.dapr.event.sent").put("datacontenttype", "application/json").put("topic", "task-events")
        .put("pubsubname", "pubsub").put("data", data);
  }

  List<JsonObject> auditTrail(User user) {
    var items = http.get("/api/audit?limit=200", user.token()).json().getJsonArray("items");
    var events = new ArrayList<JsonObject>();
    items.forEach(item -> events.add((JsonObject) item));
    return events;
  }

  @Test
  void aForgedTaskEventNeverReachesTheVictimsAuditTrail() {
    User victim = signUp();
    String taskId = http.post("/api/tasks", victim.token(), new JsonObject().put("title", "Pay rent")).json()
        .getString("id");
    Await.until("the victim's task is audited", PATIENCE, () -> auditTrail(victim).size() == 1);
    JsonObject real = auditTrail(victim).get(0);
    var audit = new TestHttp(running.auditServicePort());
    String appToken = running.sidecar(Main.AUDIT_SERVICE).appToken().orElseThrow();

    var forged = forgedDelivery(real, "Pay 1 BTC to x");
    var refused = audit.send("POST", "/events/task-events", null, forged.encode(),
        Map.of("Content-Type", "application/cloudevents+json"));
    assertThat(refused.status()).isEqualTo(401);
    // the same delivery with the sidecar's token is one the audit service would store
    var control = forgedDelivery(real, "Stored only with the app token");
    var stored = audit.send("POST", "/events/task-events", null, control.encode(),
        Map.of("Content-Type", "application/cloudevents+json", "dapr-api-token", appToken));
    assertThat(stored.json().getString("status")).isEqualTo("SUCCESS");

    http.patch("/api/tasks/" + taskId, victim.token(), new JsonObject().put("title", "Pay the rent"));
    Await.until("the real change is audited", PATIENCE, () -> auditTrail(victim).size() == 3);
    assertThat(auditTrail(victim)).extracting(e -> e.getString("eventId"))
        .contains(control.getString("id")).doesNotContain(forged.getString("id"));
  }

  @Test
  void aForgedUpdateOrReminderNeverReachesTheVictimsSocket() {
    User victim = signUp();
    var received = new ConcurrentLinkedQueue<JsonObject>();
    WebSocket socket = Await.result(sockets.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(running.port()).setURI("/ws").setSubProtocols(List.of("bearer", victim.token()))));
    socket.textMessageHandler(text -> received.add(new JsonObject(text)));
    var events = new TestHttp(running.appPorts().get(Main.EDGE));
    String appToken = running.sidecar(Main.EDGE).appToken().orElseThrow();
    var reminder = new JsonObject().put("userId", victim.id()).put("reminderId", UUID.randomUUID().toString())
        .put("taskId", UUID.randomUUID().toString()).put("title", "pay 1 BTC to x").put("firedAt", Instant.now().toString());
    var update = new JsonObject().put("userId", victim.id()).put("type", "task.created.v1")
        .put("taskId", UUID.randomUUID().toString()).put("occurredAt", Instant.now().toString())
        .put("task", new JsonObject().put("title", "pay 1 BTC to x").put("version", 1));

    for (var forged : Map.of("/events/reminders", reminder, "/events/task-updates", update).entrySet()) {
      var envelope = new JsonObject().put("specversion", "1.0").put("id", UUID.randomUUID().toString())
          .put("source", "notification-service").put("type", "com.dapr.event.sent").put("data", forged.getValue());
      assertThat(events.send("POST", forged.getKey(), null, envelope.encode(),
          Map.of("Content-Type", "application/cloudevents+json")).status()).as(forged.getKey()).isEqualTo(401);
    }
    // the control: a delivery with the sidecar's token does reach the socket, after the refused ones
    var control = new JsonObject().put("specversion", "1.0").put("id", UUID.randomUUID().toString())
        .put("source", "notification-service").put("type", "com.dapr.event.sent")
        .put("data", reminder.copy().put("title", "control"));
    assertThat(events.send("POST", "/events/reminders", null, control.encode(),
        Map.of("Content-Type", "application/cloudevents+json", "dapr-api-token", appToken)).status()).isEqualTo(200);
    Await.until("the control reminder reaches the socket", PATIENCE, () -> received.stream()
        .anyMatch(m -> "reminder".equals(m.getString("type"))));
    assertThat(received).hasSize(1);
    assertThat(received.peek().getJsonObject("reminder").getString("title")).isEqualTo("control");
    socket.close();
  }

  @Test
  void theInternalPortsTakeNoSidecarsTokenForAUsersOne() {
    // a user's route on an internal port still wants the user's token, whatever dapr-api-token says
    var tasks = new TestHttp(running.taskServicePort());
    assertThat(tasks.send("GET", "/api/tasks", null, null, token(running.sidecar(Main.TASK_SERVICE).appToken()))
        .status()).isEqualTo(401);
    // and the public port is no sidecar
    var publicPort = new TestHttp(running.port()).get("/v1.0/secrets/secretstore/jwt-secret", null);
    assertThat(publicPort.status()).isEqualTo(404);
    assertThat(publicPort.body()).doesNotContain(signingKey);
  }
}
