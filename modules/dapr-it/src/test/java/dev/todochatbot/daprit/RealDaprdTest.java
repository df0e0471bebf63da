package dev.todochatbot.daprit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.todochatbot.daprit.DaprFiles.Document;
import dev.todochatbot.platform.DatabaseConfig;
import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.Tokens;
import dev.todochatbot.platform.testing.Await;
import io.dapr.testcontainers.Component;
import io.dapr.testcontainers.DaprContainer;
import io.dapr.testcontainers.DaprContainerConstants;
import io.dapr.testcontainers.DaprLogLevel;
import io.dapr.testcontainers.DaprPlacementContainer;
import io.dapr.testcontainers.DaprSchedulerContainer;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.Testcontainers;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.MountableFile;

/**
 * The services against real daprd 1.16, real Kafka and real PostgreSQL, all in containers; the
 * services themselves run as their production fat jars in child JVMs on this machine.
 *
 * <p>Skipped (reported as skipped) where no Docker engine answers, which includes the machines
 * this project is usually built on. It runs in GitHub Actions, in the job that runs
 * {@code mvn -B -pl modules/dapr-it -am verify} on an ubuntu runner (Docker is preinstalled there);
 * a later issue adds that workflow. {@code -am} matters: this module declares the service modules
 * as test dependencies so that their -all jars are packaged before these tests start them.
 *
 * <p>The sidecars load the pub/sub component from dapr/components/pubsub.yaml, the same file
 * {@code dapr run} and the devsidecar load, with only its envRef (KAFKA_BROKERS) resolved to the
 * broker inside the container network; and dapr/resiliency/resiliency.yaml as it is.
 *
 * <p>Each service finds its sidecar through DAPR_HOST / DAPR_HTTP_PORT / DAPR_GRPC_PORT set to the
 * container's published ports; each sidecar reaches its service at host.testcontainers.internal.
 */
@org.testcontainers.junit.jupiter.Testcontainers(disabledWithoutDocker = true)
class RealDaprdTest {

  private static final String TASK_EVENTS = "task-events";
  private static final String DEAD_LETTER = "task-events-deadletter";
  /** audit-service's history of one task, newest last; keep in step with audit-service's route table. */
  private static final String HISTORY_PATH = "/api/tasks/%s/history";
  private static final String JWT_SECRET = "dapr-it-only-secret-at-least-32-bytes-long";
  private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(60);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Path ROOT = DaprFiles.repositoryRoot();
  private static final Path LOGS = ROOT.resolve("modules/dapr-it/target/dapr-it-logs");

  private static final Network network = Network.newNetwork();
  // Kafka 3.9: Dapr 1.16's Kafka client (sarama) defaults to protocol version 2.0.0, older than
  // what a Kafka 4 broker still accepts.
  private static final KafkaContainer kafka = new KafkaContainer("apache/kafka:3.9.1")
      .withNetwork(network)
      .withNetworkAliases("kafka")
      .withListener("kafka:19092");
  private static final PostgreSQLContainer<?> postgres = new PostgreSQLContainer<>("postgres:16-alpine")
      .withDatabaseName("todo")
      .withUsername("todo")
      .withPassword("todo");
  // One placement and one scheduler for both sidecars (DaprContainer would start a pair per sidecar,
  // all under the same network aliases). These services use neither; daprd 1.16 insists on both.
  private static final DaprPlacementContainer placement =
      new DaprPlacementContainer(DaprContainerConstants.DAPR_PLACEMENT_IMAGE_TAG)
          .withNetwork(network)
          .withNetworkAliases("placement");
  private static final DaprSchedulerContainer scheduler =
      new DaprSchedulerContainer(DaprContainerConstants.DAPR_SCHEDULER_IMAGE_TAG)
          .withNetwork(network)
          .withNetworkAliases("scheduler");

  private static final List<AutoCloseable> started = new ArrayList<>();
  private static Vertx vertx;
  private static Tokens tokens;
  private static ServiceProcess taskService;
  private static ServiceProcess auditService;
  private static DaprContainer auditSidecar;

  @BeforeAll
  static void startEverything() throws IOException {
    Startables.deepStart(kafka, postgres, placement, scheduler).join();
    started.addAll(List.<AutoCloseable>of(kafka::stop, postgres::stop, placement::stop, scheduler::stop));

    Component pubsub = componentFromDaprDir("pubsub", Map.of("KAFKA_BROKERS", "kafka:19092"));
    taskService = startWithSidecar("task-service", pubsub).service();
    SidecarAndService audit = startWithSidecar("audit-service", pubsub);
    auditService = audit.service();
    auditSidecar = audit.sidecar();

    vertx = Vertx.vertx();
    tokens = Tokens.create(vertx, JWT_SECRET, Duration.ofHours(1));
  }

  @AfterAll
  static void stopEverything() {
    if (vertx != null) {
      vertx.close();
    }
    // services first, then their sidecars, then the infrastructure: the reverse of starting
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        System.err.println("dapr-it: could not stop a container or process: " + e);
      }
    }
    network.close();
  }

  @Test
  void aCreatedTaskReachesKafkaThroughDaprdKeyedByItsUser() throws Exception {
    Principal user = newUser();
    String taskId = createTask(user, "Pay rent");

    try (KafkaConsumer<String, String> consumer = kafkaConsumer()) {
      consumer.subscribe(List.of(TASK_EVENTS));
      ConsumerRecord<String, String> record = eventually("a record about task " + taskId + " on " + TASK_EVENTS, () -> {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.value() != null && r.value().contains(taskId)) {
            return Optional.of(r);
          }
        }
        return Optional.empty();
      });

      assertThat(record.key()).as("Kafka key (metadata.partitionKey)").isEqualTo(user.userId().toString());
      JsonNode envelope = JSON.readTree(record.value());
      assertThat(envelope.path("specversion").asText()).as("CloudEvent specversion").isEqualTo("1.0");
      assertThat(envelope.path("source").asText()).as("CloudEvent source: the publishing app-id")
          .isEqualTo("task-service");
      assertThat(envelope.path("topic").asText()).isEqualTo(TASK_EVENTS);
      assertThat(envelope.path("type").asText()).as("CloudEvent type (metadata.cloudevent.type)")
          .isEqualTo("task.created.v1");
      JsonNode data = envelope.path("data");
      assertThat(data.isObject()).as("data is the event as JSON, not a string: %s", data).isTrue();
      assertThat(data.toString()).as("event data").contains(taskId);
      assertThat(envelope.path("id").asText()).as("CloudEvent id (metadata.cloudevent.id) is the event's own id")
          .isEqualTo(data.path("eventId").asText());
    }
  }

  @Test
  void auditServiceStoresTheEventsDaprdDeliversToItsSubscription() throws Exception {
    JsonNode subscription = eventually("audit-service's programmatic subscription in its sidecar's metadata", () ->
        stream(get(auditSidecar.getHttpEndpoint() + "/v1.0/metadata", null).path("subscriptions"))
            .filter(s -> s.path("topic").asText().equals(TASK_EVENTS))
            .findFirst());
    assertThat(subscription.path("pubsubname").asText()).isEqualTo("pubsub");
    assertThat(subscription.path("deadLetterTopic").asText()).isEqualTo(DEAD_LETTER);

    Principal user = newUser();
    String taskId = createTask(user, "Renew passport");

    String token = tokens.issue(user);
    String history = eventually("task " + taskId + "'s creation in audit-service's history", () -> {
      HttpResponse<String> response = send(HttpRequest.newBuilder(
          URI.create("http://localhost:" + auditService.port() + HISTORY_PATH.formatted(taskId)))
          .header("Authorization", "Bearer " + token).GET().build());
      return response.statusCode() == 200 && response.body().contains("task.created")
          ? Optional.of(response.body()) : Optional.empty();
    });

    assertThat(history).contains(taskId);
  }

  // ---- setting up ----

  private record SidecarAndService(DaprContainer sidecar, ServiceProcess service) {}

  /** daprd for {@code appId} in a container, then the service's jar on this machine, wired to each other. */
  private static SidecarAndService startWithSidecar(String appId, Component pubsub) throws IOException {
    int appPort = ServiceProcess.freePort();
    String apiToken = java.util.UUID.randomUUID().toString();
    String appToken = java.util.UUID.randomUUID().toString();
    Testcontainers.exposeHostPorts(appPort);
    Path daprdLog = LOGS.resolve(appId + "-daprd.log");
    Files.createDirectories(LOGS);
    Files.deleteIfExists(daprdLog);
    DaprContainer sidecar = new DaprContainer(DaprContainerConstants.DAPR_RUNTIME_IMAGE_TAG)
        .withAppName(appId)
        .withNetwork(network)
        .withPlacementContainer(placement)
        .withSchedulerContainer(scheduler)
        .withAppPort(appPort)
        .withAppChannelAddress("host.testcontainers.internal")
        .withAppHealthCheckPath("/healthz")
        .withDaprLogLevel(DaprLogLevel.INFO)
        .withComponent(pubsub)
        .withCopyFileToContainer(MountableFile.forHostPath(ROOT.resolve("dapr/resiliency/resiliency.yaml")),
            "/dapr-resources/resiliency.yaml")
        .withLogConsumer(frame -> appendTo(daprdLog, frame.getUtf8String()))
        // Dapr's two tokens, as the chart gives them: daprd asks the first of every call to its API and
        // shows the service the second, which its subscription routes insist on
        .withEnv("DAPR_API_TOKEN", apiToken)
        .withEnv("APP_API_TOKEN", appToken);
    // waits for /v1.0/healthz/outbound: components loaded, before the app is up
    sidecar.start();
    started.add(sidecar::stop);

    Map<String, String> env = new LinkedHashMap<>();
    env.put("DATABASE_URL", DatabaseConfig.url(postgres.getHost(), postgres.getMappedPort(5432),
        postgres.getDatabaseName(), postgres.getUsername(), postgres.getPassword()));
    env.put("JWT_SECRET", JWT_SECRET);
    env.put("DAPR_HOST", sidecar.getHost());
    env.put("DAPR_HTTP_PORT", Integer.toString(sidecar.getHttpPort()));
    env.put("DAPR_GRPC_PORT", Integer.toString(sidecar.getGrpcPort()));
    env.put("PUBSUB_NAME", pubsub.getName());
    env.put("DAPR_API_TOKEN", apiToken);
    env.put("APP_API_TOKEN", appToken);
    ServiceProcess service = ServiceProcess.start(ROOT, appId, appPort, env, LOGS);
    started.add(service);
    service.awaitHealthy(Duration.ofSeconds(90));
    return new SidecarAndService(sidecar, service);
  }

  /**
   * A component from dapr/components as DaprContainer takes it: name, type, version and plain values.
   * envRef items are resolved from {@code env}, standing in for the sidecar's environment; scopes
   * are dropped (each sidecar here serves one app anyway).
   */
  static Component componentFromDaprDir(String name, Map<String, String> env) throws IOException {
    DaprFiles files = DaprFiles.load(ROOT.resolve("dapr"));
    Document doc = files.documents().stream()
        .filter(d -> d.kind().equals("Component") && d.name().equals(name)
            && d.file().getParent().equals(files.daprDir().resolve("components")))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no component '" + name + "' in dapr/components"));
    Map<String, String> metadata = new LinkedHashMap<>();
    for (JsonNode item : doc.node().path("spec").path("metadata")) {
      String key = item.path("name").asText();
      if (item.has("value")) {
        metadata.put(key, item.get("value").asText());
      } else if (item.has("envRef") && env.containsKey(item.get("envRef").asText())) {
        metadata.put(key, env.get(item.get("envRef").asText()));
      } else {
        throw new IllegalStateException(files.show(doc.file()) + ": metadata '" + key + "' is neither a value nor an"
            + " envRef this test can resolve (known: " + env.keySet() + ")");
      }
    }
    return new Component(doc.name(), doc.node().path("spec").path("type").asText(),
        doc.node().path("spec").path("version").asText(), metadata);
  }

  // ---- talking to the services ----

  private static Principal newUser() {
    UUID id = UUID.randomUUID();
    return new Principal(id, "user-" + id + "@example.com", "Europe/Berlin");
  }

  private static String createTask(Principal user, String title) throws IOException {
    HttpResponse<String> response = send(HttpRequest.newBuilder(
        URI.create("http://localhost:" + taskService.port() + "/api/tasks"))
        .header("Authorization", "Bearer " + tokens.issue(user))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("title", title))))
        .build());
    assertThat(response.statusCode()).as("POST /api/tasks answered %s", response.body()).isEqualTo(201);
    String id = JSON.readTree(response.body()).path("id").asText("");
    assertThat(id).as("id of the created task in %s", response.body()).isNotBlank();
    return id;
  }

  private static JsonNode get(String url, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response = send(request.build());
    try {
      return response.statusCode() == 200 ? JSON.readTree(response.body()) : JSON.missingNode();
    } catch (IOException e) {
      return JSON.missingNode();
    }
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static KafkaConsumer<String, String> kafkaConsumer() {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBootstrapServers());
    properties.put(ConsumerConfig.GROUP_ID_CONFIG, "dapr-it-" + UUID.randomUUID());
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return new KafkaConsumer<>(properties);
  }

  /** Polls {@code attempt} until it yields a value; events travel through an outbox, daprd and Kafka. */
  private static <T> T eventually(String what, Supplier<Optional<T>> attempt) {
    return Await.untilPresent(EVENT_TIMEOUT, attempt, () -> "no " + what + " within " + EVENT_TIMEOUT.toSeconds()
        + " s; logs in " + LOGS + "\ntask-service:\n" + taskService.tail() + "\naudit-service:\n" + auditService.tail());
  }

  private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
    List<JsonNode> items = new ArrayList<>();
    array.forEach(items::add);
    return items.stream();
  }

  private static void appendTo(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      // a lost log line must not fail the test
    }
  }
}
