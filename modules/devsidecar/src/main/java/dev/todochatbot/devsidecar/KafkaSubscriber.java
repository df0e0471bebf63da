package dev.todochatbot.devsidecar;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.todochatbot.devsidecar.AppChannel.Outcome;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One app's consumer on one Kafka pub/sub component: a consumer group member on a thread of its own,
 * delivering to the app one record at a time per partition, partitions in parallel, and committing a
 * record's offset only once its delivery is settled. A partition whose record is being retried blocks
 * nothing else; once 1,000 of its records wait it is paused (the consumer keeps polling, so the group
 * membership holds).
 *
 * <p>Settling follows daprd 1.16 (pkg/runtime/subscription and components-contrib kafka): success
 * and 404 are acked; DROP goes to the dead-letter topic when there is one; a failure (RETRY, an
 * unknown status, another HTTP status, no connection, the inbound timeout) is first retried by the
 * Resiliency inbound policy of the component, if any, each attempt bounded by its timeout. When that
 * policy gives up (at once without one) the record goes to the dead-letter topic when there is one;
 * otherwise the component's backoff waits and the whole inbound policy runs again, as the Kafka
 * component re-runs daprd's handler; when {@code backOffMaxRetries} runs out the record is logged and
 * skipped, as the Kafka component moves on. The partition stays blocked throughout.
 */
final class KafkaSubscriber {

  private static final Logger log = LoggerFactory.getLogger(KafkaSubscriber.class);
  /**
   * How often settled offsets are committed, as the Kafka component's consumer group does (Sarama
   * commits marked offsets every second): a commit per record would cost the broker a write each.
   * Revokes and closing commit at once.
   */
  private static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);
  /** records of one partition fetched and waiting for delivery before the partition is paused */
  static final int MAX_WAITING_PER_PARTITION = 1000;

  private final KafkaPubSub pubsub;
  private final Map<String, AppSubscription> byTopic;
  private final EventSink app;
  private final Resiliency.InboundPolicy inbound;
  private final Context context;
  private final String appId;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicBoolean healthy = new AtomicBoolean(true);
  private final java.util.concurrent.atomic.AtomicReference<RuntimeException> failure =
      new java.util.concurrent.atomic.AtomicReference<>();
  private final java.util.concurrent.atomic.AtomicInteger failuresToInject = new java.util.concurrent.atomic.AtomicInteger();
  private final Promise<Void> firstAssignment = Promise.promise();
  private final java.util.concurrent.atomic.AtomicLong failedAttempts = new java.util.concurrent.atomic.AtomicLong();
  /** settled deliveries, handed from Vert.x to the consumer thread */
  private final ConcurrentLinkedQueue<Settled> settled = new ConcurrentLinkedQueue<>();
  /** lanes that delivered all their records and want more, handed from Vert.x to the consumer thread */
  private final ConcurrentLinkedQueue<Lane> drained = new ConcurrentLinkedQueue<>();
  /** consumer-thread state only */
  private final Map<TopicPartition, Lane> lanes = new HashMap<>();
  private final Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();
  private long epochs;
  private long lastCommit = System.nanoTime();

  private record Settled(TopicPartition partition, long epoch, long offset) {}

  /**
   * A partition's fetched records, delivered one at a time, in order, on the Vert.x context. The
   * consumer thread adds to it; one chain of deliveries on the context takes from it ({@code delivering}
   * makes sure there is never a second). When too many wait, the consumer thread pauses the partition
   * until the chain has worked half of them off.
   */
  private static final class Lane {
    final TopicPartition partition;
    final long epoch;
    final ConcurrentLinkedQueue<ConsumerRecord<byte[], byte[]>> pending = new ConcurrentLinkedQueue<>();
    /** a chain of deliveries runs on the context; only whoever sets this from false starts one */
    final java.util.concurrent.atomic.AtomicBoolean delivering = new java.util.concurrent.atomic.AtomicBoolean();
    /** the partition is paused because too many of its records wait (set by the consumer thread) */
    volatile boolean paused;
    volatile Delivery inFlight;
    volatile boolean revoked;

    Lane(TopicPartition partition, long epoch) {
      this.partition = partition;
      this.epoch = epoch;
    }

    void revoke() {
      revoked = true;
      Delivery delivery = inFlight;
      if (delivery != null) {
        delivery.cancel();
      }
    }
  }

  KafkaSubscriber(Context context, KafkaPubSub pubsub, List<AppSubscription> subscriptions, EventSink app) {
    this(context, pubsub, subscriptions, app, Resiliency.InboundPolicy.NONE);
  }

  KafkaSubscriber(Context context, KafkaPubSub pubsub, List<AppSubscription> subscriptions, EventSink app,
      Resiliency.InboundPolicy inbound) {
    this.context = context;
    this.inbound = inbound;
    this.pubsub = pubsub;
    this.app = app;
    this.appId = pubsub.appId;
    var topics = new LinkedHashMap<String, AppSubscription>();
    subscriptions.forEach(s -> topics.putIfAbsent(s.topic(), s));
    this.byTopic = Map.copyOf(topics);
    this.consumer = new KafkaConsumer<>(pubsub.consumerProperties(), new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "devsidecar-" + appId + "-" + pubsub.name + "-consumer");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
    log.info("App {} subscribed on {} (group {}) to {}; inbound resiliency: {}", appId, pubsub.name, pubsub.groupId,
        byTopic.keySet(), inbound);
  }

  /** Completes when the group first assigned partitions to this consumer. */
  Future<Void> assigned() {
    return firstAssignment.future();
  }

  /** Deliveries that failed and wait for a retry, since the start. */
  long failedAttempts() {
    return failedAttempts.get();
  }

  String pubsubName() {
    return pubsub.name;
  }

  java.util.Set<String> topics() {
    return byTopic.keySet();
  }

  void close() {
    running.set(false);
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      consumer.subscribe(byTopic.keySet(), new Rebalance());
      int failures = 0;
      while (running.get()) {
        try {
          pollOnce();
          if (failures > 0) {
            log.info("The consumer of app {} on {} polls again after {} failure(s)", appId, pubsub.name, failures);
            failures = 0;
            healthy.set(true);
          }
        } catch (WakeupException e) {
          // closing, or a lane wants its partition resumed
        } catch (RuntimeException e) {
          // a consumer is never silently gone: unhealthy (the sidecar's /v1.0/healthz says 500) until a poll
          // succeeds again, tried again after a backoff; the records in hand stay uncommitted
          failures++;
          healthy.set(false);
          long wait = Math.min(5_000, 100L << Math.min(failures - 1, 6));
          log.error("The consumer of app {} on {} failed ({}); polling again in {} ms", appId, pubsub.name,
              e.toString(), wait, e);
          try {
            Thread.sleep(wait);
          } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    } catch (RuntimeException e) {
      log.error("The consumer of app {} on {} could not subscribe: {}", appId, pubsub.name, e.toString(), e);
      healthy.set(false);
    } finally {
      lanes.values().forEach(Lane::revoke);
      try {
        applySettled();
        commit(true);
      } catch (RuntimeException e) {
        log.debug("Final commit failed: {}", e.toString());
      }
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  /** One turn of the consumer thread: settled offsets, resumed partitions, a commit when due, one poll. */
  private void pollOnce() {
    applySettled();
    resumeDrained();
    if (System.nanoTime() - lastCommit >= COMMIT_INTERVAL.toNanos()) {
      lastCommit = System.nanoTime();
      commit(false);
    }
    if (failuresToInject.get() > 0 && failuresToInject.getAndDecrement() > 0) {
      throw failure.get();
    }
    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
    for (TopicPartition partition : records.partitions()) {
      Lane lane = lanes.get(partition);
      if (lane == null) {
        continue;
      }
      // the partition keeps being fetched while its records are delivered one at a time, so the next
      // record is at hand when the one before is settled (pausing it per batch cost a fetch wait
      // before every batch); it is paused only when too many wait
      lane.pending.addAll(records.records(partition));
      if (lane.pending.size() >= MAX_WAITING_PER_PARTITION && !lane.paused) {
        consumer.pause(List.of(partition));
        lane.paused = true;
      }
      if (lane.delivering.compareAndSet(false, true)) {
        context.runOnContext(v -> deliverNext(lane));
      }
    }
  }

  /** False while the consumer thread's last turn failed (it keeps trying), or after it stopped. */
  boolean healthy() {
    return healthy.get() && thread.isAlive();
  }

  /** For tests: the consumer thread's next {@code turns} turns fail with {@code e}, as a broker or client error would. */
  void failNextPolls(int turns, RuntimeException e) {
    failure.set(e);
    failuresToInject.set(turns);
    consumer.wakeup();
  }

  /**
   * On the Vert.x context: delivers the lane's next record, and the one after once it is settled,
   * without a trip through the consumer thread; when the lane is empty, asks that thread for more.
   */
  private void deliverNext(Lane lane) {
    if (lane.revoked) {
      return;
    }
    if (lane.paused && lane.pending.size() <= MAX_WAITING_PER_PARTITION / 2) {
      drained.add(lane); // room again: the consumer thread resumes the partition
      consumer.wakeup();
    }
    ConsumerRecord<byte[], byte[]> next = lane.pending.poll();
    if (next == null) {
      lane.inFlight = null;
      lane.delivering.set(false);
      // records handed over between the poll above and the flag going down would otherwise wait
      if (!lane.pending.isEmpty() && lane.delivering.compareAndSet(false, true)) {
        deliverNext(lane);
      }
      return;
    }
    var delivery = new Delivery(next);
    lane.inFlight = delivery;
    if (lane.revoked) {
      // revoked while this delivery was being set up: the consumer thread may not have seen it
      delivery.cancel();
    }
    delivery.attempt().onComplete(done -> {
      // a delivery cancelled by close or a revoke is not settled: its offset stays uncommitted, so the
      // record is delivered again by whoever consumes the partition next
      if (!delivery.cancelled) {
        settled.add(new Settled(lane.partition, lane.epoch, next.offset()));
        deliverNext(lane);
      }
    });
  }

  private void applySettled() {
    Settled s;
    while ((s = settled.poll()) != null) {
      Lane lane = lanes.get(s.partition());
      if (lane == null || lane.epoch != s.epoch()) {
        continue; // the partition moved elsewhere meanwhile; its new owner redelivers
      }
      toCommit.merge(s.partition(), new OffsetAndMetadata(s.offset() + 1),
          (a, b) -> a.offset() >= b.offset() ? a : b);
    }
  }

  private void resumeDrained() {
    Lane lane;
    while ((lane = drained.poll()) != null) {
      if (lanes.get(lane.partition) == lane && lane.paused) {
        consumer.resume(List.of(lane.partition));
        lane.paused = false;
      }
    }
  }

  private void commit(boolean sync) {
    if (toCommit.isEmpty()) {
      return;
    }
    var offsets = Map.copyOf(toCommit);
    toCommit.clear();
    if (sync) {
      consumer.commitSync(offsets, Duration.ofSeconds(5));
      return;
    }
    consumer.commitAsync(offsets, (committed, error) -> {
      if (error != null) {
        log.debug("Commit of {} failed, will retry: {}", committed, error.toString());
        // keep the newest offset of each partition still owned: the next loop commits it again
        offsets.forEach((tp, offset) -> {
          if (lanes.containsKey(tp)) {
            toCommit.merge(tp, offset, (a, b) -> a.offset() >= b.offset() ? a : b);
          }
        });
      }
    });
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      applySettled();
      var mine = new HashMap<TopicPartition, OffsetAndMetadata>();
      partitions.forEach(tp -> {
        OffsetAndMetadata offset = toCommit.remove(tp);
        if (offset != null) {
          mine.put(tp, offset);
        }
      });
      if (!mine.isEmpty()) {
        try {
          consumer.commitSync(mine, Duration.ofSeconds(5));
        } catch (RuntimeException e) {
          log.debug("Commit on revoke failed: {}", e.toString());
        }
      }
      drop(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      partitions.forEach(toCommit::remove);
      drop(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      partitions.forEach(tp -> lanes.put(tp, new Lane(tp, ++epochs)));
      log.debug("App {} on {}: assigned {}", appId, pubsub.name, partitions);
      context.runOnContext(v -> firstAssignment.tryComplete());
    }

    private void drop(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        Lane lane = lanes.remove(tp);
        if (lane != null) {
          lane.revoke();
        }
      }
    }
  }

  /** One record's way to the app, with its retries; completes once the record is settled. */
  private final class Delivery {
    private final ConsumerRecord<byte[], byte[]> record;
    private final AppSubscription subscription;
    private final Map<String, String> metadata;
    private final long started = System.nanoTime();
    private final Promise<Void> settledPromise = Promise.promise();
    private volatile boolean cancelled;
    private long timer = -1;
    /** failed runs of the inbound policy, for the component's backoff */
    private int failures;
    /** failed attempts in the current run of the inbound policy, and when that run started */
    private int policyFailures;
    private int attemptsFailed;
    private long policyStarted = System.nanoTime();

    Delivery(ConsumerRecord<byte[], byte[]> record) {
      this.record = record;
      this.subscription = byTopic.get(record.topic());
      this.metadata = metadata(record);
    }

    void cancel() {
      cancelled = true;
      context.runOnContext(v -> {
        if (timer >= 0) {
          context.owner().cancelTimer(timer);
        }
        settledPromise.tryComplete();
      });
    }

    Future<Void> attempt() {
      if (cancelled) {
        settledPromise.tryComplete();
        return settledPromise.future();
      }
      byte[] body = subscription.rawPayload()
          ? CloudEvents.fromRawPayload(record.value(), record.topic(), pubsub.name)
          : record.value();
      Optional<ObjectNode> event = CloudEvents.read(body);
      if (event.isEmpty()) {
        failed("the record is not a CloudEvent (JSON object); publish with rawPayload=true to send raw data");
        return settledPromise.future();
      }
      if (CloudEvents.expired(event.get())) {
        log.warn("Dropping expired event {} on {}/{}", event.get().path("id").asText(), pubsub.name, record.topic());
        toDeadLetter(false);
        return settledPromise.future();
      }
      Optional<String> path = subscription.pathFor(event.get().path("type").asText(""));
      if (path.isEmpty()) {
        log.debug("No route matches event {} on {}; skipped", event.get().path("id").asText(), record.topic());
        toDeadLetter(false);
        return settledPromise.future();
      }
      app.deliver(path.get(), headers(event.get()), Buffer.buffer(body), event.get(), inbound.timeout().orElse(null))
          .onComplete(result -> settle(result.result()));
      return settledPromise.future();
    }

    private void settle(Outcome outcome) {
      if (cancelled) {
        settledPromise.tryComplete();
        return;
      }
      switch (outcome.verdict()) {
        case SUCCESS -> {
          if (failures > 0 || policyFailures > 0) {
            log.info("Delivered {} to app {} after {} failed attempt(s)", where(), appId, attemptsFailed);
          }
          settledPromise.tryComplete();
        }
        case NOT_FOUND -> {
          log.error("App {} answered 404 to {}: not retriable, dropped ({})", appId, where(), outcome.detail());
          settledPromise.tryComplete();
        }
        case DROP -> {
          if (subscription.deadLetterTopic().isPresent()) {
            toDeadLetter(true);
          } else {
            log.warn("App {} answered DROP to {}: dropped", appId, where());
            settledPromise.tryComplete();
          }
        }
        case RETRY -> failed(outcome.detail());
      }
    }

    private void failed(String why) {
      attemptsFailed++;
      failedAttempts.incrementAndGet();
      if (inbound.retry().isPresent()) {
        policyFailures++;
        Optional<Duration> wait = inbound.retry().get().next(policyFailures,
            Duration.ofNanos(System.nanoTime() - policyStarted));
        if (wait.isPresent()) {
          log.warn("Delivering {} to app {} failed ({}); inbound retry {} in {} ms", where(), appId, why,
              policyFailures, wait.get().toMillis());
          later(wait.get());
          return;
        }
        log.warn("Delivering {} to app {}: the inbound retry policy gave up after {} attempt(s)", where(), appId,
            policyFailures);
      }
      policyFailures = 0;
      policyStarted = System.nanoTime();
      if (subscription.deadLetterTopic().isPresent()) {
        log.warn("Delivering {} to app {} failed ({}): to dead-letter topic {}", where(), appId, why,
            subscription.deadLetterTopic().get());
        toDeadLetter(true);
        return;
      }
      retryLater(why);
    }

    /** The component's backoff: waits, then runs the inbound policy again from its start. */
    private void retryLater(String why) {
      failures++;
      Optional<Duration> wait = pubsub.backoff.next(failures, Duration.ofNanos(System.nanoTime() - started));
      if (wait.isEmpty()) {
        log.error("Too many failed attempts at delivering {} to app {} ({}): skipped", where(), appId, why);
        settledPromise.tryComplete();
        return;
      }
      log.warn("Delivering {} to app {} failed ({}); retrying in {} ms", where(), appId, why, wait.get().toMillis());
      later(wait.get());
    }

    /** The next attempt after {@code wait}; {@link #cancel()} stops the wait at once. */
    private void later(Duration wait) {
      if (cancelled) {
        settledPromise.tryComplete();
        return;
      }
      timer = context.owner().setTimer(Math.max(1, wait.toMillis()), id -> {
        timer = -1;
        attempt();
      });
    }

    /**
     * Publishes the record as it came (same bytes, metadata as headers) to the dead-letter topic.
     * When that publish fails and {@code mustSucceed}, the delivery counts as failed and is retried.
     */
    private void toDeadLetter(boolean mustSucceed) {
      Optional<String> topic = subscription.deadLetterTopic();
      if (topic.isEmpty()) {
        settledPromise.tryComplete();
        return;
      }
      pubsub.publish(context, topic.get(), record.value(), metadata).onComplete(result -> {
        if (result.succeeded() || !mustSucceed) {
          settledPromise.tryComplete();
        } else {
          failedAttempts.incrementAndGet();
          retryLater("dead-letter publish to " + topic.get() + " failed: " + result.cause().getMessage());
        }
      });
    }

    private MultiMap headers(ObjectNode event) {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      headers.set(HttpHeaders.CONTENT_TYPE, CloudEvents.CONTENT_TYPE);
      metadata.forEach((k, v) -> {
        if (headerName(k) && headerValue(v)) {
          headers.set(k, v);
        } else {
          log.debug("Metadata {} of {} cannot travel as an HTTP header; left out", k, where());
        }
      });
      // daprd's delivery is a span of its own under the event's (it reads traceparent, else traceid, and
      // passes no tracestate on); an event without either, as a raw payload, is delivered without one
      String traceparent = event.path("traceparent").asText(event.path("traceid").asText(""));
      if (!traceparent.isEmpty()) {
        headers.set("traceparent", TraceContext.childOf(traceparent));
      }
      return headers;
    }

    private String where() {
      return pubsub.name + "/" + record.topic() + "/" + record.partition() + "@" + record.offset();
    }
  }

  /** What daprd's Kafka component hands on as message metadata: record facts and record headers. */
  private Map<String, String> metadata(ConsumerRecord<byte[], byte[]> record) {
    var metadata = new LinkedHashMap<String, String>();
    for (Header header : record.headers()) {
      metadata.put(header.key(), header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8));
    }
    if (record.key() != null) {
      metadata.put("__key", new String(record.key(), StandardCharsets.UTF_8));
    }
    metadata.put("__offset", String.valueOf(record.offset()));
    metadata.put("__topic", record.topic());
    metadata.put("__timestamp", String.valueOf(record.timestamp()));
    metadata.put("__partition", String.valueOf(record.partition()));
    metadata.put("pubsubName", pubsub.name);
    return metadata;
  }

  private static boolean headerName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= ' ' || c >= 0x7f || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean headerValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == 0 || c > 0xff) {
        return false;
      }
    }
    return true;
  }
}
