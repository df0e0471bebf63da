package dev.todochatbot.recurrence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.AppPort;
import dev.todochatbot.platform.Observability;
import dev.todochatbot.platform.Tokens;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.TestHttp;
import dev.todochatbot.platform.testing.TestHttp.Answer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The recurrence service running for real on a port the system picks, in a Vert.x that records
 * metrics as the service's main builds it (so /metrics shows the service's counters), with a
 * recording sidecar standing in for daprd and the task service behind it.
 */
final class RecurrenceServiceFixture implements AutoCloseable {

  static final String SECRET = "test-secret-that-is-long-enough-for-hs256!";

  final Vertx vertx;
  final RecordingSidecar sidecar;
  final TestHttp http;
  /** As the task service checks the tokens on its internal routes. */
  final Tokens serviceTokens;

  private RecurrenceServiceFixture(Vertx vertx, RecordingSidecar sidecar, TestHttp http) {
    this.vertx = vertx;
    this.sidecar = sidecar;
    this.http = http;
    this.serviceTokens = Tokens.forServices(vertx, SECRET);
  }

  static RecurrenceServiceFixture start() {
    Vertx vertx = Observability.newVertx();
    var sidecar = new RecordingSidecar(vertx);
    var config = new RecurrenceServiceConfig(0, 1, SECRET, "pubsub", sidecar.config(), AppPort.loopback());
    // the verticle itself rather than RecurrenceService.deploy, to learn the port it was given
    var verticle = new RecurrenceApiVerticle(config);
    Await.result(vertx.deployVerticle(verticle));
    return new RecurrenceServiceFixture(vertx, sidecar, new TestHttp(verticle.port()));
  }

  /** POSTs an event to the events route in a structured envelope, as daprd does. */
  Answer deliver(JsonObject event) {
    return deliver(SeriesEvents.envelope(event), "application/cloudevents+json");
  }

  /** POSTs a body as it is, JSON or verbatim text; an envelope's trace goes in a header too, as daprd sends it. */
  Answer deliver(Object body, String contentType) {
    var headers = new HashMap<String, String>(Map.of("Content-Type", contentType));
    if (body instanceof JsonObject envelope && envelope.getValue("traceparent") instanceof String traceparent) {
      headers.put("traceparent", traceparent);
    }
    return http.send("POST", RecurrenceApiVerticle.EVENTS_ROUTE, null, body, headers);
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
