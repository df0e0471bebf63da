package dev.todochatbot.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.devsidecar.AppDirectory;
import dev.todochatbot.devsidecar.DevSidecar;
import dev.todochatbot.devsidecar.DevSidecarConfig;
import dev.todochatbot.edge.Edge;
import dev.todochatbot.edge.EdgeConfig;
import dev.todochatbot.embedded.testing.TestKafka;
import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.SidecarConfig;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.TestHttp;
import dev.todochatbot.platform.testing.TestPostgres;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
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
 * Real-time sync with two edge replicas, each with its own devsidecar on the real Kafka broker: a
 * change made through either reaches every open socket of that user on both, and nobody else's; a
 * socket that reconnects with its cursor gets what it missed from the task service, then live ones.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealtimeEndToEndTest {

  static final Duration PATIENCE = Duration.ofSeconds(30);
  static final String SECRET = "end-to-end-secret-that-is-long-enough-for-hs256";

  @TempDir
  static Path dataDir;

  Main.Running running;
  TestHttp edgeA;
  int portA;
  int portB;
  io.vertx.core.Vertx replicaB;
  WebSocketClient client;

  /** Which sidecars the system runs with: the devsidecar here, real daprd in {@link RealtimeOnDaprdTest}. */
  String sidecar() {
    return Sidecars.DEVSIDECAR;
  }

  @BeforeAll
  void start() {
    var database = TestPostgres.newDatabase("realtime_e2e");
    String databaseUrl = dev.todochatbot.platform.DatabaseConfig.url(database.host(), database.port(),
        database.database(), database.user(), database.password());
    var env = new Env(Map.of(
        "DATA_DIR", dataDir.toString(),
        "DATABASE_URL", databaseUrl,
        "KAFKA_BROKERS", TestKafka.bootstrapServers(),
        "JWT_SECRET", SECRET,
        "PORT", "0", "EDGE_EVENTS_PORT", "0", "TASK_SERVICE_PORT", "0", "AUDIT_SERVICE_PORT", "0",
        "RECURRENCE_SERVICE_PORT", "0", "EDGE_INSTANCES", "2")).with(Map.of("NOTIFICATION_SERVICE_PORT", "0", "CHAT_SERVICE_PORT", "0", "SIDECAR", sidecar()));
    running = Await.result(Main.start(env));
    portA = running.port();
    edgeA = new TestHttp(portA);

    // a second edge replica, as another process would be: its own Vert.x (so its own event bus), its own
    // sidecar (app id edge, its own consumer group) and its own ports; small enough limits to see a slow socket
    // closed and a silent one given up, within a test
    Main.Replica b = Await.result(running.addReplica(Main.EDGE, Map.of("WS_WRITE_QUEUE_BYTES", "65536",
        "WS_HEARTBEAT", "PT0.5S", "EDGE_INSTANCES", "1")));
    replicaB = b.vertx();
    portB = b.port();
    client = running.vertx().createWebSocketClient();
  }

  @AfterAll
  void stop() {
    running.close();
  }

  String signUp() {
    var answer = edgeA.post("/api/auth/signup", null, new JsonObject().put("email", "rt-" + UUID.randomUUID()
        + "@example.com").put("password", "correct horse battery").put("name", "Ria"));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
    return answer.json().getString("token");
  }

  /** A socket and what it has received. */
  record Socket(WebSocket ws, ConcurrentLinkedQueue<JsonObject> received) {
    List<JsonObject> of(String taskId) {
      return received.stream().filter(m -> taskId.equals(m.getString("taskId"))).toList();
    }

    List<JsonObject> await(String taskId, int count) {
      Await.until(count + " messages about " + taskId, PATIENCE, () -> of(taskId).size() >= count);
      return of(taskId);
    }
  }

  Socket open(int port, String query, List<String> protocols) {
    var options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws" + query);
    if (protocols != null) {
      options.setSubProtocols(protocols);
    }
    var received = new ConcurrentLinkedQueue<JsonObject>();
    WebSocket ws = Await.result(client.connect(options));
    ws.textMessageHandler(text -> received.add(new JsonObject(text)));
    return new Socket(ws, received);
  }

  Socket open(int port, String token) {
    return open(port, "?access_token=" + token, null);
  }

  @Test
  void aChangeThroughEitherEdgeReachesEverySocketOfThatUserAndNoOneElse() {
    String token = signUp();
    String other = signUp();
    Socket onA = open(portA, token);
    // a browser sends the token as a subprotocol
    Socket onB = open(portB, "", List.of("bearer", token));
    Socket stranger = open(portA, other);

    var created = edgeA.post("/api/tasks", token, new JsonObject().put("title", "Call the plumber")).json();
    String taskId = created.getString("id");
    for (Socket socket : List.of(onA, onB)) {
      JsonObject message = socket.await(taskId, 1).get(0);
      assertThat(message.getString("type")).isEqualTo("task.created");
      assertThat(message.getJsonObject("task").getString("title")).isEqualTo("Call the plumber");
      assertThat(message.getInteger("version")).isEqualTo(1);
      assertThat(message.getString("cursor")).endsWith("~" + taskId);
    }

    // through the other replica, the other way round
    new TestHttp(portB).post("/api/tasks/" + taskId + "/complete", token, null);
    for (Socket socket : List.of(onA, onB)) {
      assertThat(socket.await(taskId, 2).get(1).getString("type")).isEqualTo("task.completed");
    }

    // the other person only ever hears of their own tasks
    String theirs = edgeA.post("/api/tasks", other, new JsonObject().put("title", "Theirs")).json().getString("id");
    stranger.await(theirs, 1);
    assertThat(stranger.received()).allMatch(m -> m.getString("taskId").equals(theirs));
    assertThat(onA.of(theirs)).isEmpty();
  }

  @Test
  void aSocketThatReconnectsWithItsCursorGetsWhatItMissedThenLiveOnes() {
    String token = signUp();
    Socket first = open(portA, token);
    String kept = edgeA.post("/api/tasks", token, new JsonObject().put("title", "Kept")).json().getString("id");
    String cursor = first.await(kept, 1).get(0).getString("cursor");
    Await.result(first.ws().close());

    // while it is away
    edgeA.patch("/api/tasks/" + kept, token, new JsonObject().put("priority", "high"));
    String gone = edgeA.post("/api/tasks", token, new JsonObject().put("title", "Gone")).json().getString("id");
    edgeA.delete("/api/tasks/" + gone, token);

    Socket back = open(portB, "?access_token=" + token + "&cursor=" + java.net.URLEncoder.encode(cursor,
        java.nio.charset.StandardCharsets.UTF_8), null);
    JsonObject changed = back.await(kept, 1).get(0);
    assertThat(changed.getString("type")).isEqualTo("task.changed");
    assertThat(changed.getJsonObject("task").getString("priority")).isEqualTo("high");
    assertThat(back.await(gone, 1).get(0).getString("type")).isEqualTo("task.deleted");

    String live = edgeA.post("/api/tasks", token, new JsonObject().put("title", "Live")).json().getString("id");
    assertThat(back.await(live, 1).get(0).getString("type")).isEqualTo("task.created");
  }

  @Test
  void aReminderFiresOnceOnEveryOpenSocketOfItsUserAtItsTime() {
    String token = signUp();
    Socket onA = open(portA, token);
    Socket onB = open(portB, token);
    String taskId = edgeA.post("/api/tasks", token, new JsonObject().put("title", "Leave for the station")).json()
        .getString("id");
    java.time.Instant at = java.time.Instant.now().plusSeconds(2).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    var reminder = edgeA.post("/api/tasks/" + taskId + "/reminders", token, new JsonObject().put("at", at.toString()));
    assertThat(reminder.status()).as(reminder.toString()).isEqualTo(201);
    String reminderId = reminder.json().getString("id");

    for (Socket socket : List.of(onA, onB)) {
      Await.until("the reminder on a socket", PATIENCE, () -> socket.received().stream()
          .anyMatch(m -> "reminder".equals(m.getString("type"))));
      var fired = socket.received().stream().filter(m -> "reminder".equals(m.getString("type"))).toList();
      assertThat(fired).hasSize(1);
      JsonObject body = fired.get(0).getJsonObject("reminder");
      assertThat(body.getString("reminderId")).isEqualTo(reminderId);
      assertThat(body.getString("taskId")).isEqualTo(taskId);
      assertThat(body.getString("title")).isEqualTo("Leave for the station");
      // never before its time
      assertThat(java.time.Instant.parse(body.getString("firedAt"))).isAfterOrEqualTo(at);
      assertThat(dev.todochatbot.platform.testing.EventSchemas.violations("reminder.v1.schema.json", body)).isEmpty();
    }
    // and it is listed as delivered
    Await.until("the reminder listed as delivered", PATIENCE, () -> edgeA.get("/api/reminders?state=delivered", token)
        .json().getJsonArray("items").size() == 1);
  }

  @Test
  void aSlowSocketIsClosedWithAReasonAndDelaysNoOther() {
    String token = signUp();
    double closedBefore = tooSlowCount();
    Socket fast = open(portB, token);
    // a client that stops reading, with a small window, so what the server sends piles up there
    var slowClient = replicaB.createWebSocketClient(new io.vertx.core.http.WebSocketClientOptions()
        .setReceiveBufferSize(4096));
    WebSocket slow = Await.result(slowClient.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(portB)
        .setURI("/ws?access_token=" + token)));
    slow.pause();

    String taskId = edgeA.post("/api/tasks", token, new JsonObject().put("title", "Busy")).json().getString("id");
    String big = "x".repeat(9_000);
    int changes = 800;
    for (int i = 0; i < changes; i++) {
      var answer = edgeA.patch("/api/tasks/" + taskId, token, new JsonObject().put("description", big + i));
      assertThat(answer.status()).isEqualTo(200);
    }
    // the reading socket got every change, the one that did not read was closed as too slow
    fast.await(taskId, changes + 1);
    Await.until("the slow socket closed", PATIENCE, () -> tooSlowCount() > closedBefore);
    Await.result(slowClient.close());
  }

  @Test
  void aSocketThatAnswersNoPingsIsClosed() throws Exception {
    String token = signUp();
    // a client that does the handshake and then never answers (a Vert.x client would answer pings itself)
    try (var raw = new java.net.Socket("127.0.0.1", portB)) {
      raw.setSoTimeout(15_000);
      var out = raw.getOutputStream();
      out.write(("GET /ws?access_token=" + token + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.flush();
      var in = new java.io.DataInputStream(raw.getInputStream());
      String headers = readHeaders(in);
      assertThat(headers).startsWith("HTTP/1.1 101");
      // frames from the server, unmasked and small: pings every 0.5 s, then the close after three unanswered
      int pings = 0;
      while (true) {
        int opcode = in.readUnsignedByte() & 0x0f;
        int length = in.readUnsignedByte() & 0x7f;
        byte[] payload = in.readNBytes(length);
        if (opcode == 0x9) {
          pings++;
        } else if (opcode == 0x8) {
          int status = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
          assertThat(status).isEqualTo(4002);
          break;
        }
      }
      assertThat(pings).isGreaterThanOrEqualTo(3);
    }
  }

  private static String readHeaders(java.io.DataInputStream in) throws java.io.IOException {
    var text = new StringBuilder();
    while (!text.toString().endsWith("\r\n\r\n")) {
      text.append((char) in.readUnsignedByte());
    }
    return text.toString();
  }

  static double tooSlowCount() {
    var counter = dev.todochatbot.platform.Observability.registry().find("realtime.sockets.too.slow").counter();
    return counter == null ? 0 : counter.count();
  }

  static Throwable failure(io.vertx.core.Future<?> future) {
    Throwable cause = Await.result(future.transform(result -> io.vertx.core.Future.succeededFuture(result.cause())));
    assertThat(cause).as("the connection should have been refused").isNotNull();
    return cause;
  }

  @Test
  void withoutAValidTokenThereIsNoSocket() {
    var noToken = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(portA).setURI("/ws"));
    assertThat(failure(noToken).getMessage()).contains("401");
    var badToken = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(portA)
        .setURI("/ws?access_token=not-a-token"));
    assertThat(failure(badToken).getMessage()).contains("401");
  }
}
