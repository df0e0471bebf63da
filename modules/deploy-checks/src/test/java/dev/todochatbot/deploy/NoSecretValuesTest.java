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

  /** The variables the services read credentials from, and the values key naming each one's Secret. */
  private static final Map<String, String> CREDENTIALS =
      Map.of("JWT_SECRET", "jwtSecret", "DATABASE_URL", "databaseUrl", "OPENAI_API_KEY", "openaiApiKey");

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
  void credentialsReachTheAppsOnlyAsReferencesToTheNamedSecrets(String valuesFile) {
    var chart = RenderedChart.of(valuesFile);
    var secrets = secretReferences(valuesFile);

    var env = chart.deployments().stream()
        .flatMap(deployment -> deployment.getSpec().getTemplate().getSpec().getContainers().stream())
        .flatMap(container -> container.getEnv().stream())
        .filter(variable -> CREDENTIALS.containsKey(variable.getName()))
        .toList();
    assertThat(env).extracting(EnvVar::getName).contains("JWT_SECRET", "DATABASE_URL", "OPENAI_API_KEY");
    assertThat(env).allSatisfy(variable -> {
      assertThat(variable.getValue()).as(variable.getName()).isNull();
      var reference = variable.getValueFrom().getSecretKeyRef();
      var named = secrets.get(CREDENTIALS.get(variable.getName()));
      assertThat(reference.getName()).isEqualTo(named.get("name"));
      assertThat(reference.getKey()).isEqualTo(named.get("key"));
    });
  }

  @ParameterizedTest
  @MethodSource("dev.todochatbot.deploy.RenderedChart#valuesFiles")
  void podsMayReadTheNamedSecretsAndNoOthers(String valuesFile) {
    var chart = RenderedChart.of(valuesFile);
    var accounts = chart.all(ServiceAccount.class).stream().map(account -> account.getMetadata().getName()).toList();
    var named = secretReferences(valuesFile).values().stream().map(reference -> (String) reference.get("name")).toList();

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

  /** values.yaml's {@code secrets} with the values file's entries over them: reference name to {name, key}. */
  private static Map<String, Map<String, Object>> secretReferences(String valuesFile) {
    var defaults = Dapr.map(RenderedChart.yaml(RenderedChart.CHART.resolve("values.yaml")), "secrets");
    var overrides = Dapr.map(RenderedChart.yaml(RenderedChart.CHART.resolve(valuesFile)), "secrets");
    var merged = new java.util.TreeMap<String, Map<String, Object>>();
    defaults.keySet().forEach(ref -> merged.put(ref, Dapr.map(overrides.containsKey(ref) ? overrides : defaults, ref)));
    return merged;
  }
}
