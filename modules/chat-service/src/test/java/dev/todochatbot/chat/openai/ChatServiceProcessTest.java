package dev.todochatbot.chat.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.chat.ChatServiceMain;
import dev.todochatbot.chat.openai.FakeOpenAiServer.Held;
import dev.todochatbot.platform.DatabaseConfig;
import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.Tokens;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.ChildProcess;
import dev.todochatbot.platform.testing.TestHttp;
import dev.todochatbot.platform.testing.TestPostgres;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chat service's main in a JVM of its own, as its container runs it, stopped with SIGTERM while
 * a streamed reply is in flight: the model (a stand-in for OpenAI) takes its time, and the person
 * still gets the whole answer.
 */
class ChatServiceProcessTest {

  private static final String SECRET = "chat-process-test-secret-long-enough-for-hs256!";
  private static Vertx vertx;
  private static FakeOpenAiServer model;

  @BeforeAll
  static void startModel() {
    vertx = Vertx.vertx();
    model = FakeOpenAiServer.start(vertx);
  }

  @AfterAll
  static void stopModel() throws Exception {
    model.close();
    Await.result(vertx.close());
  }

  @Test
  void onSigtermTheStreamedReplyInFlightEndsWithItsFullAnswerThenConnectionsAreRefusedAndItExitsZero() throws Exception {
    DatabaseConfig database = TestPostgres.newDatabase("chatprocess");
    int port = TestHttp.freePort();
    try (var service = ChildProcess.start(ChatServiceMain.class, Map.of(
        "CHAT_SERVICE_PORT", String.valueOf(port),
        "CHAT_SERVICE_INSTANCES", "1",
        "DATABASE_URL", DatabaseConfig.url(database.host(), database.port(), database.database(), database.user(),
            database.password()),
        "JWT_SECRET", SECRET,
        "OPENAI_API_KEY", "test-key",
        "OPENAI_BASE_URL", model.baseUrl(),
        // no tool is called: nothing goes through the sidecar
        "DAPR_HTTP_PORT", String.valueOf(TestHttp.freePort()),
        "DRAIN_DELAY", "PT4S", // room for a loaded machine between the 503 being seen and the checks made during the delay
        "DRAIN_TIMEOUT", "PT15S"))) {
      service.awaitHealthy(port, Duration.ofSeconds(60));
      Promise<Void> release = Promise.promise();
      model.then(new Held(release.future(), FakeOpenAiServer.say("Nothing is due", " today: enjoy it.")));
      UUID userId = UUID.randomUUID();
      String token = Tokens.create(vertx, SECRET, Duration.ofHours(1)).issue(new Principal(userId, userId + "@example.com", "UTC"));

      CompletableFuture<TestHttp.Answer> reply = CompletableFuture.supplyAsync(() -> new TestHttp(port).send("POST",
          "/api/chat", token, new JsonObject().put("message", "what is due today?"), Map.of("Accept", "text/event-stream")));
      Await.until("the model to be asked", Duration.ofSeconds(10), () -> !model.requests().isEmpty());

      service.terminate();

      Await.until("/readyz to answer 503 once the process drains", Duration.ofSeconds(5),
          () -> ChildProcess.status(port, "/readyz") == 503);
      Await.until(Duration.ofSeconds(10), () -> ChildProcess.refusesConnections(port),
          () -> "new connections still accepted after the drain delay:\n" + service.tail());
      assertThat(reply).as("the reply waits for the model").isNotDone();

      release.complete();
      TestHttp.Answer answer = reply.get(15, TimeUnit.SECONDS);
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.body()).as("the whole stream, to its done event").contains("event: token")
          .contains("event: done").contains("Nothing is due today: enjoy it.");
      assertThat(service.awaitExit(Duration.ofSeconds(15))).as("exit code; output:\n%s", service.tail()).isZero();
    }
  }
}
