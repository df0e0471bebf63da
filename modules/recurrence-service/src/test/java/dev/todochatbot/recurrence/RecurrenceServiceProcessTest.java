package dev.todochatbot.recurrence;

import static dev.todochatbot.recurrence.RecurrenceServiceFixture.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.ChildProcess;
import dev.todochatbot.platform.testing.TestHttp;
import dev.todochatbot.platform.testing.TestHttp.Answer;
import dev.todochatbot.recurrence.SeriesEvents.Story;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The recurrence service's main in a JVM of its own, as its container runs it, beside a stand-in for
 * its sidecar: how it stops on SIGTERM while an event delivery is in flight, and what its JSON log
 * lines carry.
 */
class RecurrenceServiceProcessTest {

  private static final Instant AT = Instant.parse("2026-03-02T17:00:00Z");
  private static Vertx vertx;
  private static RecordingSidecar sidecar;

  @BeforeAll
  static void startSidecar() {
    vertx = Vertx.vertx();
    sidecar = new RecordingSidecar(vertx);
  }

  @AfterAll
  static void stopSidecar() {
    sidecar.close();
    Await.result(vertx.close());
  }

  private static ChildProcess start(int port) {
    var service = ChildProcess.start(RecurrenceServiceMain.class, Map.of(
        "RECURRENCE_SERVICE_PORT", String.valueOf(port),
        "JWT_SECRET", RecurrenceServiceFixture.SECRET,
        "DAPR_HTTP_PORT", String.valueOf(sidecar.config().httpPort()),
        "LOG_FORMAT", "json",
        "DRAIN_DELAY", "PT4S", // room for a loaded machine between the 503 being seen and the checks made during the delay
        "DRAIN_TIMEOUT", "PT10S"));
    service.awaitHealthy(port, Duration.ofSeconds(30));
    return service;
  }

  private static Story weekly() {
    return Story.recurring("FREQ=WEEKLY;BYDAY=MO", "fromDue", 1, "2026-03-02T09:00:00-05:00", "America/New_York");
  }

  private static Answer deliver(int port, JsonObject envelope, Map<String, String> headers) {
    var all = new java.util.HashMap<>(headers);
    all.put("Content-Type", "application/cloudevents+json");
    return new TestHttp(port).send("POST", RecurrenceApiVerticle.EVENTS_ROUTE, null, envelope, all);
  }

  @Test
  void onSigtermItTurnsNotReadyFinishesTheDeliveryInFlightRefusesNewConnectionsAndExitsZero() throws Exception {
    int port = TestHttp.freePort();
    try (var service = start(port)) {
      Story task = weekly();
      Promise<Void> release = Promise.promise();
      sidecar.holdUntil(task.seriesId, release.future());
      JsonObject envelope = SeriesEvents.envelope(task.completed(AT));
      CompletableFuture<Answer> delivery = CompletableFuture.supplyAsync(() -> deliver(port, envelope, Map.of()));
      Await.until("the delivery to ask the task service, through the sidecar", Duration.ofSeconds(10),
          () -> !sidecar.requestsFor(task.seriesId).isEmpty());

      service.terminate();

      Await.until("/readyz to answer 503 once the process drains", Duration.ofSeconds(5),
          () -> ChildProcess.status(port, "/readyz") == 503);
      assertThat(ChildProcess.status(port, "/healthz")).as("still served during the drain delay").isEqualTo(200);
      Await.until(Duration.ofSeconds(10), () -> ChildProcess.refusesConnections(port),
          () -> "new connections still accepted after the drain delay:\n" + service.tail());
      assertThat(delivery).as("the delivery in flight is still waiting for the task service").isNotDone();

      release.complete();
      assertStatus(delivery.get(10, TimeUnit.SECONDS), "SUCCESS");
      assertThat(service.awaitExit(Duration.ofSeconds(10))).as("exit code; output:\n%s", service.tail()).isZero();
    }
  }

  @Test
  void jsonLogLinesWrittenAfterAnAsyncStepCarryTheTraceOfTheirTraceparentAndOnlyThose() {
    int port = TestHttp.freePort();
    try (var service = start(port)) {
      String traceId = UUID.randomUUID().toString().replace("-", "");
      String spanId = "00f067aa0ba902b7";
      JsonObject traced = SeriesEvents.envelope(weekly().completed(AT));
      JsonObject untraced = SeriesEvents.envelope(weekly().completed(AT));
      untraced.remove("traceparent");

      // the service logs the occurrence once the task service answered, in a callback of the invocation
      assertStatus(deliver(port, traced, Map.of("traceparent", "00-" + traceId + "-" + spanId + "-01")), "SUCCESS");
      assertStatus(deliver(port, untraced, Map.of()), "SUCCESS");

      JsonObject tracedLine = logLineAbout(service, traced.getString("id"));
      assertThat(tracedLine.getString("traceId")).as("traceId of %s", tracedLine).isEqualTo(traceId);
      assertThat(tracedLine.getString("spanId")).isEqualTo(spanId);
      JsonObject untracedLine = logLineAbout(service, untraced.getString("id"));
      assertThat(untracedLine.fieldNames()).as("fields of %s", untracedLine).doesNotContain("traceId", "spanId");
    }
  }

  /** The JSON line whose message names {@code eventId}; every line of the output must be JSON. */
  private static JsonObject logLineAbout(ChildProcess service, String eventId) {
    return Await.untilPresent(Duration.ofSeconds(10), () -> {
      List<JsonObject> lines = service.lines().stream().map(line -> {
        try {
          return new JsonObject(line);
        } catch (DecodeException e) {
          throw new AssertionError("not a JSON line with LOG_FORMAT=json: " + line);
        }
      }).toList();
      return lines.stream().filter(line -> line.getString("message", "").contains(eventId)).findFirst()
          .or(Optional::empty);
    }, () -> "no log line about event " + eventId + ":\n" + service.tail());
  }
}
