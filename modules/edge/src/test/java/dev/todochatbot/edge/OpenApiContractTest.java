package dev.todochatbot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.TestHttp.Answer;
import dev.todochatbot.tasks.TaskApiVerticle;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The OpenAPI document and the code describe the same API: the same operations, all answering. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiContractTest {

  private EdgeFixture edge;
  private JsonNode document;

  @BeforeAll
  void start() throws Exception {
    edge = EdgeFixture.start("openapi");
    try (InputStream in = getClass().getResourceAsStream("/openapi.yaml")) {
      document = new ObjectMapper(new YAMLFactory()).readTree(in);
    }
  }

  @AfterAll
  void stop() {
    edge.close();
  }

  /** "POST /api/tasks/{id}/complete" for every operation in the document. */
  private Set<String> documentedOperations() {
    var operations = new TreeSet<String>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields(); paths.hasNext(); ) {
      var path = paths.next();
      path.getValue().fieldNames().forEachRemaining(method -> {
        if (Set.of("get", "post", "put", "patch", "delete").contains(method)) {
          operations.add(method.toUpperCase() + " " + path.getKey());
        }
      });
    }
    return operations;
  }

  /** The same, from the routers: the edge's own routes and the task service's (which the edge forwards to). */
  private Set<String> routedOperations() {
    var edgeVerticle = new EdgeVerticle(edge.edgeConfig.withPort(0));
    var taskVerticle = new TaskApiVerticle(edge.taskConfig.withPort(0));
    Await.result(edge.vertx.deployVerticle(edgeVerticle));
    Await.result(edge.vertx.deployVerticle(taskVerticle));
    var operations = new TreeSet<String>();
    for (Router router : new Router[] {edgeVerticle.router(), taskVerticle.router()}) {
      for (Route route : router.getRoutes()) {
        if (route.methods() == null || route.methods().isEmpty() || route.getPath() == null) {
          continue; // catch-alls: the forwarding to the task service and the web UI's files
        }
        if (route.getPath().startsWith("/internal/")) {
          continue; // service-to-service routes, not reachable through the edge (see below)
        }
        if (route.getPath().equals("/metrics")) {
          continue; // the task service's own port only; the edge serves none on the public one
        }
        String template = route.getPath().replaceAll(":(\\w+)", "{$1}");
        route.methods().forEach(method -> operations.add(method.name() + " " + template));
      }
    }
    return operations;
  }

  @Test
  void theDocumentListsExactlyTheRoutesTheServicesServe() {
    assertThat(document.get("openapi").asText()).isEqualTo("3.1.0");
    assertThat(documentedOperations()).isEqualTo(routedOperations());
  }

  @Test
  void internalRoutesAreNotReachableThroughThePublicPort() {
    Answer answer = edge.http.send("POST", "/internal/series/00000000-0000-0000-0000-000000000000/occurrences",
        edge.newUser(), "{}", Map.of());
    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.json().getString("type")).isEqualTo("/problems/no-such-route");
  }

  @Test
  void everyDocumentedOperationAnswersThroughThePublicPort() {
    String token = edge.newUser(); // without one the edge answers 401 before forwarding anything
    for (String operation : documentedOperations()) {
      String method = operation.substring(0, operation.indexOf(' '));
      String path = operation.substring(method.length() + 1).replaceAll("\\{\\w+\\}", "00000000-0000-0000-0000-000000000000");
      Answer answer = edge.http.send(method, path, token, method.equals("GET") || method.equals("DELETE") ? null : "{}",
          Map.of());
      assertThat(answer.status()).as(operation).isNotEqualTo(401);
      assertThat(answer.status()).as(operation).isNotEqualTo(405);
      if (answer.status() == 404) {
        assertThat(answer.json().getString("type")).as(operation).isNotEqualTo("/problems/no-such-route");
      }
    }
  }

  @Test
  void everyOperationHasAnIdAndEveryProblemResponseUsesTheProblemSchema() {
    var ids = documentedOperations().stream().map(operation -> {
      String method = operation.substring(0, operation.indexOf(' ')).toLowerCase();
      String path = operation.substring(method.length() + 1);
      JsonNode node = document.get("paths").get(path).get(method);
      assertThat(node.get("operationId")).as(operation).isNotNull();
      node.get("responses").fields().forEachRemaining(response -> {
        if (response.getKey().startsWith("4")) {
          assertThat(response.getValue().toString()).as(operation + " " + response.getKey())
              .containsAnyOf("#/components/responses/", "#/components/schemas/Problem");
        }
      });
      return node.get("operationId").asText();
    }).collect(Collectors.toList());
    assertThat(ids).doesNotHaveDuplicates();
  }
}
