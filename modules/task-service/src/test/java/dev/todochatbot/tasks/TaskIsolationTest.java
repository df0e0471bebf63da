package dev.todochatbot.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.testing.TestHttp.Answer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** One user can neither see nor touch another's tasks: every route answers 404, as if the task did not exist. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskIsolationTest {

  private TaskServiceFixture service;

  @BeforeAll
  void start() {
    service = TaskServiceFixture.start("isolation");
  }

  @AfterAll
  void stop() {
    service.close();
  }

  @Test
  void anotherUsersTaskIsNotFoundOnEveryRouteAndStaysUntouched() {
    String alice = service.newUser();
    String mallory = service.newUser();
    JsonObject task = service.create(alice, new JsonObject().put("title", "Alice's secret plan").put("tags",
        new io.vertx.core.json.JsonArray().add("private")));
    String path = "/api/tasks/" + task.getString("id");

    assertNotFound(service.http.get(path, mallory));
    assertNotFound(service.http.patch(path, mallory, new JsonObject().put("title", "pwned")));
    assertNotFound(service.http.send("PATCH", path, mallory, new JsonObject().put("title", "pwned"),
        Map.of("If-Match", "\"7\"")));
    assertNotFound(service.http.post(path + "/complete", mallory, null));
    assertNotFound(service.http.post(path + "/reopen", mallory, null));
    assertNotFound(service.http.delete(path, mallory));

    for (String query : new String[] {"status=all", "q=secret", "tag=private", "sort=title", "overdue=true"}) {
      assertThat(service.http.get("/api/tasks?" + query, mallory).items()).as(query).isEmpty();
    }
    assertThat(service.http.get(path, alice).json()).isEqualTo(task);
  }

  @Test
  void aCursorFromAnotherUserOnlyPagesThroughYourOwnTasks() {
    String alice = service.newUser();
    String bob = service.newUser();
    for (int i = 0; i < 3; i++) {
      service.create(alice, "alice " + i);
    }
    service.create(bob, "bob 0");
    String cursor = service.http.get("/api/tasks?limit=1", alice).json().getString("nextCursor");

    Answer bobsPage = service.http.get("/api/tasks?limit=5&cursor=" + cursor, bob);

    assertThat(bobsPage.status()).isEqualTo(200);
    assertThat(bobsPage.items().stream().map(t -> ((JsonObject) t).getString("title")))
        .noneMatch(title -> title.startsWith("alice"));
  }

  private static void assertNotFound(Answer answer) {
    assertThat(answer.status()).as(answer.toString()).isEqualTo(404);
    assertThat(answer.contentType()).isEqualTo("application/problem+json");
    assertThat(answer.body()).doesNotContain("Alice").doesNotContain("secret");
  }
}
