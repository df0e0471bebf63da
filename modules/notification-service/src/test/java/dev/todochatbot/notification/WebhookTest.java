package dev.todochatbot.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.notification.NotificationServiceFixture.Replica;
import dev.todochatbot.notification.NotificationServiceFixture.User;
import dev.todochatbot.notification.ReminderEvents.Story;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.TestHttp.Answer;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.IntUnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The users' webhooks: the settings routes, and reminders fired by the sweep reaching a real HTTP
 * endpoint on loopback, sent by the service itself (its sidecar is asked nothing), signed, retried and
 * recorded. Each test has users and an endpoint of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookTest {

  private static final String SECRET = "a-secret-of-the-user-0123456789";

  private NotificationServiceFixture service;

  @BeforeAll
  void start() {
    service = NotificationServiceFixture.start("webhook");
  }

  @AfterAll
  void stop() {
    service.close();
  }

  @Test
  void aWebhookIsSetReadAndRemovedAndItsSecretNeverComesBack() {
    User alice = service.newUser();
    assertThat(service.http.get("/api/me/webhook", alice.token()).status()).isEqualTo(404);
    assertThat(service.http.get("/api/me/webhook", null).status()).isEqualTo(401);

    Answer put = service.http.send("PUT", "/api/me/webhook", alice.token(),
        new JsonObject().put("url", "https://hooks.example.com:8443/in?team=7").put("secret", SECRET), Map.of());
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    assertThat(put.json().fieldNames()).containsExactlyInAnyOrder("url", "updatedAt");
    assertThat(put.json().getString("url")).isEqualTo("https://hooks.example.com:8443/in?team=7");
    assertThat(Instant.parse(put.json().getString("updatedAt"))).isBefore(Instant.now().plusSeconds(5));
    assertThat(put.body()).doesNotContain(SECRET);

    Answer got = service.http.get("/api/me/webhook", alice.token());
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.json()).isEqualTo(put.json());
    assertThat(service.http.get("/api/me/webhook", service.newUser().token()).status()).isEqualTo(404);

    assertThat(service.http.delete("/api/me/webhook", alice.token()).status()).isEqualTo(204);
    assertThat(service.http.get("/api/me/webhook", alice.token()).status()).isEqualTo(404);
    assertThat(service.http.delete("/api/me/webhook", alice.token()).status()).isEqualTo(204);
  }

  @Test
  void anInvalidUrlOrSecretIs422NamingTheField() {
    User bob = service.newUser();
    assertInvalid(bob, new JsonObject().put("url", "ftp://hooks.example.com/in").put("secret", SECRET), "url");
    assertInvalid(bob, new JsonObject().put("url", "/relative/path").put("secret", SECRET), "url");
    assertInvalid(bob, new JsonObject().put("url", "http:///no-host").put("secret", SECRET), "url");
    // numbers other parsers read as other addresses: 0177 as octal 127, 2130706433 as 127.0.0.1
    assertInvalid(bob, new JsonObject().put("url", "http://0177.0.0.1/in").put("secret", SECRET), "url");
    assertInvalid(bob, new JsonObject().put("url", "http://2130706433/in").put("secret", SECRET), "url");
    assertInvalid(bob, new JsonObject().put("url", "https://hooks.example.com/" + "a".repeat(2000)).put("secret", SECRET),
        "url");
    assertInvalid(bob, new JsonObject().put("url", "https://hooks.example.com/in").put("secret", "short"), "secret");
    assertInvalid(bob, new JsonObject().put("url", "https://hooks.example.com/in").put("secret", "s".repeat(201)),
        "secret");
    assertInvalid(bob, new JsonObject().put("url", 7).put("secret", SECRET), "url");
    // PostgreSQL refuses NUL in text (this was a 500), and half a surrogate pair would be stored as '?'
    assertInvalid(bob, new JsonObject().put("url", "https://hooks.example.com/in").put("secret", SECRET + "\u0000"),
        "secret");
    assertInvalid(bob, "{\"url\": \"https://hooks.example.com/in\", \"secret\": \"" + SECRET + "\\ud800\"}", "secret");
    assertInvalid(bob, "{\"url\": \"https://hooks.example.com/\\udc00\", \"secret\": \"" + SECRET + "\"}", "url");
    assertInvalid(bob, new JsonObject(), "url", "secret");
    assertThat(service.http.get("/api/me/webhook", bob.token()).status()).isEqualTo(404);
  }

  @Test
  void aFiredReminderReachesTheEndpointOnceSignedAndIsRecordedDelivered() {
    User carol = service.newUser();
    var endpoint = new Endpoint(attempt -> 204);
    setWebhook(carol, endpoint.url("/hooks/reminders?source=todo"));
    var task = new Story(carol.id());
    Instant at = now().minusSeconds(1);
    service.publish(task.created("Call the plumber", null, at));
    double deliveredBefore = service.counter("notification_webhook_deliveries_total", "outcome=\"delivered\"");

    service.sweep();
    JsonObject delivery = awaitDeliveries(carol, "delivered", 1).getJsonObject(0);

    Seen seen = endpoint.seen.get(0);
    assertThat(seen.method()).isEqualTo("POST");
    assertThat(seen.uri()).isEqualTo("/hooks/reminders?source=todo");
    assertThat(seen.headers().get("Content-Type")).isEqualTo("application/json");
    assertThat(seen.headers().get("X-Todo-Delivery")).isEqualTo(delivery.getString("id"));
    long timestamp = Long.parseLong(seen.headers().get("X-Todo-Timestamp"));
    assertThat(timestamp).isBetween(Instant.now().getEpochSecond() - 30, Instant.now().getEpochSecond());
    assertThat(seen.headers().get("X-Todo-Signature")).isEqualTo(hmac(SECRET, timestamp + "." + seen.body()));
    JsonObject published = service.sidecar.publishedFor(carol.id()).get(0).json();
    assertThat(new JsonObject(seen.body())).isEqualTo(published);
    assertThat(published.getBoolean("missed")).isFalse();

    assertThat(delivery.getString("reminderId")).isEqualTo(task.reminderIds.get(0).toString());
    assertThat(Instant.parse(delivery.getString("at"))).isEqualTo(at);
    assertThat(delivery.getInteger("attempts")).isEqualTo(1);
    assertThat(delivery.getInteger("lastStatus")).isEqualTo(204);
    assertThat(delivery.getString("lastError")).isNull();
    assertThat(Instant.parse(delivery.getString("deliveredAt")))
        .isAfterOrEqualTo(Instant.parse(delivery.getString("createdAt")));
    // a second send could only come from a second claim of the same reminder: the next sweep claims none
    assertThat(service.sweep()).isZero();
    assertThat(endpoint.seen).hasSize(1);
    assertThat(service.counter("notification_webhook_deliveries_total", "outcome=\"delivered\""))
        .isEqualTo(deliveredBefore + 1);
  }

  /**
   * Through Dapr's invocation of a URL, daprd sends the receiver the service's app token as
   * dapr-api-token (and a traceparent of its own): the delivery carries what it is signed with, and
   * nothing else.
   */
  @Test
  void aDeliveryCarriesItsSignedHeadersAndNoTokenOfDapr() {
    User judy = service.newUser();
    var endpoint = new Endpoint(attempt -> 204);
    setWebhook(judy, endpoint.url("/in"));
    service.publish(new Story(judy.id()).created("Feed the cat", null, now().minusSeconds(1)));

    service.sweep();
    awaitDeliveries(judy, "delivered", 1);

    MultiMap headers = endpoint.seen.get(0).headers();
    assertThat(headers.names().stream().map(name -> name.toLowerCase(Locale.ROOT))).containsExactlyInAnyOrder(
        "host", "content-type", "content-length", "user-agent", "x-todo-delivery", "x-todo-timestamp",
        "x-todo-signature");
    assertThat(headers.get("Host")).isEqualTo("127.0.0.1:" + endpoint.port());
    assertThat(headers.get("User-Agent")).isEqualTo(WebhookClient.USER_AGENT);
    assertThat(headers.entries()).as("no header holds either of Dapr's tokens").noneMatch(header ->
        header.getValue().contains(NotificationServiceFixture.APP_TOKEN) || header.getValue().contains(RecordingSidecar.API_TOKEN));
    assertThat(service.sidecar.invocations).as("service invocations asked of the sidecar").isEmpty();
  }

  /**
   * The address the host was checked at is the one connected to: the name is known only to the
   * fixture's resolver, so a second lookup anywhere else (daprd's, or the HTTP client's own) would find
   * nothing, and a second one of the fixture's would count.
   */
  @Test
  void aDeliveryGoesToTheAddressItsHostWasLookedUpAtWithoutLookingItUpAgain() {
    User kim = service.newUser();
    var endpoint = new Endpoint("127.0.0.2", (attempt, request) -> request.response().setStatusCode(204).end());
    String host = service.names.add("127.0.0.2");
    setWebhook(kim, "http://" + host + ":" + endpoint.port() + "/in");
    service.publish(new Story(kim.id()).created("Return the books", null, now().minusSeconds(1)));

    service.sweep();
    awaitDeliveries(kim, "delivered", 1);

    Seen seen = endpoint.seen.get(0);
    assertThat(seen.localAddress()).isEqualTo("127.0.0.2");
    assertThat(seen.headers().get("Host")).isEqualTo(host + ":" + endpoint.port());
    assertThat(service.names.lookups(host)).as("lookups of " + host).isEqualTo(1);
  }

  /** A redirect would send the delivery to an address nobody checked: it counts as a failed attempt. */
  @Test
  void aRedirectIsNotFollowedButTriedAgainAndFailed() {
    User leo = service.newUser();
    var elsewhere = new Endpoint(attempt -> 200);
    var endpoint = new Endpoint("127.0.0.1", (attempt, request) -> request.response().setStatusCode(307)
        .putHeader("Location", elsewhere.url("/in")).end());
    setWebhook(leo, endpoint.url("/in"));
    service.publish(new Story(leo.id()).created("Pick up the parcel", null, now().minusSeconds(1)));

    service.sweep();
    JsonObject delivery = awaitDeliveries(leo, "failed", 1).getJsonObject(0);

    assertThat(delivery.getInteger("lastStatus")).isEqualTo(307);
    assertThat(endpoint.seen).hasSize(1 + NotificationServiceFixture.WEBHOOKS.backoff().size());
    assertThat(elsewhere.seen).as("requests that followed the redirect").isEmpty();
  }

  /**
   * A receiver that answers without end is read no further than {@link WebhookClient#MAX_ANSWER_BYTES}:
   * its status is recorded with the start of its body, instead of the attempt running out of time.
   */
  @Test
  void anAnswerThatNeverEndsIsCutShortAndRecorded() {
    User mia = service.newUser();
    var endpoint = new Endpoint("127.0.0.1", (attempt, request) -> {
      var response = request.response().setStatusCode(500).setChunked(true);
      long writer = service.vertx.setPeriodic(2, id -> {
        if (!response.writeQueueFull() && !response.closed()) {
          response.write("x".repeat(8192));
        }
      });
      response.closeHandler(closed -> service.vertx.cancelTimer(writer));
    });
    setWebhook(mia, endpoint.url("/in"));
    service.publish(new Story(mia.id()).created("Call the bank", null, now().minusSeconds(1)));

    service.sweep();
    JsonObject delivery = awaitDeliveries(mia, "failed", 1).getJsonObject(0);

    assertThat(delivery.getInteger("lastStatus")).isEqualTo(500);
    assertThat(delivery.getString("lastError")).startsWith("HTTP 500: xxxxxxxx").endsWith("…");
    assertThat(endpoint.seen).hasSize(1 + NotificationServiceFixture.WEBHOOKS.backoff().size());
  }

  @Test
  void anEndpointThatFailsTwiceGetsTheDeliveryOnTheThirdAttempt() {
    User dan = service.newUser();
    var endpoint = new Endpoint(attempt -> attempt <= 2 ? 500 : 200);
    setWebhook(dan, endpoint.url("/in"));
    service.publish(new Story(dan.id()).created("Water the plants", null, now().minusSeconds(1)));

    service.sweep();
    JsonObject delivery = awaitDeliveries(dan, "delivered", 1).getJsonObject(0);

    assertThat(delivery.getInteger("attempts")).isEqualTo(3);
    assertThat(delivery.getInteger("lastStatus")).isEqualTo(200);
    assertThat(endpoint.seen).hasSize(3);
    assertThat(endpoint.seen).extracting(s -> s.headers().get("X-Todo-Delivery")).containsOnly(delivery.getString("id"));
    // each retry waited its 200 ms at least
    for (int i = 1; i < 3; i++) {
      assertThat(Duration.between(endpoint.seen.get(i - 1).at(), endpoint.seen.get(i).at()))
          .isGreaterThanOrEqualTo(Duration.ofMillis(190));
    }
  }

  @Test
  void anEndpointThatAlwaysFailsIsGivenUpAfterTheLastAttempt() {
    User erin = service.newUser();
    var endpoint = new Endpoint(attempt -> 500);
    setWebhook(erin, endpoint.url("/in"));
    service.publish(new Story(erin.id()).created("Renew passport", null, now().minusSeconds(1)));
    double failedBefore = service.counter("notification_webhook_deliveries_total", "outcome=\"failed\"");

    service.sweep();
    JsonObject delivery = awaitDeliveries(erin, "failed", 1).getJsonObject(0);

    int attempts = 1 + NotificationServiceFixture.WEBHOOKS.backoff().size();
    assertThat(delivery.getInteger("attempts")).isEqualTo(attempts);
    assertThat(delivery.getInteger("lastStatus")).isEqualTo(500);
    assertThat(delivery.getString("lastError")).startsWith("HTTP 500");
    assertThat(delivery.getString("deliveredAt")).isNull();
    // the delivery is recorded failed only after its last attempt was answered, and nothing claims it again
    assertThat(service.sweep()).isZero();
    assertThat(endpoint.seen).hasSize(attempts);
    assertThat(service.counter("notification_webhook_deliveries_total", "outcome=\"failed\""))
        .isEqualTo(failedBefore + 1);
  }

  @Test
  void twoReplicasPollingTogetherSendEachDeliveryOnce() {
    User frank = service.newUser();
    var endpoint = new Endpoint(attempt -> 200);
    setWebhook(frank, endpoint.url("/in"));
    Replica other = service.startAnotherReplica();
    try {
      int reminders = 20;
      for (int i = 0; i < reminders; i++) {
        service.publish(new Story(frank.id()).created("Task " + i, null, now().minusSeconds(1)));
      }
      service.sweep();

      awaitDeliveries(frank, "delivered", reminders);
      // a duplicate would need a reminder claimed twice: neither replica finds one left to claim
      assertThat(service.sweep()).isZero();
      assertThat(NotificationServiceFixture.sweep(other.http())).isZero();
      assertThat(endpoint.seen).hasSize(reminders);
      assertThat(endpoint.seen.stream().map(s -> s.headers().get("X-Todo-Delivery")).distinct()).hasSize(reminders);
    } finally {
      service.stop(other);
    }
  }

  @Test
  void removingTheWebhookFailsWhatWasStillToBeSent() {
    User grace = service.newUser();
    var endpoint = new Endpoint(attempt -> 0);
    setWebhook(grace, endpoint.url("/in"));
    service.publish(new Story(grace.id()).created("Book flights", null, now().minusSeconds(1)));
    service.sweep();
    Await.until("the first attempt reaches the endpoint", Duration.ofSeconds(15), () -> !endpoint.seen.isEmpty());

    assertThat(service.http.delete("/api/me/webhook", grace.token()).status()).isEqualTo(204);

    JsonObject delivery = deliveries(grace, "failed").getJsonObject(0);
    assertThat(delivery.getString("lastError")).isEqualTo("webhook removed");
    assertThat(deliveries(grace, "pending")).isEmpty();
  }

  @Test
  void onlyTheCallersDeliveriesAreListed() {
    User hana = service.newUser();
    User ivan = service.newUser();
    var endpoint = new Endpoint(attempt -> 200);
    setWebhook(hana, endpoint.url("/hana"));
    setWebhook(ivan, endpoint.url("/ivan"));
    var hanasTask = new Story(hana.id());
    service.publish(hanasTask.created("Hana's", null, now().minusSeconds(1)));
    service.publish(new Story(ivan.id()).created("Ivan's", null, now().minusSeconds(1)));

    service.sweep();
    awaitDeliveries(ivan, "delivered", 1);
    JsonArray hanas = awaitDeliveries(hana, "delivered", 1);

    assertThat(hanas.getJsonObject(0).getString("reminderId")).isEqualTo(hanasTask.reminderIds.get(0).toString());
    assertThat(deliveries(hana, null)).hasSize(1);
    assertThat(service.http.get("/api/me/webhook/deliveries?state=sent", hana.token()).status()).isEqualTo(400);
    assertThat(service.http.get("/api/me/webhook/deliveries?limit=0", hana.token()).status()).isEqualTo(400);
  }

  // --- helpers

  private void assertInvalid(User user, Object body, String... fields) {
    Answer answer = service.http.send("PUT", "/api/me/webhook", user.token(), body, Map.of());
    assertThat(answer.status()).as(answer.toString()).isEqualTo(422);
    assertThat(answer.json().getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("field")))
        .containsExactlyInAnyOrder(fields);
  }

  private void setWebhook(User user, String url) {
    Answer answer = service.http.send("PUT", "/api/me/webhook", user.token(),
        new JsonObject().put("url", url).put("secret", SECRET), Map.of());
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
  }

  private JsonArray deliveries(User user, String state) {
    Answer answer = service.http.get("/api/me/webhook/deliveries?limit=200" + (state == null ? "" : "&state=" + state),
        user.token());
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    return answer.items();
  }

  private JsonArray awaitDeliveries(User user, String state, int count) {
    Await.until(count + " " + state + " deliveries of " + user.id(), Duration.ofSeconds(20),
        () -> deliveries(user, state).size() == count);
    return deliveries(user, state);
  }

  private static String hmac(String secret, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }



  /** A request as it reached an endpoint; {@code localAddress}: the address it was connected to. */
  record Seen(String method, String uri, MultiMap headers, String body, Instant at, String localAddress) {}

  /** A user's endpoint: a real HTTP server answering the n-th request as scripted. */
  private final class Endpoint {

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private final HttpServer server;

    /** On 127.0.0.1, answering the n-th request with the scripted status (0: never answers). */
    Endpoint(IntUnaryOperator statusOfAttempt) {
      this("127.0.0.1", (attempt, request) -> {
        int status = statusOfAttempt.applyAsInt(attempt);
        if (status > 0) {
          request.response().setStatusCode(status).end();
        }
      });
    }

    /** On {@code address}, answering the n-th request (its body read) as {@code answer} does. */
    Endpoint(String address, BiConsumer<Integer, HttpServerRequest> answer) {
      server = Await.result(service.vertx.createHttpServer()
          .requestHandler((HttpServerRequest request) -> request.body().onSuccess(body -> {
            seen.add(new Seen(request.method().name(), request.uri(),
                MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body.toString(), Instant.now(),
                request.localAddress().hostAddress()));
            answer.accept(attempts.incrementAndGet(), request);
          }))
          .listen(0, address));
    }

    int port() {
      return server.actualPort();
    }

    String url(String pathAndQuery) {
      return "http://127.0.0.1:" + server.actualPort() + pathAndQuery;
    }
  }
}
