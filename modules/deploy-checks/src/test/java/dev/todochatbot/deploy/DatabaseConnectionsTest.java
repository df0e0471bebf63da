package dev.todochatbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The services never ask PostgreSQL for more connections than it grants: each Deployment that reads
 * database-url sets its event loops and pool size itself (a code default cannot change the sum
 * unseen), and every replica the autoscalers may start, plus a surging pod per Deployment during a
 * rollout, fits in database.maxConnections. (A starting pod's Flyway connection is closed before its
 * pools open, so it needs no room of its own.)
 */
class DatabaseConnectionsTest {

  /** Each service's variable for its number of event loops (verticle instances), each with its own pool. */
  private static final Map<String, String> INSTANCES = Map.of(
      "edge", "EDGE_INSTANCES",
      "task-service", "TASK_SERVICE_INSTANCES",
      "audit-service", "AUDIT_SERVICE_INSTANCES",
      "chat-service", "CHAT_SERVICE_INSTANCES",
      "notification-service", "NOTIFICATION_SERVICE_INSTANCES");

  /** Pools a pod holds besides its event loops': the task service's outbox relay keeps one of 2 (OutboxRelay). */
  private static final Map<String, Integer> PER_POD = Map.of("task-service", 2);

  @ParameterizedTest
  @MethodSource("dev.todochatbot.deploy.RenderedChart#valuesFiles")
  void everyReplicaTheAutoscalersMayStartFitsInTheDatabasesConnections(String valuesFile) {
    var chart = RenderedChart.of(valuesFile);
    var budget = new TreeMap<String, Integer>();

    for (Deployment deployment : chart.deployments()) {
      String app = deployment.getMetadata().getName();
      var env = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
          .filter(variable -> variable.getValue() != null)
          .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
      if (!env.getOrDefault("SECRET_NAMES", "").contains("database-url=")) {
        continue;
      }
      assertThat(env).as("%s in %s sets its event loops and pool size", app, valuesFile)
          .containsKeys(INSTANCES.get(app), "DB_POOL_SIZE");
      int perPod = Integer.parseInt(env.get(INSTANCES.get(app))) * Integer.parseInt(env.get("DB_POOL_SIZE"))
          + PER_POD.getOrDefault(app, 0);
      int surge = deployment.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal();
      budget.put(app, (maxReplicas(chart, deployment) + surge) * perPod);
    }

    int granted = (Integer) Dapr.map(merged(valuesFile), "database").get("maxConnections");
    assertThat(budget).as("the database's users in %s", valuesFile).containsOnlyKeys(INSTANCES.keySet());
    assertThat(budget.values().stream().mapToInt(Integer::intValue).sum())
        .as("connections at most, per service %s, in %s", budget, valuesFile).isLessThanOrEqualTo(granted);
  }

  private static int maxReplicas(RenderedChart chart, Deployment deployment) {
    return chart.all(HorizontalPodAutoscaler.class).stream()
        .filter(hpa -> hpa.getSpec().getScaleTargetRef().getName().equals(deployment.getMetadata().getName()))
        .map(hpa -> hpa.getSpec().getMaxReplicas()).findFirst()
        .orElse(deployment.getSpec().getReplicas());
  }

  private static Map<String, Object> merged(String valuesFile) {
    var defaults = RenderedChart.yaml(RenderedChart.CHART.resolve("values.yaml"));
    var file = RenderedChart.yaml(RenderedChart.CHART.resolve(valuesFile));
    return file.containsKey("database") ? file : defaults;
  }
}
