package dev.todochatbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
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
    assertThat(chart.all(ConfigMap.class)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("dev.todochatbot.deploy.RenderedChart#valuesFiles")
  void credentialsReachTheAppsOnlyAsReferencesToTheNamedSecrets(String valuesFile) {
    var chart = RenderedChart.of(valuesFile);
    var secrets = Dapr.map(RenderedChart.yaml(RenderedChart.CHART.resolve(valuesFile)), "secrets");
    var defaults = Dapr.map(RenderedChart.yaml(RenderedChart.CHART.resolve("values.yaml")), "secrets");

    var env = chart.deployments().stream()
        .flatMap(deployment -> deployment.getSpec().getTemplate().getSpec().getContainers().stream())
        .flatMap(container -> container.getEnv().stream())
        .filter(variable -> CREDENTIALS.containsKey(variable.getName()))
        .toList();
    assertThat(env).extracting(EnvVar::getName).contains("JWT_SECRET", "DATABASE_URL", "OPENAI_API_KEY");
    assertThat(env).allSatisfy(variable -> {
      assertThat(variable.getValue()).as(variable.getName()).isNull();
      var reference = variable.getValueFrom().getSecretKeyRef();
      var named = Dapr.map(secrets.isEmpty() ? defaults : secrets, CREDENTIALS.get(variable.getName()));
      assertThat(reference.getName()).isEqualTo(named.get("name"));
      assertThat(reference.getKey()).isEqualTo(named.get("key"));
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
}
