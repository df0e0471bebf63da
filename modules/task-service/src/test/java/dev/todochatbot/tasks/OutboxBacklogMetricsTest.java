package dev.todochatbot.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.PrometheusText;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The outbox backlog as Prometheus scrapes it from the task service's {@code /metrics}: the rows
 * waiting and the age of the oldest, which the OutboxBacklogGrowing alert and the dashboard read.
 */
class OutboxBacklogMetricsTest {

  static Vertx sidecarVertx;
  static RecordingSidecar sidecar;
  static TaskServiceFixture service;

  @BeforeAll
  static void start() {
    sidecarVertx = Vertx.vertx();
    sidecar = new RecordingSidecar(sidecarVertx);
    service = TaskServiceFixture.start("outbox_metrics", sidecar.config(), OutboxRelayTest.FAST);
  }

  @AfterAll
  static void stop() {
    service.close();
    sidecar.close();
    Await.result(sidecarVertx.close());
  }

  double scraped(String name) {
    var answer = service.http.get("/metrics", null);
    assertThat(answer.status()).isEqualTo(200);
    return PrometheusText.parse(answer.body()).value(name)
        .orElseThrow(() -> new AssertionError(name + " is not in /metrics"));
  }

  @Test
  void theBacklogCountsRowsWaitingWhileTheSidecarFailsAndEmptiesOnceItRecovers() {
    UUID id = UUID.randomUUID();
    String token = service.tokens.issue(new Principal(id, id + "@example.com", "Europe/Berlin"));
    // the counters are the process's: other tests of this JVM moved them before
    double failuresBefore = scraped("outbox_publish_failures_total");
    double publishedBefore = scraped("outbox_published_total");
    sidecar.answer(request -> 503);
    try {
      for (int i = 0; i < 3; i++) {
        service.create(token, "Waits in the outbox " + i);
      }
      Await.until(Duration.ofSeconds(10), () -> scraped("outbox_backlog_events") >= 3
              && scraped("outbox_backlog_age_seconds") >= 0.2 && scraped("outbox_publish_failures_total") > failuresBefore,
          () -> "backlog " + scraped("outbox_backlog_events") + " events, oldest "
              + scraped("outbox_backlog_age_seconds") + " s, " + (scraped("outbox_publish_failures_total") - failuresBefore)
              + " failed publishes; wanted 3, at least 0.2 s and at least one");
    } finally {
      sidecar.answer(request -> 204);
    }

    Await.until(Duration.ofSeconds(10), () -> scraped("outbox_backlog_events") == 0
            && scraped("outbox_backlog_age_seconds") == 0,
        () -> "backlog " + scraped("outbox_backlog_events") + " events, oldest "
            + scraped("outbox_backlog_age_seconds") + " s after the sidecar recovered; wanted 0 and 0");
    assertThat(scraped("outbox_published_total") - publishedBefore).isGreaterThanOrEqualTo(3.0);
  }
}
