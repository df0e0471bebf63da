package dev.todochatbot.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.todochatbot.embedded.testing.TestKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

  @TempDir
  Path dataDir;

  @Test
  void recordsAndCommittedOffsetsSurviveARestartAndANewBrokerOnTheSameDirectory() throws Exception {
    String servers;
    int port;
    try (var kafka = EmbeddedKafka.start(dataDir, 0)) {
      servers = kafka.bootstrapServers();
      port = kafka.port();
      assertThat(servers).isEqualTo("127.0.0.1:" + port);
      send(servers, "kept", "k1", "one");
      commit(servers, "kept", "group-a", 1);

      kafka.stop();
      assertThat(kafka.running()).isFalse();
      kafka.restart();
      assertThat(kafka.bootstrapServers()).isEqualTo(servers);
      send(servers, "kept", "k1", "two");
      assertThat(values(servers, "kept")).containsExactly("one", "two");
    }
    try (var again = EmbeddedKafka.start(dataDir, port)) {
      assertThat(values(again.bootstrapServers(), "kept")).containsExactly("one", "two");
      assertThat(committed(again.bootstrapServers(), "kept", "group-a")).isEqualTo(1);
    }
  }

  @Test
  void aTakenPortFailsTheStartWithTheReason() {
    int taken = TestKafka.embedded().orElseThrow().port();
    assertThatThrownBy(() -> EmbeddedKafka.start(dataDir, taken))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("127.0.0.1:" + taken)
        .hasMessageContaining("already in use");
  }

  @Test
  void testKafkaReadsBackKeysValuesAndHeadersOfItsOwnTopics() throws Exception {
    String topic = TestKafka.newTopic("read-back");
    try (var producer = producer(TestKafka.bootstrapServers())) {
      var record = new ProducerRecord<>(topic, "key-1", "value-1");
      record.headers().add("h", "v".getBytes(StandardCharsets.UTF_8));
      producer.send(record).get(10, TimeUnit.SECONDS);
    }
    var records = TestKafka.awaitRecords(topic, 1, Duration.ofSeconds(10));
    assertThat(records).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo("key-1");
      assertThat(r.value()).isEqualTo("value-1");
      assertThat(r.header("h")).contains("v");
    });
    assertThat(TestKafka.readAll(topic)).hasSize(1);
    assertThat(TestKafka.readAll(TestKafka.newTopic("empty"))).isEmpty();
  }

  private static KafkaProducer<String, String> producer(String servers) {
    var props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
  }

  private static void send(String servers, String topic, String key, String value) throws Exception {
    try (var producer = producer(servers)) {
      producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }
  }

  private static KafkaConsumer<String, String> consumer(String servers, String group) {
    var props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
  }

  private static List<String> values(String servers, String topic) {
    try (var consumer = consumer(servers, "reader-" + System.nanoTime())) {
      consumer.subscribe(List.of(topic));
      var values = new java.util.ArrayList<String>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (values.size() < 2 && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
      }
      return values;
    }
  }

  private static void commit(String servers, String topic, String group, long offset) {
    try (var consumer = consumer(servers, group)) {
      var partition = new TopicPartition(topic, 0);
      consumer.commitSync(java.util.Map.of(partition, new OffsetAndMetadata(offset)));
    }
  }

  private static long committed(String servers, String topic, String group) {
    try (var consumer = consumer(servers, group)) {
      var partition = new TopicPartition(topic, 0);
      return consumer.committed(java.util.Set.of(partition), Duration.ofSeconds(30)).get(partition).offset();
    }
  }
}
