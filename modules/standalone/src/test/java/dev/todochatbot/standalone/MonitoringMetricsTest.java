package dev.todochatbot.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.PrometheusText;
import dev.todochatbot.platform.testing.TestHttp;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric the chart's alerts and dashboards read is one that something exports: the services'
 * own, checked against the {@code /metrics} of the whole system running (after a little of every kind
 * of work, so that meters made on first use exist), and daprd's, kube-state-metrics' and the kubelet's
 * against the lists their projects document. A misspelt metric in a rule would otherwise be an alert
 * that never fires.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitoringMetricsTest {

  static final Duration PATIENCE = Duration.ofSeconds(60);

  /**
   * Dapr 1.16's sidecar metrics that the chart may read (docs.dapr.io, operations/observability/metrics,
   * and dapr/dapr docs/development/dapr-metrics.md); the latencies are histograms.
   */
  static final Set<String> DAPR_COUNTERS = Set.of("dapr_http_server_request_count", "dapr_http_server_response_count",
      "dapr_http_client_completed_count", "dapr_component_pubsub_ingress_count", "dapr_component_pubsub_egress_count",
      "dapr_component_input_binding_count", "dapr_component_output_binding_count", "dapr_component_secret_count",
      "dapr_runtime_component_loaded", "dapr_runtime_component_init_total", "dapr_runtime_component_init_fail_total",
      "dapr_runtime_service_invocation_req_sent_total", "dapr_runtime_service_invocation_req_recv_total",
      "dapr_runtime_service_invocation_res_sent_total", "dapr_runtime_service_invocation_res_recv_total",
      "dapr_resiliency_loaded", "dapr_resiliency_count", "dapr_resiliency_activations_total");
  static final Set<String> DAPR_HISTOGRAMS = Set.of("dapr_http_server_latency", "dapr_http_client_roundtrip_latency",
      "dapr_component_pubsub_ingress_latencies", "dapr_component_pubsub_egress_latencies",
      "dapr_component_input_binding_latencies", "dapr_component_output_binding_latencies",
      "dapr_component_secret_latencies", "dapr_runtime_service_invocation_res_recv_latency_ms");
  /**
   * kube-state-metrics 2.x (docs/metrics/workload/deployment-metrics.md, pod-metrics.md) and the
   * kubelet's cAdvisor endpoint, both scraped by kube-prometheus-stack; {@code up} is Prometheus's own.
   */
  static final Set<String> CLUSTER = Set.of("up", "kube_deployment_status_replicas_available",
      "kube_deployment_spec_replicas", "kube_pod_container_status_restarts_total", "container_memory_working_set_bytes",
      "container_cpu_cfs_throttled_periods_total", "container_cpu_cfs_periods_total");

  @TempDir
  static Path dataDir;

  Main.Running running;
  TestHttp http;
  String token;

  @BeforeAll
  void startAndDoEveryKindOfWork() {
    running = Await.result(Main.start(EndToEndEnv.of("monitoring_e2e", dataDir, Map.of())));
    http = new TestHttp(running.port());
    var session = http.post("/api/auth/signup", null, new JsonObject().put("email", "metrics-" + UUID.randomUUID()
        + "@example.com").put("password", "correct horse battery").put("name", "Mia"));
    assertThat(session.status()).as(session.toString()).isEqualTo(201);
    token = session.json().getString("token");

    String recurring = http.post("/api/tasks", token, new JsonObject().put("title", "Water the plants")
        .put("dueAt", "2026-03-02T19:00:00Z").put("recurrence", new JsonObject().put("rule", "FREQ=WEEKLY")))
        .json().getString("id");
    assertThat(http.post("/api/tasks/" + recurring + "/complete", token, null).status()).isEqualTo(200);
    String reminded = http.post("/api/tasks", token, new JsonObject().put("title", "Call the plumber")).json()
        .getString("id");
    Instant at = Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.SECONDS);
    assertThat(http.post("/api/tasks/" + reminded + "/reminders", token, new JsonObject().put("at", at.toString()))
        .status()).isEqualTo(201);
    assertThat(http.post("/api/chat", token, new JsonObject().put("message", "what is on my list?")).status())
        .isEqualTo(200);

    Await.until(PATIENCE, () -> tasks() == 3 && consumed("audit", "task-events")
            && consumed("notification", "task-events") && consumed("recurrence", "task-events")
            && consumed("edge", "task-updates") && consumed("edge", "reminders"),
        () -> "waited for the next occurrence (tasks: " + tasks() + ") and a delivery to every consumer; seen: "
            + scrape().samples().stream().filter(s -> s.name().equals("events_consumer_lag_seconds_count")).toList());
  }

  int tasks() {
    return http.get("/api/tasks?status=all&limit=50", token).json().getJsonArray("items").size();
  }

  @AfterAll
  void stop() {
    running.close();
  }

  boolean consumed(String consumer, String topic) {
    return scrape().value("events_consumer_lag_seconds_count", Map.of("consumer", consumer, "topic", topic))
        .orElse(0.0) > 0;
  }

  PrometheusText scrape() {
    var answer = new TestHttp(running.appPorts().get(Main.EDGE)).get("/metrics", null);
    assertThat(answer.status()).isEqualTo(200);
    return PrometheusText.parse(answer.body());
  }

  @Test
  void everyMetricTheAlertsAndDashboardsReadIsExported() {
    Set<String> exported = scrape().names();
    var missing = new ArrayList<String>();
    for (var reference : MonitoringReferences.all()) {
      for (String metric : PromQl.metricNames(reference.expr())) {
        if (!exported.contains(metric) && !documentedOutsideTheServices(metric)) {
          missing.add(metric + " (" + reference.where() + ")");
        }
      }
    }

    assertThat(MonitoringReferences.all()).hasSizeGreaterThan(20);
    assertThat(missing).as("metrics that no service exports and no documented exporter has; the services export "
        + exported.stream().filter(name -> !name.startsWith("jvm_")).collect(Collectors.joining(", "))).isEmpty();
  }

  @Test
  void theMetersTheAlertsNeedMoveWithTheWork() {
    var metrics = scrape();

    assertThat(metrics.value("notification_reminder_lateness_seconds_count")).hasValueSatisfying(
        count -> assertThat(count).isPositive());
    assertThat(metrics.value("notification_reminder_lateness_seconds_bucket", Map.of("le", "2.0")))
        .as("the 2 s bucket TodoRemindersLate reads").isPresent();
    assertThat(metrics.value("outbox_published_total")).hasValueSatisfying(count -> assertThat(count).isGreaterThan(3));
    assertThat(metrics.value("outbox_backlog_events")).isPresent();
    assertThat(metrics.value("vertx_http_server_requests_total", Map.of("route", "/reminders/sweep")))
        .as("the sweep route TodoReminderSweepStopped reads").hasValueSatisfying(count -> assertThat(count).isPositive());
  }

  @Test
  void everyServiceOfTheSystemAnswersMetrics() {
    assertThat(http.get("/metrics", null).status()).as("the public port keeps its metrics to itself").isEqualTo(404);
    for (int port : running.appPorts().values()) {
      var answer = new TestHttp(port).get("/metrics", null);
      assertThat(answer.status()).isEqualTo(200);
      assertThat(PrometheusText.parse(answer.body()).names()).contains("jvm_memory_used_bytes",
          "vertx_http_server_requests_total");
    }
  }

  static boolean documentedOutsideTheServices(String metric) {
    return CLUSTER.contains(metric) || DAPR_COUNTERS.contains(metric) || DAPR_HISTOGRAMS.stream()
        .flatMap(histogram -> Stream.of(histogram + "_bucket", histogram + "_sum", histogram + "_count"))
        .anyMatch(metric::equals);
  }
}
