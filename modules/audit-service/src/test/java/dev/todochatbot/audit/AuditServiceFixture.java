package dev.todochatbot.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.AppPort;
import dev.todochatbot.platform.DatabaseConfig;
import dev.todochatbot.platform.Observability;
import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.SidecarConfig;
import dev.todochatbot.platform.Tokens;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.TestHttp;
import dev.todochatbot.platform.testing.TestHttp.Answer;
import dev.todochatbot.platform.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The audit service running for real on a free port, against a database of its own, in a Vert.x that
 * records metrics as the service's main builds it (so /metrics shows the service's counters).
 */
final class AuditServiceFixture implements AutoCloseable {

  static final String SECRET = "test-secret-that-is-long-enough-for-hs256!";

  final Vertx vertx;
  final DatabaseConfig database;
  final TestHttp http;
  final Tokens tokens;

  private AuditServiceFixture(Vertx vertx, DatabaseConfig database, TestHttp http, Tokens tokens) {
    this.vertx = vertx;
    this.database = database;
    this.http = http;
    this.tokens = tokens;
  }

  static AuditServiceFixture start(String name) {
    DatabaseConfig database = TestPostgres.newDatabase(name);
    int port = TestHttp.freePort();
    Vertx vertx = Observability.newVertx();
    // the sidecar as /readyz sees it: up (these tests deliver events themselves)
    int sidecarPort = Await.result(vertx.createHttpServer().requestHandler(request -> request.response().setStatusCode(204).end())
        .listen(0, "127.0.0.1")).actualPort();
    var config = new AuditServiceConfig(port, 2, 4, database, SECRET, Duration.ofHours(1),
        new SidecarConfig("127.0.0.1", sidecarPort, "pubsub", "secretstore"), AppPort.loopback());
    Await.result(AuditService.deploy(vertx, config));
    return new AuditServiceFixture(vertx, database, new TestHttp(port), Tokens.create(vertx, SECRET, Duration.ofHours(1)));
  }

  /** A person of their own (tests never share users) and their token. */
  record User(UUID id, String token) {}

  User newUser() {
    UUID id = UUID.randomUUID();
    return new User(id, tokens.issue(new Principal(id, id + "@example.com", "UTC")));
  }

  /** POSTs a body to the events route as daprd does; body is JSON or verbatim text. */
  Answer deliver(Object body) {
    return deliver(body, "application/cloudevents+json");
  }

  Answer deliver(Object body, String contentType) {
    return http.send("POST", AuditApiVerticle.EVENTS_ROUTE, null, body, Map.of("Content-Type", contentType));
  }

  /** Delivers the event in a structured envelope and expects it to be acknowledged. */
  void publish(JsonObject event) {
    assertStatus(deliver(SampleEvents.envelope(event)), "SUCCESS");
  }

  static void assertStatus(Answer answer, String status) {
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    assertThat(answer.json()).isEqualTo(new JsonObject().put("status", status));
  }

  /** The value of a counter as /metrics shows it, 0 when it has not been counted yet. */
  double counter(String name, String labels) {
    Answer metrics = http.get("/metrics", null);
    assertThat(metrics.status()).isEqualTo(200);
    Matcher line = Pattern.compile("(?m)^" + Pattern.quote(name + (labels.isEmpty() ? "" : "{" + labels + "}"))
        + " (\\S+)$").matcher(metrics.body());
    return line.find() ? Double.parseDouble(line.group(1)) : 0;
  }

  @Override
  public void close() {
    Await.result(vertx.close());
  }
}
