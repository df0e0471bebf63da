package dev.todochatbot.devsidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.todochatbot.daprd.DaprdBinary;
import dev.todochatbot.devsidecar.ContractRig.Kind;
import dev.todochatbot.devsidecar.ContractRig.Scenario;
import dev.todochatbot.devsidecar.TestApp.Received;
import dev.todochatbot.embedded.testing.TestKafka;
import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The devsidecar's contract with daprd: every test sends the same requests and deliveries through the
 * devsidecar and through a real daprd 1.16 (skipped, saying why, when {@code make daprd} has not built
 * it), and asserts the same answers. Where the two differ and the devsidecar keeps its way, the test
 * asserts each side's answer with {@link #differs} and names the row (D1, D2, ...) of the table of
 * differences in the module's README, so that it fails when either side changes.
 *
 * <p>The sidecars of each kind are started once and shared (see {@link ContractRig}); every test works
 * on keys, paths or topics of its own.
 */
class SidecarContractTest {

  private static final Env ENV = Env.system();
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String NO_APP_ID = "failed getting app id either from the URL path or the header dapr-app-id";
  private static final Set<String> ENVELOPE_FIELDS = Set.of("id", "source", "type", "specversion",
      "datacontenttype", "data", "topic", "pubsubname", "time", "traceid", "traceparent", "tracestate");

  private static Vertx vertx;
  private static final Map<Kind, ContractRig> rigs = new EnumMap<>(Kind.class);
  private static final Map<Kind, RuntimeException> failedRigs = new EnumMap<>(Kind.class);

  /** Runs the test once on each sidecar. */
  @Target(ElementType.METHOD)
  @Retention(RetentionPolicy.RUNTIME)
  @ParameterizedTest(name = "{0}")
  @EnumSource(Kind.class)
  @interface OnBoth {}

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopAll() {
    rigs.values().forEach(ContractRig::close);
    rigs.clear();
    Await.result(vertx.close());
  }

  /** The rig of that kind, started on first use and shared by the tests (a daprd takes seconds to start). */
  private static synchronized ContractRig rig(Kind kind) {
    if (kind == Kind.DAPRD) {
      assumeTrue(DaprdBinary.find(ENV).isPresent(), DaprdBinary.whyMissing(ENV));
    }
    if (failedRigs.containsKey(kind)) {
      throw failedRigs.get(kind);
    }
    return rigs.computeIfAbsent(kind, k -> {
      try {
        return ContractRig.start(k, vertx, Path.of("target", "contract", k.name().toLowerCase(Locale.ROOT)), ENV);
      } catch (RuntimeException e) {
        failedRigs.put(k, e);
        throw e;
      }
    });
  }

  /** What daprd does and what the devsidecar does instead, for a row of the README's table of differences. */
  private static <T> T differs(Kind kind, T daprd, T devsidecar) {
    return kind == Kind.DAPRD ? daprd : devsidecar;
  }

  // ---------------------------------------------------------------- publish

  @OnBoth
  void aJsonPublishIs204AndACloudEventWithTheKeyTheMetadataAndASpanOfItsOwn(Kind kind) {
    var rig = rig(kind);
    String topic = TestKafka.newTopic("contract-json");
    String run = run();

    var answer = rig.caller.send("POST", "/v1.0/publish/pubsub/" + topic + "?metadata.partitionKey=user-1"
        + "&metadata.cloudevent.id=" + run + "&metadata.note=hello", "{\"run\":\"" + run + "\",\"n\":12345678901234567890.5}",
        Map.of("traceparent", TRACEPARENT, "Content-Type", "application/json"));

    assertThat(answer.status()).as(answer.toString()).isEqualTo(204);
    assertThat(answer.body()).isEmpty();
    String span = answer.header("traceparent").orElseThrow();
    assertChildSpan(span, TRACEPARENT);
    var event = assertPublishedJson(rig, topic, run);
    assertThat(event.getString("time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d)");
    assertThat(event.getString("traceparent")).isEqualTo(span);
    assertThat(event.getString("traceid")).isEqualTo(span);
    assertThat(event.getString("tracestate")).isEmpty();
    assertThat(record(topic, run).value()).contains("12345678901234567890.5");
  }

  @OnBoth
  void theContentTypeDecidesHowTheDataIsCarriedAndMetadataShapesTheEnvelope(Kind kind) throws Exception {
    var rig = rig(kind);
    String topic = TestKafka.newTopic("contract-kinds");
    String run = run();
    String publish = "/v1.0/publish/pubsub/" + topic + "?metadata.partitionKey=" + run;

    assertThat(withoutContentType(rig.caller, publish, "none " + run)).isEqualTo(204);
    assertThat(rig.caller.send("POST", publish, "text " + run, Map.of("Content-Type", "text/plain")).status())
        .isEqualTo(204);
    assertThat(rig.caller.send("POST", publish, "octets " + run, Map.of("Content-Type", "application/octet-stream"))
        .status()).isEqualTo(204);
    assertThat(rig.caller.send("POST", publish, "{not json " + run, Map.of("Content-Type", "application/json"))
        .status()).isEqualTo(204);
    assertThat(rig.caller.send("PUT", publish + "&metadata.cloudevent.source=src&metadata.cloudevent.type=t1"
        + "&metadata.ttlInSeconds=60", "{\"put\":\"" + run + "\"}", Map.of()).status()).isEqualTo(204);
    assertThat(rig.caller.send("POST", publish + "&metadata.rawPayload=true", "{\"raw\":\"" + run + "\"}", Map.of())
        .status()).isEqualTo(204);

    var records = TestKafka.awaitRecords(topic, 6, WAIT);
    JsonObject none = new JsonObject(records.get(0).value());
    assertThat(none.getString("datacontenttype")).isEqualTo("text/plain");
    assertThat(none.getString("data")).isEqualTo("none " + run);
    assertChildSpan(none.getString("traceparent"), null);
    JsonObject text = new JsonObject(records.get(1).value());
    assertThat(text.getString("datacontenttype")).isEqualTo("text/plain");
    assertThat(text.getString("data")).isEqualTo("text " + run);
    JsonObject octets = new JsonObject(records.get(2).value());
    assertThat(octets.getString("datacontenttype")).isEqualTo("application/octet-stream");
    assertThat(octets.containsKey("data")).isFalse();
    assertThat(new String(Base64.getDecoder().decode(octets.getString("data_base64")), StandardCharsets.UTF_8))
        .isEqualTo("octets " + run);
    JsonObject notJson = new JsonObject(records.get(3).value());
    assertThat(notJson.getString("datacontenttype")).isEqualTo("application/json");
    assertThat(notJson.getString("data")).isEqualTo("{not json " + run);
    JsonObject put = new JsonObject(records.get(4).value());
    assertThat(put.getString("source")).isEqualTo("src");
    assertThat(put.getString("type")).isEqualTo("t1");
    assertThat(put.getString("expiration")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    assertThat(put.getJsonObject("data").getString("put")).isEqualTo(run);
    assertThat(records.get(4).headerMap()).containsEntry("cloudevent.source", "src").containsEntry("ttlInSeconds", "60");
    assertThat(records.get(5).value()).isEqualTo("{\"raw\":\"" + run + "\"}");
    assertThat(records.get(5).headerMap()).isEqualTo(Map.of("partitionKey", run, "rawPayload", "true"));
  }

  @OnBoth
  void aCloudEventIsPassedThroughWithTopicPubsubTimeAndTraceAdded(Kind kind) {
    var rig = rig(kind);
    String topic = TestKafka.newTopic("contract-passthrough");
    String run = run();
    String publish = "/v1.0/publish/pubsub/" + topic + "?metadata.partitionKey=" + run;
    var ce = Map.of("Content-Type", "application/cloudevents+json", "traceparent", TRACEPARENT);

    var full = rig.caller.send("POST", publish, new JsonObject().put("id", "full-" + run).put("source", "elsewhere")
        .put("type", "task.created.v1").put("specversion", "1.0").put("datacontenttype", "application/json")
        .put("data", new JsonObject().put("a", 1)).encode(), ce);
    var minimal = rig.caller.send("POST", publish + "&metadata.cloudevent.type=ignored",
        new JsonObject().put("id", "min-" + run).put("data", 1).encode(), ce);
    var traced = rig.caller.send("POST", publish, new JsonObject().put("id", "traced-" + run)
        .put("traceid", "00-11111111111111111111111111111111-2222222222222222-01").encode(), ce);

    assertThat(List.of(full.status(), minimal.status(), traced.status())).containsOnly(204);
    var records = TestKafka.awaitRecords(topic, 3, WAIT);
    JsonObject passed = new JsonObject(records.get(0).value());
    assertThat(passed.getString("id")).isEqualTo("full-" + run);
    assertThat(passed.getString("source")).isEqualTo("elsewhere");
    assertThat(passed.getString("type")).isEqualTo("task.created.v1");
    assertThat(passed.getString("topic")).isEqualTo(topic);
    assertThat(passed.getString("pubsubname")).isEqualTo("pubsub");
    assertThat(passed.getString("time")).isNotBlank();
    assertThat(passed.getString("traceparent")).isEqualTo(full.header("traceparent").orElseThrow());
    assertThat(passed.getString("tracestate")).isEmpty();
    JsonObject filled = new JsonObject(records.get(1).value());
    assertThat(filled.getString("source")).isEqualTo("Dapr");
    assertThat(filled.getString("type")).as("metadata does not override a passed-through event")
        .isEqualTo("com.dapr.event.sent");
    assertThat(filled.getString("specversion")).isEqualTo("1.0");
    assertThat(filled.containsKey("datacontenttype")).isFalse();
    JsonObject own = new JsonObject(records.get(2).value());
    assertThat(own.getString("traceid")).isEqualTo("00-11111111111111111111111111111111-2222222222222222-01");
    assertThat(own.containsKey("traceparent")).as("an event with a traceid keeps its own trace").isFalse();
  }

  @OnBoth
  void publishErrorsHaveDaprdsStatusErrorCodeAndMessage(Kind kind) {
    var rig = rig(kind);
    var none = new JsonObject();

    assertError(rig.caller.send("POST", "/v1.0/publish/nope/topic", "{}", Map.of()), 404, "ERR_PUBSUB_NOT_FOUND",
        "pubsub nope is not found");
    assertError(rig.callee.send("POST", "/v1.0/publish/pubsub/topic", "{}", Map.of()), 404, "ERR_PUBSUB_NOT_FOUND",
        "pubsub pubsub is not found");
    for (String path : List.of("/v1.0/publish/pubsub/", "/v1.0/publish//topic", "/v1.0/publish/pubsub")) {
      assertError(rig.caller.send("POST", path, none.encode(), Map.of()), 404, "ERR_DIRECT_INVOKE", NO_APP_ID);
    }
    assertError(rig.caller.send("GET", "/v1.0/publish/pubsub/topic", null, Map.of()), 404, "ERR_DIRECT_INVOKE",
        NO_APP_ID);
    assertError(rig.caller.send("POST", "/v1.0/publish/pubsub/topic?metadata.rawPayload=maybe", "{}", Map.of()), 400,
        "ERR_PUBSUB_REQUEST_METADATA",
        "failed deserializing metadata. Error: rawPayload value must be a valid boolean: actual is 'maybe'");
    for (String body : List.of("[1,2]", "{broken")) {
      assertError(rig.caller.send("POST", "/v1.0/publish/pubsub/topic", body,
          Map.of("Content-Type", "application/cloudevents+json")), 500, "ERR_PUBSUB_CLOUD_EVENTS_SER",
          "cannot create cloudevent");
    }
  }

  // ---------------------------------------------------------------- publish over gRPC (DAPR_API=grpc)

  @OnBoth
  void aGrpcPublishEventIsTheSameCloudEventOnTheBrokerAsAnHttpPublish(Kind kind) {
    var rig = rig(kind);
    String topic = TestKafka.newTopic("contract-grpc");
    String run = run();
    var client = rig.caller.grpcClient(vertx, java.util.Optional.of(ContractRig.CALLER_API_TOKEN));
    try {
      Await.result(client.publish(topic, new JsonObject().put("run", run).put("n", 7).toBuffer(),
          Map.of("partitionKey", "user-1", "cloudevent.id", run, "note", "hello")));
    } finally {
      Await.result(client.close());
    }

    var event = assertPublishedJson(rig, topic, run);
    assertThat(event.getJsonObject("data")).isEqualTo(new JsonObject().put("run", run).put("n", 7));
    assertThat(event.getString("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
  }

  @OnBoth
  void grpcPublishErrorsHaveDaprdsCodesAndMessages(Kind kind) {
    var rig = rig(kind);
    var withToken = rig.caller.grpcClient(vertx, java.util.Optional.of(ContractRig.CALLER_API_TOKEN));
    var withoutToken = rig.caller.grpcClient(vertx, java.util.Optional.empty());
    var calleeClient = rig.callee.grpcClient(vertx, java.util.Optional.empty());
    try {
      assertGrpcError(withoutToken.publish("topic", io.vertx.core.buffer.Buffer.buffer("{}"), Map.of()), "UNAUTHENTICATED",
          "Unauthorized");
      assertGrpcError(calleeClient.publish("topic", io.vertx.core.buffer.Buffer.buffer("{}"), Map.of()), "INVALID_ARGUMENT",
          "pubsub pubsub is not found");
      assertGrpcError(withToken.publish("", io.vertx.core.buffer.Buffer.buffer("{}"), Map.of()), "INVALID_ARGUMENT", "topic is empty");
      assertGrpcError(withToken.publish("topic", io.vertx.core.buffer.Buffer.buffer("{}"), Map.of("rawPayload", "maybe")),
          "INVALID_ARGUMENT", "rawPayload value must be a valid boolean: actual is 'maybe'");
    } finally {
      Await.result(withToken.close());
      Await.result(withoutToken.close());
      Await.result(calleeClient.close());
    }
  }

  // ---------------------------------------------------------------- streaming subscriptions (DAPR_SUBSCRIBE=stream)

  /**
   * The app dials the sidecar (SubscribeTopicEventsAlpha1) and gets the topic's events in order, each in daprd's
   * gRPC envelope; SUCCESS acks, and with a dead-letter topic RETRY and DROP go there at once, as over HTTP.
   */
  @OnBoth
  void aStreamingSubscriptionGetsEveryEventInOrderAndItsAnswersSettleThemAsOverHttp(Kind kind) {
    var rig = rig(kind);
    String topic = TestKafka.newTopic("contract-stream");
    String deadLetter = TestKafka.newTopic("contract-stream-dead");
    String run = run();
    var client = rig.caller.grpcClient(vertx, java.util.Optional.of(ContractRig.CALLER_API_TOKEN));
    var streams = dev.todochatbot.platform.EventStreams.of(vertx, "contract-" + run);
    var received = new java.util.concurrent.CopyOnWriteArrayList<dev.todochatbot.platform.events.CloudEvent>();
    var answers = Map.of(1, dev.todochatbot.platform.events.EventStatus.RETRY, 2,
        dev.todochatbot.platform.events.EventStatus.DROP);
    try {
      streams.subscribe(vertx, client, "pubsub", topic, java.util.Optional.of(deadLetter), Map.of(), event -> {
        var envelope = dev.todochatbot.platform.events.CloudEvent.of(event);
        received.add(envelope);
        return io.vertx.core.Future.succeededFuture(answers.getOrDefault(envelope.data().getInteger("n"),
            dev.todochatbot.platform.events.EventStatus.SUCCESS));
      }, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
      Await.result(streams.start());
      Await.result(streams.readiness());

      for (int n = 0; n < 5; n++) {
        var answer = rig.caller.send("POST", "/v1.0/publish/pubsub/" + topic + "?metadata.partitionKey=" + run,
            new JsonObject().put("run", run).put("n", n).encode(), Map.of("Content-Type", "application/json"));
        assertThat(answer.status()).as(answer.toString()).isEqualTo(204);
      }
      Await.until(Duration.ofSeconds(30), () -> received.size() >= 5, () -> "received " + received + rig.logs());
      assertThat(received).extracting(e -> e.data().getInteger("n")).containsExactly(0, 1, 2, 3, 4);
      var first = received.get(0);
      assertThat(first.topic()).isEqualTo(topic);
      assertThat(first.pubsubName()).isEqualTo("pubsub");
      assertThat(first.source()).isEqualTo(rig.caller.appId());
      assertThat(first.type()).isEqualTo("com.dapr.event.sent");
      assertThat(first.data()).isEqualTo(new JsonObject().put("run", run).put("n", 0));
      assertThat(first.traceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
      var dead = Await.untilPresent(Duration.ofSeconds(30), () -> {
        var records = TestKafka.readAll(deadLetter);
        return records.size() >= 2 ? java.util.Optional.of(records) : java.util.Optional.empty();
      }, () -> "dead letters of " + run + rig.logs());
      assertThat(dead).extracting(r -> new JsonObject(r.value()).getJsonObject("data").getInteger("n"))
          .containsExactly(1, 2);
      // a last event on the same partition: once it is here, every one before it was settled by its one answer
      var last = rig.caller.send("POST", "/v1.0/publish/pubsub/" + topic + "?metadata.partitionKey=" + run,
          new JsonObject().put("run", run).put("n", 5).encode(), Map.of("Content-Type", "application/json"));
      assertThat(last.status()).as(last.toString()).isEqualTo(204);
      Await.until(Duration.ofSeconds(30), () -> received.size() >= 6, () -> "received " + received + rig.logs());
      assertThat(received).extracting(e -> e.data().getInteger("n")).containsExactly(0, 1, 2, 3, 4, 5);
    } finally {
      Await.result(streams.close(vertx));
      Await.result(client.close());
    }
  }

  /**
   * The one record of {@code topic} carrying {@code run}, as both publish tests send it (key user-1, metadata
   * cloudevent.id and note): its key, headers and the envelope's Dapr fields; the envelope, for the rest.
   */
  private static JsonObject assertPublishedJson(ContractRig rig, String topic, String run) {
    var record = record(topic, run);
    assertThat(record.key()).isEqualTo("user-1");
    assertThat(record.headerMap()).isEqualTo(Map.of("partitionKey", "user-1", "cloudevent.id", run, "note", "hello"));
    var event = new JsonObject(record.value());
    assertThat(event.fieldNames()).isEqualTo(ENVELOPE_FIELDS);
    assertThat(event.getString("id")).isEqualTo(run);
    assertThat(event.getString("source")).isEqualTo(rig.caller.appId());
    assertThat(event.getString("type")).isEqualTo("com.dapr.event.sent");
    assertThat(event.getString("specversion")).isEqualTo("1.0");
    assertThat(event.getString("datacontenttype")).isEqualTo("application/json");
    assertThat(event.getString("topic")).isEqualTo(topic);
    assertThat(event.getString("pubsubname")).isEqualTo("pubsub");
    return event;
  }

  private static void assertGrpcError(io.vertx.core.Future<Void> call, String code, String message) {
    assertThatThrownBy(() -> Await.result(call)).cause().isInstanceOfSatisfying(
        dev.todochatbot.platform.SidecarException.class,
        e -> {
          assertThat(e.errorCode()).as(e.getMessage()).isEqualTo(code);
          assertThat(e.getMessage()).contains(message);
        });
  }

  /** README, differences: D1. */
  @OnBoth
  void onlyDaprdsPubsubErrorsCarryDetails(Kind kind) {
    var rig = rig(kind);

    var notFound = rig.caller.send("POST", "/v1.0/publish/nope/topic", "{}", Map.of()).json();

    JsonArray details = notFound.getJsonArray("details");
    assertThat(details == null ? null : details.getJsonObject(0).getString("reason"))
        .isEqualTo(differs(kind, "DAPR_PUBSUB_NOT_FOUND", null));
  }

  @OnBoth
  void aBulkPublishSendsEveryEntryEachInASpanOfItsOwn(Kind kind) {
    var rig = rig(kind);
    String topic = TestKafka.newTopic("contract-bulk");

    var answer = rig.caller.send("POST", "/v1.0-alpha1/publish/bulk/pubsub/" + topic, """
        [{"entryId":"1","event":{"n":1},"contentType":"application/json","metadata":{"partitionKey":"a"}},
         {"entryId":"2","event":"two","contentType":"text/plain","metadata":{"partitionKey":"a"}}]""",
        Map.of("traceparent", TRACEPARENT));

    assertThat(answer.status()).as(answer.toString()).isEqualTo(204);
    var records = TestKafka.awaitRecords(topic, 2, WAIT);
    // daprd produces a bulk's entries concurrently: one key does not keep them in the order given
    boolean inOrder = new JsonObject(records.get(0).value()).getValue("data") instanceof JsonObject;
    var first = new JsonObject(records.get(inOrder ? 0 : 1).value());
    var second = new JsonObject(records.get(inOrder ? 1 : 0).value());
    assertThat(records).extracting(TestKafka.Received::key).containsOnly("a");
    assertThat(first.getJsonObject("data").getInteger("n")).isEqualTo(1);
    assertThat(second.getString("data")).isEqualTo("two");
    assertThat(second.getString("datacontenttype")).isEqualTo("text/plain");
    assertChildSpan(first.getString("traceparent"), TRACEPARENT);
    assertChildSpan(second.getString("traceparent"), TRACEPARENT);
    assertThat(first.getString("traceparent")).isNotEqualTo(second.getString("traceparent"));
  }

  // ---------------------------------------------------------------- delivery

  @OnBoth
  void theAppGetsTheRecordAsPublishedWithKafkaFactsAsHeadersInASpanOfItsOwn(Kind kind) {
    var rig = rig(kind);
    String topic = rig.topic(Scenario.ENVELOPE);
    String run = run();

    var answer = rig.caller.send("POST", "/v1.0/publish/pubsub/" + topic + "?metadata.partitionKey=" + run
        + "&metadata.cloudevent.id=" + run + "&metadata.note=hello", new JsonObject().put("run", run).encode(),
        Map.of("traceparent", TRACEPARENT, "tracestate", "vendor=1", "Content-Type", "application/json"));
    assertThat(answer.status()).isEqualTo(204);

    var record = record(topic, run);
    Received delivered = Await.untilPresent(WAIT, () -> rig.callerApp.received(Scenario.ENVELOPE.route()).stream()
        .filter(r -> r.body().contains(run)).findFirst(), () -> "not delivered" + rig.logs());
    assertThat(new JsonObject(delivered.body())).isEqualTo(new JsonObject(record.value()));
    assertThat(delivered.method().name()).isEqualTo("POST");
    assertThat(delivered.header("Content-Type")).isEqualTo("application/cloudevents+json");
    assertThat(delivered.header("__key")).isEqualTo(run);
    assertThat(delivered.header("__topic")).isEqualTo(topic);
    assertThat(delivered.header("__partition")).isEqualTo(String.valueOf(record.partition()));
    assertThat(delivered.header("__offset")).isEqualTo(String.valueOf(record.offset()));
    assertThat(delivered.header("__timestamp")).matches("\\d{13}");
    assertThat(delivered.header("pubsubName")).isEqualTo("pubsub");
    assertThat(delivered.header("partitionKey")).isEqualTo(run);
    assertThat(delivered.header("cloudevent.id")).isEqualTo(run);
    assertThat(delivered.header("note")).isEqualTo("hello");
    assertThat(delivered.headers().getAll("dapr-api-token")).containsExactly(ContractRig.CALLER_APP_TOKEN);
    String envelopeSpan = delivered.json().getString("traceparent");
    assertThat(delivered.json().getString("tracestate")).isEqualTo("vendor=1");
    assertChildSpan(delivered.header("traceparent"), envelopeSpan);
    assertThat(delivered.header("tracestate")).as("tracestate stays in the envelope").isNull();
  }

  @OnBoth
  void everySuccessfulAnswerSettlesTheEventAtTheFirstAttempt(Kind kind) {
    var rig = rig(kind);
    String run = run();
    List<JsonObject> answers = List.of(answer(200, "{\"status\":\"SUCCESS\"}"), answer(200, ""), answer(200, "thanks"),
        answer(204, ""), answer(200, "{\"status\":\"\"}"), answer(201, "{\"status\":\"SUCCESS\"}"),
        answer(200, "{\"status\":7}"), answer(200, "[\"x\"]"));

    for (int n = 0; n < answers.size(); n++) {
      publish(rig, Scenario.ANSWERS, run, n, answers.get(n));
    }

    var last = sentinel(rig, Scenario.ANSWERS, run);
    for (int n = 0; n < answers.size(); n++) {
      assertThat(attempts(rig, Scenario.ANSWERS, run, n)).as("%s", answers.get(n)).hasSize(1);
    }
    awaitCommittedPast(rig, Scenario.ANSWERS, last);
  }

  @OnBoth
  void retryUnknownStatusesAndErrorStatusesAreRetriedUntilTheAppSucceeds(Kind kind) {
    var rig = rig(kind);
    String run = run();

    publish(rig, Scenario.ANSWERS, run, 0, answer(200, "{\"status\":\"RETRY\"}"), answer(200, "{\"status\":\"success\"}"),
        answer(500, "boom"), answer(503, "later"), answer(400, "bad"), answer(429, "slow down"),
        answer(200, "{\"status\":\"SUCCESS\"}"));

    var last = sentinel(rig, Scenario.ANSWERS, run);
    var attempts = attempts(rig, Scenario.ANSWERS, run, 0);
    assertThat(attempts).hasSize(7);
    assertThat(attempts).extracting(Received::eventId).containsOnly(attempts.get(0).eventId());
    awaitCommittedPast(rig, Scenario.ANSWERS, last);
  }

  @OnBoth
  void withoutADeadLetterTopicDropAndNotFoundAreAckedAtOnce(Kind kind) {
    var rig = rig(kind);
    String run = run();

    publish(rig, Scenario.ANSWERS, run, 0, answer(200, "{\"status\":\"DROP\"}"));
    publish(rig, Scenario.ANSWERS, run, 1, answer(404, "no such route"));

    var last = sentinel(rig, Scenario.ANSWERS, run);
    assertThat(attempts(rig, Scenario.ANSWERS, run, 0)).hasSize(1);
    assertThat(attempts(rig, Scenario.ANSWERS, run, 1)).hasSize(1);
    awaitCommittedPast(rig, Scenario.ANSWERS, last);
  }

  @OnBoth
  void withADeadLetterTopicDropAndFailuresAreDeadLetteredAtOnceButNotFoundIsNot(Kind kind) {
    var rig = rig(kind);
    String run = run();

    publish(rig, Scenario.DEAD_LETTERED, run, 0, answer(200, "{\"status\":\"DROP\"}"));
    publish(rig, Scenario.DEAD_LETTERED, run, 1, answer(404, "no such route"));
    publish(rig, Scenario.DEAD_LETTERED, run, 2, answer(200, "{\"status\":\"RETRY\"}"));
    publish(rig, Scenario.DEAD_LETTERED, run, 3, answer(500, "boom"));

    var last = sentinel(rig, Scenario.DEAD_LETTERED, run);
    for (int n = 0; n < 4; n++) {
      assertThat(attempts(rig, Scenario.DEAD_LETTERED, run, n)).as("event %d", n).hasSize(1);
    }
    awaitCommittedPast(rig, Scenario.DEAD_LETTERED, last);
    var dead = TestKafka.readAll(rig.deadLetterTopic(Scenario.DEAD_LETTERED)).stream()
        .filter(r -> r.value().contains(run)).toList();
    assertThat(dead).extracting(r -> new JsonObject(r.value()).getJsonObject("data").getInteger("n"))
        .containsExactly(0, 2, 3);
    var first = dead.get(0);
    assertThat(new JsonObject(first.value()))
        .isEqualTo(new JsonObject(attempts(rig, Scenario.DEAD_LETTERED, run, 0).get(0).body()));
    assertThat(first.key()).isEqualTo(run);
    assertThat(first.headerMap().keySet()).isEqualTo(Set.of("partitionKey", "__key", "__offset", "__topic",
        "__timestamp", "__partition", "pubsubName"));
    assertThat(first.headerMap()).containsEntry("__topic", rig.topic(Scenario.DEAD_LETTERED));
  }

  @OnBoth
  void theResiliencyPolicyRetriesEachFailureBoundsEachAttemptAndThenTheComponentDecides(Kind kind) {
    var rig = rig(kind);
    String run = run();

    publish(rig, Scenario.RESILIENT_DEAD_LETTERED, run, 0, answer(200, "{\"status\":\"RETRY\"}"));
    publish(rig, Scenario.RESILIENT, run, 1, answer(500, "boom"));
    publish(rig, Scenario.RESILIENT, run, 2, answer(200, "", 2500), answer(200, ""));

    sentinel(rig, Scenario.RESILIENT_DEAD_LETTERED, run);
    sentinel(rig, Scenario.RESILIENT, run);
    // retry twice (3 attempts), then to the dead-letter topic
    assertThat(attempts(rig, Scenario.RESILIENT_DEAD_LETTERED, run, 0)).hasSize(3);
    assertThat(TestKafka.readAll(rig.deadLetterTopic(Scenario.RESILIENT_DEAD_LETTERED)).stream()
        .filter(r -> r.value().contains(run))).hasSize(1);
    // without one, the component's retries (backOffMaxRetries 1) re-run the whole policy: 2 x 3 attempts, then
    // the event is skipped and the next one delivered
    assertThat(attempts(rig, Scenario.RESILIENT, run, 1)).hasSize(6);
    // an attempt past the 1s timeout fails and is retried
    assertThat(attempts(rig, Scenario.RESILIENT, run, 2)).hasSize(2);
  }

  @OnBoth
  void aRawPayloadSubscriptionGetsTheBytesInANewEnvelopeWithoutATrace(Kind kind) {
    var rig = rig(kind);
    String run = run();

    var answer = rig.caller.send("POST", "/v1.0/publish/pubsub/" + rig.topic(Scenario.RAW) + "?metadata.rawPayload=true",
        "raw " + run, Map.of("Content-Type", "text/plain", "traceparent", TRACEPARENT));
    assertThat(answer.status()).isEqualTo(204);

    Received delivered = Await.untilPresent(WAIT, () -> rig.callerApp.received(Scenario.RAW.route()).stream()
        .filter(r -> new String(Base64.getDecoder().decode(r.json().getString("data_base64")), StandardCharsets.UTF_8)
            .equals("raw " + run)).findFirst(), () -> "not delivered" + rig.logs());
    JsonObject event = delivered.json();
    assertThat(event.fieldNames()).isEqualTo(Set.of("id", "specversion", "datacontenttype", "source", "type", "topic",
        "pubsubname", "data_base64"));
    assertThat(event.getString("datacontenttype")).isEqualTo("application/octet-stream");
    assertThat(event.getString("source")).isEqualTo("Dapr");
    assertThat(event.getString("type")).isEqualTo("com.dapr.event.sent");
    assertThat(event.getString("topic")).isEqualTo(rig.topic(Scenario.RAW));
    assertThat(delivered.header("rawPayload")).isEqualTo("true");
    assertThat(delivered.header("traceparent")).isNull();
  }

  @OnBoth
  void routingRulesChooseThePathByEventType(Kind kind) {
    var rig = rig(kind);
    String run = run();

    for (String type : List.of("contract.created", "contract.deleted")) {
      var answer = rig.caller.send("POST", "/v1.0/publish/pubsub/" + rig.topic(Scenario.ROUTED), new JsonObject()
          .put("id", type + "-" + run).put("source", "test").put("type", type).put("specversion", "1.0")
          .put("data", new JsonObject()).encode(), Map.of("Content-Type", "application/cloudevents+json"));
      assertThat(answer.status()).isEqualTo(204);
    }

    String created = Scenario.ROUTED.route() + "/created";
    String other = Scenario.ROUTED.route() + "/other";
    Await.until(WAIT, () -> rig.callerApp.received(other).stream().anyMatch(r -> r.eventId().endsWith(run)),
        () -> "the other event did not arrive" + rig.logs());
    assertThat(rig.callerApp.received(created)).extracting(Received::eventId).filteredOn(id -> id.endsWith(run))
        .containsExactly("contract.created-" + run);
    assertThat(rig.callerApp.received(other)).extracting(Received::eventId).filteredOn(id -> id.endsWith(run))
        .containsExactly("contract.deleted-" + run);
  }

  // ---------------------------------------------------------------- what the sidecar asks of its app

  @OnBoth
  void theSidecarAsksForTheConfigurationThenTheSubscriptionsWithTheAppToken(Kind kind) {
    var rig = rig(kind);

    var asked = rig.callerApp.received().stream().filter(r -> r.path().startsWith("/dapr/")).toList();

    assertThat(asked).extracting(r -> r.method() + " " + r.path())
        .containsExactly("GET /dapr/config", "GET /dapr/subscribe");
    for (Received r : asked) {
      assertThat(r.headers().getAll("dapr-api-token")).containsExactly(ContractRig.CALLER_APP_TOKEN);
      assertThat(r.header("Content-Type")).isEqualTo("application/json");
      assertThat(r.header("dapr-app-id")).isEqualTo(rig.caller.appId());
    }
  }

  /** README, differences: D2 (app health checks) and D3 (daprd's HTTP client's own headers). */
  @OnBoth
  void onlyDaprdProbesTheAppsHealthAndItsClientAddsItsOwnHeaders(Kind kind) {
    var rig = rig(kind);
    if (kind == Kind.DAPRD) {
      rig.callerApp.await("/healthz", 1, WAIT);
    }

    var probes = rig.callerApp.received("/healthz");

    assertThat(probes.isEmpty()).isEqualTo(differs(kind, false, true));
    probes.forEach(probe -> assertThat(probe.header("dapr-api-token")).as("the health probe carries no token").isNull());
    Received discovery = rig.callerApp.received("/dapr/subscribe").get(0);
    assertThat(discovery.header("User-Agent")).isEqualTo(differs(kind, "Go-http-client/1.1", null));
    assertThat(discovery.header("Accept-Encoding")).isEqualTo(differs(kind, "gzip", null));
  }

  @OnBoth
  void theCronBindingPostsAnEmptyJsonBodyWithTimeHeadersEveryTickEvenAfterAFailedOne(Kind kind) {
    var rig = rig(kind);

    var ticks = rig.callerApp.await("/tick", 3, WAIT);

    // the first tick was answered 500 (ContractRig); the binding went on
    for (Received tick : ticks.subList(0, 3)) {
      assertThat(tick.method().name()).isEqualTo("POST");
      assertThat(tick.body()).isEmpty();
      assertThat(tick.header("Content-Type")).isEqualTo("application/json");
      assertThat(tick.header("timeZone")).isEqualTo("Local");
      assertThat(tick.header("readTimeUTC")).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d+)? \\+0000 UTC");
      assertThat(tick.headers().getAll("dapr-api-token")).containsExactly(ContractRig.CALLER_APP_TOKEN);
      assertChildSpan(tick.header("traceparent"), null);
    }
    assertThat(ticks.get(0).header("traceparent")).isNotEqualTo(ticks.get(1).header("traceparent"));
    // direction: input, so no OPTIONS probe first
    assertThat(rig.callerApp.probes()).isEmpty();
  }

  // ---------------------------------------------------------------- service invocation

  @OnBoth
  void theCalleeGetsVerbPathQueryBodyAndHeadersWithDaprsOwnAndItsAppToken(Kind kind) throws IOException {
    var rig = rig(kind);
    String run = run();

    var answer = rig.caller.send("POST", "/v1.0/invoke/" + rig.callee.appId() + "/method/invoked?run=" + run
        + "&y=two%20words", "{\"a\":1}", Map.of("X-Custom", "c", "traceparent", TRACEPARENT,
        "Authorization", "Bearer t", "Content-Type", "application/json", "X-Forwarded-For", "10.1.2.3"));

    assertThat(answer.status()).isEqualTo(201);
    assertThat(answer.header("X-Answer")).contains("yes");
    assertThat(answer.contentType()).isEqualTo("application/json");
    assertThat(answer.body()).isEqualTo("{\"created\":true}");
    assertChildSpan(answer.header("traceparent").orElseThrow(), TRACEPARENT);
    Received seen = rig.calleeApp.received("/invoked").stream().filter(r -> r.query().contains(run)).findFirst()
        .orElseThrow();
    assertThat(seen.method().name()).isEqualTo("POST");
    assertThat(seen.query()).isEqualTo("run=" + run + "&y=two%20words");
    assertThat(seen.body()).isEqualTo("{\"a\":1}");
    assertThat(seen.header("X-Custom")).isEqualTo("c");
    assertThat(seen.header("Authorization")).isEqualTo("Bearer t");
    assertThat(seen.header("Content-Type")).isEqualTo("application/json");
    assertThat(seen.header("dapr-caller-app-id")).isEqualTo(rig.caller.appId());
    assertThat(seen.header("dapr-callee-app-id")).isEqualTo(rig.callee.appId());
    assertThat(seen.header("dapr-caller-namespace")).isEqualTo("default");
    String host = hostName();
    assertThat(seen.headers().getAll("X-Forwarded-For")).containsExactly("10.1.2.3", "127.0.0.1");
    assertThat(seen.headers().getAll("X-Forwarded-Host")).containsExactly(host);
    assertThat(seen.headers().getAll("Forwarded")).containsExactly("for=127.0.0.1;by=127.0.0.1;host=" + host);
    assertThat(seen.headers().getAll("dapr-api-token")).containsExactly(ContractRig.CALLEE_APP_TOKEN);
    assertChildSpan(seen.header("traceparent"), TRACEPARENT);
    assertThat(seen.header("traceparent")).isNotEqualTo(answer.header("traceparent").orElseThrow());
  }

  @OnBoth
  void theDaprAppIdHeaderRoutesAnyPathAndIsNotPassedOn(Kind kind) {
    var rig = rig(kind);
    String run = run();

    var answer = rig.caller.send("GET", "/by-header?run=" + run, null, Map.of("dapr-app-id", rig.callee.appId()));

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("by header");
    Received seen = rig.calleeApp.received("/by-header").stream().filter(r -> r.query().contains(run)).findFirst()
        .orElseThrow();
    assertThat(seen.method().name()).isEqualTo("GET");
    assertThat(seen.header("dapr-app-id")).isNull();
    assertThat(seen.header("dapr-caller-app-id")).isEqualTo(rig.caller.appId());
    assertChildSpan(seen.header("traceparent"), null);
  }

  /** README, differences: D4 (a 2xx answer without a Content-Type). */
  @OnBoth
  void theCalleesStatusHeadersAndBodyComeBackAndItsErrorsAsJsonUnlessTyped(Kind kind) {
    var rig = rig(kind);
    String invoke = "/v1.0/invoke/" + rig.callee.appId() + "/method";

    var missing = rig.caller.send("GET", invoke + "/missing", null, Map.of());
    var boom = rig.caller.send("GET", invoke + "/boom", null, Map.of());
    var noContent = rig.caller.send("DELETE", invoke + "/nocontent", null, Map.of());
    var nowhere = rig.caller.send("GET", invoke + "/nowhere", null, Map.of());
    var untyped = rig.caller.send("GET", invoke + "/untyped", null, Map.of());

    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.contentType()).isEqualTo("application/problem+json");
    assertThat(missing.body()).isEqualTo("{\"title\":\"Not found\"}");
    assertThat(boom.status()).isEqualTo(500);
    assertThat(boom.body()).isEqualTo("boom");
    assertThat(boom.contentType()).isEqualTo("application/json");
    assertThat(noContent.status()).isEqualTo(204);
    assertThat(noContent.body()).isEmpty();
    assertThat(nowhere.status()).isEqualTo(404);
    assertThat(nowhere.body()).isEmpty();
    assertThat(nowhere.contentType()).isEqualTo("application/json");
    assertThat(untyped.status()).isEqualTo(200);
    assertThat(untyped.body()).isEqualTo("plain words");
    assertThat(untyped.contentType()).isEqualTo(differs(kind, "text/plain; charset=utf-8", ""));
    assertThat(rig.calleeApp.received("/boom")).as("an error status is not retried without a policy").hasSize(1);
  }

  /** daprd 1.16 cannot stream server-sent events from one sidecar to another (dapr/dapr#9013). */
  @OnBoth
  void anEventStreamRequestToAnotherAppReachesItButComesBackAs500(Kind kind) {
    var rig = rig(kind);
    String invoke = "/v1.0/invoke/" + rig.callee.appId() + "/method";
    int before = rig.calleeApp.received("/untyped").size();

    var streamed = rig.caller.send("GET", invoke + "/untyped", null, Map.of("Accept", "text/event-stream"));
    // another type first: the ordinary path, which passes the answer on whole
    var ordinary = rig.caller.send("GET", invoke + "/untyped", null,
        Map.of("Accept", "application/json;q=0.1, text/event-stream"));

    assertError(streamed, 500, "ERR_DIRECT_INVOKE", "failed to invoke, id: " + rig.callee.appId()
        + ", err: rpc error: code = Internal desc = error invoking app channel: no response received from stream");
    assertThat(ordinary.status()).isEqualTo(200);
    assertThat(ordinary.body()).isEqualTo("plain words");
    // and daprd tried the streamed one three times: its Resiliency policy for the callee matches HTTP
    // statuses only, so it retries every gRPC error, this Internal one included (D6: the devsidecar does not)
    assertThat(rig.calleeApp.received("/untyped")).as("the callee did the work every time it was asked")
        .hasSize(differs(kind, before + 4, before + 2));
  }

  @OnBoth
  void anUnknownAppIs500AndAnInvocationThatNamesNoAppOrMethodIs404(Kind kind) {
    var rig = rig(kind);

    assertError(rig.caller.send("GET", "/v1.0/invoke/nobody-here/method/x", null, Map.of()), 500,
        "ERR_DIRECT_INVOKE", "failed to invoke, id: nobody-here, err: couldn't find service: nobody-here");
    for (String path : List.of("/v1.0/invoke/" + rig.callee.appId(), "/v1.0/invoke/" + rig.callee.appId() + "/method",
        "/v1.0/invoke/" + rig.callee.appId() + "/nomethod/x", "/v1.0/invoke//method/x", "/nothing/here")) {
      assertError(rig.caller.send("GET", path, null, Map.of()), 404, "ERR_DIRECT_INVOKE", NO_APP_ID);
    }
  }

  @OnBoth
  void anAppThatInvokesItselfGetsTheCallWithinTheApisSpanAndNoCallerHeaders(Kind kind) {
    var rig = rig(kind);

    var answer = rig.caller.send("POST", "/v1.0/invoke/" + rig.caller.appId() + "/method/self", "{}", Map.of());

    assertThat(answer.body()).isEqualTo("caller answered");
    var seen = rig.callerApp.received("/self");
    Received last = seen.get(seen.size() - 1);
    assertThat(last.header("dapr-caller-app-id")).isNull();
    assertThat(last.header("Forwarded")).isNull();
    assertThat(last.headers().getAll("dapr-api-token")).containsExactly(ContractRig.CALLER_APP_TOKEN);
    assertThat(last.header("traceparent")).isEqualTo(answer.header("traceparent").orElseThrow());
  }

  /** README, differences: D5 (daprd sends the app token to an endpoint outside Dapr). */
  @OnBoth
  void anEndpointOutsideDaprIsCalledAsItIsWithinTheApisSpan(Kind kind) {
    var rig = rig(kind);
    String run = run();
    String url = URLEncoder.encode("http://127.0.0.1:" + rig.calleeApp.port(), StandardCharsets.UTF_8);

    var answer = rig.caller.send("PUT", "/v1.0/invoke/" + url + "/method/hook?run=" + run, "{}",
        Map.of("traceparent", TRACEPARENT, "X-Signature", "sha256=ab"));

    assertThat(answer.status()).isEqualTo(202);
    assertThat(answer.body()).isEqualTo("queued");
    Received seen = rig.calleeApp.received("/hook").stream().filter(r -> r.query().contains(run)).findFirst()
        .orElseThrow();
    assertThat(seen.method().name()).isEqualTo("PUT");
    assertThat(seen.header("X-Signature")).isEqualTo("sha256=ab");
    assertThat(seen.header("dapr-caller-app-id")).isNull();
    assertThat(seen.header("dapr-callee-app-id")).isNull();
    assertThat(seen.header("Forwarded")).isNull();
    assertThat(seen.header("traceparent")).isEqualTo(answer.header("traceparent").orElseThrow());
    assertThat(seen.header("dapr-api-token")).isEqualTo(differs(kind, ContractRig.CALLER_APP_TOKEN, null));
  }

  /** README, differences: D6 (Resiliency on service invocation). */
  @OnBoth
  void onlyDaprdRetriesAnInvocationAsTheResiliencyPolicyOfTheCalleeSays(Kind kind) {
    var rig = rig(kind);
    int before = rig.calleeApp.received("/unavailable").size();

    var answer = rig.caller.send("GET", "/v1.0/invoke/" + rig.callee.appId() + "/method/unavailable", null, Map.of());

    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.body()).isEqualTo("later");
    // resiliency.yaml: retry "unavailable" on 503, twice
    assertThat(rig.calleeApp.received("/unavailable").size() - before).isEqualTo(differs(kind, 3, 1));
  }

  // ---------------------------------------------------------------- tokens, health, metadata

  @OnBoth
  void withoutTheApiTokenEveryCallButTheHealthChecksIs401InPlainText(Kind kind) {
    var rig = rig(kind);
    var http = rig.caller.http();

    for (String token : new String[] {null, "", "wrong", ContractRig.CALLER_API_TOKEN + "x"}) {
      Map<String, String> headers = token == null ? Map.of() : Map.of("dapr-api-token", token);
      for (String[] call : new String[][] {{"POST", "/v1.0/publish/pubsub/orders"},
          {"POST", "/v1.0-alpha1/publish/bulk/pubsub/orders"}, {"GET", "/v1.0/secrets/secrets/token"},
          {"GET", "/v1.0/secrets/secrets/bulk"}, {"POST", "/v1.0/invoke/" + rig.caller.appId() + "/method/self"},
          {"GET", "/v1.0/metadata"}, {"GET", "/nothing/here"}}) {
        var answer = http.send(call[0], call[1], null, "{}", headers);
        assertThat(answer.status()).as("%s %s with token %s", call[0], call[1], token).isEqualTo(401);
        assertThat(answer.body()).isEqualTo("invalid api token\n");
        assertThat(answer.contentType()).isEqualTo("text/plain; charset=utf-8");
        assertThat(answer.header("X-Content-Type-Options")).contains("nosniff");
      }
      var byHeader = http.send("POST", "/self", null, "{}", token == null ? Map.of("dapr-app-id", rig.caller.appId())
          : Map.of("dapr-app-id", rig.caller.appId(), "dapr-api-token", token));
      assertThat(byHeader.status()).isEqualTo(401);
    }
    assertThat(rig.callerApp.received("/self")).allSatisfy(r -> assertThat(r.header("dapr-api-token"))
        .isEqualTo(ContractRig.CALLER_APP_TOKEN));
  }

  @OnBoth
  void theHealthEndpointsAnswer204WithoutATokenAndWithoutASpan(Kind kind) {
    var rig = rig(kind);

    for (var sidecar : List.of(rig.caller, rig.callee)) {
      for (String path : List.of("/v1.0/healthz", "/v1.0/healthz/outbound")) {
        var answer = sidecar.http().get(path, null);
        assertThat(answer.status()).as("%s %s", sidecar.appId(), path).isEqualTo(204);
        assertThat(answer.body()).isEmpty();
        assertThat(answer.header("traceparent")).isEmpty();
      }
    }
  }

  /** README, differences: D7 (the metadata API). */
  @OnBoth
  void onlyDaprdAnswersTheMetadataApi(Kind kind) {
    var rig = rig(kind);

    var answer = rig.caller.send("GET", "/v1.0/metadata", null, Map.of());

    assertThat(answer.status()).isEqualTo(differs(kind, 200, 404));
    if (kind == Kind.DAPRD) {
      assertThat(answer.json().getString("id")).isEqualTo(rig.caller.appId());
    } else {
      assertError(answer, 404, "ERR_DIRECT_INVOKE", NO_APP_ID);
    }
  }

  // ---------------------------------------------------------------- secrets

  /** README, differences: D8 (daprd's JSON answers end with a newline). */
  @OnBoth
  void secretsAnswerAsTheStoreHoldsThem(Kind kind) {
    var rig = rig(kind);

    var one = rig.caller.send("GET", "/v1.0/secrets/secrets/db:password", null, Map.of());
    var flat = rig.caller.send("GET", "/v1.0/secrets/secrets/token", null, Map.of());
    var grouped = rig.caller.send("GET", "/v1.0/secrets/grouped/db", null, Map.of());
    var bulk = rig.caller.send("GET", "/v1.0/secrets/secrets/bulk", null, Map.of());
    var groupedBulk = rig.caller.send("GET", "/v1.0/secrets/grouped/bulk", null, Map.of());

    for (var answer : List.of(one, flat, grouped, bulk, groupedBulk)) {
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.contentType()).isEqualTo("application/json");
      assertThat(answer.body().endsWith("\n")).isEqualTo(differs(kind, true, false));
    }
    assertThat(one.json().getMap()).isEqualTo(Map.of("db:password", "pw"));
    assertThat(flat.json().getMap()).isEqualTo(Map.of("token", "abc"));
    assertThat(grouped.json().getMap()).isEqualTo(Map.of("password", "pw", "user", "todo"));
    assertThat(bulk.json().getMap()).isEqualTo(Map.of("db:password", Map.of("db:password", "pw"),
        "db:user", Map.of("db:user", "todo"), "token", Map.of("token", "abc")));
    assertThat(groupedBulk.json().getMap()).isEqualTo(Map.of("db", Map.of("password", "pw", "user", "todo"),
        "token", Map.of("token", "abc")));
  }

  @OnBoth
  void secretErrorsHaveDaprdsStatusErrorCodeAndMessage(Kind kind) {
    var rig = rig(kind);

    assertError(rig.caller.send("GET", "/v1.0/secrets/secrets/missing", null, Map.of()), 500, "ERR_SECRET_GET",
        "failed getting secret with key missing from secret store secrets: secret missing not found");
    assertError(rig.caller.send("GET", "/v1.0/secrets/secrets/db", null, Map.of()), 500, "ERR_SECRET_GET",
        "failed getting secret with key db from secret store secrets: secret db not found");
    assertError(rig.caller.send("GET", "/v1.0/secrets/nope/token", null, Map.of()), 401, "ERR_SECRET_STORE_NOT_FOUND",
        "failed finding secret store with key nope");
    assertError(rig.callee.send("GET", "/v1.0/secrets/secrets/token", null, Map.of()), 500,
        "ERR_SECRET_STORES_NOT_CONFIGURED", "secret store is not configured");
    assertError(rig.caller.send("GET", "/v1.0/secrets/secrets/", null, Map.of()), 404, "ERR_DIRECT_INVOKE", NO_APP_ID);
  }

  // ---------------------------------------------------------------- helpers

  private static String run() {
    return UUID.randomUUID().toString();
  }

  private static JsonObject answer(int status, String body) {
    return new JsonObject().put("status", status).put("body", body);
  }

  private static JsonObject answer(int status, String body, long delayMs) {
    return answer(status, body).put("delayMs", delayMs);
  }

  /** Publishes event {@code n} of the run to the scenario's topic, keyed by the run, scripting the app's answers. */
  private static void publish(ContractRig rig, Scenario scenario, String run, int n, JsonObject... answers) {
    var data = new JsonObject().put("run", run).put("n", n).put("answers", new JsonArray(List.of((Object[]) answers)));
    var answer = rig.caller.send("POST", "/v1.0/publish/" + scenario.pubsub + "/" + rig.topic(scenario)
        + "?metadata.partitionKey=" + run, data.encode(), Map.of("Content-Type", "application/json"));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(204);
  }

  /**
   * Publishes a last event of the run (answered 200 at once) and waits for it: the run's events before it
   * are on its partition, so by then they are settled and all their attempts counted.
   */
  private static Received sentinel(ContractRig rig, Scenario scenario, String run) {
    publish(rig, scenario, run, -1);
    return Await.untilPresent(Duration.ofSeconds(40), () -> attempts(rig, scenario, run, -1).stream().findFirst(),
        () -> scenario + ": the run's last event never arrived" + rig.logs());
  }

  /** Every delivery of event {@code n} of the run to the scenario's route. */
  private static List<Received> attempts(ContractRig rig, Scenario scenario, String run, int n) {
    return rig.callerApp.received(scenario.route()).stream().filter(r -> {
      try {
        JsonObject data = r.json().getJsonObject("data");
        return data != null && run.equals(data.getString("run")) && data.getInteger("n") == n;
      } catch (RuntimeException notOneOfOurs) {
        return false;
      }
    }).toList();
  }

  /** The consumer group commits past {@code last}: everything before it on its partition is settled for good. */
  private static void awaitCommittedPast(ContractRig rig, Scenario scenario, Received last) {
    String group = scenario.pubsub.equals("pubsub") ? rig.caller.appId() : rig.caller.appId() + "-resilient";
    int partition = Integer.parseInt(last.header("__partition"));
    long offset = Long.parseLong(last.header("__offset"));
    Await.until(WAIT, () -> SidecarTestSupport.committed(group, rig.topic(scenario)).getOrDefault(partition, -1L) > offset,
        () -> group + " has not committed past offset " + offset + " of partition " + partition + ": "
            + SidecarTestSupport.committed(group, rig.topic(scenario)));
  }

  /** The one record of the topic whose value contains {@code run}. */
  private static TestKafka.Received record(String topic, String run) {
    return Await.untilPresent(WAIT, () -> TestKafka.readAll(topic).stream()
        .filter(r -> r.value() != null && r.value().contains(run)).findFirst(), () -> topic + ": no record with " + run);
  }

  /** {@link SidecarTestSupport#assertChildSpan}, and a new trace is not the test's. */
  private static void assertChildSpan(String traceparent, String parent) {
    SidecarTestSupport.assertChildSpan(traceparent, parent);
    if (parent == null) {
      assertThat(traceparent).doesNotContain(TRACE_ID);
    }
  }

  private static void assertError(TestHttp.Answer answer, int status, String errorCode, String message) {
    assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
    assertThat(answer.contentType()).isEqualTo("application/json");
    assertThat(answer.json().getString("errorCode")).as(answer.toString()).isEqualTo(errorCode);
    assertThat(answer.json().getString("message")).isEqualTo(message);
  }

  /** A publish without a Content-Type header (TestHttp always sends one with a body). */
  private static int withoutContentType(ContractRig.Sidecar sidecar, String path, String body) throws Exception {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.httpPort() + path))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    sidecar.apiToken().ifPresent(token -> request.header("dapr-api-token", token));
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** What daprd puts in X-Forwarded-Host: Go's os.Hostname(), the kernel's host name. */
  private static String hostName() throws IOException {
    return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
  }
}
