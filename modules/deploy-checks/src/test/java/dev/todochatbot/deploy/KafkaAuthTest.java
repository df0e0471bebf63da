package dev.todochatbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * How the Kafka components authenticate: plaintext only where the values say none; otherwise TLS with
 * SASL/SCRAM or a client certificate, every credential a reference into the `kafka` Secret through the
 * secret store (Dapr's Kafka component turns TLS on for any authType but none).
 */
class KafkaAuthTest {

  /** The metadata the chart adds to a Kafka component for authentication, beside its local twin's. */
  static final Set<String> AUTH_METADATA = Set.of("saslUsername", "saslPassword", "saslMechanism", "clientCert",
      "clientKey", "caCert");

  private static final List<String> KAFKA_COMPONENTS = List.of("pubsub", "realtime");

  @Test
  void theDefaultAndMinikubeTalkPlaintextWithNoCredentials() {
    for (String valuesFile : List.of("values.yaml", "values-minikube.yaml")) {
      for (String component : KAFKA_COMPONENTS) {
        var metadata = metadata(RenderedChart.of(valuesFile), component);
        assertThat(metadata).as("%s in %s", component, valuesFile).containsEntry("authType", "none");
        assertThat(metadata.keySet()).as("%s in %s", component, valuesFile).doesNotContainAnyElementsOf(AUTH_METADATA);
      }
    }
  }

  @Test
  void productionAuthenticatesWithScramAndReadsThePasswordFromTheKafkaSecret() {
    var chart = RenderedChart.of("values-production.yaml");
    String secret = (String) Dapr.map(Dapr.map(RenderedChart.yaml(RenderedChart.CHART.resolve("values-production.yaml")),
        "secrets"), "kafka").get("name");

    for (String component : KAFKA_COMPONENTS) {
      var metadata = metadata(chart, component);
      assertThat(metadata).as(component)
          .containsEntry("authType", "password")
          .containsEntry("saslUsername", "todo-chatbot")
          .containsEntry("saslMechanism", "SHA-512")
          .containsEntry("saslPassword", Map.of("secretKeyRef", Map.of("name", secret, "key", "sasl-password")))
          // doks/'s in-cluster broker has a certificate from a private CA
          .containsEntry("caCert", Map.of("secretKeyRef", Map.of("name", secret, "key", "ca-cert")))
          .doesNotContainKeys("clientCert", "clientKey");
      assertThat(Dapr.map(component(chart, component), "auth")).containsEntry("secretStore", "secretstore");
    }
  }

  @Test
  void mutualTlsTakesTheClientCertificateAndAPrivateCaFromTheKafkaSecret() {
    var chart = RenderedChart.render("values.yaml", command -> command
        .set("kafka.authType", "mtls").set("kafka.caCert", "true"));

    for (String component : KAFKA_COMPONENTS) {
      assertThat(metadata(chart, component)).as(component)
          .containsEntry("authType", "mtls")
          .containsEntry("clientCert", Map.of("secretKeyRef", Map.of("name", "todo-chatbot-kafka", "key", "client-cert")))
          .containsEntry("clientKey", Map.of("secretKeyRef", Map.of("name", "todo-chatbot-kafka", "key", "client-key")))
          .containsEntry("caCert", Map.of("secretKeyRef", Map.of("name", "todo-chatbot-kafka", "key", "ca-cert")))
          .doesNotContainKeys("saslUsername", "saslPassword");
    }
  }

  @Test
  void passwordAuthenticationWithoutAUserIsRefusedBeforeAnythingIsRendered() {
    assertThatThrownBy(() -> RenderedChart.render("values.yaml", command -> command.set("kafka.authType", "password")))
        .hasMessageContaining("saslUsername");
  }

  @Test
  void authenticationKindsTheChartCannotConfigureAreRefused() {
    assertThatThrownBy(() -> RenderedChart.render("values.yaml", command -> command.set("kafka.authType", "oidc")))
        .hasMessageContaining("authType");
  }

  private static Map<String, Object> component(RenderedChart chart, String name) {
    return chart.dapr("Component").stream().filter(candidate -> name.equals(Dapr.name(candidate))).findFirst()
        .orElseThrow(() -> new AssertionError("no component " + name));
  }

  /** name to value, or to {secretKeyRef: {...}} for a reference. */
  private static Map<String, Object> metadata(RenderedChart chart, String name) {
    var metadata = new LinkedHashMap<String, Object>();
    for (Map<String, Object> item : Dapr.metadata(component(chart, name))) {
      metadata.put((String) item.get("name"), item.containsKey("secretKeyRef")
          ? Map.of("secretKeyRef", item.get("secretKeyRef")) : item.get("value"));
    }
    return metadata;
  }
}
