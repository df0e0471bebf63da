package dev.todochatbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What may connect to each pod, read off the rendered NetworkPolicies: an app's own port only from
 * its sidecar (localhost, which policies do not see), so every other path to a service goes through
 * Dapr's mTLS and access control.
 */
class NetworkPolicyTest {

  private static final String SIDECARS = "pods of release " + RenderedChart.RELEASE;

  @ParameterizedTest
  @MethodSource("dev.todochatbot.deploy.RenderedChart#valuesFiles")
  void eachPodAdmitsOnlySidecarsPrometheusAndForTheEdgeTheIngressController(String valuesFile) {
    var chart = RenderedChart.of(valuesFile);
    var values = RenderedChart.yaml(RenderedChart.CHART.resolve("values.yaml"));
    var networkPolicy = Dapr.map(values, "networkPolicy");
    String monitoring = "namespace " + networkPolicy.get("monitoringNamespace");
    String ingress = "namespace " + networkPolicy.get("ingressControllerNamespace");

    for (Deployment deployment : chart.deployments()) {
      String app = deployment.getMetadata().getName();
      var expected = new TreeSet<>(Set.of(SIDECARS + " -> 50002", monitoring + " -> http", monitoring + " -> dapr-app",
          monitoring + " -> 9090"));
      if (app.equals("edge")) {
        expected.add(ingress + " -> http");
      }
      assertThat(admitted(chart, deployment)).as("what may connect to %s (%s)", app, valuesFile).isEqualTo(expected);
    }
  }

  @Test
  void withoutPoliciesNothingIsRendered() {
    var chart = RenderedChart.render("values.yaml", command -> command.set("networkPolicy.enabled", "false"));

    assertThat(chart.all(NetworkPolicy.class)).isEmpty();
  }

  @Test
  void theNamespacesComeFromValues() {
    var chart = RenderedChart.render("values.yaml", command -> command
        .set("networkPolicy.monitoringNamespace", "observability").set("networkPolicy.ingressControllerNamespace", "edge-lb"));
    var edge = chart.deployments().stream().filter(deployment -> deployment.getMetadata().getName().equals("edge"))
        .findFirst().orElseThrow();

    assertThat(admitted(chart, edge)).contains("namespace observability -> 9090", "namespace edge-lb -> http");
  }

  /**
   * "peer -> port" for every ingress rule of every policy selecting the deployment's pods; the pods must
   * be selected by at least one Ingress policy (else everything may connect) and no rule may be open
   * to any peer or any port.
   */
  private static Set<String> admitted(RenderedChart chart, Deployment deployment) {
    var labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
    var selecting = chart.all(NetworkPolicy.class).stream()
        .filter(policy -> selects(policy.getSpec().getPodSelector(), labels)).toList();
    assertThat(selecting).as("policies selecting %s", deployment.getMetadata().getName()).isNotEmpty()
        .allSatisfy(policy -> assertThat(policy.getSpec().getPolicyTypes()).contains("Ingress"));

    var admitted = new TreeSet<String>();
    for (NetworkPolicy policy : selecting) {
      for (var rule : policy.getSpec().getIngress()) {
        assertThat(rule.getFrom()).as("a rule of %s open to every peer", policy.getMetadata().getName()).isNotEmpty();
        assertThat(rule.getPorts()).as("a rule of %s open on every port", policy.getMetadata().getName()).isNotEmpty();
        for (NetworkPolicyPeer peer : rule.getFrom()) {
          for (var port : rule.getPorts()) {
            admitted.add(describe(peer, labels) + " -> " + (port.getPort().getStrVal() != null
                ? port.getPort().getStrVal() : String.valueOf(port.getPort().getIntVal())));
          }
        }
      }
    }
    return admitted;
  }

  private static String describe(NetworkPolicyPeer peer, Map<String, String> ownLabels) {
    assertThat(peer.getIpBlock()).as("an IP block peer").isNull();
    if (peer.getNamespaceSelector() != null) {
      assertThat(peer.getPodSelector()).as("pods of another namespace").isNull();
      var names = peer.getNamespaceSelector().getMatchLabels();
      assertThat(names).as("namespaces chosen by name").containsOnlyKeys("kubernetes.io/metadata.name");
      return "namespace " + names.get("kubernetes.io/metadata.name");
    }
    var pods = peer.getPodSelector().getMatchLabels();
    assertThat(pods).as("pods chosen by release").isEqualTo(Map.of("app.kubernetes.io/part-of", "todo-chatbot",
        "app.kubernetes.io/instance", RenderedChart.RELEASE));
    assertThat(selects(peer.getPodSelector(), ownLabels)).isTrue();
    return SIDECARS;
  }

  private static boolean selects(LabelSelector selector, Map<String, String> labels) {
    assertThat(selector.getMatchExpressions()).isNullOrEmpty();
    return labels.entrySet().containsAll(selector.getMatchLabels().entrySet());
  }

}
