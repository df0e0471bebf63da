package dev.todochatbot.chat.openai;

import static dev.todochatbot.chat.openai.FakeOpenAiServer.rateLimited;
import static dev.todochatbot.chat.openai.FakeOpenAiServer.say;
import static dev.todochatbot.chat.openai.FakeOpenAiServer.serverError;
import static dev.todochatbot.chat.openai.FakeOpenAiServer.stall;
import static dev.todochatbot.chat.openai.FakeOpenAiServer.unauthorized;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.todochatbot.chat.agent.Action;
import dev.todochatbot.chat.agent.ChatMessage;
import dev.todochatbot.chat.agent.Reply;
import dev.todochatbot.chat.agent.Turn;
import dev.todochatbot.chat.tools.ToolCatalog;
import dev.todochatbot.chat.tools.ToolOutcome;
import dev.todochatbot.chat.tools.ToolSpec;
import dev.todochatbot.chat.tools.Tools;
import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.TestHttp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The model agent against a fake OpenAI server speaking the real wire format: what it sends, how it
 * streams, and what it answers when the model fails. No tool runs here (see {@link ModelAgentToolsTest}).
 */
class ModelAgentTest {

  private static final String KEY = "test-secret-key";
  private static final Instant NOW = Instant.parse("2026-11-24T14:04:00Z");
  private static Vertx vertx;

  private final FakeOpenAiServer model = FakeOpenAiServer.start(vertx);
  private final NoTools tools = new NoTools();
  private final Principal user = new Principal(UUID.randomUUID(), "ana@example.com", "Europe/Paris");
  private final List<ModelAgent> agents = new ArrayList<>();

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    Await.result(vertx.close());
  }

  @AfterEach
  void stop() {
    agents.forEach(ModelAgent::close);
    model.close();
  }

  /** The catalog's tools, none of which may run: these tests are about the model's side. */
  private static final class NoTools implements Tools {
    final List<String> called = new CopyOnWriteArrayList<>();

    @Override
    public List<ToolSpec> specs() {
      return ToolCatalog.get().specs();
    }

    @Override
    public Future<ToolOutcome> call(String tool, JsonObject arguments) {
      called.add(tool);
      return Future.succeededFuture(ToolOutcome.error("no tools in this test"));
    }
  }

  private ModelAgent agent(String baseUrl, Duration timeout) {
    var agent = new ModelAgent(vertx, new ModelConfig(KEY, baseUrl, "gpt-4o-mini", timeout, 5, 20));
    agents.add(agent);
    return agent;
  }

  private ModelAgent agent() {
    return agent(model.baseUrl(), Duration.ofSeconds(10));
  }

  private Turn turn(String zone, List<ChatMessage> history, String message) {
    return new Turn(user, ZoneId.of(zone), NOW, history, message);
  }

  private TurnRecorder respond(ModelAgent agent, String message) {
    return TurnRecorder.respond(vertx, agent, turn("Europe/Paris", List.of(), message), tools);
  }

  private static JsonArray messages(JsonObject request) {
    return request.getJsonArray("messages");
  }

  @Test
  void aPlainAnswerStreamsItsPiecesInOrderOnTheCallersContext() {
    model.then(say("Hello", " Ana", "! Nothing is", " due today."));

    TurnRecorder turn = respond(agent(), "What is due today?");
    Reply reply = turn.reply();

    assertThat(turn.pieces).containsExactly("Hello", " Ana", "! Nothing is", " due today.");
    assertThat(reply.text()).isEqualTo("Hello Ana! Nothing is due today.");
    assertThat(reply.actions()).isEmpty();
    assertThat(turn.offContext).isEmpty();
    assertThat(tools.called).isEmpty();
    assertThat(model.authorizations()).containsExactly("Bearer " + KEY);
    JsonObject request = model.request(0);
    assertThat(request.getString("model")).isEqualTo("gpt-4o-mini");
    assertThat(request.getBoolean("stream")).isTrue();
    JsonArray messages = messages(request);
    assertThat(messages.getJsonObject(0).getString("role")).isEqualTo("system");
    assertThat(messages.getJsonObject(messages.size() - 1))
        .isEqualTo(new JsonObject().put("role", "user").put("content", "What is due today?"));
  }

  @Test
  void theFourteenToolsAreOfferedAsFunctionsWithTheirSchemasWithoutTheSchemaKeyword() {
    model.then(say("Hi."));

    respond(agent(), "Hi").reply();

    JsonArray offered = model.request(0).getJsonArray("tools");
    List<ToolSpec> specs = ToolCatalog.get().specs();
    assertThat(offered).hasSize(14);
    for (int i = 0; i < specs.size(); i++) {
      JsonObject tool = offered.getJsonObject(i);
      JsonObject expected = specs.get(i).inputSchema().copy();
      expected.remove("$schema");
      assertThat(tool.getString("type")).isEqualTo("function");
      JsonObject function = tool.getJsonObject("function");
      assertThat(function.getString("name")).isEqualTo(specs.get(i).name());
      assertThat(function.getString("description")).isEqualTo(specs.get(i).description());
      assertThat(function.getJsonObject("parameters")).isEqualTo(expected);
      assertThat(function.getJsonObject("parameters").containsKey("$schema")).isFalse();
    }
  }

  @Test
  void theSystemPromptGivesTheDateTimeWeekdayZoneAndOffsetOfTheUsersZone() {
    model.then(say("Hi."), say("Hi."));

    TurnRecorder.respond(vertx, agent(), turn("Europe/Paris", List.of(), "Hi"), tools).reply();
    TurnRecorder.respond(vertx, agent(), turn("Pacific/Auckland", List.of(), "Hi"), tools).reply();

    String paris = messages(model.request(0)).getJsonObject(0).getString("content");
    assertThat(paris).contains("Tuesday, 2026-11-24 15:04", "Europe/Paris", "UTC+01:00");
    // the same instant is already Wednesday in Auckland
    String auckland = messages(model.request(1)).getJsonObject(0).getString("content");
    assertThat(auckland).contains("Wednesday, 2026-11-25 03:04", "Pacific/Auckland", "UTC+13:00");
    assertThat(paris).contains("task assistant", "only through the tools", "Never say that a task was added",
        "ISO-8601 with the offset", "2026-11-25T17:00:00+01:00", "only ever see and change this user's tasks");
  }

  @Test
  void pastActionsAreReplayedAsToolCallsWithTheirResults() {
    model.then(say("It is done."));
    var add = new Action("add_task", new JsonObject().put("title", "Buy milk"),
        new JsonObject().put("task", new JsonObject().put("id", "t-1").put("title", "Buy milk")));
    var history = List.of(
        ChatMessage.user("Add buy milk", NOW.minusSeconds(60)),
        ChatMessage.assistant("Added “Buy milk”.", List.of(add), NOW.minusSeconds(59)));

    TurnRecorder.respond(vertx, agent(), turn("Europe/Paris", history, "Mark it done"), tools).reply();

    JsonArray messages = messages(model.request(0));
    assertThat(messages.stream().map(m -> ((JsonObject) m).getString("role")))
        .containsExactly("system", "user", "assistant", "tool", "assistant", "user");
    assertThat(messages.getJsonObject(1).getString("content")).isEqualTo("Add buy milk");
    JsonObject call = messages.getJsonObject(2).getJsonArray("tool_calls").getJsonObject(0);
    assertThat(call.getJsonObject("function").getString("name")).isEqualTo("add_task");
    assertThat(new JsonObject(call.getJsonObject("function").getString("arguments"))).isEqualTo(add.arguments());
    JsonObject result = messages.getJsonObject(3);
    assertThat(result.getString("tool_call_id")).isEqualTo(call.getString("id"));
    assertThat(new JsonObject(result.getString("content"))).isEqualTo(add.result());
    assertThat(messages.getJsonObject(4).getString("content")).isEqualTo("Added “Buy milk”.");
    assertThat(messages.getJsonObject(5).getString("content")).isEqualTo("Mark it done");
  }

  @Test
  void onlyTheLastTwentyMessagesOfTheHistoryAreSent() {
    model.then(say("Ok."));
    var history = new ArrayList<ChatMessage>();
    for (int i = 0; i < 30; i++) {
      history.add(i % 2 == 0 ? ChatMessage.user("question " + i, NOW) : ChatMessage.assistant("answer " + i, List.of(), NOW));
    }

    TurnRecorder.respond(vertx, agent(), turn("Europe/Paris", history, "And now?"), tools).reply();

    JsonArray messages = messages(model.request(0));
    assertThat(messages).hasSize(1 + 20 + 1);
    assertThat(messages.getJsonObject(1).getString("content")).isEqualTo("question 10");
    assertThat(messages.getJsonObject(20).getString("content")).isEqualTo("answer 29");
  }

  @Test
  void aBaseUrlWithoutV1IsUsedAsGiven() {
    model.then(say("Hi from a server without /v1."));

    Reply reply = respond(agent(model.baseUrlWithoutV1(), Duration.ofSeconds(10)), "Hi").reply();

    assertThat(reply.text()).isEqualTo("Hi from a server without /v1.");
    assertThat(model.paths()).containsExactly("/chat/completions");
  }

  @Test
  void aRateLimitedModelIsAnsweredWithTryAgainInAMinute() {
    model.then(rateLimited());

    TurnRecorder turn = respond(agent(), "Add milk");
    Reply reply = turn.reply();

    assertThat(reply.text()).isEqualTo("The AI model is busy (rate-limited); try again in a minute. Nothing was changed.");
    assertThat(turn.pieces).containsExactly(reply.text());
    assertThat(reply.actions()).isEmpty();
    assertThat(model.requests()).hasSize(1);
    assertNoTrace(reply);
  }

  @Test
  void aServerErrorIsAnsweredWithModelCouldNotBeReached() {
    model.then(serverError());

    Reply reply = respond(agent(), "Add milk").reply();

    assertThat(reply.text()).isEqualTo("The AI model could not be reached. Nothing was changed.");
    assertThat(model.requests()).hasSize(1);
    assertNoTrace(reply);
  }

  @Test
  void aRefusedKeyIsAnsweredInASentenceAndLoggedAtWarnWithoutTheKey() {
    model.then(unauthorized());
    var log = new ListAppender<ILoggingEvent>();
    log.start();
    Logger logger = (Logger) LoggerFactory.getLogger(ModelTurn.class);
    logger.addAppender(log);
    try {
      Reply reply = respond(agent(), "Add milk").reply();

      assertThat(reply.text()).startsWith("The AI model refused our key").endsWith("Nothing was changed.");
      assertNoTrace(reply);
    } finally {
      logger.detachAppender(log);
    }
    assertThat(log.list).anySatisfy(event -> {
      assertThat(event.getLevel()).isEqualTo(Level.WARN);
      assertThat(event.getFormattedMessage()).contains("HTTP 401", "invalid_api_key");
    });
    assertThat(log.list).allSatisfy(event -> assertThat(event.getFormattedMessage()).doesNotContain(KEY, "test-***"));
  }

  @Test
  void aModelThatStallsTimesOutIntoASentence() {
    model.then(stall());

    long start = System.nanoTime();
    Reply reply = respond(agent(model.baseUrl(), Duration.ofSeconds(1)), "Add milk").reply();

    assertThat(reply.text()).isEqualTo("The AI model could not be reached. Nothing was changed.");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    assertNoTrace(reply);
  }

  @Test
  void textStreamedBeforeAStallReachesThePersonAtOnceAndStaysInTheReply() {
    model.then(stall("Let me", " look"));

    TurnRecorder turn = respond(agent(model.baseUrl(), Duration.ofSeconds(2)), "What is due?");
    Await.until("the first pieces while the model is still silent", Duration.ofSeconds(5),
        () -> turn.pieces.size() >= 2);
    assertThat(turn.done()).isFalse();
    Reply reply = turn.reply();

    assertThat(turn.pieces).startsWith("Let me", " look");
    assertThat(reply.text()).isEqualTo("Let me look\n\nThe AI model could not be reached. Nothing was changed.");
    assertThat(String.join("", turn.pieces)).isEqualTo(reply.text());
  }

  @Test
  void aModelThatCannotBeConnectedToIsAnsweredWithCouldNotBeReached() {
    String nobody = "http://127.0.0.1:" + TestHttp.freePort() + "/v1";

    Reply reply = respond(agent(nobody, Duration.ofSeconds(2)), "Add milk").reply();

    assertThat(reply.text()).isEqualTo("The AI model could not be reached. Nothing was changed.");
    assertNoTrace(reply);
  }

  @Test
  void configurationComesFromTheEnvironmentAndNoKeyMeansNoModel() {
    assertThat(ModelConfig.fromEnv(new Env(Map.of()))).isEmpty();

    ModelConfig defaults = ModelConfig.fromEnv(new Env(Map.of("OPENAI_API_KEY", KEY))).orElseThrow();
    assertThat(defaults).isEqualTo(new ModelConfig(KEY, "https://api.openai.com/v1", "gpt-4o-mini",
        Duration.ofSeconds(30), 5, 20));

    Optional<ModelConfig> ollama = ModelConfig.fromEnv(new Env(Map.of("OPENAI_API_KEY", "ollama",
        "OPENAI_BASE_URL", "http://localhost:11434/v1/", "OPENAI_MODEL", "llama3.1", "OPENAI_TIMEOUT", "90",
        "OPENAI_MAX_TOOL_ROUNDS", "3")));
    assertThat(ollama).contains(new ModelConfig("ollama", "http://localhost:11434/v1", "llama3.1",
        Duration.ofSeconds(90), 3, 20));
    assertThat(ModelConfig.fromEnv(new Env(Map.of("OPENAI_API_KEY", KEY, "OPENAI_TIMEOUT", "PT1M"))).orElseThrow()
        .timeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(defaults.toString()).doesNotContain(KEY);
  }

  private static void assertNoTrace(Reply reply) {
    assertThat(reply.text()).doesNotContain("Exception", "\tat ", "com.openai", "okhttp");
  }
}
