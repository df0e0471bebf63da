package dev.todochatbot.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The feed a reconnecting screen reads: every change since its cursor, deletions included, only its own. */
class TaskChangesFeedTest {

  static TaskServiceFixture service;

  @BeforeAll
  static void start() {
    service = TaskServiceFixture.start("changes");
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  static JsonObject feed(String token, String since, int limit) {
    var answer = service.http.get("/api/tasks/changes?since=" + URLEncoder.encode(since, StandardCharsets.UTF_8)
        + "&limit=" + limit, token);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    return answer.json();
  }

  @Test
  void aScreenThatWasAwayGetsEveryChangeSinceItsCursorInOrder() {
    String token = service.newUser();
    String stranger = service.newUser();
    JsonObject a = service.create(token, "A");
    JsonObject b = service.create(token, "B");
    // what the screen had seen last: B's creation
    String cursor = feed(token, "1970-01-01T00:00:00Z", 500).getJsonArray("items").getJsonObject(1).getString("cursor");

    service.http.patch("/api/tasks/" + a.getString("id"), token, new JsonObject().put("title", "A, renamed"));
    service.http.delete("/api/tasks/" + b.getString("id"), token);
    JsonObject c = service.create(token, "C");
    service.create(stranger, "not yours");

    var items = feed(token, cursor, 500).getJsonArray("items");
    assertThat(items).hasSize(3);
    JsonObject renamed = items.getJsonObject(0);
    assertThat(renamed.getString("type")).isEqualTo("task.changed");
    assertThat(renamed.getJsonObject("task").getString("title")).isEqualTo("A, renamed");
    assertThat(renamed.getInteger("version")).isEqualTo(2);
    JsonObject deleted = items.getJsonObject(1);
    assertThat(deleted.getString("type")).isEqualTo("task.deleted");
    assertThat(deleted.getString("taskId")).isEqualTo(b.getString("id"));
    assertThat(deleted.getValue("task")).isNull();
    assertThat(deleted.getInteger("version")).as("newer than any version the task had").isEqualTo(2);
    assertThat(items.getJsonObject(2).getString("taskId")).isEqualTo(c.getString("id"));

    // one at a time, the pages join up to the same list
    var paged = new ArrayList<String>();
    String since = cursor;
    JsonObject page;
    do {
      page = feed(token, since, 1);
      page.getJsonArray("items").forEach(i -> paged.add(((JsonObject) i).getString("taskId")));
      since = page.getString("nextCursor");
    } while (since != null);
    assertThat(paged).containsExactly(a.getString("id"), b.getString("id"), c.getString("id"));
  }

  @Test
  void aBadCursorIsRefusedNamingTheParameter() {
    String token = service.newUser();
    for (String query : List.of("", "?since=yesterday", "?since=2026-01-01T00:00:00Z~not-a-uuid",
        "?since=2026-01-01T00:00:00Z&limit=0", "?since=%2B100000-01-01T00:00:00Z", "?since=1899-12-31T00:00:00Z")) {
      var answer = service.http.get("/api/tasks/changes" + query, token);
      assertThat(answer.status()).as(query).isEqualTo(400);
      assertThat(answer.body()).as(query).containsAnyOf("\"since\"", "\"limit\"");
    }
  }
}
