package dev.todochatbot.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.notification.NotificationServiceConfig.Webhooks;
import dev.todochatbot.notification.NotificationServiceFixture.User;
import dev.todochatbot.notification.ReminderEvents.Story;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.TestHttp.Answer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Webhooks only reach public addresses (WEBHOOK_ALLOW_PRIVATE off, as in every deployment): a URL on a
 * loopback, private or link-local address is refused when it is set, and a delivery whose URL names
 * such an address is failed without being sent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookAddressTest {

  private static final String SECRET = "a-secret-of-the-user-0123456789";

  private NotificationServiceFixture service;

  @BeforeAll
  void start() {
    var webhooks = NotificationServiceFixture.WEBHOOKS;
    service = NotificationServiceFixture.start("webhookaddress",
        new Webhooks(webhooks.poll(), webhooks.backoff(), webhooks.timeout(), false));
  }

  @AfterAll
  void stop() {
    service.close();
  }

  /**
   * One row per block of IANA's IPv4 and IPv6 Special-Purpose Address Registries that is not globally
   * reachable (and multicast), at its first and last address where that tells something.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      0.0.0.0                 | (0.0.0.0/8)
      0.255.255.255           | (0.0.0.0/8)
      10.0.0.1                | a private address
      10.255.255.255          | a private address
      100.64.0.1              | carrier-grade NAT
      100.127.255.255         | carrier-grade NAT
      127.0.0.1               | a loopback address
      127.8.9.10              | a loopback address
      169.254.169.254         | a link-local address
      172.16.0.1              | a private address
      172.31.255.255          | a private address
      192.0.0.0               | protocol assignments
      192.0.0.170             | protocol assignments
      192.0.2.1               | documentation (192.0.2.0/24)
      192.0.2.255             | documentation (192.0.2.0/24)
      192.88.99.1             | 6to4 relay
      192.168.1.1             | a private address
      198.18.0.1              | benchmarking
      198.19.255.255          | benchmarking
      198.51.100.7            | documentation (198.51.100.0/24)
      203.0.113.9             | documentation (203.0.113.0/24)
      224.0.0.1               | a multicast address
      239.255.255.255         | a multicast address
      240.0.0.1               | future use (240.0.0.0/4)
      255.255.255.254         | future use (240.0.0.0/4)
      255.255.255.255         | broadcast
      ::                      | the unspecified address
      ::1                     | a loopback address
      ::ffff:10.0.0.1         | a private address
      ::ffff:192.0.2.1        | documentation (192.0.2.0/24)
      64:ff9b::a9fe:a9fe      | a link-local address
      64:ff9b::c633:6401      | documentation (198.51.100.0/24)
      64:ff9b:1::a00:1        | local-use NAT64
      64:ff9b:1:ffff::1       | local-use NAT64
      100::1                  | discard-only
      100::ffff:ffff:ffff:ffff | discard-only
      100:0:0:1::1            | dummy
      2001::1                 | protocol assignments (2001::/23
      2001:2::1               | protocol assignments (2001::/23
      2001:1ff:ffff::1        | protocol assignments (2001::/23
      2001:db8::1             | documentation (2001:db8::/32)
      2001:db8:ffff:ffff::1   | documentation (2001:db8::/32)
      2002:a00:1::1           | a private address
      2002:c000:201::1        | documentation (192.0.2.0/24)
      3fff::1                 | documentation (3fff::/20)
      3fff:fff:ffff::1        | documentation (3fff::/20)
      5f00::1                 | segment routing
      fc00::1                 | a private address
      fd12:3456::1            | a private address
      fe80::1                 | a link-local address
      febf:ffff::1            | a link-local address
      fec0::1                 | site-local
      ff02::1                 | a multicast address
      ff0e::1                 | a multicast address
      4000::1                 | not a global unicast address
      1::1                    | not a global unicast address
      """)
  void nonPublicAddressesAreNamedForWhatTheyAre(String address, String kind) throws UnknownHostException {
    assertThat(WebhookAddresses.nonPublic(InetAddress.getByName(address))).contains(kind);
  }

  /**
   * As a name server's AAAA record gives them: the JDK keeps these IPv6, where a literal in a URL
   * would have become IPv4, and a client connects to the IPv4 address inside.
   */
  @ParameterizedTest
  @CsvSource({
      "0:0:0:0:0:ffff:a9fe:a9fe, a link-local address",
      "0:0:0:0:0:ffff:7f00:1, a loopback address",
      "0:0:0:0:ffff:0:a00:1, a private address",
      "64:ff9b:1:0:0:0:a00:1, local-use NAT64",
  })
  void ipv4InsideIpv6FromTheNameServerIsJudgedByTheIpv4Address(String address, String kind) throws UnknownHostException {
    InetAddress asResolved = asResolved(address);
    assertThat(asResolved).isInstanceOf(Inet6Address.class);
    assertThat(WebhookAddresses.nonPublic(asResolved)).contains(kind);
    assertThat(WebhookAddresses.nonPublic(asResolved("0:0:0:0:0:ffff:5db8:d70e"))).as("93.184.215.14 mapped").isNull();
  }

  /** Eight groups of hex as an Inet6Address that keeps its form (InetAddress.getByName would make mapped ones IPv4). */
  private static InetAddress asResolved(String eightGroups) throws UnknownHostException {
    String[] groups = eightGroups.split(":");
    byte[] bytes = new byte[16];
    for (int i = 0; i < 8; i++) {
      int group = Integer.parseInt(groups[i], 16);
      bytes[2 * i] = (byte) (group >> 8);
      bytes[2 * i + 1] = (byte) group;
    }
    return Inet6Address.getByAddress(null, bytes, (NetworkInterface) null);
  }

  @ParameterizedTest
  @ValueSource(strings = {"93.184.215.14", "8.8.8.8", "172.32.0.1", "172.15.255.255", "100.128.0.1", "100.63.255.255",
      "1.0.0.1", "11.0.0.1", "126.255.255.255", "128.0.0.1", "169.253.255.255", "169.255.0.1", "192.0.1.255",
      "192.0.3.0", "192.88.98.255", "192.88.100.0", "192.167.255.255", "192.169.0.1", "198.17.255.255", "198.20.0.1",
      "198.51.99.255", "198.51.101.0", "203.0.112.255", "203.0.114.0", "223.255.255.255",
      "2606:4700:4700::1111", "2001:4860:4860::8888", "64:ff9b::808:808", "2002:808:808::1", "2001:200::1",
      "2001:db7:ffff::1", "2001:db9::1", "3fff:1000::1", "2000::1", "3ffe:ffff::1", "::ffff:8.8.8.8"})
  void publicAddressesPass(String address) throws UnknownHostException {
    assertThat(WebhookAddresses.nonPublic(InetAddress.getByName(address))).isNull();
  }

  @Test
  void aUrlOnANonPublicAddressIsRefusedWhenSetSayingWhereItPointsAndNothingIsStored() {
    User alice = service.newUser();

    assertRefused(alice, "http://169.254.169.254/latest/meta-data/", "points to 169.254.169.254, a link-local address");
    assertRefused(alice, "http://localhost:3500/v1.0/invoke/task-service/method/api/tasks", "a loopback address");
    assertRefused(alice, "https://[::1]:8443/in", "a loopback address");
    assertRefused(alice, "http://10.96.0.10/", "points to 10.96.0.10, a private address");
    assertRefused(alice, "https://no-such-host.invalid/in", "names a host that does not exist (no-such-host.invalid)");
    assertThat(service.http.get("/api/me/webhook", alice.token()).status()).as("nothing stored").isEqualTo(404);

    Answer put = service.http.send("PUT", "/api/me/webhook", alice.token(),
        new JsonObject().put("url", "https://93.184.215.14/hooks/in").put("secret", SECRET), Map.of());
    assertThat(put.status()).as("a public address is taken: %s", put).isEqualTo(200);
  }

  /** A name that resolved elsewhere when it was set (or a row written before the check existed). */
  @Test
  void aDeliveryToANonPublicAddressIsFailedWithoutBeingSentAndNotRetried() {
    User bob = service.newUser();
    AtomicInteger requests = new AtomicInteger();
    HttpServer endpoint = Await.result(service.vertx.createHttpServer()
        .requestHandler(request -> {
          requests.incrementAndGet();
          request.response().setStatusCode(204).end();
        })
        .listen(0, "127.0.0.1"));
    service.execute("INSERT INTO notify.webhook (user_id, url, secret, updated_at) VALUES ('" + bob.id()
        + "', 'http://localhost:" + endpoint.actualPort() + "/in', '" + SECRET + "', now())");
    double failedBefore = service.counter("notification_webhook_deliveries_total", "outcome=\"failed\"");
    var task = new Story(bob.id());
    service.publish(task.created("Renew the passport", null, Instant.now().truncatedTo(ChronoUnit.MICROS).minusSeconds(1)));

    service.sweep();

    JsonObject delivery = awaitDeliveries(bob, "failed").getJsonObject(0);
    assertThat(delivery.getString("lastError")).startsWith("not sent: the URL points to 127.0.0.1, a loopback address");
    assertThat(delivery.getInteger("attempts")).as("given up at once, not retried").isEqualTo(1);
    assertThat(delivery.getInteger("lastStatus")).isNull();
    assertThat(requests.get()).as("requests that reached the endpoint").isZero();
    assertThat(service.counter("notification_webhook_deliveries_total", "outcome=\"failed\""))
        .isEqualTo(failedBefore + 1);
    Await.result(endpoint.close());
  }

  /**
   * A name with a public and a private address could be connected to either: it is refused when it is
   * set, and a delivery to it is failed unsent, whichever address comes first.
   */
  @Test
  void aNameWithAPublicAndAPrivateAddressIsRefusedAndNeverConnectedTo() {
    User dora = service.newUser();
    AtomicInteger requests = new AtomicInteger();
    HttpServer endpoint = Await.result(service.vertx.createHttpServer()
        .requestHandler(request -> {
          requests.incrementAndGet();
          request.response().setStatusCode(204).end();
        })
        .listen(0, "127.0.0.1"));
    String host = service.names.add("93.184.215.14", "127.0.0.1");
    String url = "http://" + host + ":" + endpoint.actualPort() + "/in";
    assertRefused(dora, url, "points to 127.0.0.1, a loopback address");
    service.execute("INSERT INTO notify.webhook (user_id, url, secret, updated_at) VALUES ('" + dora.id()
        + "', '" + url + "', '" + SECRET + "', now())");
    service.publish(new Story(dora.id()).created("Sign the lease", null,
        Instant.now().truncatedTo(ChronoUnit.MICROS).minusSeconds(1)));

    service.sweep();

    JsonObject delivery = awaitDeliveries(dora, "failed").getJsonObject(0);
    assertThat(delivery.getString("lastError")).startsWith("not sent: the URL points to 127.0.0.1, a loopback address");
    assertThat(requests.get()).as("requests that reached the endpoint").isZero();
    Await.result(endpoint.close());
  }

  /** A name that stopped existing after it was set: tried again with the backoff, as a failed send is. */
  @Test
  void aDeliveryToAHostThatDoesNotExistIsRetriedThenFailed() {
    User carol = service.newUser();
    service.execute("INSERT INTO notify.webhook (user_id, url, secret, updated_at) VALUES ('" + carol.id()
        + "', 'https://no-such-host.invalid/in', '" + SECRET + "', now())");
    var task = new Story(carol.id());
    service.publish(task.created("Book the dentist", null, Instant.now().truncatedTo(ChronoUnit.MICROS).minusSeconds(1)));

    service.sweep();

    JsonObject delivery = awaitDeliveries(carol, "failed").getJsonObject(0);
    assertThat(delivery.getString("lastError"))
        .isEqualTo("not sent: the URL names a host that does not exist (no-such-host.invalid); check its spelling");
    assertThat(delivery.getInteger("attempts")).as("the first attempt and one per wait of the backoff")
        .isEqualTo(1 + NotificationServiceFixture.WEBHOOKS.backoff().size());
  }

  private void assertRefused(User user, String url, String reason) {
    Answer answer = service.http.send("PUT", "/api/me/webhook", user.token(),
        new JsonObject().put("url", url).put("secret", SECRET), Map.of());
    assertThat(answer.status()).as(answer.toString()).isEqualTo(422);
    List<JsonObject> errors = answer.json().getJsonArray("errors").stream().map(JsonObject.class::cast).toList();
    assertThat(errors).as(answer.toString()).hasSize(1);
    assertThat(errors.get(0).getString("field")).isEqualTo("url");
    assertThat(errors.get(0).getString("message")).as(url).contains(reason);
  }

  private JsonArray awaitDeliveries(User user, String state) {
    return Await.untilPresent(Duration.ofSeconds(20), () -> {
      Answer answer = service.http.get("/api/me/webhook/deliveries?state=" + state, user.token());
      assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
      return answer.items().isEmpty() ? java.util.Optional.<JsonArray>empty() : java.util.Optional.of(answer.items());
    }, () -> "no " + state + " delivery of " + user.id());
  }
}
