package dev.todochatbot.chat.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.chat.tools.ToolCatalog;
import dev.todochatbot.chat.tools.ToolSpec;
import dev.todochatbot.platform.Observability;
import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.Tokens;
import dev.todochatbot.platform.testing.TestHttp;
import dev.todochatbot.platform.testing.TestHttp.Answer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The streamable HTTP transport, request by request over real HTTP, with stand-in tools
 * ({@link ProtocolTestTools}): what a client sends and what it gets back, errors included. The official
 * TypeScript client against the real tools is {@link McpServerTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpProtocolTest {

  private static final Map<String, String> MCP_ACCEPT = Map.of("Accept", "application/json, text/event-stream");

  private Vertx vertx;
  private Tokens tokens;
  private McpTestServer server;
  private TestHttp http;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    tokens = Tokens.create(vertx, "a protocol-test secret of at least 32 bytes", Duration.ofHours(1));
    server = McpTestServer.start(vertx, user -> new ProtocolTestTools(vertx, user), tokens.requireUser());
    http = new TestHttp(server.port());
  }

  @AfterAll
  void stop() {
    server.close();
    vertx.close().await();
  }

  @Test
  void initializeNamesTheServerOffersToolsAndKeepsNoSession() {
    Answer answer = rpc(token(), 1, "initialize", new JsonObject()
        .put("protocolVersion", "2025-06-18")
        .put("capabilities", new JsonObject())
        .put("clientInfo", new JsonObject().put("name", "protocol-test").put("version", "1")));

    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    assertThat(answer.contentType()).startsWith("application/json");
    assertThat(answer.header("Mcp-Session-Id")).isEmpty();
    JsonObject result = answer.json().getJsonObject("result");
    assertThat(answer.json().getInteger("id")).isEqualTo(1);
    assertThat(result.getString("protocolVersion")).isEqualTo("2025-06-18");
    assertThat(result.getJsonObject("serverInfo").getString("name")).isEqualTo("todo-chatbot");
    assertThat(result.getJsonObject("serverInfo").getString("version")).isNotBlank();
    assertThat(result.getJsonObject("capabilities").getJsonObject("tools")).isNotNull();
    assertThat(result.getString("instructions")).contains("to-do list", "list_tasks", "only that user's tasks");
  }

  @Test
  void anUnknownProtocolVersionIsAnsweredWithTheServersLatest() {
    JsonObject result = rpc(token(), 1, "initialize", new JsonObject().put("protocolVersion", "1999-01-01")
        .put("capabilities", new JsonObject()).put("clientInfo", new JsonObject().put("name", "old").put("version", "1")))
        .json().getJsonObject("result");

    assertThat(result.getString("protocolVersion")).isEqualTo("2025-11-25");
  }

  @Test
  void notificationsAreAcceptedWithNoBody() {
    for (String method : new String[] {"notifications/initialized", "notifications/cancelled"}) {
      Answer answer = post(token(), new JsonObject().put("jsonrpc", "2.0").put("method", method)
          .put("params", new JsonObject().put("requestId", 7)), MCP_ACCEPT);

      assertThat(answer.status()).as(method + ": " + answer).isEqualTo(202);
      assertThat(answer.body()).isEmpty();
    }
  }

  @Test
  void aStatelessServerHasNoStreamToGetAndNoSessionToDelete() {
    for (String method : new String[] {"GET", "DELETE"}) {
      Answer answer = http.send(method, "/mcp", token(), null, Map.of("Accept", "text/event-stream"));

      assertThat(answer.status()).as(method).isEqualTo(405);
      assertThat(answer.header("Allow")).contains("POST");
      assertThat(answer.contentType()).isEqualTo("application/problem+json");
    }
  }

  @Test
  void withoutAValidTokenTheAnswerIs401Problem() {
    var other = Tokens.create(vertx, "another secret, not the server's, 32 bytes+", Duration.ofHours(1));
    for (String token : new String[] {null, "not-a-jwt", other.issue(newUser())}) {
      Answer answer = rpc(token, 1, "tools/list", new JsonObject());

      assertThat(answer.status()).as(String.valueOf(token)).isEqualTo(401);
      assertThat(answer.contentType()).isEqualTo("application/problem+json");
      assertThat(answer.json().getInteger("status")).isEqualTo(401);
    }
  }

  @Test
  void toolsListIsTheCatalogWithItsSchemas() {
    JsonArray tools = rpc(token(), 2, "tools/list", new JsonObject()).json().getJsonObject("result").getJsonArray("tools");

    assertThat(tools).hasSize(14);
    for (int i = 0; i < tools.size(); i++) {
      ToolSpec spec = ToolCatalog.get().specs().get(i);
      JsonObject tool = tools.getJsonObject(i);
      assertThat(tool.getString("name")).isEqualTo(spec.name());
      assertThat(tool.getString("description")).isEqualTo(spec.description());
      assertThat(tool.getJsonObject("inputSchema")).as(spec.name()).isEqualTo(spec.inputSchema());
    }
  }

  @Test
  void aToolCallRunsForTheUserOfTheTokenOnTheEventLoop() {
    Principal alice = newUser();
    Principal bob = newUser();

    JsonObject forAlice = callTool(tokens.issue(alice), "list_tasks", new JsonObject().put("status", "open"));
    JsonObject forBob = callTool(tokens.issue(bob), "list_tasks", new JsonObject());

    assertThat(forAlice.getBoolean("isError", false)).isFalse();
    JsonObject structured = forAlice.getJsonObject("structuredContent");
    assertThat(structured.getString("user")).isEqualTo(alice.userId().toString());
    assertThat(structured.getJsonObject("arguments")).isEqualTo(new JsonObject().put("status", "open"));
    assertThat(structured.getBoolean("calledOnEventLoop")).isTrue();
    assertThat(new JsonObject(text(forAlice))).isEqualTo(structured);
    assertThat(forBob.getJsonObject("structuredContent").getString("user")).isEqualTo(bob.userId().toString());
  }

  @Test
  void concurrentCallsOfManyUsersEachRunForTheirOwnUser() {
    List<Principal> users = IntStream.range(0, 32).mapToObj(i -> newUser()).toList();

    List<String> answeredFor = users.parallelStream()
        .map(user -> callTool(tokens.issue(user), "list_tasks", new JsonObject()))
        .map(result -> result.getJsonObject("structuredContent").getString("user"))
        .toList();

    assertThat(answeredFor).isEqualTo(users.stream().map(user -> user.userId().toString()).toList());
  }

  @Test
  void argumentsThatBreakTheSchemaAreAToolErrorThatSaysWhatToFix() {
    JsonObject result = callTool(token(), "set_task_priority", new JsonObject().put("id", "x").put("priority", "asap"));

    assertThat(result.getBoolean("isError")).isTrue();
    assertThat(text(result)).startsWith("The arguments of set_task_priority are not right").contains("priority");
    assertThat(result.getJsonObject("structuredContent").getJsonObject("error").getJsonObject("fields").fieldNames())
        .anyMatch(field -> field.endsWith("priority"));
  }

  @Test
  void aToolWhoseFutureFailsGivesAnErrorResultWithAnIncidentAndNoStackTrace() {
    long failedBefore = toolCalls("delete_task", "failed");

    JsonObject result = callTool(token(), "delete_task", new JsonObject().put("id", UUID.randomUUID().toString()));

    assertThat(result.getBoolean("isError")).isTrue();
    assertThat(text(result)).contains("delete_task failed on our side", "incident")
        .doesNotContain("IllegalStateException", "a bug in");
    assertThat(toolCalls("delete_task", "failed")).isEqualTo(failedBefore + 1);
  }

  @Test
  void anUnknownToolOrMethodIsAJsonRpcError() {
    JsonObject unknownTool = rpc(token(), 5, "tools/call", new JsonObject().put("name", "drop_database")
        .put("arguments", new JsonObject())).json();
    JsonObject unknownMethod = rpc(token(), 6, "resources/list", new JsonObject()).json();
    JsonObject noParams = rpc(token(), 7, "tools/call", null).json();
    JsonObject badParams = rpc(token(), 8, "tools/call", new JsonObject().put("name", "add_task").put("arguments", "oops"))
        .json();

    assertThat(unknownTool.getJsonObject("error").getInteger("code")).isEqualTo(-32602);
    assertThat(unknownTool.getInteger("id")).isEqualTo(5);
    assertThat(unknownMethod.getJsonObject("error").getInteger("code")).isEqualTo(-32601);
    assertThat(noParams.getInteger("id")).isEqualTo(7);
    assertThat(noParams.getJsonObject("error").getInteger("code")).isEqualTo(-32602);
    assertThat(badParams.getJsonObject("error").getInteger("code")).isEqualTo(-32602);
    assertThat(badParams.getJsonObject("error").getString("message")).doesNotContain("Exception");
  }

  /**
   * Malformed JSON-RPC, each answered with the protocol's code and a message that says what to send
   * instead, in the protocol's words: no Java class, no parser's message.
   */
  @ParameterizedTest(name = "{0} -> {2}")
  @CsvSource(delimiter = '|', textBlock = """
      garbage                     | {not json at all                                                         | -32700 | not valid JSON
      empty object                | {}                                                                       | -32600 | jsonrpc
      jsonrpc 1.0                 | {"jsonrpc":"1.0","id":1,"method":"ping"}                                 | -32600 | jsonrpc
      method a number             | {"jsonrpc":"2.0","id":1,"method":5}                                      | -32600 | method
      empty method                | {"jsonrpc":"2.0","id":1,"method":""}                                     | -32600 | method
      id an object                | {"jsonrpc":"2.0","id":{"a":1},"method":"ping"}                           | -32600 | id
      id true                     | {"jsonrpc":"2.0","id":true,"method":"ping"}                              | -32600 | id
      id null                     | {"jsonrpc":"2.0","id":null,"method":"ping"}                              | -32600 | id
      params null                 | {"jsonrpc":"2.0","id":1,"method":"ping","params":null}                   | -32600 | params
      params a string             | {"jsonrpc":"2.0","id":1,"method":"tools/call","params":"add_task"}       | -32600 | params
      params a number             | {"jsonrpc":"2.0","id":1,"method":"tools/list","params":3}                | -32600 | params
      batch                       | [{"jsonrpc":"2.0","id":1,"method":"ping"}]                               | -32600 | batch
      empty batch                 | []                                                                       | -32600 | batch
      a response                  | {"jsonrpc":"2.0","id":1,"result":{}}                                     | -32600 | request
      an error response           | {"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"x"}}                | -32600 | request
      unknown method              | {"jsonrpc":"2.0","id":1,"method":"resources/list","params":{}}           | -32601 | resources/list
      completion, not offered     | {"jsonrpc":"2.0","id":1,"method":"completion/complete","params":{}}      | -32601 | completion/complete
      call without name           | {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{}}               | -32602 | name
      call with name null         | {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":null}}    | -32602 | name
      call with name a number     | {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":7}}       | -32602 | name
      call with name an object    | {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":{"x":1}}} | -32602 | name
      call with params an array   | {"jsonrpc":"2.0","id":1,"method":"tools/call","params":["add_task"]}     | -32602 | params
      arguments a string          | {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add_task","arguments":"oops"}} | -32602 | arguments
      arguments an array          | {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add_task","arguments":[1]}}    | -32602 | arguments
      arguments a number          | {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add_task","arguments":1}}      | -32602 | arguments
      _meta a string              | {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_tasks","_meta":"x"}}      | -32602 | _meta
      unknown tool                | {"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"drop_database"}}              | -32602 | drop_database
      list with cursor a number   | {"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"cursor":5}}     | -32602 | cursor
      initialize without params   | {"jsonrpc":"2.0","id":1,"method":"initialize"}                           | -32602 | params
      initialize, version a number | {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":5,"capabilities":{},"clientInfo":{"name":"x","version":"1"}}} | -32602 | protocolVersion
      initialize, capabilities text | {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":"all","clientInfo":{"name":"x","version":"1"}}} | -32602 | capabilities
      initialize, clientInfo text | {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":"me"}} | -32602 | clientInfo
      """)
  void malformedMessagesAreAnsweredInTheProtocolsWords(String what, String body, int code, String named) {
    Answer answer = post(token(), body, MCP_ACCEPT);

    JsonObject error = answer.json().getJsonObject("error");
    assertThat(error).as(answer.toString()).isNotNull();
    assertThat(error.getInteger("code")).as(answer.toString()).isEqualTo(code);
    assertThat(error.getString("message")).as(answer.toString()).contains(named)
        .doesNotContainPattern("java\\.|\\$|Exception|McpSchema|LinkedHashMap|jackson|Cannot (construct|deserialize)|"
            + "line: \\d|column: \\d|\\[Source");
    assertThat(answer.json().getString("jsonrpc")).isEqualTo("2.0");
    // a request is answered under its id, when it has one MCP takes; anything else under null
    JsonObject sent = new JsonObject(body.startsWith("{") && body.endsWith("}") ? body : "{}");
    Object id = "2.0".equals(sent.getValue("jsonrpc")) && sent.containsKey("method") ? sent.getValue("id") : null;
    assertThat(answer.json().getValue("id")).as(answer.toString())
        .isEqualTo(id instanceof Integer || id instanceof String ? id : null);
  }

  @Test
  void pingAnswersAnEmptyResult() {
    assertThat(rpc(token(), "p-1", "ping", null).json())
        .isEqualTo(new JsonObject().put("jsonrpc", "2.0").put("id", "p-1").put("result", new JsonObject()));
  }

  @Test
  void malformedJsonIsAParseErrorWithoutAStackTrace() {
    Answer answer = post(token(), "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ", MCP_ACCEPT);

    assertThat(answer.status()).isEqualTo(400);
    JsonObject error = answer.json().getJsonObject("error");
    assertThat(error.getInteger("code")).isEqualTo(-32700);
    assertThat(answer.json().containsKey("id")).isTrue();
    assertThat(answer.json().getValue("id")).isNull();
    assertThat(answer.body()).doesNotContain("Exception").doesNotContain("\\tat ");
  }

  @Test
  void whatIsNotOneJsonRpcRequestOrNotificationIsAnInvalidRequest() {
    Object[] bodies = {
        new JsonArray().add(new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "ping")),
        new JsonObject().put("id", 1).put("method", "ping"),
        new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("result", new JsonObject()),
        "\"just a string\""};
    for (Object body : bodies) {
      Answer answer = post(token(), body, MCP_ACCEPT);

      assertThat(answer.status()).as(body.toString()).isEqualTo(400);
      assertThat(answer.json().getJsonObject("error").getInteger("code")).as(body.toString()).isEqualTo(-32600);
    }
  }

  /** A problem document when the router has HttpProblems' failure handler (as the services do), else a JSON-RPC error. */
  @Test
  void aBodyOverOneMebibyteIsRefusedWith413() {
    String huge = new JsonObject().put("jsonrpc", "2.0").put("id", 1).put("method", "tools/call")
        .put("params", new JsonObject().put("name", "add_task")
            .put("arguments", new JsonObject().put("title", "x".repeat(McpEndpoint.BODY_LIMIT_BYTES)))).encode();

    Answer answer = post(token(), huge, MCP_ACCEPT);

    assertThat(answer.status()).as(answer.toString()).isEqualTo(413);
    assertThat(answer.body()).contains("1 MiB limit");
  }

  @Test
  void anUnsupportedProtocolVersionHeaderIsRefused() {
    var headers = new HashMap<>(MCP_ACCEPT);
    headers.put("MCP-Protocol-Version", "2024-01-01");

    Answer answer = post(token(), request(1, "ping", null), headers);

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.json().getJsonObject("error").getString("message")).contains("2025-06-18");
  }

  @Test
  void aClientThatTakesOnlyAnEventStreamGetsTheAnswerAsOneEvent() {
    Answer answer = post(token(), request(3, "tools/list", null), Map.of("Accept", "text/event-stream"));

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.contentType()).startsWith("text/event-stream");
    assertThat(answer.body()).startsWith("event: message\ndata: ").endsWith("\n\n");
    JsonObject message = new JsonObject(answer.body().substring(answer.body().indexOf("data: ") + 6).strip());
    assertThat(message.getJsonObject("result").getJsonArray("tools")).hasSize(14);
  }

  @Test
  void aClientThatTakesNeitherJsonNorAnEventStreamIsRefused() {
    Answer answer = post(token(), request(4, "ping", null), Map.of("Accept", "text/html"));

    assertThat(answer.status()).isEqualTo(406);
  }

  private JsonObject callTool(String token, String name, JsonObject arguments) {
    Answer answer = rpc(token, 9, "tools/call", new JsonObject().put("name", name).put("arguments", arguments));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    assertThat(answer.json().containsKey("error")).as(answer.toString()).isFalse();
    return answer.json().getJsonObject("result");
  }

  private static long toolCalls(String tool, String outcome) {
    var timer = Observability.registry().find("mcp.tool.calls").tag("tool", tool).tag("outcome", outcome).timer();
    return timer == null ? 0 : timer.count();
  }

  private static String text(JsonObject callResult) {
    JsonObject content = callResult.getJsonArray("content").getJsonObject(0);
    assertThat(content.getString("type")).isEqualTo("text");
    return content.getString("text");
  }

  private Answer rpc(String token, Object id, String method, JsonObject params) {
    return post(token, request(id, method, params), MCP_ACCEPT);
  }

  private static JsonObject request(Object id, String method, JsonObject params) {
    var request = new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", method);
    return params == null ? request : request.put("params", params);
  }

  private Answer post(String token, Object body, Map<String, String> headers) {
    return http.send("POST", "/mcp", token, body, headers);
  }

  private String token() {
    return tokens.issue(newUser());
  }

  private static Principal newUser() {
    UUID id = UUID.randomUUID();
    return new Principal(id, id + "@example.test", "Europe/Paris");
  }
}
