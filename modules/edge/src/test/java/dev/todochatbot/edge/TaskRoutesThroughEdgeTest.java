package dev.todochatbot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.testing.TestHttp.Answer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The task API as people reach it: through the edge's public port, which checks the token and
 * forwards to the task service (which checks it again).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskRoutesThroughEdgeTest {

  private EdgeFixture edge;

  @BeforeAll
  void start() {
    edge = EdgeFixture.start("forwarding");
  }

  @AfterAll
  void stop() {
    edge.close();
  }

  @Test
  void everyTaskRouteWorksThroughThePublicPort() {
    String token = edge.newUser();
    Answer created = edge.http.post("/api/tasks", token, new JsonObject().put("title", "Book flights")
        .put("priority", "high").put("tags", new io.vertx.core.json.JsonArray().add("travel")));
    assertThat(created.status()).isEqualTo(201);
    String path = created.header("location").orElseThrow();
    assertThat(created.header("etag")).contains("\"1\"");

    assertThat(edge.http.get(path, token).json()).isEqualTo(created.json());
    assertThat(edge.http.get("/api/tasks?tag=travel&priority=high&q=flig&sort=priority", token).items()).hasSize(1);

    Answer patched = edge.http.send("PATCH", path, token, new JsonObject().put("title", "Book flights to Lisbon"),
        Map.of("If-Match", "\"1\""));
    assertThat(patched.status()).isEqualTo(200);
    assertThat(patched.header("etag")).contains("\"2\"");
    assertThat(edge.http.send("PATCH", path, token, new JsonObject().put("title", "stale"),
        Map.of("If-Match", "\"1\"")).status()).isEqualTo(412);

    assertThat(edge.http.post(path + "/complete", token, null).json().getString("status")).isEqualTo("completed");
    assertThat(edge.http.post(path + "/reopen", token, null).json().getString("status")).isEqualTo("open");
    assertThat(edge.http.delete(path, token).status()).isEqualTo(204);
    assertThat(edge.http.get(path, token).status()).isEqualTo(404);
  }

  @Test
  void aClientsIdempotencyKeyReachesTheTaskServiceAndItsReplayComesBack() {
    String token = edge.newUser();
    var key = Map.of("Idempotency-Key", java.util.UUID.randomUUID().toString());
    var body = new JsonObject().put("title", "Renew passport");
    Answer first = edge.http.send("POST", "/api/tasks", token, body, key);
    Answer again = edge.http.send("POST", "/api/tasks", token, body, key);
    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.header("idempotent-replayed")).contains("true");
    assertThat(again.json()).isEqualTo(first.json());
    assertThat(edge.http.get("/api/tasks", token).items()).hasSize(1);

    // without one, each request is its own write (the edge's key is new for every request)
    assertThat(edge.http.post("/api/tasks", token, body).header("idempotent-replayed")).isEmpty();
    assertThat(edge.http.post("/api/tasks", token, body).status()).isEqualTo(201);
    assertThat(edge.http.get("/api/tasks", token).items()).hasSize(3);
  }

  @Test
  void anotherUsersTaskIsNotFoundOnEveryRouteThroughTheEdge() {
    String owner = edge.newUser();
    String other = edge.newUser();
    JsonObject task = edge.createTask(owner, new JsonObject().put("title", "Owner only"));
    String path = "/api/tasks/" + task.getString("id");

    for (Answer answer : new Answer[] {
        edge.http.get(path, other),
        edge.http.patch(path, other, new JsonObject().put("title", "taken")),
        edge.http.post(path + "/complete", other, null),
        edge.http.post(path + "/reopen", other, null),
        edge.http.delete(path, other)}) {
      assertThat(answer.status()).as(answer.toString()).isEqualTo(404);
      assertThat(answer.body()).doesNotContain("Owner only");
    }
    assertThat(edge.http.get("/api/tasks?status=all&q=owner", other).items()).isEmpty();
    assertThat(edge.http.get(path, owner).json()).isEqualTo(task);
  }

  @Test
  void theEdgeRefusesWhatItCanJudgeItself() {
    assertThat(edge.http.get("/api/tasks", null).status()).isEqualTo(401);
    String huge = new JsonObject().put("title", "x").put("description", "d".repeat(1_100_000)).encode();
    Answer tooBig = edge.http.post("/api/tasks", edge.newUser(), huge);
    assertThat(tooBig.status()).isEqualTo(413);
    assertThat(tooBig.contentType()).isEqualTo("application/problem+json");
    Answer nowhere = edge.http.get("/api/nothing-here", null);
    assertThat(nowhere.status()).isEqualTo(404);
    assertThat(nowhere.json().getString("type")).isEqualTo("/problems/no-such-route");
  }

  @Test
  void whenTheTaskServiceIsDownTheEdgeSays503AndNothingElse() {
    try (EdgeFixture alone = EdgeFixture.start("edge_alone", false)) {
      String token = alone.newUser();
      Answer answer = alone.http.post("/api/tasks", token, new JsonObject().put("title", "Lost?"));
      assertThat(answer.status()).isEqualTo(503);
      assertThat(answer.contentType()).isEqualTo("application/problem+json");
      assertThat(answer.json().getString("detail")).startsWith("Tasks cannot be reached right now")
          .doesNotContain("ERR_DIRECT_INVOKE");
    }
  }

  @Test
  void theWebUiAndTheApiDocumentAreServed() {
    Answer home = edge.http.get("/", null);
    assertThat(home.status()).isEqualTo(200);
    assertThat(home.contentType()).startsWith("text/html");
    assertThat(home.body()).contains("todo-chatbot");
    Answer document = edge.http.get("/openapi.yaml", null);
    assertThat(document.status()).isEqualTo(200);
    assertThat(document.body()).startsWith("openapi: 3.1.0");
  }

  @Test
  void aPageOfTheWebUiReloadedInTheBrowserGetsTheAppButApiAndFilesStayNotFound() {
    Answer page = edge.http.send("GET", "/tasks/6f1c2b9e-8a4d-4c1e-9f0a-1b2c3d4e5f60", null, null,
        java.util.Map.of("Accept", "text/html,application/xhtml+xml"));
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(page.body()).contains("todo-chatbot");

    Answer api = edge.http.send("GET", "/api/nothing-here", null, null, java.util.Map.of("Accept", "text/html"));
    assertThat(api.status()).isEqualTo(404);
    assertThat(api.contentType()).isEqualTo("application/problem+json");
    Answer file = edge.http.send("GET", "/assets/missing.js", null, null, java.util.Map.of("Accept", "text/html"));
    assertThat(file.status()).isEqualTo(404);
    Answer json = edge.http.get("/tasks/1", null);
    assertThat(json.status()).isEqualTo(404);
  }
}
