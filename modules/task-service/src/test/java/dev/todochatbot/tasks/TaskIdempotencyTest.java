package dev.todochatbot.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.testing.TestHttp.Answer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A write sent again with the same Idempotency-Key (a sidecar retrying a request whose answer it lost, a client
 * trying again) is answered what the first was answered and is not carried out again: no second task, no second
 * version, no second event.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskIdempotencyTest {

  private TaskServiceFixture service;

  @BeforeAll
  void start() {
    service = TaskServiceFixture.start("idempotency");
  }

  @AfterAll
  void stop() {
    service.close();
  }

  @Test
  void aCreateSentTwiceWithOneKeyMakesOneTaskAndOneEventAndAnswersTheSameTwice() {
    String token = service.newUser();
    Map<String, String> key = key();
    int eventsBefore = service.outboxRows();

    Answer first = service.http.send("POST", "/api/tasks", token, new JsonObject().put("title", "Pay rent"), key);
    Answer again = service.http.send("POST", "/api/tasks", token, new JsonObject().put("title", "Pay rent"), key);

    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    assertThat(first.header("idempotent-replayed")).isEmpty();
    assertThat(again.status()).as(again.toString()).isEqualTo(201);
    assertThat(again.header("idempotent-replayed")).contains("true");
    assertThat(again.json()).isEqualTo(first.json());
    assertThat(again.header("location")).isEqualTo(first.header("location")).isPresent();
    assertThat(again.header("etag")).isEqualTo(first.header("etag")).isPresent();
    assertThat(again.contentType()).isEqualTo(first.contentType());
    assertThat(service.http.get("/api/tasks", token).items()).hasSize(1);
    assertThat(service.outboxRows() - eventsBefore).isEqualTo(1);
  }

  @Test
  void withoutAKeyEveryCreateIsCarriedOut() {
    String token = service.newUser();
    service.create(token, "Water plants");
    service.create(token, "Water plants");
    assertThat(service.http.get("/api/tasks", token).items()).hasSize(2);
  }

  @Test
  void aChangeOrADeleteRepeatedIsAnsweredAgainNotAppliedAgain() {
    String token = service.newUser();
    String path = "/api/tasks/" + service.create(token, "Draft").getString("id");
    Map<String, String> rename = key();
    var body = new JsonObject().put("title", "Draft v2");

    Answer renamed = service.http.send("PATCH", path, token, body, rename);
    Answer renamedAgain = service.http.send("PATCH", path, token, body, rename);
    assertThat(renamed.json().getInteger("version")).isEqualTo(2);
    assertThat(renamedAgain.status()).isEqualTo(200);
    assertThat(renamedAgain.json()).isEqualTo(renamed.json());
    assertThat(service.http.get(path, token).json().getInteger("version")).isEqualTo(2);

    // a new key is a new write
    assertThat(service.http.send("PATCH", path, token, new JsonObject().put("title", "Draft v3"), key()).status())
        .isEqualTo(200);
    assertThat(service.http.get(path, token).json().getInteger("version")).isEqualTo(3);
    Map<String, String> complete = key();
    assertThat(service.http.send("POST", path + "/complete", token, null, complete).status()).isEqualTo(200);
    service.http.send("POST", path + "/reopen", token, null, key());
    Answer completedAgain = service.http.send("POST", path + "/complete", token, null, complete);
    assertThat(completedAgain.json().getString("status")).isEqualTo("completed");
    assertThat(service.http.get(path, token).json().getString("status")).as("the repeat did not complete it again")
        .isEqualTo("open");

    Map<String, String> delete = key();
    assertThat(service.http.send("DELETE", path, token, null, delete).status()).isEqualTo(204);
    Answer deletedAgain = service.http.send("DELETE", path, token, null, delete);
    assertThat(deletedAgain.status()).as("a repeated delete is its 204 again, not a 404").isEqualTo(204);
    assertThat(deletedAgain.header("idempotent-replayed")).contains("true");
  }

  @Test
  void aKeyUsedForAnotherRequestIs422AndWritesNothing() {
    String token = service.newUser();
    Map<String, String> key = key();
    assertThat(service.http.send("POST", "/api/tasks", token, new JsonObject().put("title", "One"), key).status())
        .isEqualTo(201);

    Answer reused = service.http.send("POST", "/api/tasks", token, new JsonObject().put("title", "Two"), key);

    assertThat(reused.status()).isEqualTo(422);
    assertThat(reused.contentType()).isEqualTo("application/problem+json");
    assertThat(reused.json().getString("type")).isEqualTo("/problems/key-reused");
    assertThat(reused.json().getString("detail")).contains("use a new key");
    assertThat(service.http.get("/api/tasks", token).items()).extracting(t -> ((JsonObject) t).getString("title"))
        .containsExactly("One");
  }

  @Test
  void keysAreEachUsersOwn() {
    Map<String, String> key = key();
    String alice = service.newUser();
    String bob = service.newUser();
    Answer hers = service.http.send("POST", "/api/tasks", alice, new JsonObject().put("title", "Hers"), key);
    Answer his = service.http.send("POST", "/api/tasks", bob, new JsonObject().put("title", "His"), key);
    assertThat(his.status()).isEqualTo(201);
    assertThat(his.header("idempotent-replayed")).isEmpty();
    assertThat(his.json().getString("id")).isNotEqualTo(hers.json().getString("id"));
    assertThat(service.http.get("/api/tasks", bob).items()).hasSize(1);
  }

  @Test
  void aWriteThatFailedLeavesItsKeyFreeForTheRetry() {
    String token = service.newUser();
    String path = "/api/tasks/" + service.create(token, "Plan trip").getString("id");
    Map<String, String> key = key();
    Answer invalid = service.http.send("PATCH", path, token, new JsonObject().put("priority", "urgent!"), key);
    assertThat(invalid.status()).isEqualTo(422);

    // the same key again, for the same (still invalid) request: checked again, not replayed
    Answer stillInvalid = service.http.send("PATCH", path, token, new JsonObject().put("priority", "urgent!"), key);
    assertThat(stillInvalid.status()).isEqualTo(422);
    assertThat(stillInvalid.header("idempotent-replayed")).isEmpty();

    var stale = new HashMap<>(key);
    stale.put("If-Match", "\"7\"");
    assertThat(service.http.send("PATCH", path, token, new JsonObject().put("title", "Plan"), stale).status())
        .isEqualTo(412);
    stale.put("If-Match", "\"1\"");
    Answer retried = service.http.send("PATCH", path, token, new JsonObject().put("title", "Plan"), stale);
    assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
    assertThat(retried.json().getInteger("version")).isEqualTo(2);
  }

  @Test
  void aKeyThatCannotBeOneIs400() {
    String token = service.newUser();
    for (String bad : List.of("", "a".repeat(IdempotencyKeys.MAX_LENGTH + 1), "two words")) {
      Answer answer = service.http.send("POST", "/api/tasks", token, new JsonObject().put("title", "x"),
          Map.of("Idempotency-Key", bad));
      assertThat(answer.status()).as("key %s: %s", bad, answer).isEqualTo(400);
      assertThat(answer.json().getString("detail")).contains("Idempotency-Key must be");
    }
    assertThat(service.http.get("/api/tasks", token).items()).isEmpty();
  }

  @Test
  void manyCopiesAtOnceMakeOneTask() throws Exception {
    String token = service.newUser();
    Map<String, String> key = key();
    var body = new JsonObject().put("title", "Once");
    var threads = Executors.newFixedThreadPool(8);
    try {
      var sent = new ArrayList<CompletableFuture<Answer>>();
      for (int i = 0; i < 8; i++) {
        sent.add(CompletableFuture.supplyAsync(() -> service.http.send("POST", "/api/tasks", token, body, key), threads));
      }
      var ids = new java.util.HashSet<String>();
      for (var answer : sent) {
        Answer a = answer.get();
        // 409: a copy that came between the first's commit and the recording of its answer
        assertThat(a.status()).as(a.toString()).isIn(201, 409);
        if (a.status() == 201) {
          ids.add(a.json().getString("id"));
        }
      }
      assertThat(ids).hasSize(1);
    } finally {
      threads.shutdownNow();
    }
    assertThat(service.http.get("/api/tasks", token).items()).hasSize(1);
  }

  private static Map<String, String> key() {
    return Map.of("Idempotency-Key", UUID.randomUUID().toString());
  }
}
