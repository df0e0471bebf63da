package dev.todochatbot.devsidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.embedded.testing.TestKafka;
import dev.todochatbot.platform.testing.TestHttp;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublishTest extends SidecarTestSupport {

  private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  @Test
  void jsonIsWrappedInACloudEventWithTheKeyAndMetadataOnTheRecord() {
    file("pubsub.yaml", kafka("pubsub"));
    String appId = appId("publisher");
    var sidecar = sidecar(appId, null);
    String topic = TestKafka.newTopic("publish-json");

    var answer = http(sidecar).send("POST", "/v1.0/publish/pubsub/" + topic
        + "?metadata.partitionKey=user-1&metadata.cloudevent.id=evt-1&metadata.note=hello", null,
        "{\"n\":1,\"big\":12345678901234567890.5}", Map.of("traceparent", TRACEPARENT));

    assertThat(answer.status()).as(answer.toString()).isEqualTo(204);
    var record = TestKafka.awaitRecords(topic, 1, Duration.ofSeconds(10)).get(0);
    assertThat(record.key()).isEqualTo("user-1");
    assertThat(record.headerMap()).containsEntry("partitionKey", "user-1").containsEntry("cloudevent.id", "evt-1")
        .containsEntry("note", "hello");
    var event = new JsonObject(record.value());
    assertThat(event.getString("id")).isEqualTo("evt-1");
    assertThat(event.getString("source")).isEqualTo(appId);
    assertThat(event.getString("type")).isEqualTo("com.dapr.event.sent");
    assertThat(event.getString("specversion")).isEqualTo("1.0");
    assertThat(event.getString("datacontenttype")).isEqualTo("application/json");
    assertThat(event.getString("topic")).isEqualTo(topic);
    assertThat(event.getString("pubsubname")).isEqualTo("pubsub");
    // RFC 3339 in this machine's offset, as Go's time.Now().Format(time.RFC3339)
    assertThat(event.getString("time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d)");
    // the publish is a span of its own under the publisher's, as daprd's; no tracestate sent, an empty one
    assertChildSpan(event.getString("traceparent"), TRACEPARENT);
    assertThat(event.getString("traceid")).isEqualTo(event.getString("traceparent"));
    assertThat(event.getString("tracestate")).isEmpty();
    assertThat(event.getJsonObject("data").getInteger("n")).isEqualTo(1);
    assertThat(record.value()).contains("12345678901234567890.5");
  }

  @Test
  void otherContentTypesBecomeTextCloudEventsPassThroughAndRawPayloadIsSentAsIs() throws Exception {
    file("pubsub.yaml", kafka("pubsub"));
    var sidecar = sidecar(appId("publisher"), null);
    String topic = TestKafka.newTopic("publish-kinds");
    var http = http(sidecar);

    assertThat(noContentType(sidecar.httpPort(), "/v1.0/publish/pubsub/" + topic + "?metadata.partitionKey=k",
        "plain words")).isEqualTo(204);
    assertThat(http.send("POST", "/v1.0/publish/pubsub/" + topic + "?metadata.partitionKey=k", null,
        "{\"id\":\"mine\",\"source\":\"elsewhere\",\"type\":\"task.created.v1\",\"specversion\":\"1.0\","
            + "\"datacontenttype\":\"application/json\",\"data\":{\"a\":1}}",
        Map.of("Content-Type", "application/cloudevents+json")).status()).isEqualTo(204);
    assertThat(http.send("POST", "/v1.0/publish/pubsub/" + topic + "?metadata.partitionKey=k&metadata.rawPayload=true",
        null, "{\"raw\":true}", Map.of()).status()).isEqualTo(204);

    var records = TestKafka.awaitRecords(topic, 3, Duration.ofSeconds(10));
    var text = new JsonObject(records.get(0).value());
    assertThat(text.getString("datacontenttype")).isEqualTo("text/plain");
    assertThat(text.getString("data")).isEqualTo("plain words");
    var passed = new JsonObject(records.get(1).value());
    assertThat(passed.getString("id")).isEqualTo("mine");
    assertThat(passed.getString("source")).isEqualTo("elsewhere");
    assertThat(passed.getString("type")).isEqualTo("task.created.v1");
    assertThat(passed.getString("topic")).isEqualTo(topic);
    assertThat(passed.getString("pubsubname")).isEqualTo("pubsub");
    assertThat(passed.getJsonObject("data").getInteger("a")).isEqualTo(1);
    assertThat(records.get(2).value()).isEqualTo("{\"raw\":true}");
    assertThat(records.get(2).header("rawPayload")).contains("true");
  }

  /** An empty name matches no route of daprd's, whose fallback is invocation without an app id (SidecarContractTest). */
  @Test
  void unknownPubsubOrEmptyNamesAre404AndBadMetadataIs400() {
    file("pubsub.yaml", kafka("pubsub"));
    var http = http(sidecar(appId("publisher"), null));

    assertError(http.post("/v1.0/publish/nope/topic", null, new JsonObject()), 404, "ERR_PUBSUB_NOT_FOUND");
    assertError(http.post("/v1.0/publish/pubsub/", null, new JsonObject()), 404, "ERR_DIRECT_INVOKE");
    assertError(http.post("/v1.0/publish//topic", null, new JsonObject()), 404, "ERR_DIRECT_INVOKE");
    assertError(http.post("/v1.0/publish/pubsub/topic?metadata.rawPayload=maybe", null, new JsonObject()), 400,
        "ERR_PUBSUB_REQUEST_METADATA");
    assertError(http.send("POST", "/v1.0/publish/pubsub/topic", null, "[1,2]",
        Map.of("Content-Type", "application/cloudevents+json")), 500, "ERR_PUBSUB_CLOUD_EVENTS_SER");
  }

  /** daprd 1.16 answers an app without any pub/sub as one without that pub/sub (SidecarContractTest). */
  @Test
  void withoutAnyPubsubPublishIs404NotFound() {
    var http = http(sidecar(appId("publisher"), null));
    assertError(http.post("/v1.0/publish/pubsub/topic", null, new JsonObject()), 404, "ERR_PUBSUB_NOT_FOUND");
  }

  @Test
  void scopesDecideWhoPublishesWhat() {
    String appId = appId("publisher");
    file("pubsub.yaml", kafka("pubsub", "publishingScopes: " + appId + "=allowed-topic"));
    file("other.yaml", kafka("elsewhere") + "scopes:\n  - some-other-app\n");
    var http = http(sidecar(appId, null));

    assertError(http.post("/v1.0/publish/pubsub/not-mine", null, new JsonObject()), 403, "ERR_PUBSUB_FORBIDDEN");
    assertThat(http.post("/v1.0/publish/pubsub/allowed-topic", null, new JsonObject()).status()).isEqualTo(204);
    // a component scoped to other apps is not loaded at all, as in daprd
    assertError(http.post("/v1.0/publish/elsewhere/allowed-topic", null, new JsonObject()), 404,
        "ERR_PUBSUB_NOT_FOUND");
  }

  @Test
  void aBrokerThatIsDownFailsThePublishWithA500InsteadOfHanging() {
    file("pubsub.yaml", kafka("pubsub"));
    var http = http(sidecar(appId("publisher"), null));
    String topic = TestKafka.newTopic("publish-down");
    assertThat(http.post("/v1.0/publish/pubsub/" + topic, null, new JsonObject()).status()).isEqualTo(204);
    var kafka = TestKafka.embedded().orElseThrow();
    kafka.stop();
    try {
      long started = System.nanoTime();
      var answer = http.post("/v1.0/publish/pubsub/" + topic, null, new JsonObject().put("lost", false));
      assertError(answer, 500, "ERR_PUBSUB_PUBLISH_MESSAGE");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    } finally {
      kafka.restart();
    }
    assertThat(http.post("/v1.0/publish/pubsub/" + topic, null, new JsonObject()).status()).isEqualTo(204);
  }

  @Test
  void bulkPublishSendsEveryEntry() {
    file("pubsub.yaml", kafka("pubsub"));
    var http = http(sidecar(appId("publisher"), null));
    String topic = TestKafka.newTopic("publish-bulk");
    String entries = """
        [{"entryId":"1","event":{"n":1},"contentType":"application/json","metadata":{"partitionKey":"a"}},
         {"entryId":"2","event":"two","contentType":"text/plain","metadata":{"partitionKey":"a"}}]""";

    var published = http.send("POST", "/v1.0-alpha1/publish/bulk/pubsub/" + topic, null, entries, Map.of());
    assertThat(published.status()).as(published.toString()).isEqualTo(204);
    var records = TestKafka.awaitRecords(topic, 2, Duration.ofSeconds(10));
    assertThat(new JsonObject(records.get(0).value()).getJsonObject("data").getInteger("n")).isEqualTo(1);
    assertThat(new JsonObject(records.get(1).value()).getString("data")).isEqualTo("two");
    assertError(http.send("POST", "/v1.0-alpha1/publish/bulk/pubsub/" + topic, null,
        "[{\"entryId\":\"1\",\"event\":1},{\"entryId\":\"1\",\"event\":2}]", Map.of()), 400, "ERR_PUBSUB_EVENTS_SER");
  }

  @Test
  void manyEntriesForOneKeyOnAFreshTopicAllArriveInTheirOrder() {
    // the records go out while the new partitions come up: nothing refused, nothing overtaken (KAFKA-15591)
    file("pubsub.yaml", kafka("pubsub"));
    var http = http(sidecar(appId("publisher"), null));
    String topic = TestKafka.newTopic("publish-order");
    var entries = new io.vertx.core.json.JsonArray();
    for (int n = 1; n <= 40; n++) {
      entries.add(new JsonObject().put("entryId", String.valueOf(n)).put("event", new JsonObject().put("n", n))
          .put("contentType", "application/json").put("metadata", new JsonObject().put("partitionKey", "one")));
    }
    var published = http.send("POST", "/v1.0-alpha1/publish/bulk/pubsub/" + topic, null, entries.encode(), Map.of());
    assertThat(published.status()).as(published.toString()).isEqualTo(204);
    var records = TestKafka.awaitRecords(topic, 40, Duration.ofSeconds(10));
    assertThat(records).extracting(r -> new JsonObject(r.value()).getJsonObject("data").getInteger("n"))
        .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 40).boxed().toList());
  }

  static void assertError(TestHttp.Answer answer, int status, String errorCode) {
    assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
    assertThat(answer.json().getString("errorCode")).isEqualTo(errorCode);
    assertThat(answer.json().getString("message")).isNotBlank();
  }

  private static int noContentType(int port, String path, String body) throws Exception {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
