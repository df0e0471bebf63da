package dev.todochatbot.devsidecar;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A {@code pubsub.kafka} component as one sidecar loads it: its settings, and the producer behind
 * publish. Publishing waits for {@code acks=all}; a broker that is down fails a publish within about
 * {@value #PUBLISH_BUDGET_MS} ms instead of hanging.
 */
final class KafkaPubSub implements AutoCloseable {

  static final long PUBLISH_BUDGET_MS = 10_000;

  final String name;
  final String appId;
  final String brokers;
  final String groupId;
  final String clientId;
  final boolean oldest;
  final Backoff backoff;
  private final int maxMessageBytes;
  private final Map<String, List<String>> publishingScopes;
  private final Map<String, List<String>> subscriptionScopes;
  private final Set<String> allowedTopics;
  private final Set<String> protectedTopics;
  private final KafkaProducer<byte[], byte[]> producer;
  /** send() blocks while topic metadata is missing: it runs here, in arrival order, never on an event loop */
  private final ExecutorService sender;

  private KafkaPubSub(Component c, String appId, String brokers) {
    this.name = c.name();
    this.appId = appId;
    this.brokers = brokers;
    String auth = c.get("authType").orElseThrow(() -> new IllegalArgumentException("Component " + c.name() + " ("
        + c.file() + "): pubsub.kafka needs metadata authType (none, password, mtls, oidc, awsiam)"));
    if (!auth.equals("none")) {
      throw c.invalid("authType", auth, "none (the only kind the devsidecar supports)");
    }
    this.groupId = c.get("consumerGroup").or(() -> c.get("consumerID")).orElse(appId);
    this.clientId = c.get("clientID", "devsidecar-" + appId);
    String initial = c.get("initialOffset", "newest").toLowerCase(Locale.ROOT);
    if (!initial.equals("oldest") && !initial.equals("newest")) {
      throw c.invalid("initialOffset", initial, "oldest or newest");
    }
    this.oldest = initial.equals("oldest");
    this.backoff = Backoff.of(c);
    String max = c.get("maxMessageBytes", "1048576");
    try {
      this.maxMessageBytes = Integer.parseInt(max);
    } catch (NumberFormatException e) {
      throw c.invalid("maxMessageBytes", max, "a number of bytes");
    }
    this.publishingScopes = scopes(c.get("publishingScopes", ""));
    this.subscriptionScopes = scopes(c.get("subscriptionScopes", ""));
    this.allowedTopics = topics(c.get("allowedTopics", ""));
    this.protectedTopics = topics(c.get("protectedTopics", ""));
    this.producer = new KafkaProducer<>(producerProperties(), new ByteArraySerializer(), new ByteArraySerializer());
    this.sender = Executors.newSingleThreadExecutor(r -> {
      var t = new Thread(r, "devsidecar-" + appId + "-" + name + "-producer");
      t.setDaemon(true);
      return t;
    });
  }

  static KafkaPubSub create(Component c, String appId, Optional<String> brokersOverride) {
    String brokers = brokersOverride.or(() -> c.get("brokers")).orElseThrow(() -> new IllegalArgumentException(
        "Component " + c.name() + " (" + c.file() + "): pubsub.kafka needs metadata brokers"));
    return new KafkaPubSub(c, appId, brokers);
  }

  private Properties producerProperties() {
    var p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-" + name + "-producer");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    // One request in flight per connection: with more, two batches for one partition can pass each other
    // around the moment a new partition comes up (the first refused NOT_LEADER, the second appended), and
    // the first is then refused for its sequence number (KAFKA-15591): a publish failed, or its records
    // landed behind later ones. Records queue meanwhile and go out together in the next request.
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(maxMessageBytes));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "4000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "8000");
    p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
    return p;
  }

  Properties consumerProperties() {
    var p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-" + name + "-consumer");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, oldest ? "earliest" : "latest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "200");
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
    p.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(Math.max(maxMessageBytes, 1 << 20)));
    return p;
  }

  /** Dapr's IsOperationAllowed: allowedTopics, protectedTopics, then the app's publishing scope. */
  boolean publishAllowed(String topic) {
    return allowed(topic, publishingScopes);
  }

  boolean subscribeAllowed(String topic) {
    return allowed(topic, subscriptionScopes);
  }

  private boolean allowed(String topic, Map<String, List<String>> scopes) {
    if (!allowedTopics.isEmpty() && !allowedTopics.contains(topic)) {
      return false;
    }
    List<String> scoped = scopes.getOrDefault(appId, List.of());
    if (!protectedTopics.contains(topic) && scoped.isEmpty() && !scopes.containsKey(appId)) {
      return true;
    }
    return scoped.contains(topic);
  }

  /**
   * Sends one record and completes on {@code context} once the broker acknowledged it.
   * {@code partitionKey} (or {@code key}) becomes the record key; every metadata entry becomes a header.
   */
  Future<Void> publish(Context context, String topic, byte[] value, Map<String, String> metadata) {
    Promise<Void> promise = Promise.promise();
    long deadline = System.currentTimeMillis() + PUBLISH_BUDGET_MS;
    var record = new ProducerRecord<byte[], byte[]>(topic, null, key(metadata), value);
    metadata.forEach((k, v) -> record.headers().add(new RecordHeader(k, v.getBytes(StandardCharsets.UTF_8))));
    try {
      sender.execute(() -> {
        if (System.currentTimeMillis() > deadline - 1_000) {
          context.runOnContext(v -> promise.fail("the broker at " + brokers + " did not take the message in time"));
          return;
        }
        try {
          producer.send(record, (meta, error) -> context.runOnContext(v -> {
            if (error == null) {
              promise.complete();
            } else {
              promise.fail(error);
            }
          }));
        } catch (RuntimeException e) {
          context.runOnContext(v -> promise.fail(e));
        }
      });
    } catch (RejectedExecutionException e) {
      promise.fail("pubsub " + name + " is closed");
    }
    return promise.future();
  }

  private static byte[] key(Map<String, String> metadata) {
    String key = metadata.get("partitionKey");
    if (key == null) {
      key = metadata.get("key");
    }
    return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    sender.shutdownNow();
    try {
      sender.awaitTermination(6, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(java.time.Duration.ofSeconds(5));
  }

  /** {@code app1=topic1,topic2;app2=topic3}. */
  private static Map<String, List<String>> scopes(String text) {
    var scopes = new HashMap<String, List<String>>();
    for (String part : text.split(";")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        scopes.put(part.substring(0, eq).strip(), Arrays.stream(part.substring(eq + 1).split(","))
            .map(String::strip).toList());
      }
    }
    return scopes;
  }

  private static Set<String> topics(String text) {
    return Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty())
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }
}
