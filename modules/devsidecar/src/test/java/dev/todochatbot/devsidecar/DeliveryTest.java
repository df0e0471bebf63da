package dev.todochatbot.devsidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.devsidecar.TestApp.Answer;
import dev.todochatbot.devsidecar.TestApp.Received;
import dev.todochatbot.embedded.testing.TestKafka;
import dev.todochatbot.platform.testing.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class DeliveryTest extends SidecarTestSupport {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  /** Counts attempts per event id, so behaviours can answer differently on redelivery. */
  private final Map<String, Integer> attempts = new ConcurrentHashMap<>();

  private int attempt(Received r) {
    return attempts.merge(r.eventId(), 1, Integer::sum);
  }

  private record Setup(String appId, String topic, TestApp app, DevSidecar sidecar) {}

  private Setup subscribe(String prefix, JsonObject subscription, Function<Received, Answer> behaviour,
      String... extraMetadata) {
    String topic = subscription.getString("topic");
    file("pubsub.yaml", kafka("pubsub", extraMetadata));
    var app = app().subscriptions(new JsonArray().add(subscription));
    for (String path : List.of(subscription.getString("route", "/events"), "/created", "/other")) {
      app.on(path, behaviour);
    }
    String appId = appId(prefix);
    var sidecar = sidecar(appId, app);
    Await.result(sidecar.subscribed());
    return new Setup(appId, topic, app, sidecar);
  }

  private Setup subscribe(String prefix, Function<Received, Answer> behaviour, String... extraMetadata) {
    return subscribe(prefix, subscription(TestKafka.newTopic(prefix), "/events"), behaviour, extraMetadata);
  }

  private static void publish(DevSidecar sidecar, String topic, String key, JsonObject data) {
    var answer = http(sidecar).send("POST", "/v1.0/publish/pubsub/" + topic + "?metadata.partitionKey=" + key
        + "&metadata.note=from-test", null, data.encode(), Map.of("traceparent", TRACEPARENT));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(204);
  }

  /**
   * A consumer whose loop fails (a client or broker error) is never silently gone: the sidecar's health says 500
   * while it fails, it polls again after a backoff, and the events published meanwhile arrive, in order.
   */
  @Test
  void aFailingConsumerMakesTheSidecarUnhealthyAndPollsAgainWithoutLosingAnEvent() {
    var s = subscribe("failing", r -> Answer.ok("{\"status\":\"SUCCESS\"}"));
    publish(s.sidecar(), s.topic(), "k", new JsonObject().put("n", 0));
    s.app().await("/events", 1, WAIT);
    assertThat(http(s.sidecar()).send("GET", "/v1.0/healthz", null, null, Map.of()).status()).isEqualTo(204);

    // 100 + 200 + 400 + 800 ms of backoff: long enough to see
    s.sidecar().consumers().get(0).failNextPolls(4, new IllegalStateException("injected: the client failed"));
    Await.until(WAIT, () -> http(s.sidecar()).send("GET", "/v1.0/healthz", null, null, Map.of()).status() == 500,
        () -> "the sidecar never said its consumer fails");
    for (int n = 1; n <= 3; n++) {
      publish(s.sidecar(), s.topic(), "k", new JsonObject().put("n", n));
    }
    var received = s.app().await("/events", 4, WAIT);
    assertThat(received).extracting(r -> r.json().getJsonObject("data").getInteger("n")).containsExactly(0, 1, 2, 3);
    Await.until(WAIT, () -> http(s.sidecar()).send("GET", "/v1.0/healthz", null, null, Map.of()).status() == 204,
        () -> "the sidecar never said it is healthy again");
  }

  @Test
  void successEmptyAndNonJsonAnswersAckAndKafkaFactsArriveAsHeaders() {
    var answers = List.of(Answer.ok("{\"status\":\"SUCCESS\"}"), Answer.ok(""), Answer.ok("thanks"));
    var next = new java.util.concurrent.atomic.AtomicInteger();
    var s = subscribe("success", r -> answers.get(Math.min(next.getAndIncrement(), 2)));

    for (int i = 0; i < 3; i++) {
      publish(s.sidecar(), s.topic(), "k", new JsonObject().put("n", i));
    }

    var received = s.app().await("/events", 3, WAIT);
    Await.until(WAIT, () -> committedTotal(s.appId(), s.topic()) == 3, () -> "committed " + committed(s.appId(), s.topic()));
    assertThat(s.app().received("/events")).hasSize(3);
    Received first = received.get(0);
    assertThat(first.header("Content-Type")).isEqualTo("application/cloudevents+json");
    assertThat(first.header("__key")).isEqualTo("k");
    assertThat(first.header("__topic")).isEqualTo(s.topic());
    assertThat(first.header("__offset")).isEqualTo("0");
    assertThat(first.header("__partition")).isEqualTo(String.valueOf(partition("k")));
    assertThat(first.header("note")).isEqualTo("from-test");
    // the delivery is a span of its own under the publish's, itself under the publisher's (as daprd's)
    assertChildSpan(first.header("traceparent"), TRACEPARENT);
    assertThat(first.json().getJsonObject("data").getInteger("n")).isZero();
    assertThat(first.json().getString("source")).isEqualTo(s.appId());
  }

  @Test
  void retryUnknownStatusAnd500AreRetriedUntilSuccess() {
    var s = subscribe("retry", r -> switch (attempt(r)) {
      case 1 -> Answer.ok("{\"status\":\"RETRY\"}");
      case 2 -> Answer.ok("{\"status\":\"success\"}");
      case 3 -> Answer.status(500, "boom");
      default -> Answer.ok("{\"status\":\"SUCCESS\"}");
    });

    publish(s.sidecar(), s.topic(), "k", new JsonObject().put("n", 1));

    var received = s.app().await("/events", 4, WAIT);
    assertThat(received).extracting(Received::eventId).containsOnly(received.get(0).eventId());
    Await.until(WAIT, () -> committedTotal(s.appId(), s.topic()) == 1, () -> "not committed");
    assertThat(s.app().received("/events")).hasSize(4);
  }

  @Test
  void dropIsAckedWithoutDeadLetterTopicAndDeadLetteredWithOne() {
    String dlq = TestKafka.newTopic("dlq");
    String plain = TestKafka.newTopic("drop-plain");
    String dead = TestKafka.newTopic("drop-dead");
    file("pubsub.yaml", kafka("pubsub"));
    var app = app().subscriptions(new JsonArray()
            .add(subscription(plain, "/plain"))
            .add(subscription(dead, "/dead").put("deadLetterTopic", dlq)))
        .on("/plain", r -> Answer.ok("{\"status\":\"DROP\"}"))
        .on("/dead", r -> Answer.ok("{\"status\":\"DROP\"}"));
    String appId = appId("drop");
    var sidecar = sidecar(appId, app);
    Await.result(sidecar.subscribed());

    publish(sidecar, plain, "k", new JsonObject().put("to", "plain"));
    publish(sidecar, dead, "k", new JsonObject().put("to", "dead"));

    var dropped = TestKafka.awaitRecords(dlq, 1, WAIT).get(0);
    String original = app.await("/dead", 1, WAIT).get(0).body();
    assertThat(new JsonObject(dropped.value())).isEqualTo(new JsonObject(original));
    Await.until(WAIT, () -> committedTotal(appId, plain) == 1 && committedTotal(appId, dead) == 1, () -> "not committed");
    assertThat(app.received("/plain")).hasSize(1);
    assertThat(app.received("/dead")).hasSize(1);
    assertThat(TestKafka.readAll(dlq)).hasSize(1);
  }

  @Test
  void notFoundIsDroppedAndNeverDeadLettered() {
    String dlq = TestKafka.newTopic("dlq");
    var s = subscribe("not-found", subscription(TestKafka.newTopic("not-found"), "/nowhere").put("deadLetterTopic", dlq),
        r -> Answer.status(404, "no such route"));

    publish(s.sidecar(), s.topic(), "k", new JsonObject());

    Await.until(WAIT, () -> committedTotal(s.appId(), s.topic()) == 1, () -> "not committed");
    assertThat(s.app().received("/nowhere")).hasSize(1);
    assertThat(TestKafka.readAll(dlq)).isEmpty();
  }

  @Test
  void withADeadLetterTopicAFailureIsDeadLetteredAtOnceAsDaprdDoes() {
    String dlq = TestKafka.newTopic("dlq");
    var s = subscribe("fail-dlq", subscription(TestKafka.newTopic("fail-dlq"), "/events").put("deadLetterTopic", dlq),
        r -> Answer.ok("{\"status\":\"RETRY\"}"));

    publish(s.sidecar(), s.topic(), "k", new JsonObject().put("n", 7));

    var dead = TestKafka.awaitRecords(dlq, 1, WAIT).get(0);
    assertThat(new JsonObject(dead.value()).getJsonObject("data").getInteger("n")).isEqualTo(7);
    assertThat(dead.key()).as("partitionKey travels on as metadata").isEqualTo("k");
    Await.until(WAIT, () -> committedTotal(s.appId(), s.topic()) == 1, () -> "not committed");
    assertThat(s.app().received("/events")).hasSize(1);
  }

  @Test
  void whenRetriesRunOutTheRecordIsSkippedAndTheNextOneDelivered() {
    var s = subscribe("exhausted", r -> r.json().getJsonObject("data").getBoolean("poison")
        ? Answer.status(503, "no") : Answer.ok(""), "backOffMaxRetries: 2");

    publish(s.sidecar(), s.topic(), "k", new JsonObject().put("poison", true));
    publish(s.sidecar(), s.topic(), "k", new JsonObject().put("poison", false));

    var received = s.app().await("/events", 4, WAIT);
    assertThat(received).extracting(r -> r.json().getJsonObject("data").getBoolean("poison"))
        .containsExactly(true, true, true, false);
    Await.until(WAIT, () -> committedTotal(s.appId(), s.topic()) == 2, () -> "not committed");
  }

  @Test
  void anAppThatIsDownGetsTheEventOnceItIsBack() {
    var s = subscribe("app-down", r -> Answer.ok(""));
    s.app().stop();

    publish(s.sidecar(), s.topic(), "k", new JsonObject().put("n", 1));
    Await.until(WAIT, () -> s.sidecar().failedDeliveries() >= 2, () -> "no failed attempts");
    assertThat(committed(s.appId(), s.topic())).isEmpty();
    s.app().restart();

    assertThat(s.app().await("/events", 1, WAIT).get(0).json().getJsonObject("data").getInteger("n")).isEqualTo(1);
    Await.until(WAIT, () -> committedTotal(s.appId(), s.topic()) == 1, () -> "not committed");
  }

  @Test
  void aRetryingPartitionBlocksOnlyItselfAndOrderHoldsPerPartition() {
    String slow = "slow";
    String fast = keyOnAnotherPartition(slow);
    var release = new AtomicBoolean();
    Map<String, List<Integer>> accepted = Map.of(slow, new CopyOnWriteArrayList<>(), fast, new CopyOnWriteArrayList<>());
    var s = subscribe("order", r -> {
      JsonObject data = r.json().getJsonObject("data");
      if (data.getString("key").equals(slow) && !release.get()) {
        return Answer.status(500, "not yet");
      }
      // a hiccup on every third event, to mix retries into the stream
      if (data.getInteger("seq") % 3 == 1 && attempt(r) == 1) {
        return Answer.ok("{\"status\":\"RETRY\"}");
      }
      accepted.get(data.getString("key")).add(data.getInteger("seq"));
      return Answer.ok("");
    });

    for (int seq = 0; seq < 10; seq++) {
      publish(s.sidecar(), s.topic(), slow, new JsonObject().put("key", slow).put("seq", seq));
      publish(s.sidecar(), s.topic(), fast, new JsonObject().put("key", fast).put("seq", seq));
    }

    Await.until(WAIT, () -> accepted.get(fast).size() == 10, () -> "fast: " + accepted.get(fast));
    assertThat(attemptedSeqs(s.app(), slow)).as("only the first slow event was tried").containsOnly(0);
    release.set(true);
    Await.until(WAIT, () -> accepted.get(slow).size() == 10, () -> "slow: " + accepted.get(slow));
    assertThat(accepted.get(slow)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    assertThat(accepted.get(fast)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    Await.until(WAIT, () -> committedTotal(s.appId(), s.topic()) == 20, () -> "committed " + committed(s.appId(), s.topic()));
  }

  @Test
  void nothingIsLostWhenTheBrokerStopsAndStartsMidStream() {
    var s = subscribe("broker-restart", r -> Answer.ok(""));
    var kafka = TestKafka.embedded().orElseThrow();
    for (int i = 0; i < 10; i++) {
      publish(s.sidecar(), s.topic(), "k" + i % 4, new JsonObject().put("n", i));
    }
    kafka.stop();
    kafka.restart();
    for (int i = 10; i < 20; i++) {
      publish(s.sidecar(), s.topic(), "k" + i % 4, new JsonObject().put("n", i));
    }

    Await.until(Duration.ofSeconds(40), () -> delivered(s.app()).size() == 20, () -> "delivered " + delivered(s.app()));
  }

  @Test
  void routingRulesChooseThePathByEventType() {
    String topic = TestKafka.newTopic("routes");
    var s = subscribe("routes", new JsonObject().put("pubsubname", "pubsub").put("topic", topic)
        .put("route", "/ignored")
        .put("routes", new JsonObject()
            .put("rules", new JsonArray().add(new JsonObject().put("match", "event.type == \"task.created.v1\"")
                .put("path", "/created")))
            .put("default", "/other")), r -> Answer.ok(""));

    for (String type : List.of("task.created.v1", "task.deleted.v1")) {
      var answer = http(s.sidecar()).send("POST", "/v1.0/publish/pubsub/" + topic, null,
          new JsonObject().put("id", type).put("source", "test").put("type", type).put("specversion", "1.0")
              .put("data", new JsonObject()).encode(), Map.of("Content-Type", "application/cloudevents+json"));
      assertThat(answer.status()).isEqualTo(204);
    }

    assertThat(s.app().await("/created", 1, WAIT)).extracting(Received::eventId).containsExactly("task.created.v1");
    assertThat(s.app().await("/other", 1, WAIT)).extracting(Received::eventId).containsExactly("task.deleted.v1");
    assertThat(s.app().received("/ignored")).isEmpty();
  }

  @Test
  void declarativeSubscriptionsApplyToTheAppsInTheirScopes() {
    String topic = TestKafka.newTopic("declared");
    String appId = appId("declared");
    file("pubsub.yaml", kafka("pubsub"));
    file("subscriptions.yaml", """
        apiVersion: dapr.io/v2alpha1
        kind: Subscription
        metadata:
          name: mine
        spec:
          pubsubname: pubsub
          topic: %s
          routes:
            default: /declared
        scopes:
          - %s
        ---
        apiVersion: dapr.io/v2alpha1
        kind: Subscription
        metadata:
          name: theirs
        spec:
          pubsubname: pubsub
          topic: not-for-me
          routes:
            default: /theirs
        scopes:
          - another-app
        ---
        apiVersion: dapr.io/v1alpha1
        kind: Resiliency
        metadata:
          name: ignored
        spec: {}
        """.formatted(topic, appId));
    var app = app().on("/declared", r -> Answer.ok(""));
    var sidecar = sidecar(appId, app);
    Await.result(sidecar.subscribed());

    assertThat(sidecar.subscribedTopics()).isEqualTo(Map.of("pubsub", java.util.Set.of(topic)));
    publish(sidecar, topic, "k", new JsonObject().put("n", 1));
    assertThat(app.await("/declared", 1, WAIT)).hasSize(1);
  }

  @Test
  void rawPayloadSubscriptionsGetTheBytesAsBase64InANewEnvelope() {
    String topic = TestKafka.newTopic("raw");
    var s = subscribe("raw", subscription(topic, "/events").put("metadata", new JsonObject().put("rawPayload", "true")),
        r -> Answer.ok(""));

    var answer = http(s.sidecar()).send("POST", "/v1.0/publish/pubsub/" + topic + "?metadata.rawPayload=true", null,
        "not json at all", Map.of("Content-Type", "text/plain"));
    assertThat(answer.status()).isEqualTo(204);

    JsonObject event = s.app().await("/events", 1, WAIT).get(0).json();
    assertThat(event.getString("datacontenttype")).isEqualTo("application/octet-stream");
    assertThat(new String(java.util.Base64.getDecoder().decode(event.getString("data_base64")), StandardCharsets.UTF_8))
        .isEqualTo("not json at all");
  }

  private List<Integer> attemptedSeqs(TestApp app, String key) {
    return app.received("/events").stream().map(r -> r.json().getJsonObject("data"))
        .filter(d -> d.getString("key").equals(key)).map(d -> d.getInteger("seq")).distinct().toList();
  }

  private static List<Integer> delivered(TestApp app) {
    return app.received("/events").stream().map(r -> r.json().getJsonObject("data").getInteger("n")).distinct()
        .sorted().toList();
  }

  private static int partition(String key) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % TestKafka.PARTITIONS;
  }

  private static String keyOnAnotherPartition(String key) {
    for (int i = 0; ; i++) {
      String candidate = "fast-" + i;
      if (partition(candidate) != partition(key)) {
        return candidate;
      }
    }
  }
}
