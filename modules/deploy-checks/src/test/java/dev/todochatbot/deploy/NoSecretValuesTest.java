package dev.todochatbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The chart names existing Secrets and never carries a credential itself. */
class NoSecretValuesTest {

  /**
   * The secret-store keys each service's main asks its sidecar for (the SECRETS map or resolveSecrets
   * call in each *Main), and the values.secrets entry naming the Secret that holds each key.
   */
  private static final Map<String, Set<String>> KEYS_BY_APP = Map.of(
      "edge", Set.of("jwt-secret", "database-url"),
      "task-service", Set.of("jwt-secret", "database-url"),
      "audit-service", Set.of("jwt-secret", "database-url"),
      "chat-service", Set.of("jwt-secret", "database-url", "openai-api-key"),
      "recurrence-service", Set.of("jwt-secret"),
      "notification-service", Set.of("jwt-secret", "database-url"));
  private static final Map<String, String> VALUES_KEY = Map.of(
      "jwt-secret", "jwtSecret", "database-url", "databaseUrl", "openai-api-key", "openaiApiKey");

  @ParameterizedTest
  @MethodSource("dev.todochatbot.deploy.RenderedChart#valuesFiles")
  void noSecretOrConfigMapIsRendered(String valuesFile) {
    var chart = RenderedChart.of(valuesFile);

    assertThat(chart.all(Secret.class)).isEmpty();
    // the one kind allowed: Grafana dashboards (MonitoringResourcesTest holds them to a dashboard each)
    assertThat(chart.all(ConfigMap.class)).allSatisfy(configMap -> assertThat(configMap.getMetadata().getLabels())
        .as("ConfigMap %s is not a Grafana dashboard", configMap.getMetadata().getName()).containsKey("grafana_dashboard"));
  }

  @ParameterizedTest
  @MethodSource("dev.todochatbot.deploy.RenderedChart#valuesFiles")
  void noCredentialIsInAPodsEnvironmentOnlyTheNamesOfTheSecretsThatHoldThem(String valuesFile) {
    var chart = RenderedChart.of(valuesFile);
    var secrets = secretReferences(valuesFile);

    for (var deployment : chart.deployments()) {
      String app = deployment.getMetadata().getName();
      var containers = deployment.getSpec().getTemplate().getSpec().getContainers();
      assertThat(containers).allSatisfy(container -> {
        assertThat(container.getEnvFrom()).as("envFrom of %s", app).isEmpty();
        // but Dapr's two tokens, which the app needs before it can ask its sidecar for anything
        // (DeploymentPolicyTest holds them to their Secrets)
        assertThat(container.getEnv()).as("variables of %s taken from Secrets", app)
            .filteredOn(variable -> variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() != null)
            .extracting(EnvVar::getName).containsExactlyInAnyOrder("DAPR_API_TOKEN", "APP_API_TOKEN");
        assertThat(container.getEnv()).extracting(EnvVar::getName).as(app)
            .doesNotContain("JWT_SECRET", "DATABASE_URL", "OPENAI_API_KEY");
      });
      var names = containers.get(0).getEnv().stream().filter(variable -> variable.getName().equals("SECRET_NAMES"))
          .map(EnvVar::getValue).findFirst().orElseThrow(() -> new AssertionError(app + " has no SECRET_NAMES"));
      var expected = new java.util.TreeMap<String, String>();
      KEYS_BY_APP.get(app).forEach(key -> expected.put(key, (String) secrets.get(VALUES_KEY.get(key)).get("name")));
      assertThat(parse(names)).as("SECRET_NAMES of %s", app).isEqualTo(expected);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.todochatbot.deploy.RenderedChart#valuesFiles")
  void podsMayReadTheNamedSecretsAndNoOthers(String valuesFile) {
    var chart = RenderedChart.of(valuesFile);
    var accounts = chart.all(ServiceAccount.class).stream().map(account -> account.getMetadata().getName()).toList();
    // Dapr's tokens reach the pods through the kubelet; the secret store has no business reading them
    var named = secretReferences(valuesFile).entrySet().stream()
        .filter(entry -> !Set.of("daprApiToken", "appApiToken").contains(entry.getKey()))
        .map(entry -> (String) entry.getValue().get("name")).toList();

    assertThat(chart.deployments()).allSatisfy(deployment ->
        assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName()).isIn(accounts));
    assertThat(chart.all(Role.class)).singleElement().satisfies(role -> assertThat(role.getRules()).singleElement()
        .satisfies(rule -> {
          assertThat(rule.getApiGroups()).containsExactly("");
          assertThat(rule.getResources()).containsExactly("secrets");
          assertThat(rule.getVerbs()).containsExactly("get");
          assertThat(rule.getResourceNames()).containsExactlyInAnyOrderElementsOf(named);
        }));
    assertThat(chart.all(RoleBinding.class)).singleElement().satisfies(binding -> {
      assertThat(binding.getRoleRef().getName()).isEqualTo(chart.all(Role.class).get(0).getMetadata().getName());
      assertThat(binding.getSubjects()).extracting(subject -> subject.getName()).containsExactlyElementsOf(accounts);
    });
  }

  @ParameterizedTest
  @MethodSource("dev.todochatbot.deploy.RenderedChart#valuesFiles")
  void componentCredentialsComeFromTheSecretStore(String valuesFile) {
    var sensitive = Set.of("password", "secret", "token", "key", "cert", "connectionstring");

    assertThat(RenderedChart.of(valuesFile).dapr("Component").stream().flatMap(component -> Dapr.metadata(component).stream()))
        .filteredOn(item -> sensitive.stream().anyMatch(((String) item.get("name")).toLowerCase()::contains))
        .allSatisfy(item -> assertThat(item).doesNotContainKey("value").containsKey("secretKeyRef"));
  }

  @ParameterizedTest
  @MethodSource("dev.todochatbot.deploy.RenderedChart#valuesFiles")
  void noLocalSecretValueAppearsInTheManifests(String valuesFile) {
    var text = RenderedChart.of(valuesFile).text();

    assertThat(RenderedChart.yaml(RenderedChart.DAPR.resolve("secrets.example.json")))
        .allSatisfy((key, value) -> {
          if (!String.valueOf(value).isBlank()) {
            assertThat(text).as("value of %s", key).doesNotContain(String.valueOf(value));
          }
        });
  }

  private static Map<String, String> parse(String secretNames) {
    var pairs = new java.util.TreeMap<String, String>();
    for (String pair : secretNames.split(",")) {
      String[] parts = pair.split("=", 2);
      pairs.put(parts[0], parts[1]);
    }
    return pairs;
  }

  /** values.yaml's {@code secrets} with the values file's entries over them: reference name to {name}. */
  static Map<String, Map<String, Object>> secretReferences(String valuesFile) {
    var defaults = Dapr.map(RenderedChart.yaml(RenderedChart.CHART.resolve("values.yaml")), "secrets");
    var overrides = Dapr.map(RenderedChart.yaml(RenderedChart.CHART.resolve(valuesFile)), "secrets");
    var merged = new java.util.TreeMap<String, Map<String, Object>>();
    defaults.keySet().forEach(ref -> merged.put(ref, Dapr.map(overrides.containsKey(ref) ? overrides : defaults, ref)));
    return merged;
  }
}
