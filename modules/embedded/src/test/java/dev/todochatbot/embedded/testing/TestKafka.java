package dev.todochatbot.embedded.testing;

import dev.todochatbot.embedded.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The Kafka that tests run against: one embedded broker per test JVM in a temporary directory,
 * started on first use and stopped when the JVM exits, or the broker named by
 * {@code TEST_KAFKA_BROKERS} (host:port,...). Each test creates topics of its own with
 * {@link #newTopic(String)}, so tests never see each other's records.
 */
public final class TestKafka {

  public static final int PARTITIONS = 4;

  private static final AtomicInteger TOPICS = new AtomicInteger();
  private static volatile String bootstrapServers;
  private static volatile EmbeddedKafka embedded;
  private static volatile Admin admin;

  private TestKafka() {}

  /** A record as read back: key and value as UTF-8 text (null when absent), headers in order. */
  public record Received(String topic, int partition, long offset, String key, String value,
      List<Map.Entry<String, String>> headers) {

    /** The last header of that name, like Kafka's {@code lastHeader}. */
    public Optional<String> header(String name) {
      String found = null;
      for (var header : headers) {
        if (header.getKey().equals(name)) {
          found = header.getValue();
        }
      }
      return Optional.ofNullable(found);
    }

    public Map<String, String> headerMap() {
      var map = new HashMap<String, String>();
      headers.forEach(h -> map.put(h.getKey(), h.getValue()));
      return map;
    }
  }

  public static String bootstrapServers() {
    if (bootstrapServers == null) {
      synchronized (TestKafka.class) {
        if (bootstrapServers == null) {
          String external = System.getenv("TEST_KAFKA_BROKERS");
          if (external != null && !external.isBlank()) {
            bootstrapServers = external.strip();
          } else {
            Path dir = temporaryDirectory();
            EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
              kafka.close();
              deleteRecursively(dir);
            }, "test-kafka-stop"));
            embedded = kafka;
            bootstrapServers = kafka.bootstrapServers();
          }
        }
      }
    }
    return bootstrapServers;
  }

  /** The embedded broker, for tests that stop and restart it; empty with an external broker. */
  public static Optional<EmbeddedKafka> embedded() {
    bootstrapServers();
    return Optional.ofNullable(embedded);
  }

  /**
   * Creates a topic with {@value #PARTITIONS} partitions whose name starts with {@code prefix} and is
   * unique to this JVM and run, and returns the name.
   */
  public static String newTopic(String prefix) {
    String name = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-") + "-"
        + TOPICS.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
    createTopic(name, PARTITIONS);
    return name;
  }

  public static void createTopic(String name, int partitions) {
    try {
      admin().createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Could not create topic " + name + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Every record the topic holds right now, ordered by partition then offset. */
  public static List<Received> readAll(String topic) {
    return read(topic, -1, Duration.ofSeconds(30));
  }

  /**
   * Reads the topic from the beginning until it has seen at least {@code count} records, ordered by
   * partition then offset; fails after {@code timeout} saying how many it saw.
   */
  public static List<Received> awaitRecords(String topic, int count, Duration timeout) {
    return read(topic, count, timeout);
  }

  private static List<Received> read(String topic, int count, Duration timeout) {
    var props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    var received = new ArrayList<Received>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = partitions(consumer, topic, deadline);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = count < 0 ? consumer.endOffsets(partitions, timeout) : Map.of();
      while (true) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          received.add(new Received(r.topic(), r.partition(), r.offset(), text(r.key()), text(r.value()),
              headers(r.headers().toArray())));
        }
        boolean done = count < 0
            ? partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p))
            : received.size() >= count;
        if (done) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("Topic " + topic + ": expected " + (count < 0 ? "to reach the end" : count
              + " records") + " within " + timeout + ", saw " + received.size() + ": " + received);
        }
      }
    }
    received.sort(Comparator.comparingInt(Received::partition).thenComparingLong(Received::offset));
    return received;
  }

  private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic, long deadline) {
    while (true) {
      var infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
      if (infos != null && !infos.isEmpty()) {
        return infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Topic " + topic + " does not exist");
      }
    }
  }

  private static List<Map.Entry<String, String>> headers(Header[] headers) {
    return Stream.of(headers).map(h -> Map.entry(h.key(), h.value() == null ? "" : text(h.value()))).toList();
  }

  private static String text(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  private static Admin admin() {
    if (admin == null) {
      synchronized (TestKafka.class) {
        if (admin == null) {
          var props = new Properties();
          props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
          admin = Admin.create(props);
        }
      }
    }
    return admin;
  }

  private static Path temporaryDirectory() {
    try {
      return Files.createTempDirectory("test-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }
}
