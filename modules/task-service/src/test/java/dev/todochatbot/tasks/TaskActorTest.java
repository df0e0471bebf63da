package dev.todochatbot.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.Tokens;
import io.vertx.core.json.JsonObject;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Who may change a user's tasks, and who the events say did: the user with their own token; the chat
 * service's tools with a service token naming the user (recorded as the assistant); no other service.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskActorTest {

  private TaskServiceFixture service;
  private Tokens serviceTokens;

  @BeforeAll
  void start() {
    service = TaskServiceFixture.start("actor");
    serviceTokens = Tokens.forServices(service.vertx, TaskServiceFixture.SECRET);
  }

  @AfterAll
  void stop() {
    service.close();
  }

  @Test
  void theChatServiceActsForTheUserItNamesAndItsChangesAreTheAssistants() {
    UUID id = UUID.randomUUID();
    Principal user = new Principal(id, id + "@example.com", "Europe/Berlin");
    String userToken = service.tokens.issue(user);
    String chat = serviceTokens.issueForService(user, "chat-service");

    JsonObject byUser = service.create(userToken, "typed by hand");
    JsonObject byChat = service.create(chat, "said in the chat");
    assertThat(service.http.post("/api/tasks/" + byUser.getString("id") + "/complete", chat, null).status())
        .isEqualTo(200);

    assertThat(service.http.get("/api/tasks?status=all", userToken).items()).hasSize(2);
    assertThat(actorsOf(byUser.getString("id"))).containsExactly("user:task.created.v1",
        "assistant:task.completed.v1");
    assertThat(actorsOf(byChat.getString("id"))).containsExactly("assistant:task.created.v1");
  }

  @Test
  void noOtherServiceMayActOnTheUserRoutes() {
    UUID id = UUID.randomUUID();
    Principal user = new Principal(id, id + "@example.com", "UTC");
    String recurrence = serviceTokens.issueForService(user, "recurrence-service");

    var answer = service.http.get("/api/tasks", recurrence);
    assertThat(answer.status()).isEqualTo(403);
    assertThat(answer.json().getString("detail")).contains("chat-service");
  }

  @Test
  void aServiceTokenIsRefusedWhenDaprSaysAnotherAppSentIt() {
    UUID id = UUID.randomUUID();
    Principal user = new Principal(id, id + "@example.com", "UTC");
    String chat = serviceTokens.issueForService(user, "chat-service");

    var forged = service.http.send("GET", "/api/tasks", chat, null, java.util.Map.of("dapr-caller-app-id", "edge"));
    assertThat(forged.status()).isEqualTo(403);
    assertThat(forged.json().getString("detail")).contains("chat-service").contains("edge");
    var genuine = service.http.send("GET", "/api/tasks", chat, null, java.util.Map.of("dapr-caller-app-id", "chat-service"));
    assertThat(genuine.status()).isEqualTo(200);
  }

  @Test
  void completedTasksCanBeListedByWhenTheyWereCompleted() {
    String user = service.newUser("Europe/Berlin");
    JsonObject done = service.create(user, "done today");
    service.create(user, "still open");
    service.http.post("/api/tasks/" + done.getString("id") + "/complete", user, null);
    String today = java.time.LocalDate.now(java.time.ZoneId.of("Europe/Berlin")).toString();

    assertThat(service.http.get("/api/tasks?status=completed&completedAfter=" + today, user).items())
        .extracting(t -> ((JsonObject) t).getString("title")).containsExactly("done today");
    assertThat(service.http.get("/api/tasks?status=completed&completedBefore=" + today, user).items()).isEmpty();
    var refused = service.http.get("/api/tasks?status=open&completedAfter=" + today, user);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body()).contains("completedAfter");
  }

  /** "actor:type" of the task's events, oldest first, from the outbox (no sidecar: nothing is published). */
  private List<String> actorsOf(String taskId) {
    var actors = new ArrayList<String>();
    try (var connection = DriverManager.getConnection(service.database.jdbcUrl(), service.database.user(),
        service.database.password());
        var statement = connection.prepareStatement(
            "SELECT payload->>'actor', type FROM tasks.outbox WHERE payload->'task'->>'id' = ? ORDER BY id")) {
      statement.setString(1, taskId);
      try (var rows = statement.executeQuery()) {
        while (rows.next()) {
          actors.add(rows.getString(1) + ":" + rows.getString(2));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return actors;
  }
}
