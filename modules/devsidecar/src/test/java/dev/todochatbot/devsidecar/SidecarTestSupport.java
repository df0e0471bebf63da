package dev.todochatbot.devsidecar;

import dev.todochatbot.embedded.testing.TestKafka;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Real sidecars on free ports, real apps, the test JVM's Kafka broker; everything closed after each test. */
abstract class SidecarTestSupport {

  private static final AtomicInteger IDS = new AtomicInteger();
  static Vertx vertx;

  @TempDir
  Path resources;

  final AppDirectory apps = new AppDirectory();
  private final List<DevSidecar> sidecars = new ArrayList<>();
  private final List<TestApp> testApps = new ArrayList<>();

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    Await.result(vertx.close());
  }

  @AfterEach
  void closeAll() {
    sidecars.forEach(s -> Await.result(s.close()));
    testApps.forEach(TestApp::close);
  }

  static String appId(String prefix) {
    return prefix + "-" + ProcessHandle.current().pid() + "-" + IDS.incrementAndGet();
  }

  /** The usual Kafka pub/sub component named {@code pubsub}, with a fast constant backoff and extra lines. */
  static String kafka(String name, String... extraMetadata) {
    var yaml = new StringBuilder("""
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: %s
        spec:
          type: pubsub.kafka
          version: v1
          metadata:
            - name: brokers
              value: "127.0.0.1:1"
            - name: authType
              value: none
            - name: initialOffset
              value: oldest
            - name: backOffPolicy
              value: constant
            - name: backOffDuration
              value: 100ms
        """.formatted(name));
    for (String line : extraMetadata) {
      int colon = line.indexOf(':');
      yaml.append("    - name: ").append(line, 0, colon).append('\n')
          .append("      value: \"").append(line.substring(colon + 1).strip()).append("\"\n");
    }
    return yaml.toString();
  }

  void file(String name, String content) {
    try {
      Files.writeString(resources.resolve(name), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  TestApp app() {
    var app = new TestApp(vertx).start();
    testApps.add(app);
    return app;
  }

  DevSidecar sidecar(String appId, TestApp app) {
    return sidecar(appId, app == null ? 0 : app.port(), Map.of());
  }

  DevSidecar sidecar(String appId, int appPort, Map<String, String> environment) {
    return sidecar(appId, appPort, environment, Optional.of(TestKafka.bootstrapServers()));
  }

  DevSidecar sidecar(String appId, int appPort, Map<String, String> environment, Optional<String> brokers) {
    return sidecar(new DevSidecarConfig(appId, 0, "127.0.0.1", appPort, resources, brokers, resources), environment);
  }

  /** A sidecar as configured, closed after the test. */
  DevSidecar sidecar(DevSidecarConfig config, Map<String, String> environment) {
    DevSidecar sidecar = Await.result(DevSidecar.start(vertx, config, apps, environment::get));
    sidecars.add(sidecar);
    return sidecar;
  }

  /** For a test that closes the sidecar itself. */
  void forget(DevSidecar sidecar) {
    sidecars.remove(sidecar);
  }

  static TestHttp http(DevSidecar sidecar) {
    return new TestHttp(sidecar.httpPort());
  }

  static JsonArray subscriptions(JsonObject... subscriptions) {
    var array = new JsonArray();
    for (JsonObject s : subscriptions) {
      array.add(s);
    }
    return array;
  }

  static JsonObject subscription(String topic, String route) {
    return new JsonObject().put("pubsubname", "pubsub").put("topic", topic).put("route", route);
  }

  /** The consumer group's committed offsets on the topic, by partition. */
  static Map<Integer, Long> committed(String group, String topic) {
    var props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      var offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
      var byPartition = new HashMap<Integer, Long>();
      offsets.forEach((tp, offset) -> {
        if (tp.topic().equals(topic) && offset != null) {
          byPartition.put(tp.partition(), offset.offset());
        }
      });
      return byPartition;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A valid W3C traceparent of a span of its own, as daprd makes one per hop: under {@code parent} (same
   * trace id and flags, another span id), or the root of a new trace when {@code parent} is null.
   */
  static void assertChildSpan(String traceparent, String parent) {
    org.assertj.core.api.Assertions.assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    if (parent != null) {
      org.assertj.core.api.Assertions.assertThat(traceparent.substring(3, 35)).as("trace id of %s", traceparent)
          .isEqualTo(parent.substring(3, 35));
      org.assertj.core.api.Assertions.assertThat(traceparent.substring(36, 52)).as("span id of %s", traceparent)
          .isNotEqualTo(parent.substring(36, 52));
    }
  }

  static long committedTotal(String group, String topic) {
    return committed(group, topic).values().stream().mapToLong(Long::longValue).sum();
  }
}
