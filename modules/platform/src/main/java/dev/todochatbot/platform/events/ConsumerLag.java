package dev.todochatbot.platform.events;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * How far behind one consumer is on one topic, as {@code events.consumer.lag{consumer, topic}}: at each
 * delivery, now minus the time the event itself carries (when the change happened, or the reminder was
 * sent). The services see Dapr's deliveries, not Kafka's offsets; this is the lag a user feels, and it
 * includes the outbox, the broker and every redelivery. A consumer that receives nothing records
 * nothing: the ConsumerStalled alert compares with what was published.
 */
public final class ConsumerLag {

  private final Timer lag;

  public ConsumerLag(MeterRegistry registry, String consumer, String topic) {
    this.lag = Timer.builder("events.consumer.lag")
        .tag("consumer", consumer)
        .tag("topic", topic)
        .description("From the event's own time to its delivery to this consumer")
        .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofMinutes(1), Duration.ofMinutes(5))
        .register(registry);
  }

  /** Another pod's clock may be a little ahead: a negative lag counts as none. */
  public void record(Instant eventTime) {
    Duration behind = Duration.between(eventTime, Instant.now());
    lag.record(behind.isNegative() ? Duration.ZERO : behind);
  }

  /** The event's time from its {@code field} (ISO-8601); an event without a readable one is not counted. */
  public void record(JsonObject data, String field) {
    Object value = data == null ? null : data.getValue(field);
    if (value instanceof String text) {
      try {
        record(Instant.parse(text));
      } catch (DateTimeParseException e) {
        // the consumer's own validation says what is wrong with the event; the lag just skips it
      }
    }
  }
}
