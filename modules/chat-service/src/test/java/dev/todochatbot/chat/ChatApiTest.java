package dev.todochatbot.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.AppPort;
import dev.todochatbot.chat.agent.Action;
import dev.todochatbot.chat.agent.Agent;
import dev.todochatbot.chat.agent.Listener;
import dev.todochatbot.chat.agent.Reply;
import dev.todochatbot.chat.agent.Turn;
import dev.todochatbot.chat.engine.LanguageEngine;
import dev.todochatbot.chat.tools.Tools;
import dev.todochatbot.platform.DatabaseConfig;
import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.SidecarConfig;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.TestHttp;
import dev.todochatbot.platform.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The chat API of two chat service replicas on one database, with the built-in engine and the real
 * task tools: a conversation started on one replica goes on on the other ("it", "2" still refer to what
 * the first showed), because nothing is kept in a replica's memory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChatApiTest {

  private final ChatTestSystem system = ChatTestSystem.shared();
  private DatabaseConfig database;
  private TestHttp first;
  private TestHttp second;
  private TestHttp failing;

  @BeforeAll
  void start() {
    database = TestPostgres.newDatabase("chat_api");
    first = deploy(new LanguageEngine());
    second = deploy(new LanguageEngine());
    failing = deploy(new HalfwayFailingAgent());
  }

  private TestHttp deploy(Agent agent) {
    int port = TestHttp.freePort();
    var config = new ChatServiceConfig(port, 1, 2, database, system.jwtSecret(), Duration.ofHours(1),
        new SidecarConfig("127.0.0.1", TestHttp.freePort(), "pubsub", "secretstore"), AppPort.loopback());
    Await.result(ChatService.deploy(system.vertx(), config, agent, system.invoker()));
    return new TestHttp(port);
  }

  private JsonObject say(TestHttp replica, String token, String message, String conversation) {
    var body = new JsonObject().put("message", message);
    if (conversation != null) {
      body.put("conversationId", conversation);
    }
    var answer = replica.post("/api/chat", token, body);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    return answer.json();
  }

  @Test
  void aConversationGoesOnOnAnotherReplica() {
    Principal ana = system.newUser("Europe/Berlin");
    String token = system.userToken(ana);

    String conversation = say(first, token, "add water the plants tomorrow", null).getString("conversationId");
    say(second, token, "add pay rent on friday", conversation);
    JsonObject list = say(first, token, "show my tasks", conversation);
    String secondShown = list.getJsonArray("actions").getJsonObject(0).getJsonObject("result").getJsonArray("items")
        .getJsonObject(1).getString("id");
    JsonObject done = say(second, token, "done with 2", conversation);
    JsonObject urgent = say(first, token, "make it urgent", conversation);

    assertThat(done.getJsonArray("actions")).anySatisfy(a -> {
      assertThat(((JsonObject) a).getString("tool")).isEqualTo("complete_task");
      assertThat(((JsonObject) a).getJsonObject("arguments").getString("id")).isEqualTo(secondShown);
    });
    assertThat(urgent.getJsonArray("actions")).anySatisfy(a ->
        assertThat(((JsonObject) a).getJsonObject("arguments").getString("id")).isEqualTo(secondShown));
    var messages = second.get("/api/conversations/" + conversation + "/messages", token);
    assertThat(messages.items()).hasSize(10);
    assertThat(first.get("/api/conversations", token).items()).hasSize(1);
  }

  @Test
  void anAgentThatFailsHalfwayKeepsWhatItDidInTheStoredReply() {
    Principal bo = system.newUser("UTC");
    String token = system.userToken(bo);

    JsonObject answer = say(failing, token, "add anything", null);

    assertThat(answer.getString("reply")).contains("something went wrong on our side").contains("steps above");
    assertThat(answer.getBoolean("saved")).isTrue();
    assertThat(answer.getJsonArray("actions")).hasSize(1);
    var stored = failing.get("/api/conversations/" + answer.getString("conversationId") + "/messages", token).items();
    assertThat(stored.getJsonObject(1).getJsonArray("actions").getJsonObject(0).getString("tool")).isEqualTo("add_task");
    assertThat(stored.getJsonObject(1).getString("content")).doesNotContain("Exception");
  }

  @Test
  void conversationsAreTheirOwnersOnly() {
    String ana = system.userToken(system.newUser("UTC"));
    String bob = system.userToken(system.newUser("UTC"));
    String conversation = say(first, ana, "hello", null).getString("conversationId");

    assertThat(second.get("/api/conversations/" + conversation + "/messages", bob).status()).isEqualTo(404);
    assertThat(second.delete("/api/conversations/" + conversation, bob).status()).isEqualTo(404);
    assertThat(second.post("/api/chat", bob, new JsonObject().put("message", "hi").put("conversationId", conversation))
        .status()).isEqualTo(404);
    assertThat(second.get("/api/conversations/not-a-uuid/messages", ana).status()).isEqualTo(404);
    assertThat(second.delete("/api/conversations/" + conversation, ana).status()).isEqualTo(204);
    assertThat(first.get("/api/conversations/" + conversation + "/messages", ana).status()).isEqualTo(404);
  }

  @Test
  void unknownFieldsAndControlCharactersAreRefusedWithTheFieldNamed() {
    String token = system.userToken(system.newUser("UTC"));
    var unknown = first.post("/api/chat", token, new JsonObject().put("message", "hi").put("userId", "someone"));
    assertThat(unknown.status()).isEqualTo(422);
    assertThat(unknown.body()).contains("userId");
    var control = first.post("/api/chat", token, new JsonObject().put("message", "hi\u0007there"));
    assertThat(control.status()).isEqualTo(422);
    assertThat(control.body()).contains("control characters");
    // half a surrogate pair has no UTF-8 form: it would be stored as '?'
    var halfPair = first.post("/api/chat", token, "{\"message\": \"add call \\ud83d mum\"}");
    assertThat(halfPair.status()).as(halfPair.toString()).isEqualTo(422);
    assertThat(halfPair.json().getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("message");
    var nulInId = first.post("/api/chat", token, new JsonObject().put("message", "hi").put("conversationId", "\u0000"));
    assertThat(nulInId.status()).isEqualTo(422);
    assertThat(nulInId.body()).contains("conversationId");
    var notJson = first.send("POST", "/api/chat", token, "{not json", java.util.Map.of());
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.body()).doesNotContain("Exception");
  }

  /** Adds a task, then fails as a bug would: what it did must not vanish from the conversation. */
  private static final class HalfwayFailingAgent implements Agent {
    @Override
    public String name() {
      return "halfway-failing";
    }

    @Override
    public Future<Reply> respond(Turn turn, Tools tools, Listener listener) {
      var arguments = new JsonObject().put("title", "Made before the failure");
      return tools.call("add_task", arguments).compose(outcome -> {
        listener.action(new Action("add_task", arguments, outcome.json()));
        return Future.<Reply>failedFuture(new IllegalStateException("a bug after the first tool call"));
      }).map(reply -> new Reply(reply.text(), List.of()));
    }
  }
}
