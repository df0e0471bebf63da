package dev.todochatbot.notification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.AppPort;
import dev.todochatbot.notification.NotificationServiceConfig.Webhooks;
import dev.todochatbot.platform.DatabaseConfig;
import dev.todochatbot.platform.Observability;
import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.Tokens;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.TestHttp;
import dev.todochatbot.platform.testing.TestHttp.Answer;
import dev.todochatbot.platform.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The notification service running for real on a free port, against a database of its own, in a
 * Vert.x that records metrics as the service's main builds it (so /metrics shows the service's
 * counters), with a recording sidecar standing in for daprd and both of Dapr's tokens set, as
 * {@code make run} and the chart set them (the fixture sends the app token on the sidecar-only routes,
 * as daprd does). Short windows keep the tests fast: a sweep looks 3 s ahead, a reminder may fire up
 * to a minute late, a claim is taken over 10 s after its instant. Webhooks are sent by the service
 * itself to real HTTP endpoints on loopback, retried after 200 ms, three times; their hosts are looked
 * up by {@link Names}.
 */
final class NotificationServiceFixture implements AutoCloseable {

  static final String SECRET = "test-secret-that-is-long-enough-for-hs256!";
  /** The service's app token (APP_API_TOKEN): what daprd proves itself with, and no one else may learn. */
  static final String APP_TOKEN = "app-token-of-the-notification-service";
  static final Duration GRACE = Duration.ofMinutes(1);
  static final Duration LOOKAHEAD = Duration.ofSeconds(3);
  static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(10);
  /**
   * Webhooks polled often, retried soon, given up after three retries; private addresses allowed,
   * since the tests' endpoints listen on 127.0.0.1 ({@link WebhookAddressTest} runs without).
   */
  static final Webhooks WEBHOOKS = new Webhooks(Duration.ofMillis(100),
      List.of(Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofMillis(200)), Duration.ofSeconds(5), true);

  private static final HttpClient METRICS_CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  final Vertx vertx;
  final DatabaseConfig database;
  final RecordingSidecar sidecar;
  final Names names;
  final NotificationServiceConfig config;
  final TestHttp http;
  final Tokens tokens;

  private NotificationServiceFixture(Vertx vertx, DatabaseConfig database, RecordingSidecar sidecar, Names names,
      NotificationServiceConfig config) {
    this.vertx = vertx;
    this.database = database;
    this.sidecar = sidecar;
    this.names = names;
    this.config = config;
    this.http = new TestHttp(config.port());
    this.tokens = Tokens.create(vertx, SECRET, Duration.ofHours(1));
  }

  static NotificationServiceFixture start(String name) {
    return start(name, WEBHOOKS);
  }

  static NotificationServiceFixture start(String name, Webhooks webhooks) {
    DatabaseConfig database = TestPostgres.newDatabase(name);
    Vertx vertx = Observability.newVertx();
    var sidecar = new RecordingSidecar(vertx);
    var names = new Names();
    var config = new NotificationServiceConfig(TestHttp.freePort(), 1, 4, database, SECRET, Duration.ofHours(1),
        "pubsub", GRACE, LOOKAHEAD, CLAIM_TIMEOUT, sidecar.config(), webhooks,
        new AppPort("127.0.0.1", Optional.of(APP_TOKEN)));
    Await.result(NotificationService.deploy(vertx, config, names));
    return new NotificationServiceFixture(vertx, database, sidecar, names, config);
  }

  /**
   * The system resolver, but for names the tests give addresses of their own (under {@code .test},
   * which no name server answers: RFC 2606), and a count of the lookups asked of it per name. A
   * receiver reached by such a name was reached at the address given here, and by nothing that looked
   * the name up elsewhere.
   */
  static final class Names implements WebhookAddresses.Resolver {

    private final Map<String, InetAddress[]> given = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();

    /** A new name under {@code .test}, resolving to {@code addresses} (literals) from now on. */
    String add(String... addresses) {
      String name = "receiver-" + UUID.randomUUID().toString().substring(0, 8) + ".webhook.test";
      var resolved = new InetAddress[addresses.length];
      for (int i = 0; i < addresses.length; i++) {
        try {
          resolved[i] = InetAddress.getByAddress(name, InetAddress.getByName(addresses[i]).getAddress());
        } catch (UnknownHostException e) {
          throw new IllegalArgumentException(addresses[i], e);
        }
      }
      given.put(name, resolved);
      return name;
    }

    /** How many times {@code name} was looked up. */
    int lookups(String name) {
      AtomicInteger count = lookups.get(name);
      return count == null ? 0 : count.get();
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
      lookups.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
      InetAddress[] addresses = given.get(host);
      return addresses != null ? addresses.clone() : InetAddress.getAllByName(host);
    }
  }

  /** Another replica of the service: a deployment of its own, on its own port. */
  record Replica(String deploymentId, TestHttp http) {}

  /** Starts another replica on the same database and sidecar. */
  Replica startAnotherReplica() {
    int port = TestHttp.freePort();
    return new Replica(Await.result(NotificationService.deploy(vertx, config.withPort(port), names)), new TestHttp(port));
  }

  /** Stops a replica as a rolling update would. */
  void stop(Replica replica) {
    Await.result(vertx.undeploy(replica.deploymentId()));
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
    return http.send("POST", NotificationApiVerticle.EVENTS_ROUTE, null, body, Map.of("Content-Type", contentType,
        AppPort.TOKEN_HEADER, APP_TOKEN));
  }

  /** Delivers the event in a structured envelope and expects it to be acknowledged. */
  void publish(JsonObject event) {
    assertStatus(deliver(ReminderEvents.envelope(event)), "SUCCESS");
  }

  static void assertStatus(Answer answer, String status) {
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    assertThat(answer.json()).isEqualTo(new JsonObject().put("status", status));
  }

  /** A tick of the reminder-sweep cron binding on this replica; the number of reminders it claimed. */
  int sweep() {
    return sweep(http);
  }

  static int sweep(TestHttp replica) {
    Answer answer = tick(replica);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    return answer.json().getInteger("claimed");
  }

  /** POST /reminders/sweep exactly as daprd's cron binding sends it. */
  static Answer tick(TestHttp replica) {
    return replica.send("POST", NotificationApiVerticle.SWEEP_ROUTE, null, "", Map.of("Content-Type",
        "application/json", "timeZone", "UTC", "readTimeUTC", Instant.now().toString(), AppPort.TOKEN_HEADER, APP_TOKEN));
  }

  /** GET /api/reminders?state= as {@code user}; the items. */
  JsonArray reminders(User user, String state) {
    Answer answer = http.get("/api/reminders?limit=" + ReminderQuery.MAX_LIMIT + "&state=" + state, user.token());
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    return answer.items();
  }

  /** Waits for {@code user}'s reminders in {@code state} to be {@code count}, and answers them. */
  JsonArray awaitReminders(User user, String state, int count) {
    Await.until(count + " " + state + " reminders of " + user.id(), Duration.ofSeconds(15),
        () -> reminders(user, state).size() == count);
    return reminders(user, state);
  }

  /**
   * The value of a counter as /metrics shows it, 0 when it has not been counted yet. Read over
   * HTTP/1.1: TestHttp's client offers an h2c upgrade on a new connection, and a large first answer
   * (the metrics of every test class in this JVM) arrives garbled through the upgrade.
   */
  double counter(String name, String labels) {
    var request = HttpRequest.newBuilder(URI.create("http://localhost:" + config.port() + "/metrics"))
        .timeout(Duration.ofSeconds(30)).build();
    HttpResponse<String> metrics;
    try {
      metrics = METRICS_CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    assertThat(metrics.statusCode()).isEqualTo(200);
    Matcher line = Pattern.compile("(?m)^" + Pattern.quote(name + (labels.isEmpty() ? "" : "{" + labels + "}"))
        + " (\\S+)$").matcher(metrics.body());
    return line.find() ? Double.parseDouble(line.group(1)) : 0;
  }

  /** An administrator's connection to a database of the test server, for what only a test does to it. */
  Connection adminConnection(String databaseName) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://" + database.host() + ":" + database.port() + "/"
        + databaseName, database.user(), database.password());
  }

  /** Runs one statement on the service's database, as an operator (or a replica that died) would leave it. */
  void execute(String sql) {
    try (Connection connection = adminConnection(database.database()); var statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** The stored states of a task's rows, by fire_at: what GET /api/reminders does not tell apart (claimed). */
  List<String> storedStates(UUID taskId) {
    return column("SELECT state FROM notify.reminder WHERE task_id = '" + taskId + "' ORDER BY fire_at");
  }

  /** The first column of what {@code sql} answers, as text. */
  List<String> column(String sql) {
    try (Connection connection = adminConnection(database.database()); var statement = connection.createStatement();
        var rows = statement.executeQuery(sql)) {
      var values = new ArrayList<String>();
      while (rows.next()) {
        values.add(rows.getString(1));
      }
      return values;
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    Await.result(vertx.close());
  }
}
