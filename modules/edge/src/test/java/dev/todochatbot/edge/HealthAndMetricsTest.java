package dev.todochatbot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.testing.TestHttp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthAndMetricsTest {

  private EdgeFixture edge;

  @BeforeAll
  void start() {
    edge = EdgeFixture.start("health");
  }

  @AfterAll
  void stop() {
    edge.close();
  }

  @Test
  void bothServicesAreAliveAndReady() {
    for (TestHttp service : new TestHttp[] {edge.http, new TestHttp(edge.taskConfig.port())}) {
      assertThat(service.get("/healthz", null).status()).isEqualTo(200);
      var ready = service.get("/readyz", null);
      assertThat(ready.status()).isEqualTo(200);
      assertThat(ready.json().getString("status")).isEqualTo("UP");
    }
  }

  @Test
  void metricsHaveLatencyHistogramsPerRouteAndPoolGauges() {
    String token = edge.newUser();
    edge.createTask(token, new JsonObject().put("title", "measured"));
    edge.http.get("/api/tasks", token);

    // on the events port, which only the sidecar (and Prometheus in a cluster) reaches; never the public one
    var onPublicPort = edge.http.get("/metrics", null);
    assertThat(onPublicPort.status()).isEqualTo(404);
    assertThat(onPublicPort.body()).doesNotContain("jvm_memory_used_bytes");
    String metrics = new TestHttp(edge.edgeConfig.eventsPort()).get("/metrics", null).body();

    // one series per route template, never per task id
    // the registry is one per process: look at this fixture's own port only
    String local = "local=\"" + edge.edgeConfig.host() + ":" + edge.edgeConfig.port() + "\"";
    assertThat(metrics).containsPattern("vertx_http_server_response_time_seconds_bucket\\{code=\"201\"," + local
        + ",method=\"POST\",route=\"/api/tasks\",le=\"[^\"]+\"\\}");
    assertThat(metrics).containsPattern("\\{code=\"201\"," + local + ",method=\"POST\",route=\"/api/auth/signup\"");
    assertThat(metrics).doesNotContain("route=\"/api/>");
    assertThat(metrics).containsPattern("vertx_pool_in_use\\{pool_name=\"tasks-\\d+\",pool_type=\"sql\"\\}");
    assertThat(metrics).containsPattern("vertx_pool_in_use\\{pool_name=\"identity-\\d+\",pool_type=\"sql\"\\}");
    assertThat(metrics).contains("jvm_memory_used_bytes");
    assertThat(metrics).doesNotContain("vertx_http_server_response_bytes");
  }
}
