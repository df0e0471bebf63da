package dev.todochatbot.chat.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.chat.ChatTestSystem;
import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.testing.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tools against the real task service: what each does, what it refuses, whose tasks it reaches. */
class TaskToolsTest {

  private final ChatTestSystem system = ChatTestSystem.shared();
  private final Principal ana = system.newUser("Europe/Berlin");
  private final Tools tools = system.toolsFor(ana);

  private JsonObject ok(String tool, JsonObject arguments) {
    ToolOutcome outcome = Await.result(tools.call(tool, arguments));
    assertThat(outcome.isError()).as("%s %s -> %s", tool, arguments, outcome.json()).isFalse();
    return outcome.json();
  }

  private ToolOutcome call(Tools as, String tool, JsonObject arguments) {
    return Await.result(as.call(tool, arguments));
  }

  @Test
  void catalogOffersTheFourteenToolsWithObjectSchemas() {
    assertThat(tools.specs()).extracting(ToolSpec::name).containsExactly("add_task", "update_task", "complete_task",
        "delete_task", "list_tasks", "set_task_priority", "set_task_due_date", "add_task_tags", "search_tasks",
        "filter_tasks", "sort_tasks", "create_recurring_task", "set_reminder", "list_reminders");
    assertThat(tools.specs()).allSatisfy(spec -> {
      assertThat(spec.inputSchema().getString("type")).isEqualTo("object");
      assertThat(spec.description()).hasSizeGreaterThan(40);
    });
  }

  @Test
  void addTaskReadsALocalTimeInTheUsersZoneAndAddsItsReminders() {
    JsonObject task = ok("add_task", new JsonObject().put("title", "Call the dentist").put("dueAt", "2026-12-01T15:00")
        .put("priority", "high").put("tags", new JsonArray().add("health"))
        .put("reminders", new JsonArray().add(new JsonObject().put("before", "PT30M")))).getJsonObject("task");

    assertThat(task.getString("dueAt")).isEqualTo("2026-12-01T15:00:00+01:00");
    assertThat(task.getString("priority")).isEqualTo("high");
    assertThat(task.getJsonArray("tags")).containsExactly("health");
    assertThat(task.getJsonArray("reminders")).hasSize(1);
    assertThat(task.getJsonArray("reminders").getJsonObject(0).getString("at")).isEqualTo("2026-12-01T13:30:00Z");
  }

  @Test
  void aDateAloneMakesAnAllDayTask() {
    JsonObject task = ok("add_task", new JsonObject().put("title", "Pay rent").put("dueAt", "2026-12-01"))
        .getJsonObject("task");
    assertThat(task.getBoolean("allDay")).isTrue();
    assertThat(task.getString("dueAt")).startsWith("2026-12-01T00:00:00+01:00");
  }

  @Test
  void findingToolsAnswerItemsOfTheRestTaskJson() {
    String id = ok("add_task", new JsonObject().put("title", "Water the plants").put("tags", new JsonArray().add("home")))
        .getJsonObject("task").getString("id");
    ok("add_task", new JsonObject().put("title", "Write the report").put("priority", "urgent"));

    assertThat(ok("search_tasks", new JsonObject().put("query", "plants")).getJsonArray("items"))
        .extracting(t -> ((JsonObject) t).getString("id")).containsExactly(id);
    assertThat(ok("filter_tasks", new JsonObject().put("tags", new JsonArray().add("#home"))).getJsonArray("items"))
        .extracting(t -> ((JsonObject) t).getString("title")).containsExactly("Water the plants");
    assertThat(ok("sort_tasks", new JsonObject().put("by", "priority")).getJsonArray("items").getJsonObject(0)
        .getString("title")).isEqualTo("Write the report");
    assertThat(ok("list_tasks", new JsonObject()).getJsonArray("items")).hasSize(2);
  }

  @Test
  void changingToolsChangeTheTaskAndTheChangeIsTheAssistants() {
    String id = ok("add_task", new JsonObject().put("title", "Report")).getJsonObject("task").getString("id");

    ok("set_task_priority", new JsonObject().put("id", id).put("priority", "urgent"));
    ok("add_task_tags", new JsonObject().put("id", id).put("tags", new JsonArray().add("work")));
    ok("add_task_tags", new JsonObject().put("id", id).put("tags", new JsonArray().add("Q4")));
    ok("set_task_due_date", new JsonObject().put("id", id).put("dueAt", "2026-12-04T09:00"));
    JsonObject task = ok("complete_task", new JsonObject().put("id", id)).getJsonObject("task");

    assertThat(task.getString("status")).isEqualTo("completed");
    assertThat(task.getString("priority")).isEqualTo("urgent");
    assertThat(task.getJsonArray("tags")).containsExactly("work", "q4");
    assertThat(task.getString("dueAt")).isEqualTo("2026-12-04T09:00:00+01:00");
    assertThat(ok("filter_tasks", new JsonObject().put("completedAfter", "2020-01-01")).getJsonArray("items"))
        .extracting(t -> ((JsonObject) t).getString("id")).containsExactly(id);

    JsonObject deleted = ok("delete_task", new JsonObject().put("id", id)).getJsonObject("deleted");
    assertThat(deleted.getString("title")).isEqualTo("Report");
    assertThat(system.taskService().get("/api/tasks/" + id, system.userToken(ana)).status()).isEqualTo(404);
  }

  @Test
  void recurringTaskAndReminders() {
    JsonObject task = ok("create_recurring_task", new JsonObject().put("title", "Water the plants")
        .put("dueAt", "2026-11-30T18:00").put("recurrence", new JsonObject().put("frequency", "weekly")
            .put("interval", 2).put("byDay", new JsonArray().add("MO")))).getJsonObject("task");
    assertThat(task.getJsonObject("recurrence").getString("rule")).isEqualTo("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO");

    JsonObject withReminder = ok("set_reminder", new JsonObject().put("id", task.getString("id")).put("before", "PT1H"));
    assertThat(withReminder.getJsonObject("reminder").getString("at")).isEqualTo("2026-11-30T16:00:00Z");
    assertThat(ok("list_reminders", new JsonObject().put("id", task.getString("id"))).getJsonArray("items")).hasSize(1);
  }

  @Test
  void badArgumentsAreToolErrorsThatSayWhatToFix() {
    ToolOutcome noTitle = call(tools, "add_task", new JsonObject().put("priority", "high"));
    assertThat(noTitle.isError()).isTrue();
    assertThat(noTitle.errorMessage()).contains("title");

    ToolOutcome badPriority = call(tools, "add_task", new JsonObject().put("title", "x").put("priority", "extreme"));
    assertThat(badPriority.errorMessage()).contains("priority");

    ToolOutcome badDate = call(tools, "add_task", new JsonObject().put("title", "x").put("dueAt", "next blursday"));
    assertThat(badDate.errorMessage()).contains("dueAt").contains("2026-12-01");

    ToolOutcome badRule = call(tools, "create_recurring_task", new JsonObject().put("title", "x")
        .put("dueAt", "2026-12-01T10:00").put("recurrence", new JsonObject().put("rule", "FREQ=MONTHLY;BYDAY=9MO")));
    assertThat(badRule.isError()).isTrue();
    assertThat(badRule.errorMessage()).contains("BYDAY");

    ToolOutcome unknown = call(tools, "run_sql", new JsonObject().put("sql", "DROP TABLE tasks.task"));
    assertThat(unknown.errorMessage()).contains("no tool named \"run_sql\"");
  }

  @Test
  void anotherUsersTaskCannotBeReachedWhateverTheArgumentsSay() {
    Principal bob = system.newUser("UTC");
    Tools bobs = system.toolsFor(bob);
    String anasTask = ok("add_task", new JsonObject().put("title", "Ana's secret plan")).getJsonObject("task")
        .getString("id");

    for (String tool : List.of("complete_task", "delete_task", "update_task", "list_reminders")) {
      ToolOutcome outcome = call(bobs, tool, new JsonObject().put("id", anasTask));
      assertThat(outcome.isError()).as(tool).isTrue();
      assertThat(outcome.errorMessage()).as(tool).startsWith("No such task");
    }
    ToolOutcome withUserId = call(bobs, "list_tasks", new JsonObject().put("userId", ana.userId().toString()));
    assertThat(withUserId.errorMessage()).contains("userId");
    assertThat(Await.result(bobs.call("search_tasks", new JsonObject().put("query", "secret"))).json()
        .getJsonArray("items")).isEmpty();
    assertThat(system.taskService().get("/api/tasks/" + anasTask, system.userToken(ana)).json().getString("status"))
        .isEqualTo("open");
  }
  @Test
  void aTaskServiceThatCannotBeReachedIsASentenceNotAFailure() {
    var nowhere = new dev.todochatbot.platform.ServiceInvoker() {
      @Override
      public io.vertx.core.Future<ServiceResponse> invoke(String appId, io.vertx.core.http.HttpMethod method, String path,
          io.vertx.core.MultiMap headers, io.vertx.core.buffer.Buffer body) {
        return io.vertx.core.Future.failedFuture(new java.net.ConnectException("Connection refused"));
      }
    };
    Tools cut = TaskTools.factory(nowhere, dev.todochatbot.platform.Tokens.forServices(system.vertx(), system.jwtSecret()))
        .apply(ana);

    ToolOutcome outcome = call(cut, "add_task", new JsonObject().put("title", "Call the dentist"));
    assertThat(outcome.isError()).isTrue();
    assertThat(outcome.errorMessage()).contains("could not be reached").contains("nothing was changed");
  }
}
