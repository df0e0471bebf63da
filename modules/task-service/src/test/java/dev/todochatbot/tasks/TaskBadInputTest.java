package dev.todochatbot.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.Tokens;
import dev.todochatbot.platform.testing.TestHttp.Answer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input gets a 4xx problem document that names what to fix, and nothing is written.
 * Never a 500, never a stack trace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskBadInputTest {

  private TaskServiceFixture service;

  @BeforeAll
  void start() {
    service = TaskServiceFixture.start("badinput");
  }

  @AfterAll
  void stop() {
    service.close();
  }

  static Stream<Arguments> badCreates() {
    return Stream.of(
        bad("malformed JSON", "{\"title\":", 400, null),
        bad("an array instead of an object", "[1, 2]", 400, null),
        bad("a string instead of an object", "\"Pay rent\"", 400, null),
        bad("empty body", "", 400, null),
        bad("no title", "{}", 422, "title"),
        bad("title of the wrong type", "{\"title\": 5}", 422, "title"),
        bad("blank title", "{\"title\": \"   \"}", 422, "title"),
        bad("title too long", json("title", "x".repeat(501)), 422, "title"),
        bad("description too long", json("description", "d".repeat(10_001)), 422, "description"),
        bad("unknown field", "{\"title\": \"x\", \"colour\": \"red\"}", 422, "colour"),
        bad("read-only field", "{\"title\": \"x\", \"version\": 9}", 422, "version"),
        bad("bad priority", "{\"title\": \"x\", \"priority\": \"p1\"}", 422, "priority"),
        bad("bad status", "{\"title\": \"x\", \"status\": \"done\"}", 422, "status"),
        bad("tags not an array", "{\"title\": \"x\", \"tags\": \"work\"}", 422, "tags"),
        bad("a tag that is not text", "{\"title\": \"x\", \"tags\": [1]}", 422, "tags[0]"),
        bad("an empty tag", "{\"title\": \"x\", \"tags\": [\"#\"]}", 422, "tags[0]"),
        bad("a tag with a space", "{\"title\": \"x\", \"tags\": [\"big deal\"]}", 422, "tags[0]"),
        bad("a tag too long", "{\"title\": \"x\", \"tags\": [\"" + "t".repeat(41) + "\"]}", 422, "tags[0]"),
        bad("too many tags", new JsonObject().put("title", "x")
            .put("tags", new JsonArray(IntStream.range(0, 21).mapToObj(i -> "t" + i).toList())).encode(), 422, "tags"),
        bad("due time without offset", "{\"title\": \"x\", \"dueAt\": \"2026-12-01T09:00:00\"}", 422, "dueAt"),
        bad("due date without allDay", "{\"title\": \"x\", \"dueAt\": \"2026-12-01\"}", 422, "dueAt"),
        bad("due words", "{\"title\": \"x\", \"dueAt\": \"tomorrow\"}", 422, "dueAt"),
        bad("allDay without a due date", "{\"title\": \"x\", \"allDay\": true}", 422, "allDay"),
        bad("allDay not a boolean", "{\"title\": \"x\", \"allDay\": \"yes\"}", 422, "allDay"),
        bad("an offset as time zone", "{\"title\": \"x\", \"timeZone\": \"+01:00\"}", 422, "timeZone"),
        bad("an unknown time zone", "{\"title\": \"x\", \"timeZone\": \"Mars/Olympus_Mons\"}", 422, "timeZone"),
        bad("a NUL in the title", "{\"title\": \"a\\u0000b\"}", 422, "title"),
        bad("a NUL in the description", "{\"title\": \"x\", \"description\": \"a\\u0000b\"}", 422, "description"),
        bad("a due year before 1", "{\"title\": \"x\", \"dueAt\": \"-5000-01-01T00:00:00Z\"}", 422, "dueAt"),
        bad("a due year after 9999", "{\"title\": \"x\", \"dueAt\": \"+300000-01-01T00:00:00Z\"}", 422, "dueAt"),
        bad("an all-day due year 0", "{\"title\": \"x\", \"dueAt\": \"0000-01-01\", \"allDay\": true}", 422, "dueAt"),
        // PostgreSQL refuses NUL in text (a 500 before), and the driver writes half a surrogate pair as '?'
        bad("half a surrogate pair in the title", "{\"title\": \"a\\ud800b\"}", 422, "title"),
        bad("a lone low surrogate in the description", "{\"title\": \"x\", \"description\": \"\\udc00\"}", 422,
            "description"),
        bad("a surrogate pair the wrong way round", "{\"title\": \"\\ude00\\ud83d\"}", 422, "title"),
        bad("a NUL in a tag", "{\"title\": \"x\", \"tags\": [\"ok\", \"a\\u0000\"]}", 422, "tags[1]"),
        bad("a NUL in the recurrence rule", "{\"title\": \"x\", \"dueAt\": \"2026-03-02T09:00:00Z\", "
            + "\"recurrence\": {\"rule\": \"FREQ=DAILY\\u0000\"}}", 422, "recurrence.rule"),
        // RFC 3339 has four-digit years; these are the years people mean
        bad("a due year before 1900", "{\"title\": \"x\", \"dueAt\": \"1899-12-31T23:59:59Z\"}", 422, "dueAt"),
        bad("a due year after 9000", "{\"title\": \"x\", \"dueAt\": \"9001-01-01T00:00:00Z\"}", 422, "dueAt"),
        bad("a due year 9999 in a +14:00 zone", "{\"title\": \"x\", \"dueAt\": \"9999-12-31T23:00:00Z\", "
            + "\"timeZone\": \"Pacific/Kiritimati\"}", 422, "dueAt"),
        bad("an all-day due date in 1899", "{\"title\": \"x\", \"dueAt\": \"1899-12-31\", \"allDay\": true}", 422,
            "dueAt"),
        bad("a System V time zone", "{\"title\": \"x\", \"timeZone\": \"SystemV/AST4\"}", 422, "timeZone"),
        bad("a rule that ends before the first due date", "{\"title\": \"x\", \"dueAt\": \"2026-03-02T09:00:00Z\", "
            + "\"recurrence\": {\"rule\": \"FREQ=DAILY;UNTIL=20260301T235959Z\"}}", 422, "recurrence"),
        bad("a rule that ends the day before an all-day first due date", "{\"title\": \"x\", "
            + "\"dueAt\": \"2026-03-02\", \"allDay\": true, \"recurrence\": {\"rule\": \"FREQ=DAILY;UNTIL=20260301\"}}",
            422, "recurrence"),
        bad("a simple form that ends before the first due date", "{\"title\": \"x\", "
            + "\"dueAt\": \"2026-03-02T09:00:00+01:00\", \"recurrence\": {\"frequency\": \"weekly\", "
            + "\"until\": \"2026-03-01\"}}", 422, "recurrence"));
  }

  private static Arguments bad(String what, String body, int status, String field) {
    return Arguments.of(what, body, status, field);
  }

  private static String json(String field, String value) {
    var body = new JsonObject().put("title", "x");
    body.put(field, value);
    return body.encode();
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("badCreates")
  void badCreateIsRefusedAndNothingIsWritten(String what, String body, int status, String field) {
    String token = service.newUser();
    Answer answer = service.http.post("/api/tasks", token, body);
    assertProblem(answer, status, field);
    assertThat(service.http.get("/api/tasks?status=all", token).items()).as("tasks after a refused create").isEmpty();
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("badCreates")
  void badPatchIsRefusedAndTheTaskIsUnchanged(String what, String body, int status, String field) {
    if ("no title".equals(what)) {
      return; // an empty patch is valid: it changes nothing
    }
    String token = service.newUser();
    JsonObject task = service.create(token, "Untouched");
    String path = "/api/tasks/" + task.getString("id");
    assertProblem(service.http.patch(path, token, body), status, field);
    assertThat(service.http.get(path, token).json()).isEqualTo(task);
  }

  @Test
  void nullTitleInAPatchIsRefused() {
    String token = service.newUser();
    JsonObject task = service.create(token, "Keep me");
    assertProblem(service.http.patch("/api/tasks/" + task.getString("id"), token, "{\"title\": null}"), 422, "title");
  }

  @Test
  void wrongContentTypeIs415() {
    var answer = service.http.send("POST", "/api/tasks", service.newUser(), "{\"title\": \"x\"}",
        Map.of("Content-Type", "text/plain"));
    assertProblem(answer, 415, null);
  }

  @Test
  void bodyOverOneMebibyteIs413() {
    String token = service.newUser();
    String huge = new JsonObject().put("title", "x").put("description", "d".repeat(1024 * 1024)).encode();
    assertProblem(service.http.post("/api/tasks", token, huge), 413, null);
    assertThat(service.http.get("/api/tasks?status=all", token).items()).isEmpty();
  }

  @Test
  void unreadableIfMatchIs400() {
    String token = service.newUser();
    JsonObject task = service.create(token, "x");
    var answer = service.http.send("PATCH", "/api/tasks/" + task.getString("id"), token,
        new JsonObject().put("title", "y"), Map.of("If-Match", "\"abc\""));
    assertProblem(answer, 400, null);
  }

  static Stream<Arguments> badQueries() {
    String otherSortCursor = new TaskQuery.Cursor(TaskQuery.Sort.TITLE, false, java.util.List.of("a"), UUID.randomUUID())
        .encode();
    String tamperedCursor = new TaskQuery.Cursor(TaskQuery.Sort.DUE_AT, false, java.util.List.of("not a date"),
        UUID.randomUUID()).encode();
    String garbageJsonCursor = Base64.getUrlEncoder().encodeToString("{\"s\": 1}".getBytes());
    return Stream.of(
        Arguments.of("status=done", "status"),
        Arguments.of("status=open&status=all", "status"),
        Arguments.of("priority=p1", "priority"),
        Arguments.of("tag=" + "t".repeat(41), "tag"),
        Arguments.of("tag=big%20deal", "tag"),
        Arguments.of("tagMode=some", "tagMode"),
        Arguments.of("status=completed&overdue=true", "overdue"),
        Arguments.of("dueBefore=tomorrow", "dueBefore"),
        Arguments.of("dueAfter=2026-13-01", "dueAfter"),
        Arguments.of("dueBefore=-5000-01-01", "dueBefore"),
        Arguments.of("dueAfter=%2B300000-01-01T00:00:00Z", "dueAfter"),
        Arguments.of("dueBefore=1899-12-31", "dueBefore"),
        Arguments.of("dueAfter=9001-01-01T00:00:00Z", "dueAfter"),
        Arguments.of("status=completed&completedAfter=1899-12-31T00:00:00Z", "completedAfter"),
        Arguments.of("status=all&completedBefore=9001-01-01", "completedBefore"),
        // the default status is open, and open tasks have no completion time
        Arguments.of("completedAfter=2026-01-01", "status"),
        Arguments.of("completedBefore=2026-01-01T00:00:00Z", "status"),
        Arguments.of("status=open&completedAfter=2026-01-01", "status"),
        Arguments.of("overdue=yes", "overdue"),
        Arguments.of("q=" + "q".repeat(201), "q"),
        Arguments.of("sort=due", "sort"),
        Arguments.of("order=up", "order"),
        Arguments.of("limit=0", "limit"),
        Arguments.of("limit=201", "limit"),
        Arguments.of("limit=ten", "limit"),
        Arguments.of("cursor=garbage!", "cursor"),
        Arguments.of("cursor=" + garbageJsonCursor, "cursor"),
        Arguments.of("cursor=" + otherSortCursor, "cursor"),
        Arguments.of("cursor=" + tamperedCursor, "cursor"),
        Arguments.of("stauts=open", "stauts"));
  }

  @ParameterizedTest(name = "?{0}")
  @MethodSource("badQueries")
  void badListParameterIs400NamingIt(String query, String field) {
    String token = service.newUser();
    service.create(token, "something to list");
    assertProblem(service.http.get("/api/tasks?" + query, token), 400, field);
  }

  @Test
  void aTaskIdThatIsNotAUuidIsNotFound() {
    assertProblem(service.http.get("/api/tasks/not-a-uuid", service.newUser()), 404, null);
  }

  @Test
  void requestsWithoutAValidTokenAre401() {
    Tokens otherKey = Tokens.create(service.vertx, "another-secret-that-is-long-enough-for-it!", Duration.ofHours(1));
    var someone = new Principal(UUID.randomUUID(), "x@example.com", "UTC");
    String expired = signedWithTheServiceKey(new JsonObject().put("sub", someone.userId().toString())
        .put("exp", Instant.now().minusSeconds(3600).getEpochSecond()), Tokens.ISSUER);
    String wrongIssuer = signedWithTheServiceKey(new JsonObject().put("sub", someone.userId().toString())
        .put("exp", Instant.now().plusSeconds(300).getEpochSecond()), "someone-else");
    // well signed, but never expiring (no exp), or of no known age (no iat)
    String neverExpires = signedWithTheServiceKey(new JsonObject().put("sub", someone.userId().toString()),
        Tokens.ISSUER);
    String noIssueTime = JWTAuth.create(service.vertx, new JWTAuthOptions()
            .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(TaskServiceFixture.SECRET)))
        .generateToken(new JsonObject().put("sub", someone.userId().toString())
            .put("exp", Instant.now().plusSeconds(300).getEpochSecond()),
            new JWTOptions().setAlgorithm("HS256").setIssuer(Tokens.ISSUER).setNoTimestamp(true));
    assertThat(service.http.get("/api/tasks", service.tokens.issue(someone)).status()).isEqualTo(200);
    for (String token : new String[] {null, "", "not.a.jwt", otherKey.issue(someone), expired, wrongIssuer,
        neverExpires, noIssueTime}) {
      assertProblem(service.http.get("/api/tasks", token), 401, null);
      assertProblem(service.http.post("/api/tasks", token, "{\"title\": \"x\"}"), 401, null);
    }
  }

  /** A token with the service's own key but claims chosen by the test. */
  private String signedWithTheServiceKey(JsonObject claims, String issuer) {
    return JWTAuth.create(service.vertx, new JWTAuthOptions()
            .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(TaskServiceFixture.SECRET)))
        .generateToken(claims, new JWTOptions().setAlgorithm("HS256").setIssuer(issuer));
  }

  private static void assertProblem(Answer answer, int status, String field) {
    assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
    assertThat(answer.contentType()).isEqualTo("application/problem+json");
    JsonObject problem = answer.json();
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).isNotBlank();
    assertThat(answer.body()).doesNotContain("Exception").doesNotContain("\tat ");
    if (field != null) {
      assertThat(problem.getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("field")))
          .as(answer.toString()).contains(field);
    }
  }
}
