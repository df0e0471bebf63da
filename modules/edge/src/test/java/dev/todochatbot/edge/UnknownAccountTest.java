package dev.todochatbot.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.Tokens;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.TestHttp.Answer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A token signed with the right key but naming no account (its account deleted, or never made) opens
 * nothing: every public route that takes a token answers 401, as {@code /api/me} does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnknownAccountTest {

  private EdgeFixture edge;

  @BeforeAll
  void start() {
    edge = EdgeFixture.start("unknown_account");
  }

  @AfterAll
  void stop() {
    edge.close();
  }

  @Test
  void aWellSignedTokenOfNoAccountIsRefusedOnEveryRouteAndWritesNothing() {
    UUID nobody = UUID.randomUUID();
    String ghost = Tokens.create(edge.vertx, EdgeFixture.SECRET, Duration.ofHours(1))
        .issue(new Principal(nobody, "ghost@example.com", "UTC"));
    String task = "/api/tasks/" + UUID.randomUUID();
    JsonObject mcp = new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "tools/list");

    for (Answer answer : new Answer[] {
        edge.http.get("/api/me", ghost),
        edge.http.post("/api/tasks", ghost, new JsonObject().put("title", "Haunt the attic")),
        edge.http.get("/api/tasks", ghost),
        edge.http.patch(task, ghost, new JsonObject().put("title", "x")),
        edge.http.get(task + "/history", ghost),
        edge.http.get("/api/audit", ghost),
        edge.http.get("/api/reminders", ghost),
        edge.http.send("PUT", "/api/me/webhook", ghost, new JsonObject().put("url", "https://example.com/in")
            .put("secret", "a-secret-of-the-ghost-0123456789"), Map.of()),
        edge.http.post("/api/chat", ghost, new JsonObject().put("message", "add milk")),
        edge.http.get("/api/conversations", ghost),
        edge.http.send("POST", "/mcp", ghost, mcp, Map.of("Accept", "application/json, text/event-stream"))}) {
      assertThat(answer.status()).as(answer.toString()).isEqualTo(401);
      assertThat(answer.contentType()).isEqualTo("application/problem+json");
      assertThat(answer.json().getString("detail")).contains("no longer exists");
    }
    assertThat(tasksOf(nobody)).as("tasks stored for the token's user").isZero();

    var socket = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(edge.edgeConfig.port())
        .setURI("/ws?access_token=" + ghost);
    assertThatThrownBy(() -> Await.result(edge.vertx.createWebSocketClient().connect(socket)))
        .as("the WebSocket upgrade").hasRootCauseInstanceOf(UpgradeRejectedException.class).hasMessageContaining("401");

    String someone = edge.newUser();
    assertThat(edge.http.post("/api/tasks", someone, new JsonObject().put("title", "Real")).status())
        .as("a token of an account that exists").isEqualTo(201);
  }

  private long tasksOf(UUID user) {
    var db = edge.database;
    try (var connection = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        var statement = connection.prepareStatement("SELECT count(*) FROM tasks.task WHERE user_id = ?")) {
      statement.setObject(1, user);
      var rows = statement.executeQuery();
      rows.next();
      return rows.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
