package dev.todochatbot.chat.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** What a model or a person reads when arguments break a tool's schema: which argument, and why. */
class ToolCatalogTest {

  private final ToolCatalog catalog = ToolCatalog.get();

  private ToolOutcome refused(String tool, JsonObject arguments) {
    return catalog.check(tool, arguments).orElseThrow(() -> new AssertionError(tool + " took " + arguments));
  }

  @Test
  void aValueOutsideTheChoicesNamesTheArgumentOnce() {
    ToolOutcome outcome = refused("set_task_priority", new JsonObject()
        .put("id", "6f1c2b9e-8a4d-4c1e-9f0a-1b2c3d4e5f60").put("priority", "asap"));
    assertThat(outcome.json().getJsonObject("error").getJsonObject("fields").fieldNames()).containsExactly("priority");
    assertThat(outcome.errorMessage()).startsWith("The arguments of set_task_priority are not right: priority: ")
        .contains("none", "urgent").doesNotContain("/priority").doesNotContain("$.");
  }

  @Test
  void missingAndUnknownArgumentsAreNamed() {
    ToolOutcome missing = refused("add_task", new JsonObject().put("priority", "high"));
    assertThat(missing.json().getJsonObject("error").getJsonObject("fields").fieldNames()).containsExactly("title");

    ToolOutcome unknown = refused("list_tasks", new JsonObject().put("userId", "someone-else"));
    assertThat(unknown.json().getJsonObject("error").getJsonObject("fields").fieldNames()).containsExactly("userId");
  }

  @Test
  void nestedArgumentsAreNamedByTheirPath() {
    ToolOutcome outcome = refused("add_task", new JsonObject().put("title", "x")
        .put("reminders", new JsonArray().add(new JsonObject().put("time", "9am"))));
    assertThat(outcome.json().getJsonObject("error").getJsonObject("fields").fieldNames()).contains("reminders.0.time");
  }

  @Test
  void argumentsThatFitPass() {
    assertThat(catalog.check("filter_tasks", new JsonObject().put("priority", new JsonArray().add("high"))
        .put("tags", new JsonArray().add("work")).put("dueBefore", "2026-12-01"))).isEmpty();
    assertThat(catalog.check("create_recurring_task", new JsonObject().put("title", "Plants")
        .put("dueAt", "2026-12-01T09:00").put("recurrence", new JsonObject().put("rule", "FREQ=MONTHLY;BYDAY=-1FR"))))
        .isEmpty();
  }
}
