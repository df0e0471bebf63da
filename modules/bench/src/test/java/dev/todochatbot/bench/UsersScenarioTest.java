package dev.todochatbot.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class UsersScenarioTest {

  private static Api.Answer page(String nextCursor, int tasks) {
    var items = new JsonArray();
    for (int i = 0; i < tasks; i++) {
      items.add(new JsonObject().put("id", "id-" + i).put("title", "say \"nextCursor\":\"fake\" " + i)
          .put("description", "x".repeat(300)));
    }
    return new Api.Answer(200, new JsonObject().put("items", items).put("nextCursor", nextCursor).toBuffer());
  }

  @Test
  void nextCursorIsReadFromTheEndOfAListAnswer() {
    assertThat(UsersScenario.nextCursorOf(page("eyJzIjoiZHVlQXQifQ", 50))).isEqualTo("eyJzIjoiZHVlQXQifQ");
  }

  @Test
  void lastPageHasNoNextCursor() {
    assertThat(UsersScenario.nextCursorOf(page(null, 3))).isNull();
  }

  @Test
  void answerOfAnotherShapeIsParsedInFull() {
    var reordered = new JsonObject().put("nextCursor", "abc").put("items", new JsonArray().add(new JsonObject()
        .put("id", "1").put("description", "y".repeat(2000))));
    assertThat(UsersScenario.nextCursorOf(new Api.Answer(200, reordered.toBuffer()))).isEqualTo("abc");
  }
}
