package dev.todochatbot.platform.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.testing.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The consumer lag as Prometheus reads it: per consumer and topic, in seconds, in buckets the alerts use. */
class ConsumerLagTest {

  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  PrometheusText scrape() {
    return PrometheusText.parse(registry.scrape());
  }

  @Test
  void eachDeliveryRecordsTheTimeSinceTheEventsOwnTimeUnderItsConsumerAndTopic() {
    var audit = new ConsumerLag(registry, "audit", Topics.TASK_EVENTS);
    var edge = new ConsumerLag(registry, "edge", Topics.REMINDERS);

    audit.record(new JsonObject().put("occurredAt", Instant.now().minusSeconds(3).toString()), "occurredAt");
    edge.record(Instant.now());

    var auditLabels = Map.of("consumer", "audit", "topic", "task-events");
    assertThat(scrape().value("events_consumer_lag_seconds_count", auditLabels)).contains(1.0);
    assertThat(scrape().value("events_consumer_lag_seconds_sum", auditLabels).orElseThrow()).isBetween(3.0, 10.0);
    assertThat(scrape().value("events_consumer_lag_seconds_bucket", Map.of("consumer", "audit", "le", "2.0")))
        .as("3 s late is above the 2 s bucket").contains(0.0);
    assertThat(scrape().value("events_consumer_lag_seconds_bucket", Map.of("consumer", "audit", "le", "5.0")))
        .contains(1.0);
    assertThat(scrape().value("events_consumer_lag_seconds_count", Map.of("consumer", "edge", "topic", "reminders")))
        .contains(1.0);
  }

  @Test
  void anEventFromAClockAheadCountsAsNoLagAndOneWithoutATimeIsNotCounted() {
    var lag = new ConsumerLag(registry, "recurrence", Topics.TASK_EVENTS);

    lag.record(Instant.now().plusSeconds(60));
    lag.record(new JsonObject().put("occurredAt", "yesterday"), "occurredAt");
    lag.record(new JsonObject(), "occurredAt");

    assertThat(scrape().value("events_consumer_lag_seconds_count", Map.of("consumer", "recurrence"))).contains(1.0);
    assertThat(scrape().value("events_consumer_lag_seconds_sum", Map.of("consumer", "recurrence"))).contains(0.0);
  }
}
