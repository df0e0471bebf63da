package dev.todochatbot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.testing.TestHttp.Answer;
import io.vertx.core.json.JsonObject;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Sign-up, sign-in and the profile, over the public port. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountApiTest {

  private EdgeFixture edge;

  @BeforeAll
  void start() {
    edge = EdgeFixture.start("accounts");
  }

  @AfterAll
  void stop() {
    edge.close();
  }

  @Test
  void signUpAnswersATokenThatSignsYouIn() {
    var answer = edge.http.post("/api/auth/signup", null, new JsonObject().put("email", "  Grace@Example.COM ")
        .put("password", "correct horse battery").put("name", " Grace Hopper ").put("timeZone", "America/New_York"));

    assertThat(answer.status()).isEqualTo(201);
    assertThat(answer.header("location")).contains("/api/me");
    JsonObject session = answer.json();
    assertThat(session.getJsonObject("user").getString("email")).isEqualTo("grace@example.com");
    assertThat(session.getJsonObject("user").getString("name")).isEqualTo("Grace Hopper");
    assertThat(session.getJsonObject("user").getString("timeZone")).isEqualTo("America/New_York");
    assertThat(Instant.parse(session.getString("expiresAt")))
        .isBetween(Instant.now().plus(Duration.ofMinutes(59)), Instant.now().plus(Duration.ofMinutes(61)));

    var me = edge.http.get("/api/me", session.getString("token"));
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().getJsonObject("user")).isEqualTo(session.getJsonObject("user"));
  }

  @Test
  void theZoneYouSignUpWithIsTheDefaultForYourTasks() {
    String token = edge.signUp("Asia/Kolkata").getString("token");
    JsonObject task = edge.createTask(token, new JsonObject().put("title", "Chai").put("dueAt", "2026-12-01T10:00:00Z"));
    assertThat(task.getString("timeZone")).isEqualTo("Asia/Kolkata");
    assertThat(task.getString("dueAt")).isEqualTo("2026-12-01T15:30:00+05:30");
    assertThat(edge.signUp(null).getJsonObject("user").getString("timeZone")).isEqualTo("UTC");
  }

  @Test
  void signInWithTheRightPasswordOnly() {
    JsonObject user = edge.signUp(null).getJsonObject("user");
    String email = user.getString("email");

    var right = edge.http.post("/api/auth/login", null,
        new JsonObject().put("email", email.toUpperCase()).put("password", "correct horse battery"));
    assertThat(right.status()).isEqualTo(200);
    assertThat(right.json().getJsonObject("user").getString("id")).isEqualTo(user.getString("id"));
    assertThat(edge.http.get("/api/me", right.json().getString("token")).status()).isEqualTo(200);

    var wrongPassword = edge.http.post("/api/auth/login", null,
        new JsonObject().put("email", email).put("password", "incorrect horse"));
    var unknownEmail = edge.http.post("/api/auth/login", null,
        new JsonObject().put("email", "nobody@example.com").put("password", "correct horse battery"));
    for (Answer refused : new Answer[] {wrongPassword, unknownEmail}) {
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.contentType()).isEqualTo("application/problem+json");
    }
    // the same words either way: a sign-in form must not tell who has an account
    assertThat(wrongPassword.json().getString("detail")).isEqualTo(unknownEmail.json().getString("detail"));
  }

  @Test
  void signInWithAControlCharacterInTheEmailIsRefusedNotAnError() {
    var answer = edge.http.post("/api/auth/login", null,
        new JsonObject().put("email", "a\u0000@b.co").put("password", "whatever1"));
    assertThat(answer.status()).isEqualTo(422);
  }

  @Test
  void multipartBodiesAreNotWrittenToDisk() {
    java.io.File uploads = new java.io.File("file-uploads");
    var answer = edge.http.send("POST", "/api/auth/signup", null,
        "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.txt\"\r\n\r\nhello\r\n--b--\r\n",
        java.util.Map.of("Content-Type", "multipart/form-data; boundary=b"));
    assertThat(answer.status()).isBetween(400, 499);
    assertThat(uploads).doesNotExist();
  }

  @Test
  void anEmailCanHoldOneAccount() {
    String email = edge.signUp(null).getJsonObject("user").getString("email");
    var again = edge.http.post("/api/auth/signup", null, new JsonObject().put("email", email.toUpperCase())
        .put("password", "another password").put("name", "Impostor"));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().getString("detail")).contains("already exists");
  }

  @Test
  void passwordsAreStoredAsArgon2idHashesOnly() throws Exception {
    JsonObject user = edge.signUp(null).getJsonObject("user");
    var db = edge.database;
    try (var connection = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        var statement = connection.prepareStatement("SELECT password_hash FROM identity.account WHERE id = ?::uuid")) {
      statement.setString(1, user.getString("id"));
      var rows = statement.executeQuery();
      assertThat(rows.next()).isTrue();
      assertThat(rows.getString(1)).startsWith("$argon2id$").doesNotContain("correct horse");
    }
  }

  @Test
  void profileChangesAnswerAFreshTokenCarryingTheNewZone() {
    String token = edge.signUp("Europe/London").getString("token");
    var answer = edge.http.patch("/api/me", token, new JsonObject().put("timeZone", "Australia/Sydney"));
    assertThat(answer.status()).isEqualTo(200);
    JsonObject session = answer.json();
    assertThat(session.getJsonObject("user").getString("timeZone")).isEqualTo("Australia/Sydney");
    assertThat(session.getJsonObject("user").getString("name")).isEqualTo("Pat");

    JsonObject task = edge.createTask(session.getString("token"), new JsonObject().put("title", "Surf"));
    assertThat(task.getString("timeZone")).isEqualTo("Australia/Sydney");

    var renamed = edge.http.patch("/api/me", token, new JsonObject().put("name", "Patricia"));
    assertThat(renamed.json().getJsonObject("user").getString("name")).isEqualTo("Patricia");
    assertThat(renamed.json().getJsonObject("user").getString("timeZone")).isEqualTo("Australia/Sydney");
  }

  static Stream<Arguments> badSignUps() {
    JsonObject good = new JsonObject().put("email", "ok@example.com").put("password", "long enough").put("name", "Ok");
    return Stream.of(
        Arguments.of("no email", good.copy().putNull("email").encode(), 422, "email"),
        Arguments.of("not an email", good.copy().put("email", "at-example.com").encode(), 422, "email"),
        Arguments.of("short password", good.copy().put("password", "short").encode(), 422, "password"),
        Arguments.of("nine characters", good.copy().put("password", "ninechars").encode(), 422, "password"),
        Arguments.of("password not text", good.copy().put("password", 12345678).encode(), 422, "password"),
        Arguments.of("no name", good.copy().put("name", " ").encode(), 422, "name"),
        Arguments.of("name too long", good.copy().put("name", "n".repeat(101)).encode(), 422, "name"),
        Arguments.of("unknown zone", good.copy().put("timeZone", "Moon/Tranquility").encode(), 422, "timeZone"),
        Arguments.of("unknown field", good.copy().put("admin", true).encode(), 422, "admin"),
        Arguments.of("a NUL in the name", good.copy().put("name", "Ro\u0000bert").encode(), 422, "name"),
        Arguments.of("a NUL in the email", good.copy().put("email", "ok\u0000@example.com").encode(), 422, "email"),
        Arguments.of("a NUL in the password", good.copy().put("password", "long enough\u0000").encode(), 422,
            "password"),
        Arguments.of("half a surrogate pair in the name",
            "{\"email\": \"ok@example.com\", \"password\": \"long enough\", \"name\": \"O\\ud800k\"}", 422, "name"),
        Arguments.of("a System V zone", good.copy().put("timeZone", "SystemV/EST5").encode(), 422, "timeZone"),
        Arguments.of("malformed JSON", "{\"email\": ", 400, null));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("badSignUps")
  void badSignUpIsRefusedAndCreatesNoAccount(String what, String body, int status, String field) {
    long before = accountCount();
    Answer answer = edge.http.post("/api/auth/signup", null, body);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
    assertThat(answer.contentType()).isEqualTo("application/problem+json");
    if (field != null) {
      assertThat(answer.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo(field);
    }
    assertThat(accountCount()).isEqualTo(before);
  }

  /** NIST 800-63B: at least 10 characters, and none of the most common passwords, whatever their case. */
  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"1234567890", "qwertyuiop", "password123", "PassWord123",
      "correct horse battery staple", "ILOVEYOU12"})
  void aCommonPasswordIsRefusedSayingWhatToDo(String password) {
    long before = accountCount();
    Answer answer = edge.http.post("/api/auth/signup", null, new JsonObject()
        .put("email", "c-" + java.util.UUID.randomUUID() + "@example.com").put("password", password).put("name", "Cy"));

    assertThat(answer.status()).as(answer.toString()).isEqualTo(422);
    JsonObject error = answer.json().getJsonArray("errors").getJsonObject(0);
    assertThat(error.getString("field")).isEqualTo("password");
    assertThat(error.getString("message")).contains("common", "choose another");
    assertThat(accountCount()).isEqualTo(before);
  }

  @Test
  void aPasswordOfTenCharactersOrMoreThatIsNotCommonIsTakenAndTooShortOnesSayTheLength() {
    String email = "d-" + java.util.UUID.randomUUID() + "@example.com";
    Answer tooShort = edge.http.post("/api/auth/signup", null, new JsonObject().put("email", email)
        .put("password", "xq7#kd9!w").put("name", "Di"));
    assertThat(tooShort.status()).isEqualTo(422);
    assertThat(tooShort.json().getJsonArray("errors").getJsonObject(0).getString("message"))
        .contains("at least 10 characters");

    Answer taken = edge.http.post("/api/auth/signup", null, new JsonObject().put("email", email)
        .put("password", "xq7#kd9!wz").put("name", "Di"));
    assertThat(taken.status()).as(taken.toString()).isEqualTo(201);
  }

  @Test
  void aPasswordThatIsYourEmailIsRefused() {
    String email = "e-" + java.util.UUID.randomUUID() + "@example.com";
    Answer answer = edge.http.post("/api/auth/signup", null, new JsonObject().put("email", email)
        .put("password", email.toUpperCase()).put("name", "Ed"));
    assertThat(answer.status()).isEqualTo(422);
    assertThat(answer.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("password");
  }

  private long accountCount() {
    var db = edge.database;
    try (var connection = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        var rows = connection.createStatement().executeQuery("SELECT count(*) FROM identity.account")) {
      rows.next();
      return rows.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void badProfileChangesAreRefused() {
    String token = edge.newUser();
    assertThat(edge.http.patch("/api/me", token, new JsonObject().put("timeZone", "GMT+1")).status()).isEqualTo(422);
    assertThat(edge.http.patch("/api/me", token, new JsonObject().put("timeZone", "SystemV/AST4")).status())
        .isEqualTo(422);
    assertThat(edge.http.patch("/api/me", token, "{\"name\": \"P\\udc00t\"}").status()).isEqualTo(422);
    assertThat(edge.http.patch("/api/me", token, new JsonObject().putNull("name")).status()).isEqualTo(422);
    assertThat(edge.http.patch("/api/me", token, new JsonObject().put("email", "x@example.com")).status()).isEqualTo(422);
    assertThat(edge.http.get("/api/me", token).json().getJsonObject("user").getString("name")).isEqualTo("Pat");
  }

  @Test
  void profileNeedsAToken() {
    assertThat(edge.http.get("/api/me", null).status()).isEqualTo(401);
    assertThat(edge.http.get("/api/me", "forged.token.here").status()).isEqualTo(401);
  }
}
