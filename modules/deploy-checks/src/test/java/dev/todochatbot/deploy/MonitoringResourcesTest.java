package dev.todochatbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.openshift.api.model.monitoring.v1.PodMetricsEndpoint;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.RelabelConfig;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.fabric8.openshift.api.model.monitoring.v1.RuleGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The monitoring the chart ships (templates/monitoring.yaml): PodMonitors that reach every service and
 * sidecar, alerts that page within a minute and say what to look at, and dashboards Grafana's sidecar
 * loads. The Prometheus Operator's kinds are read into fabric8's typed model of its CRDs, so
 * KubernetesModelTest also refuses any field they do not document. That every metric these read is
 * exported, and that their expressions are PromQL, is checked in modules/standalone (MonitoringMetricsTest,
 * MonitoringExpressionsTest), against the running system.
 */
class MonitoringResourcesTest {

  /** The values files that turn monitoring on. */
  static Stream<String> monitored() {
    return Stream.of("values-minikube.yaml", "values-production.yaml");
  }

  /** The failures the issue wants a page for, each by the alert that pages. */
  static final List<String> PAGES = List.of("TodoServiceDown", "TodoSidecarDown", "TodoHighErrorRate",
      "TodoHighLatency", "TodoOutboxBacklogGrowing", "TodoConsumerLagHigh", "TodoConsumerStalled", "TodoRemindersLate",
      "TodoRemindersMissed");

  private static final Pattern RANGE = Pattern.compile("\\[([0-9]+[smh])(?::[0-9]*[smh]?)?]");
  private static final Pattern JOB = Pattern.compile("job=\"([^\"]+)\"");
  private static final Pattern DATASOURCE_VARIABLE = Pattern.compile("^\\$\\{([a-zA-Z_]+)}$");

  @Test
  void nothingOfMonitoringIsRenderedWhereItIsOff() {
    var chart = RenderedChart.of("values.yaml");

    assertThat(chart.all(PodMonitor.class)).isEmpty();
    assertThat(chart.all(PrometheusRule.class)).isEmpty();
    assertThat(dashboards(chart)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("monitored")
  void podMonitorsScrapeEveryServicesMetricsPortAndItsSidecarsLabelledAsTheRulesExpect(String valuesFile) {
    var chart = RenderedChart.of(valuesFile);
    List<PodMonitor> monitors = chart.all(PodMonitor.class);
    assertThat(monitors).hasSize(2);
    var jobs = new HashSet<String>();

    for (PodMonitor monitor : monitors) {
      assertThat(monitor.getMetadata().getLabels()).as("the label kube-prometheus-stack selects by")
          .containsEntry("release", "kube-prometheus-stack");
      List<PodMetricsEndpoint> endpoints = monitor.getSpec().getPodMetricsEndpoints();
      assertThat(endpoints).isNotEmpty();
      for (PodMetricsEndpoint endpoint : endpoints) {
        assertThat(seconds(endpoint.getInterval())).isLessThanOrEqualTo(30);
        assertThat(endpoint.getPath()).isEqualTo("/metrics");
        jobs.add(relabelled(endpoint, "job"));
        assertThat(endpoint.getRelabelings()).anySatisfy(relabel -> {
          assertThat(relabel.getTargetLabel()).isEqualTo("app");
          assertThat(relabel.getSourceLabels()).containsExactly("__meta_kubernetes_pod_label_app_kubernetes_io_name");
        });
      }
      assertThat(endpoints.stream().map(endpoint -> relabelled(endpoint, "job")).distinct()).as("one job a monitor")
          .hasSize(1);

      for (Deployment deployment : chart.deployments()) {
        String app = deployment.getMetadata().getName();
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels()).as("%s's pods selected", app)
            .containsAllEntriesOf(monitor.getSpec().getSelector().getMatchLabels());
        Map<String, String> annotations = deployment.getSpec().getTemplate().getMetadata().getAnnotations();
        if (endpoints.get(0).getPort().equals("dapr-metrics")) {
          // the port daprd's injector adds and names, from these annotations
          assertThat(annotations).containsEntry("dapr.io/enable-metrics", "true").containsEntry("dapr.io/metrics-port", "9090");
          continue;
        }
        // exactly one endpoint scrapes the app, on the port daprd calls (never the edge's public port,
        // which serves no /metrics)
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        var scraped = endpoints.stream()
            .filter(endpoint -> container.getPorts().stream().anyMatch(port -> endpoint.getPort().equals(port.getName())))
            .filter(endpoint -> !dropped(endpoint, app))
            .map(endpoint -> container.getPorts().stream().filter(port -> endpoint.getPort().equals(port.getName()))
                .findFirst().orElseThrow().getContainerPort())
            .toList();
        assertThat(scraped).as("the ports %s's /metrics is scraped on", app)
            .containsExactly(Integer.parseInt(annotations.get("dapr.io/app-port")));
      }
    }
    assertThat(jobs).containsExactlyInAnyOrder("todo-chatbot", "todo-chatbot-daprd");
    assertThat(rules(chart)).allSatisfy(rule -> {
      Matcher job = JOB.matcher(rule.getExpr().getStrVal());
      while (job.find()) {
        assertThat(jobs).as("the job %s of %s is one a PodMonitor sets", job.group(1), rule.getAlert()).contains(job.group(1));
      }
    });
  }

  @ParameterizedTest
  @MethodSource("monitored")
  void everyAlertPagesWithinAMinuteWithASeverityAndSaysWhatToLookAt(String valuesFile) {
    var chart = RenderedChart.of(valuesFile);
    PrometheusRule prometheusRule = chart.all(PrometheusRule.class).get(0);
    assertThat(prometheusRule.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
    var problems = new ArrayList<String>();

    for (RuleGroup group : prometheusRule.getSpec().getGroups()) {
      if (group.getInterval() == null || seconds(group.getInterval()) > 30) {
        problems.add(group.getName() + ": evaluated every " + group.getInterval() + ", more than 30 s");
      }
      for (Rule rule : group.getRules()) {
        String name = rule.getAlert();
        if (name == null) {
          continue;
        }
        if (rule.getFor() == null || seconds(rule.getFor()) > 60) {
          problems.add(name + ": for " + rule.getFor() + ", more than 1 m");
        }
        Matcher range = RANGE.matcher(rule.getExpr().getStrVal());
        while (range.find()) {
          if (seconds(range.group(1)) > 120) {
            problems.add(name + ": a " + range.group(1) + " window, longer than 2 m, reacts too slowly");
          }
        }
        if (!Set.of("critical", "warning").contains(rule.getLabels().get("severity"))) {
          problems.add(name + ": severity " + rule.getLabels().get("severity") + ", not critical or warning");
        }
        for (String annotation : List.of("summary", "description", "runbook")) {
          if (rule.getAnnotations() == null || rule.getAnnotations().getOrDefault(annotation, "").isBlank()) {
            problems.add(name + ": no " + annotation + " annotation");
          }
        }
        if (!balanced(rule.getExpr().getStrVal())) {
          problems.add(name + ": unbalanced brackets or quotes in " + rule.getExpr().getStrVal());
        }
      }
    }

    assertThat(problems).isEmpty();
    assertThat(rules(chart)).filteredOn(rule -> "critical".equals(rule.getLabels().get("severity")))
        .extracting(Rule::getAlert).containsAll(PAGES);
  }

  @Test
  void theRulesDeployedAreThoseOfTheAlertsFileWithTheExtraLabelsAdded() {
    var chart = RenderedChart.of("values-production.yaml");
    Map<String, Object> file = RenderedChart.yaml(RenderedChart.CHART.resolve("alerts/todo-chatbot.rules.yaml"));
    @SuppressWarnings("unchecked")
    var groups = (List<Map<String, Object>>) file.get("groups");
    int count = groups.stream().mapToInt(group -> ((List<?>) group.get("rules")).size()).sum();

    assertThat(rules(chart)).hasSize(count).allSatisfy(rule -> {
      assertThat(rule.getLabels()).containsEntry("team", "todo-chatbot");
      assertThat(rule.getLabels()).containsKey("severity");
    });
    assertThat(rules(chart)).filteredOn(rule -> rule.getAlert().equals("TodoEventsDropped"))
        .singleElement().satisfies(rule -> assertThat(rule.getLabels()).containsEntry("severity", "warning"));
    assertThat(rules(chart)).extracting(rule -> rule.getAnnotations().get("summary"))
        .as("Prometheus's templates stay for Prometheus, Helm leaves them alone").anyMatch(s -> s.contains("{{ $labels.app }}"));
  }

  @ParameterizedTest
  @MethodSource("monitored")
  void dashboardsAreConfigMapsGrafanasSidecarLoadsEachAValidDashboardOnVariableDatasources(String valuesFile) {
    var chart = RenderedChart.of(valuesFile);
    List<ConfigMap> configMaps = dashboards(chart);
    var problems = new ArrayList<String>();
    var uids = new HashSet<String>();
    var exprs = new StringBuilder();

    for (ConfigMap configMap : configMaps) {
      assertThat(configMap.getData()).hasSize(1);
      var entry = configMap.getData().entrySet().iterator().next();
      JsonNode dashboard = json(entry.getKey(), entry.getValue());
      String name = entry.getKey();
      if (!uids.add(dashboard.path("uid").asString()) || dashboard.path("uid").asString().isBlank()
          || dashboard.path("title").asString().isBlank()) {
        problems.add(name + ": no uid or title of its own");
      }
      var variables = new HashSet<String>();
      for (JsonNode variable : dashboard.path("templating").path("list")) {
        if (variable.path("type").asString().equals("datasource")) {
          variables.add(variable.path("name").asString());
        }
      }
      for (JsonNode variable : dashboard.path("templating").path("list")) {
        if (variable.path("type").asString().equals("query")
            && !isVariable(variable.path("datasource").path("uid").asString(), variables)) {
          problems.add(name + " variable " + variable.path("name").asString() + ": datasource uid "
              + variable.path("datasource").path("uid") + " is not one of the datasource variables " + variables);
        }
      }
      var panelIds = new HashSet<Integer>();
      for (JsonNode panel : dashboard.path("panels")) {
        String where = name + " panel '" + panel.path("title").asString() + "'";
        if (!panelIds.add(panel.path("id").asInt()) || !panel.has("gridPos")) {
          problems.add(where + ": no id of its own or no gridPos");
        }
        if (panel.path("type").asString().equals("row")) {
          continue;
        }
        if (!panel.path("targets").isArray() || panel.path("targets").isEmpty()) {
          problems.add(where + ": no targets");
        }
        for (JsonNode datasource : List.of(panel.path("datasource"), panel.path("targets").path(0).path("datasource"))) {
          if (!isVariable(datasource.path("uid").asString(), variables)) {
            problems.add(where + ": datasource uid " + datasource.path("uid") + " is not one of the dashboard's "
                + "datasource variables " + variables + " (a fixed uid breaks on another Grafana)");
          }
        }
        for (JsonNode target : panel.path("targets")) {
          String expr = target.path("expr").asString();
          if (expr.isBlank() || !balanced(expr)) {
            problems.add(where + " target " + target.path("refId").asString() + ": empty or unbalanced expr " + expr);
          }
          exprs.append(expr).append('\n');
        }
      }
    }

    assertThat(problems).isEmpty();
    assertThat(configMaps).hasSize(3);
    // what the issue asks to see: requests, latency, events per topic, outbox backlog, reminder lateness, JVM
    assertThat(exprs.toString()).contains("vertx_http_server_requests_total", "vertx_http_server_response_time_seconds_bucket",
        "dapr_component_pubsub_egress_count", "outbox_backlog_events", "notification_reminder_lateness_seconds_bucket",
        "events_consumer_lag_seconds_bucket", "jvm_memory_used_bytes", "jvm_gc_pause_seconds");
  }

  @Test
  void theSelectorLabelsAndTheDashboardsNamespaceComeFromValues() {
    var chart = RenderedChart.render("values-minikube.yaml", command -> command
        .set("monitoring.labels.release", "prometheus")
        .set("monitoring.dashboards.namespace", "monitoring"));

    assertThat(chart.all(PodMonitor.class)).allSatisfy(monitor ->
        assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus"));
    assertThat(chart.all(PrometheusRule.class).get(0).getMetadata().getLabels()).containsEntry("release", "prometheus");
    assertThat(dashboards(chart)).allSatisfy(configMap -> {
      assertThat(configMap.getMetadata().getNamespace()).isEqualTo("monitoring");
      assertThat(configMap.getMetadata().getAnnotations()).containsEntry("grafana_folder", "todo-chatbot");
    });
  }

  @Test
  void schemaRejectsAMisspeltMonitoringValue() {
    assertThatThrownBy(() -> RenderedChart.render("values.yaml", command -> command.set("monitoring.scrapeIntervall", "15s")))
        .hasMessageContaining("scrapeIntervall");
    assertThatThrownBy(() -> RenderedChart.render("values.yaml", command -> command.set("monitoring.scrapeInterval", "15 seconds")))
        .hasMessageContaining("scrapeInterval");
  }

  private static boolean isVariable(String uid, Set<String> variables) {
    Matcher variable = DATASOURCE_VARIABLE.matcher(uid);
    return variable.matches() && variables.contains(variable.group(1));
  }

  static List<ConfigMap> dashboards(RenderedChart chart) {
    return chart.all(ConfigMap.class).stream()
        .filter(configMap -> configMap.getMetadata().getLabels() != null
            && "1".equals(configMap.getMetadata().getLabels().get("grafana_dashboard")))
        .toList();
  }

  static List<Rule> rules(RenderedChart chart) {
    return chart.all(PrometheusRule.class).stream()
        .flatMap(rule -> rule.getSpec().getGroups().stream())
        .flatMap(group -> group.getRules().stream())
        .toList();
  }

  /** Whether a drop relabeling on the pod's app name leaves the app out of this endpoint. */
  private static boolean dropped(PodMetricsEndpoint endpoint, String app) {
    return endpoint.getRelabelings().stream().anyMatch(relabel -> "drop".equals(relabel.getAction())
        && relabel.getSourceLabels().equals(List.of("__meta_kubernetes_pod_label_app_kubernetes_io_name"))
        && app.matches(relabel.getRegex()));
  }

  private static String relabelled(PodMetricsEndpoint endpoint, String label) {
    return endpoint.getRelabelings().stream().filter(relabel -> label.equals(relabel.getTargetLabel()))
        .map(RelabelConfig::getReplacement).findFirst().orElseThrow(() -> new AssertionError("no " + label + " relabeling"));
  }

  /** A Prometheus duration (30s, 1m, 1m30s, 0s) in seconds. */
  static long seconds(String duration) {
    Matcher part = Pattern.compile("([0-9]+)(ms|s|m|h)").matcher(duration);
    long total = 0;
    int end = 0;
    while (part.find()) {
      if (part.start() != end) {
        break;
      }
      end = part.end();
      long value = Long.parseLong(part.group(1));
      total += switch (part.group(2)) {
        case "h" -> Duration.ofHours(value).toSeconds();
        case "m" -> Duration.ofMinutes(value).toSeconds();
        case "s" -> value;
        default -> 0;
      };
    }
    if (end == 0 || end != duration.length()) {
      throw new AssertionError("not a Prometheus duration: " + duration);
    }
    return total;
  }

  /** Brackets nest and close, and quotes close, outside strings. */
  static boolean balanced(String expr) {
    var open = new ArrayList<Character>();
    char quote = 0;
    for (int i = 0; i < expr.length(); i++) {
      char c = expr.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'' || c == '`') {
        quote = c;
      } else if ("([{".indexOf(c) >= 0) {
        open.add(c);
      } else if (")]}".indexOf(c) >= 0) {
        if (open.isEmpty() || "([{".indexOf(open.remove(open.size() - 1)) != ")]}".indexOf(c)) {
          return false;
        }
      }
    }
    return quote == 0 && open.isEmpty();
  }

  private static JsonNode json(String name, String text) {
    try {
      return JsonMapper.builder().build().readTree(text);
    } catch (JacksonException e) {
      throw new AssertionError(name + " is not JSON: " + e.getMessage(), e);
    }
  }
}
