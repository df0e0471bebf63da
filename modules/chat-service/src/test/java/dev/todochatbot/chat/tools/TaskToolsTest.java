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

  /** Ana's tools over an invoker whose every call fails with {@code failure}: the service never answers. */
  private Tools toolsFailingWith(Throwable failure) {
    dev.todochatbot.platform.ServiceInvoker failing = (appId, method, path, headers, body) ->
        io.vertx.core.Future.failedFuture(failure);
    return TaskTools.factory(failing, dev.todochatbot.platform.Tokens.forServices(system.vertx(), system.jwtSecret()))
        .apply(ana);
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
  void changingToolsChangeTheTask() {
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

    assertThat(ok("update_task", new JsonObject().put("id", id).put("status", "open")).getJsonObject("task")
        .getString("status")).isEqualTo("open");
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

    // what a model or an MCP client sends is stored as it came, or refused: no NUL, no half surrogate pair
    ToolOutcome nul = call(tools, "add_task", new JsonObject().put("title", "a\u0000b"));
    assertThat(nul.isError()).isTrue();
    assertThat(nul.errorMessage()).contains("title").contains("NUL");
    ToolOutcome halfPair = call(tools, "add_task", new JsonObject().put("title", "a\ud800b"));
    assertThat(halfPair.isError()).as(halfPair.json().encode()).isTrue();
    assertThat(halfPair.errorMessage()).contains("title").contains("surrogate");
    ToolOutcome inATag = call(tools, "add_task",
        new JsonObject().put("title", "x").put("tags", new JsonArray().add("\udc00")));
    assertThat(inATag.isError()).isTrue();
    assertThat(inATag.errorMessage()).contains("tags");

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
    Tools cut = toolsFailingWith(new java.net.ConnectException("Connection refused"));

    ToolOutcome outcome = call(cut, "add_task", new JsonObject().put("title", "Call the dentist"));
    assertThat(outcome.isError()).isTrue();
    assertThat(outcome.errorMessage()).contains("could not be reached").contains("nothing was changed");
  }

  @Test
  void aWriteThatGotNoAnswerMayHaveBeenSavedAndSaysSo() {
    Tools cut = toolsFailingWith(new java.util.concurrent.TimeoutException("idle timeout"));

    assertThat(call(cut, "add_task", new JsonObject().put("title", "x")).errorMessage())
        .contains("may or may not have been saved").contains("Look first");
    assertThat(call(cut, "list_tasks", new JsonObject()).errorMessage()).contains("nothing was changed");
  }

  @Test
  void aTimeOnAnAllDayTaskMakesItATimedTask() {
    String id = ok("add_task", new JsonObject().put("title", "Pay rent").put("dueAt", "2026-12-01"))
        .getJsonObject("task").getString("id");
    JsonObject moved = ok("set_task_due_date", new JsonObject().put("id", id).put("dueAt", "2026-12-02T15:00"))
        .getJsonObject("task");
    assertThat(moved.getBoolean("allDay")).isFalse();
    assertThat(moved.getString("dueAt")).isEqualTo("2026-12-02T15:00:00+01:00");
  }

  @Test
  void aReminderThatCannotBeSetStillAnswersTheTaskThatWasAdded() {
    ToolOutcome outcome = call(tools, "add_task", new JsonObject().put("title", "Renew passport")
        .put("dueAt", "2026-12-10T09:00").put("reminders", new JsonArray().add(new JsonObject().put("at", "2026-12-09"))));
    assertThat(outcome.isError()).isTrue();
    assertThat(outcome.errorMessage()).contains("reminders[0].at").contains("time of day");
    // refused before anything was written: no task, so nothing to report
    assertThat(outcome.json().containsKey("task")).isFalse();

    ToolOutcome tooMany = call(tools, "add_task", new JsonObject().put("title", "Renew passport")
        .put("dueAt", "2026-12-10T09:00").put("reminders", new JsonArray().add(new JsonObject().put("at", "2026-12-09T09:00"))
            .add(new JsonObject().put("before", "P400000D"))));
    assertThat(tooMany.isError()).isTrue();
    assertThat(tooMany.errorMessage()).startsWith("The task was added, but a reminder was not");
    assertThat(tooMany.json().getJsonObject("task").getString("title")).isEqualTo("Renew passport");
  }

  @Test
  void filtersCombineAsTheToolSays() {
    Principal zoe = system.newUser("America/New_York");
    Tools hers = system.toolsFor(zoe);
    Await.result(hers.call("add_task", new JsonObject().put("title", "Overdue bill").put("dueAt", "2020-01-01T09:00")
        .put("priority", "urgent").put("tags", new JsonArray().add("home"))));
    Await.result(hers.call("add_task", new JsonObject().put("title", "Board report").put("dueAt", "2099-03-02T09:00")
        .put("priority", "high").put("tags", new JsonArray().add("work").add("q4"))));
    Await.result(hers.call("add_task", new JsonObject().put("title", "Team lunch").put("dueAt", "2099-03-05T12:00")
        .put("priority", "low").put("tags", new JsonArray().add("work"))));

    java.util.function.Function<JsonObject, List<String>> titles = arguments -> {
      ToolOutcome outcome = Await.result(hers.call("filter_tasks", arguments));
      assertThat(outcome.isError()).as("%s -> %s", arguments, outcome.json()).isFalse();
      return outcome.json().getJsonArray("items").stream().map(t -> ((JsonObject) t).getString("title")).toList();
    };
    assertThat(titles.apply(new JsonObject().put("overdue", true))).containsExactly("Overdue bill");
    assertThat(titles.apply(new JsonObject().put("dueAfter", "2099-03-01").put("dueBefore", "2099-03-03")))
        .containsExactly("Board report");
    assertThat(titles.apply(new JsonObject().put("priority", new JsonArray().add("high").add("urgent"))
        .put("sort", "priority"))).containsExactly("Overdue bill", "Board report");
    assertThat(titles.apply(new JsonObject().put("tags", new JsonArray().add("work").add("q4")).put("tagMode", "all")))
        .containsExactly("Board report");
    assertThat(titles.apply(new JsonObject().put("tags", new JsonArray().add("work")).put("sort", "dueAt")
        .put("order", "desc"))).containsExactly("Team lunch", "Board report");
    assertThat(titles.apply(new JsonObject().put("query", "lunch"))).containsExactly("Team lunch");
    assertThat(Await.result(hers.call("filter_tasks", new JsonObject().put("tags", new JsonArray().add("")))).isError())
        .isTrue();
  }
}
