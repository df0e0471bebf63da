package dev.todochatbot.devsidecar;

import static dev.todochatbot.devsidecar.PublishTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.devsidecar.TestApp.Answer;
import dev.todochatbot.embedded.testing.TestKafka;
import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.Sidecar;
import dev.todochatbot.platform.testing.Await;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SecretsTest extends SidecarTestSupport {

  private static String store(String name, String file, boolean multiValued, String scopes) {
    return """
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: %s
        spec:
          type: secretstores.local.file
          version: v1
          metadata:
            - name: secretsFile
              value: %s
            - name: nestedSeparator
              value: ":"
            - name: multiValued
              value: "%s"
        %s""".formatted(name, file, multiValued, scopes);
  }

  private void secretsFile() {
    file("secrets.json", new JsonObject()
        .put("db", new JsonObject().put("password", "pw").put("user", "todo"))
        .put("token", "abc")
        .put("kafka", new JsonObject().put("brokers", TestKafka.bootstrapServers()))
        .encodePrettily());
  }

  @Test
  void nestedSecretsAreFlattenedAndBulkHoldsEveryOne() {
    secretsFile();
    file("store.yaml", store("secretstore", "secrets.json", false, ""));
    var http = http(sidecar(appId("secrets"), null));

    var one = http.get("/v1.0/secrets/secretstore/db:password", null);
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.json().getMap()).isEqualTo(Map.of("db:password", "pw"));
    var bulk = http.get("/v1.0/secrets/secretstore/bulk", null).json();
    assertThat(bulk.getJsonObject("token").getMap()).isEqualTo(Map.of("token", "abc"));
    assertThat(bulk.getJsonObject("db:user").getMap()).isEqualTo(Map.of("db:user", "todo"));
  }

  @Test
  void multiValuedStoresAnswerEverythingUnderATopLevelKey() {
    secretsFile();
    file("store.yaml", store("grouped", "secrets.json", true, ""));
    var http = http(sidecar(appId("secrets"), null));

    assertThat(http.get("/v1.0/secrets/grouped/db", null).json().getMap())
        .isEqualTo(Map.of("password", "pw", "user", "todo"));
  }

  /**
   * In a cluster the store is Kubernetes' (one Secret, several keys, as a multi-valued file store
   * answers); SECRET_NAMES tells the service which Secret holds which of its keys.
   */
  @Test
  void aServiceReadsEachKeyFromTheSecretThatSecretNamesNames() {
    file("secrets.json", new JsonObject()
        .put("todo-jwt", new JsonObject().put("jwt-secret", "signing-key"))
        .put("todo-database", new JsonObject().put("database-url", "postgresql://db/todo"))
        .put("jwt-secret", new JsonObject().put("jwt-secret", "not-this-one"))
        .encodePrettily());
    file("store.yaml", store("secretstore", "secrets.json", true, ""));
    var sidecar = sidecar(appId("names"), null);
    var env = new Env(Map.of("DAPR_HTTP_PORT", String.valueOf(sidecar.httpPort()),
        "SECRET_NAMES", "jwt-secret=todo-jwt, database-url=todo-database", "PUBSUB_NAME", "pubsub"));

    var filled = Await.result(Sidecar.resolveSecrets(vertx, env,
        Map.of("JWT_SECRET", "jwt-secret", "DATABASE_URL", "database-url", "OPENAI_API_KEY", "openai-api-key")));

    assertThat(filled.optional("JWT_SECRET")).contains("signing-key");
    assertThat(filled.optional("DATABASE_URL")).contains("postgresql://db/todo");
    assertThat(filled.optional("OPENAI_API_KEY")).as("a key no secret holds stays unset").isEmpty();
  }

  @Test
  void aMalformedSecretNamesSettingSaysWhatItMustLookLike() {
    var env = new Env(Map.of("DAPR_HTTP_PORT", "1", "SECRET_NAMES", "jwt-secret"));
    var failure = org.assertj.core.api.Assertions.catchThrowable(() -> Await.result(
        new Sidecar(vertx, dev.todochatbot.platform.SidecarConfig.fromEnv(env)).withSecrets(env,
            Map.of("JWT_SECRET", "jwt-secret"))));
    assertThat(failure).hasMessageContaining("SECRET_NAMES must be key=secret-name pairs").hasMessageContaining("'jwt-secret'");
  }

  @Test
  void unknownStoresAre401MissingKeys500AndStoresOfOtherAppsUnknown() {
    secretsFile();
    file("store.yaml", store("secretstore", "secrets.json", false, ""));
    file("theirs.yaml", store("theirs", "secrets.json", false, "scopes:\n  - another-app\n"));
    var http = http(sidecar(appId("secrets"), null));

    assertError(http.get("/v1.0/secrets/nope/token", null), 401, "ERR_SECRET_STORE_NOT_FOUND");
    assertError(http.get("/v1.0/secrets/secretstore/missing", null), 500, "ERR_SECRET_GET");
    assertError(http.get("/v1.0/secrets/theirs/token", null), 401, "ERR_SECRET_STORE_NOT_FOUND");
  }

  @Test
  void withoutAnyStoreSecretsAre500() {
    var http = http(sidecar(appId("secrets"), null));
    assertError(http.get("/v1.0/secrets/secretstore/token", null), 500, "ERR_SECRET_STORES_NOT_CONFIGURED");
  }

  @Test
  void componentMetadataComesFromSecretKeyRefsAndEnvRefs() {
    secretsFile();
    file("store.yaml", store("secretstore", "secrets.json", false, ""));
    file("pubsub.yaml", """
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: pubsub
        spec:
          type: pubsub.kafka
          version: v1
          metadata:
            - name: brokers
              secretKeyRef:
                name: kafka:brokers
                key: kafka:brokers
            - name: authType
              value: none
        auth:
          secretStore: secretstore
        ---
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: tick
        spec:
          type: bindings.cron
          version: v1
          metadata:
            - name: schedule
              value: "@every 1s"
            - name: route
              envRef: TICK_ROUTE
        """);
    var app = app().on("/from-env", r -> Answer.ok(""));
    var sidecar = sidecar(appId("refs"), app.port(), Map.of("TICK_ROUTE", "/from-env"), Optional.empty());
    Await.result(sidecar.subscribed());

    String topic = TestKafka.newTopic("via-secret");
    assertThat(http(sidecar).post("/v1.0/publish/pubsub/" + topic, null, new JsonObject()).status()).isEqualTo(204);
    assertThat(TestKafka.awaitRecords(topic, 1, Duration.ofSeconds(10))).hasSize(1);
    app.await("/from-env", 1, Duration.ofSeconds(5));
  }

  @Test
  void aMetadataOverridePointsTheStoreAtAnotherFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path elsewhere)
      throws java.io.IOException {
    secretsFile();
    file("store.yaml", store("secretstore", "../../../dapr/secrets.json", false, ""));
    java.nio.file.Path generated = elsewhere.resolve("generated.json");
    java.nio.file.Files.writeString(generated, new JsonObject().put("token", "from-override").encode());
    var config = new DevSidecarConfig(appId("override"), 0, "127.0.0.1", 0, java.util.List.of(resources),
        Optional.empty(), resources, Map.of("secretstore.secretsFile", generated.toString()), Optional.empty(),
        Optional.empty());
    var http = http(sidecar(config, Map.of()));

    assertThat(http.get("/v1.0/secrets/secretstore/token", null).json().getMap())
        .isEqualTo(Map.of("token", "from-override"));
    assertError(http.get("/v1.0/secrets/secretstore/db:password", null), 500, "ERR_SECRET_GET");
  }

  @Test
  void metadataOverridesNeedAComponentAndAMetadataName() {
    var failure = org.assertj.core.api.Assertions.catchThrowable(() -> DevSidecarConfig.of("app", 0, 0,
        java.util.List.of(resources), Optional.empty(), Map.of("secretsFile", "/x")));
    assertThat(failure).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("<componentName>");
  }

  @Test
  void aSecretKeyRefToAMissingSecretStopsTheStart() {
    secretsFile();
    file("store.yaml", store("secretstore", "secrets.json", false, ""));
    file("pubsub.yaml", kafka("pubsub").replace("""
            - name: brokers
              value: "127.0.0.1:1"
        """, """
            - name: brokers
              secretKeyRef:
                name: nothing-here
        """) + "auth:\n  secretStore: secretstore\n");
    var failure = org.assertj.core.api.Assertions.catchThrowable(() -> sidecar(appId("refs"), 0, Map.of(),
        Optional.empty()));
    assertThat(failure).hasMessageContaining("nothing-here").hasMessageContaining("secretstore");
  }
}
