package dev.todochatbot.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.audit.AuditServiceFixture.User;
import dev.todochatbot.audit.SampleEvents.Story;
import dev.todochatbot.platform.testing.TestHttp.Answer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A task's history and a user's trail: oldest first, paged without gaps or repeats, filtered, one user's only. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditHistoryTest {

  private static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");

  private AuditServiceFixture service;

  @BeforeAll
  void start() {
    service = AuditServiceFixture.start("history");
  }

  @AfterAll
  void stop() {
    service.close();
  }

  private static Instant minutes(int n) {
    return T0.plus(Duration.ofMinutes(n));
  }

  /** Publishes the events in order and returns them. */
  private List<JsonObject> publish(JsonObject... events) {
    for (JsonObject event : events) {
      service.publish(event);
    }
    return List.of(events);
  }

  /** Every page of {@code path} (which has a query string), following nextCursor to the end. */
  private List<JsonArray> pages(String path, User user) {
    var pages = new ArrayList<JsonArray>();
    String cursor = null;
    do {
      Answer answer = service.http.get(path + (cursor == null ? "" : "&cursor=" + cursor), user.token());
      assertThat(answer.status()).as("%s -> %s", path, answer).isEqualTo(200);
      pages.add(answer.items());
      cursor = answer.json().getString("nextCursor");
    } while (cursor != null);
    return pages;
  }

  /** The items of every page, in order. */
  private JsonArray all(String path, User user) {
    return concat(pages(path, user));
  }

  private static JsonArray concat(List<JsonArray> pages) {
    var all = new JsonArray();
    pages.forEach(all::addAll);
    return all;
  }

  private static JsonArray json(List<JsonObject> events) {
    return new JsonArray(new ArrayList<Object>(events));
  }

  @Test
  void historyListsOneTasksEventsOldestFirst() {
    User alice = service.newUser();
    var rent = new Story(alice.id());
    var other = new Story(alice.id());
    var created = rent.created("Pay rent", minutes(0));
    publish(other.created("Water plants", minutes(1)));
    var renamed = rent.renamed("Pay rent for December", minutes(2));
    var completed = rent.completed(minutes(3));
    var deleted = rent.deleted(minutes(4));
    publish(created, renamed, completed, deleted);

    Answer answer = service.http.get("/api/tasks/" + rent.taskId + "/history", alice.token());

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.contentType()).isEqualTo("application/json");
    assertThat(answer.items()).isEqualTo(json(List.of(created, renamed, completed, deleted)));
    assertThat(answer.json().containsKey("nextCursor")).isTrue();
    assertThat(answer.json().getString("nextCursor")).isNull();
  }

  @Test
  void historyPagesThroughEveryEventOnce() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    var events = new ArrayList<JsonObject>();
    events.add(task.created("Stretch", minutes(0)));
    for (int i = 1; i <= 3; i++) {
      events.add(task.completed(minutes(2 * i - 1)));
      events.add(task.reopened(minutes(2 * i)));
    }
    publish(events.toArray(JsonObject[]::new));

    List<JsonArray> pages = pages("/api/tasks/" + task.taskId + "/history?limit=3", alice);

    assertThat(pages).extracting(JsonArray::size).containsExactly(3, 3, 1);
    assertThat(concat(pages)).isEqualTo(json(events));
  }

  @Test
  void aHistoryPagePastTheTasksLastEventIsEmptyNotMissing() {
    User alice = service.newUser();
    var first = new Story(alice.id());
    var second = new Story(alice.id());
    publish(first.created("One", minutes(0)), second.created("Two", minutes(1)), second.completed(minutes(2)));
    String afterSecondsCreation = service.http.get("/api/audit?limit=2", alice.token()).json().getString("nextCursor");

    Answer answer = service.http.get("/api/tasks/" + first.taskId + "/history?cursor=" + afterSecondsCreation,
        alice.token());

    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    assertThat(answer.items()).isEmpty();
  }

  @Test
  void anotherUsersTaskIsNotFoundAndNeverInTheirTrail() {
    User alice = service.newUser();
    User mallory = service.newUser();
    var secret = new Story(alice.id());
    publish(secret.created("Alice's secret plan", minutes(0)));
    String path = "/api/tasks/" + secret.taskId + "/history";

    assertNotFound(service.http.get(path, mallory.token()));
    assertNotFound(service.http.get(path + "?limit=1", mallory.token()));
    assertNotFound(service.http.get("/api/tasks/" + new Story(alice.id()).taskId + "/history", alice.token()));
    assertNotFound(service.http.get("/api/tasks/not-a-uuid/history", alice.token()));
    assertThat(service.http.get("/api/audit", mallory.token()).items()).isEmpty();
    assertThat(service.http.get("/api/audit?type=task.created.v1&since=2000-01-01T00:00:00Z", mallory.token())
        .items()).isEmpty();
    assertThat(service.http.get(path, alice.token()).items()).hasSize(1);
  }

  @Test
  void trailListsTheUsersEventsAcrossTasksOldestFirstPageByPage() {
    User alice = service.newUser();
    User bob = service.newUser();
    var events = new ArrayList<JsonObject>();
    for (int i = 0; i < 4; i++) {
      var task = new Story(alice.id());
      events.add(task.created("Task " + i, minutes(3 * i)));
      publish(new Story(bob.id()).created("Bob's " + i, minutes(3 * i)));
      events.add(task.completed(minutes(3 * i + 1)));
      events.add(task.deleted(minutes(3 * i + 2)));
    }
    publish(events.toArray(JsonObject[]::new));

    List<JsonArray> pages = pages("/api/audit?limit=5", alice);

    assertThat(pages).extracting(JsonArray::size).containsExactly(5, 5, 2);
    assertThat(concat(pages)).isEqualTo(json(events));
    assertThat(all("/api/audit?limit=200", alice)).isEqualTo(json(events));
  }

  @Test
  void sinceKeepsEventsThatOccurredAtOrAfterIt() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    var events = publish(task.created("Pay rent", minutes(0)), task.completed(minutes(10)),
        task.reopened(minutes(20)), task.completed(minutes(30)));

    assertThat(all("/api/audit?since=" + minutes(10), alice)).isEqualTo(json(events.subList(1, 4)));
    assertThat(all("/api/audit?since=" + q("2026-12-01T10:10:00.000001+01:00"), alice))
        .isEqualTo(json(events.subList(2, 4)));
    assertThat(all("/api/audit?since=" + minutes(31), alice)).isEmpty();
  }

  @Test
  void typeFiltersRepeatedOrCommaSeparated() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    var events = publish(task.created("Pay rent", minutes(0)), task.completed(minutes(1)),
        task.reopened(minutes(2)), task.renamed("Pay the rent", minutes(3)), task.deleted(minutes(4)));

    assertThat(all("/api/audit?type=task.completed.v1", alice)).isEqualTo(json(List.of(events.get(1))));
    assertThat(all("/api/audit?type=task.created.v1&type=task.deleted.v1", alice))
        .isEqualTo(json(List.of(events.get(0), events.get(4))));
    assertThat(all("/api/audit?type=" + q("task.reopened.v1, task.updated.v1"), alice))
        .isEqualTo(json(events.subList(2, 4)));
  }

  @Test
  void filtersAndPagesTogether() {
    User alice = service.newUser();
    var completions = new ArrayList<JsonObject>();
    for (int i = 0; i < 5; i++) {
      var task = new Story(alice.id());
      publish(task.created("Task " + i, minutes(10 * i)));
      JsonObject completed = task.completed(minutes(10 * i + 1));
      publish(completed);
      if (i >= 1) {
        completions.add(completed);
      }
    }

    List<JsonArray> pages = pages("/api/audit?limit=3&type=task.completed.v1&since=" + minutes(10), alice);

    assertThat(pages).extracting(JsonArray::size).containsExactly(3, 1);
    assertThat(concat(pages)).isEqualTo(json(completions));
  }

  @Test
  void badParametersAreProblemsThatNameTheField() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    publish(task.created("Pay rent", minutes(0)));
    String history = "/api/tasks/" + task.taskId + "/history?";
    String[][] cases = {
        {"/api/audit?limit=0", "limit"},
        {"/api/audit?limit=201", "limit"},
        {"/api/audit?limit=ten", "limit"},
        {"/api/audit?limit=5&limit=6", "limit"},
        {"/api/audit?cursor=not-a-cursor", "cursor"},
        {"/api/audit?cursor=eyJwIjoieCJ9", "cursor"}, // {"p":"x"}
        {"/api/audit?cursor=eyJwIjotNX0", "cursor"}, // {"p":-5}
        {"/api/audit?since=yesterday", "since"},
        {"/api/audit?since=2026-12-01", "since"},
        {"/api/audit?since=2026-12-01T09:00:00", "since"},
        {"/api/audit?since=" + q("+300000-01-01T00:00:00Z"), "since"},
        {"/api/audit?type=task.archived.v1", "type"},
        {"/api/audit?sort=desc", "sort"},
        {history + "limit=0", "limit"},
        {history + "cursor=xyz", "cursor"},
        {history + "since=2026-12-01T09:00:00Z", "since"},
        {history + "type=task.created.v1", "type"},
    };
    for (String[] bad : cases) {
      Answer answer = service.http.get(bad[0], alice.token());
      assertThat(answer.status()).as("%s -> %s", bad[0], answer).isEqualTo(400);
      assertThat(answer.contentType()).isEqualTo("application/problem+json");
      assertThat(answer.json().getJsonArray("errors").getJsonObject(0).getString("field")).as(bad[0])
          .isEqualTo(bad[1]);
    }
    assertThat(service.http.get("/api/audit?type=task.archived.v1", alice.token()).json().getString("detail"))
        .contains("task.created.v1, task.updated.v1, task.completed.v1, task.reopened.v1, task.deleted.v1");
  }

  @Test
  void readingRequiresAToken() {
    User alice = service.newUser();
    var task = new Story(alice.id());
    publish(task.created("Pay rent", minutes(0)));

    for (String path : new String[] {"/api/audit", "/api/tasks/" + task.taskId + "/history"}) {
      assertThat(service.http.get(path, null).status()).isEqualTo(401);
      assertThat(service.http.get(path, "not-a-token").status()).isEqualTo(401);
    }
  }

  private static void assertNotFound(Answer answer) {
    assertThat(answer.status()).as(answer.toString()).isEqualTo(404);
    assertThat(answer.contentType()).isEqualTo("application/problem+json");
    assertThat(answer.body()).doesNotContain("secret");
  }

  private static String q(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
