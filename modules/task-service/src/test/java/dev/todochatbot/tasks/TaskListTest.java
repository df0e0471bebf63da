package dev.todochatbot.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Filters, sort orders, search and keyset pagination of GET /api/tasks. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskListTest {

  private TaskServiceFixture service;

  @BeforeAll
  void start() {
    service = TaskServiceFixture.start("list");
  }

  @AfterAll
  void stop() {
    service.close();
  }

  private JsonObject task(String token, String title, String priority, String dueAt, String... tags) {
    var body = new JsonObject().put("title", title).put("priority", priority).put("tags", new JsonArray(List.of(tags)));
    if (dueAt != null) {
      body.put("dueAt", dueAt);
    }
    return service.create(token, body);
  }

  private List<String> titles(String token, String query) {
    var answer = service.http.get("/api/tasks?" + query, token);
    assertThat(answer.status()).as("GET ?%s -> %s", query, answer).isEqualTo(200);
    return answer.items().stream().map(t -> ((JsonObject) t).getString("title")).collect(Collectors.toList());
  }

  private static String q(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  @Test
  void defaultListIsOpenTasksByDueDateWithUndatedLast() {
    String token = service.newUser();
    task(token, "later", "none", "2026-12-10T09:00:00Z");
    task(token, "undated", "none", null);
    task(token, "sooner", "none", "2026-12-01T09:00:00Z");
    JsonObject done = task(token, "done", "none", "2026-11-01T09:00:00Z");
    service.http.post("/api/tasks/" + done.getString("id") + "/complete", token, null);

    assertThat(titles(token, "")).containsExactly("sooner", "later", "undated");
    assertThat(titles(token, "order=desc")).containsExactly("later", "sooner", "undated");
    assertThat(titles(token, "status=completed")).containsExactly("done");
    assertThat(titles(token, "status=all")).containsExactly("done", "sooner", "later", "undated");
  }

  @Test
  void everySortOrderSortsAsNamed() {
    String token = service.newUser();
    task(token, "bravo", "low", "2026-12-02T09:00:00Z");
    task(token, "Alpha", "urgent", null);
    task(token, "charlie", "urgent", "2026-12-05T09:00:00Z");
    task(token, "delta", "none", "2026-12-01T09:00:00Z");

    assertThat(titles(token, "sort=title")).containsExactly("Alpha", "bravo", "charlie", "delta");
    assertThat(titles(token, "sort=title&order=desc")).containsExactly("delta", "charlie", "bravo", "Alpha");
    // most important first; within a priority, soonest due first and undated last
    assertThat(titles(token, "sort=priority")).containsExactly("charlie", "Alpha", "bravo", "delta");
    assertThat(titles(token, "sort=priority&order=asc")).containsExactly("delta", "bravo", "charlie", "Alpha");
    assertThat(titles(token, "sort=createdAt")).containsExactly("delta", "charlie", "Alpha", "bravo");
    assertThat(titles(token, "sort=createdAt&order=asc")).containsExactly("bravo", "Alpha", "charlie", "delta");

    service.http.patch("/api/tasks/" + service.http.get("/api/tasks?sort=title&limit=1", token).items()
        .getJsonObject(0).getString("id"), token, new JsonObject().put("description", "touched"));
    assertThat(titles(token, "sort=updatedAt").get(0)).isEqualTo("Alpha");
  }

  @Test
  void filtersCombine() {
    String token = service.newUser();
    task(token, "work high", "high", "2026-12-01T09:00:00Z", "work");
    task(token, "work urgent home", "urgent", "2026-12-03T09:00:00Z", "work", "home");
    task(token, "home low", "low", "2026-12-05T09:00:00Z", "home");
    task(token, "none", "none", null);

    assertThat(titles(token, "priority=high&priority=urgent")).containsExactly("work high", "work urgent home");
    assertThat(titles(token, "priority=high,urgent&tag=home")).containsExactly("work urgent home");
    assertThat(titles(token, "tag=work&tag=home")).containsExactly("work high", "work urgent home", "home low");
    assertThat(titles(token, "tag=%23Work&tag=HOME&tagMode=all")).containsExactly("work urgent home");
    assertThat(titles(token, "dueBefore=2026-12-03T09:00:00Z")).containsExactly("work high");
    assertThat(titles(token, "dueAfter=2026-12-03T09:00:00Z")).containsExactly("work urgent home", "home low");
    assertThat(titles(token, "dueAfter=2026-12-02&dueBefore=2026-12-04")).containsExactly("work urgent home");
  }

  @Test
  void overdueMeansOpenAndPastDueWithAllDayTasksDueUntilTheirDayEnds() {
    String token = service.newUser();
    Instant now = Instant.now();
    task(token, "yesterday", "none", now.minus(1, ChronoUnit.DAYS).toString());
    task(token, "in an hour", "none", now.plus(1, ChronoUnit.HOURS).toString());
    JsonObject doneLate = task(token, "done late", "none", now.minus(2, ChronoUnit.DAYS).toString());
    service.http.post("/api/tasks/" + doneLate.getString("id") + "/complete", token, null);
    String today = now.atZone(java.time.ZoneOffset.UTC).toLocalDate().toString();
    String lastWeek = now.atZone(java.time.ZoneOffset.UTC).toLocalDate().minusDays(7).toString();
    service.create(token, new JsonObject().put("title", "all day today").put("dueAt", today).put("allDay", true));
    service.create(token, new JsonObject().put("title", "all day last week").put("dueAt", lastWeek).put("allDay", true));

    assertThat(titles(token, "overdue=true")).containsExactly("all day last week", "yesterday");
  }

  @Test
  void searchIsWordsInAnyOrderWithPrefixOfTheLastCaseAndAccentInsensitive() {
    String token = service.newUser();
    task(token, "Quarterly report for Zoë", "none", null);
    task(token, "Report card", "none", null);
    service.create(token, new JsonObject().put("title", "Dessert").put("description", "Crème brûlée recipe"));
    task(token, "Fix the sink", "none", null, "home");

    assertThat(titles(token, "q=" + q("report quart"))).containsExactly("Quarterly report for Zoë");
    assertThat(titles(token, "q=" + q("ZOE"))).containsExactly("Quarterly report for Zoë");
    assertThat(titles(token, "q=" + q("REPORT"))).containsExactlyInAnyOrder("Quarterly report for Zoë", "Report card");
    assertThat(titles(token, "q=" + q("recipe creme brul"))).containsExactly("Dessert");
    assertThat(titles(token, "q=" + q("home"))).containsExactly("Fix the sink");
    assertThat(titles(token, "q=" + q("port"))).isEmpty();
    assertThat(titles(token, "q=" + q("  "))).hasSize(4);
  }

  @Test
  void searchFollowsEdits() {
    String token = service.newUser();
    JsonObject task = task(token, "Buy milk", "none", null);
    service.http.patch("/api/tasks/" + task.getString("id"), token, new JsonObject().put("title", "Buy oat drink"));
    assertThat(titles(token, "q=milk")).isEmpty();
    assertThat(titles(token, "q=oat")).containsExactly("Buy oat drink");
  }

  @ParameterizedTest(name = "sort={0} order={1}")
  @CsvSource({"dueAt,asc", "dueAt,desc", "priority,desc", "priority,asc", "createdAt,desc", "createdAt,asc",
      "updatedAt,desc", "title,asc", "title,desc"})
  void pagesJoinUpToTheWholeListInEverySortOrder(String sort, String order) {
    String token = service.newUser();
    String[] priorities = {"none", "low", "high", "urgent"};
    for (int i = 0; i < 23; i++) {
      // ties on purpose: equal due times, equal priorities, equal titles
      task(token, "task " + (i % 5), priorities[i % 4], i % 6 == 0 ? null : "2026-12-0" + (1 + i % 3) + "T09:00:00Z");
    }
    String query = "status=all&sort=" + sort + "&order=" + order;
    List<String> whole = ids(service.http.get("/api/tasks?limit=200&" + query, token).items());

    List<String> paged = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      var page = service.http.get("/api/tasks?limit=4&" + query + (cursor == null ? "" : "&cursor=" + cursor), token);
      assertThat(page.status()).as(page.toString()).isEqualTo(200);
      paged.addAll(ids(page.items()));
      cursor = page.json().getString("nextCursor");
      pages++;
    } while (cursor != null && pages < 20);

    assertThat(whole).hasSize(23);
    assertThat(paged).isEqualTo(whole);
    assertThat(pages).isEqualTo(6);
  }

  @Test
  void paginationIsStableWhileTasksChange() {
    String token = service.newUser();
    List<JsonObject> created = new ArrayList<>();
    for (int day = 10; day < 30; day++) {
      created.add(task(token, "day " + day, "none", "2026-12-" + day + "T09:00:00Z"));
    }
    var first = service.http.get("/api/tasks?limit=5", token);
    assertThat(ids(first.items())).isEqualTo(ids(new JsonArray(created.subList(0, 5))));

    // while the reader is between pages: an earlier task appears, a later one goes, one is renamed
    task(token, "day 01, added", "none", "2026-12-01T09:00:00Z");
    service.http.delete("/api/tasks/" + created.get(7).getString("id"), token);
    service.http.patch("/api/tasks/" + created.get(9).getString("id"), token, new JsonObject().put("title", "renamed"));
    task(token, "day 31, added", "none", "2026-12-31T09:00:00Z");

    List<String> rest = new ArrayList<>();
    String cursor = first.json().getString("nextCursor");
    while (cursor != null) {
      var page = service.http.get("/api/tasks?limit=5&cursor=" + cursor, token);
      rest.addAll(page.items().stream().map(t -> ((JsonObject) t).getString("title")).toList());
      cursor = page.json().getString("nextCursor");
    }
    var expected = new ArrayList<String>();
    for (int i = 5; i < 20; i++) {
      if (i != 7) {
        expected.add(i == 9 ? "renamed" : "day " + (10 + i));
      }
    }
    expected.add("day 31, added");
    assertThat(rest).isEqualTo(expected);
  }

  @Test
  void lastPageHasNoCursorAndLimitIsHonoured() {
    String token = service.newUser();
    for (int i = 0; i < 3; i++) {
      service.create(token, "t" + i);
    }
    var page = service.http.get("/api/tasks?limit=3", token);
    assertThat(page.items()).hasSize(3);
    assertThat(page.json().getString("nextCursor")).isNull();
    assertThat(page.json().containsKey("nextCursor")).isTrue();
    assertThat(service.http.get("/api/tasks?limit=2", token).items()).hasSize(2);
  }

  private static List<String> ids(JsonArray items) {
    return items.stream().map(t -> ((JsonObject) t).getString("id")).collect(Collectors.toList());
  }
}
