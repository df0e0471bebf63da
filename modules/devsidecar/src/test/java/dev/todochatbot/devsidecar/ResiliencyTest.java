package dev.todochatbot.devsidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.devsidecar.TestApp.Answer;
import dev.todochatbot.embedded.testing.TestKafka;
import dev.todochatbot.platform.testing.Await;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The Resiliency inbound policy on pub/sub delivery, over real HTTP and the embedded broker. */
class ResiliencyTest extends SidecarTestSupport {

  private static final Duration WAIT = Duration.ofSeconds(20);

  /** A constant retry of {@code duration} and {@code maxRetries} as the inbound policy of {@code pubsub}. */
  private static String resiliency(String duration, int maxRetries, String scopes) {
    return """
        apiVersion: dapr.io/v1alpha1
        kind: Resiliency
        metadata:
          name: test-resiliency
        spec:
          policies:
            timeouts:
              delivery: 5s
            retries:
              delivery:
                policy: constant
                duration: %s
                maxRetries: %d
            circuitBreakers:
              ignored:
                trip: consecutiveFailures > 5
          targets:
            components:
              pubsub:
                inbound:
                  timeout: delivery
                  retry: delivery
                  circuitBreaker: ignored
        %s""".formatted(duration, maxRetries, scopes);
  }

  private record Setup(String appId, String topic, String dlq, TestApp app, DevSidecar sidecar) {}

  /**
   * The pub/sub component in the resources directory, the Resiliency in a directory of its own, as
   * dapr/dapr.yaml lists them; the app subscribes with a dead-letter topic.
   */
  private Setup start(String prefix, String resiliencyYaml, java.util.function.Function<TestApp.Received, Answer> behaviour) {
    file("pubsub.yaml", kafka("pubsub"));
    Path resiliencyDir = resources.resolve("resiliency");
    write(resiliencyDir.resolve("resiliency.yaml"), resiliencyYaml);
    String topic = TestKafka.newTopic(prefix);
    String dlq = TestKafka.newTopic(prefix + "-dlq");
    var app = app().subscriptions(new JsonArray().add(subscription(topic, "/events").put("deadLetterTopic", dlq)))
        .on("/events", behaviour);
    String appId = appId(prefix);
    var sidecar = sidecar(new DevSidecarConfig(appId, 0, "127.0.0.1", app.port(), List.of(resources, resiliencyDir),
        Optional.of(TestKafka.bootstrapServers()), resources, Map.of(), Optional.empty(), Optional.empty()), Map.of());
    Await.result(sidecar.subscribed());
    return new Setup(appId, topic, dlq, app, sidecar);
  }

  private static void publish(Setup s, int n) {
    var answer = http(s.sidecar()).post("/v1.0/publish/pubsub/" + s.topic(), null, new JsonObject().put("n", n));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(204);
  }

  private static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void retriesUnderTheInboundPolicyDeliverOnceAndDeadLetterNothing() {
    var calls = new AtomicInteger();
    var s = start("res-retry", resiliency("100ms", 20, ""),
        r -> calls.incrementAndGet() <= 3 ? Answer.ok("{\"status\":\"RETRY\"}") : Answer.ok("{\"status\":\"SUCCESS\"}"));

    publish(s, 1);

    Await.until(WAIT, () -> committedTotal(s.appId(), s.topic()) == 1, () -> "not committed");
    assertThat(s.app().received("/events")).hasSize(4);
    assertThat(calls.get()).isEqualTo(4);
    assertThat(TestKafka.readAll(s.dlq())).isEmpty();
  }

  @Test
  void anAppDownForAboutASecondGetsTheEventWhenBackAndNothingIsDeadLettered() throws InterruptedException {
    var s = start("res-down", resiliency("100ms", 20, ""), r -> Answer.ok(""));
    s.app().stop();

    publish(s, 1);
    // down across many retries (100 ms apart: about a second), counted rather than slept
    Await.until(WAIT, () -> s.sidecar().failedDeliveries() >= 8, () -> "fewer than 8 failed attempts");
    assertThat(committed(s.appId(), s.topic())).isEmpty();
    s.app().restart();

    assertThat(s.app().await("/events", 1, WAIT).get(0).json().getJsonObject("data").getInteger("n")).isEqualTo(1);
    Await.until(WAIT, () -> committedTotal(s.appId(), s.topic()) == 1, () -> "not committed");
    assertThat(TestKafka.readAll(s.dlq())).isEmpty();
  }

  @Test
  void whenTheInboundPolicyRunsOutTheEventGoesToTheDeadLetterTopic() {
    var s = start("res-exhausted", resiliency("50ms", 3, ""), r -> Answer.status(503, "busy"));

    publish(s, 7);

    var dead = TestKafka.awaitRecords(s.dlq(), 1, WAIT).get(0);
    assertThat(new JsonObject(dead.value()).getJsonObject("data").getInteger("n")).isEqualTo(7);
    Await.until(WAIT, () -> committedTotal(s.appId(), s.topic()) == 1, () -> "not committed");
    assertThat(s.app().received("/events")).as("the first attempt and maxRetries retries").hasSize(4);
    assertThat(TestKafka.readAll(s.dlq())).hasSize(1);
  }

  @Test
  void aResiliencyScopedToAnotherAppDoesNotApply() {
    var s = start("res-scoped", resiliency("100ms", 20, "scopes:\n  - another-app\n"),
        r -> Answer.ok("{\"status\":\"RETRY\"}"));

    assertThat(s.sidecar().inboundPolicy("pubsub")).isEqualTo(Resiliency.InboundPolicy.NONE);
    publish(s, 1);

    TestKafka.awaitRecords(s.dlq(), 1, WAIT);
    assertThat(s.app().received("/events")).as("dead-lettered on the first failure").hasSize(1);
  }

  @Test
  void subdirectoriesOfAResourcesPathAreNotRead() {
    file("pubsub.yaml", kafka("pubsub"));
    write(resources.resolve("resiliency").resolve("resiliency.yaml"), resiliency("100ms", 20, ""));

    var sidecar = sidecar(appId("res-subdir"), null);

    assertThat(sidecar.inboundPolicy("pubsub")).isEqualTo(Resiliency.InboundPolicy.NONE);
  }

  @Test
  void closingTheSidecarStopsAWaitingRetryAtOnce() {
    var s = start("res-close", resiliency("1h", -1, ""), r -> Answer.ok("{\"status\":\"RETRY\"}"));
    publish(s, 1);
    Await.until(WAIT, () -> s.sidecar().failedDeliveries() >= 1, () -> "no failed attempt");

    forget(s.sidecar());
    long start = System.nanoTime();
    Await.result(s.sidecar().close());

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(s.app().received("/events")).hasSize(1);
    assertThat(committed(s.appId(), s.topic())).as("an unsettled record is not committed").isEmpty();
  }

  @Test
  void theInboundTimeoutBoundsEachAttempt() {
    var server = Await.result(vertx.createHttpServer().requestHandler(request -> { /* never answers */ })
        .listen(0, "127.0.0.1"));
    var channel = new AppChannel(vertx, "127.0.0.1", server.actualPort(), Optional.empty());
    try {
      long start = System.nanoTime();
      var outcome = Await.result(channel.deliver("/events", MultiMap.caseInsensitiveMultiMap(), Buffer.buffer("{}"),
          Duration.ofMillis(200)));
      assertThat(outcome.verdict()).isEqualTo(AppChannel.Verdict.RETRY);
      assertThat(outcome.detail()).contains("timeout");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    } finally {
      channel.close();
      Await.result(server.close());
    }
  }

  @Test
  void theProjectsOwnResiliencyAndComponentsLoadWithTheInboundPolicyOfTheFile() throws IOException {
    Path dapr = Path.of("../../dapr").toAbsolutePath().normalize();
    Path secrets = resources.resolve("generated-secrets.json");
    Files.writeString(secrets, "{\"DATABASE_URL\":\"postgres://x\"}");
    var config = new DevSidecarConfig("audit-service", 0, "127.0.0.1", 0,
        List.of(dapr.resolve("components"), dapr.resolve("resiliency")), Optional.empty(), resources,
        Map.of("secretstore.secretsFile", secrets.toString()), Optional.empty(), Optional.empty());

    Resources.Loaded loaded = Resources.load(config, Map.of("KAFKA_BROKERS", "127.0.0.1:9092")::get);

    assertThat(loaded.secretStores().get("secretstore").get("DATABASE_URL")).contains(Map.of("DATABASE_URL",
        "postgres://x"));
    Resiliency.InboundPolicy inbound = loaded.resiliency().pubsubInbound("pubsub");
    assertThat(inbound.timeout()).contains(Duration.ofSeconds(30));
    Backoff retry = inbound.retry().orElseThrow();
    assertThat(retry.exponential()).isTrue();
    assertThat(retry.maxRetries()).isEqualTo(20);
    assertThat(retry.maxInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(retry.initialInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(retry.next(21, Duration.ofMinutes(1))).as("20 retries, then the dead-letter topic").isEmpty();
    assertThat(retry.next(20, Duration.ofMinutes(1))).isPresent();
    assertThat(loaded.resiliency().pubsubInbound("another-pubsub")).isEqualTo(Resiliency.InboundPolicy.NONE);
  }

  @Test
  void defaultPoliciesApplyToComponentsThatAreNoTarget() {
    file("resiliency.yaml", """
        apiVersion: dapr.io/v1alpha1
        kind: Resiliency
        metadata:
          name: defaults
        spec:
          policies:
            timeouts:
              DefaultTimeoutPolicy: 3s
            retries:
              DefaultComponentInboundRetryPolicy:
                policy: exponential
                maxRetries: 4
              DefaultRetryPolicy:
                duration: 1s
        """);
    var config = DevSidecarConfig.of(appId("res-defaults"), 0, 0, List.of(resources), Optional.empty(), Map.of());

    Resiliency.InboundPolicy inbound = Resources.load(config, name -> null).resiliency().pubsubInbound("pubsub");

    assertThat(inbound.timeout()).contains(Duration.ofSeconds(3));
    assertThat(inbound.retry().orElseThrow().exponential()).isTrue();
    assertThat(inbound.retry().orElseThrow().maxRetries()).isEqualTo(4);
    assertThat(inbound.retry().orElseThrow().maxInterval()).isEqualTo(Duration.ofSeconds(60));
  }
}
