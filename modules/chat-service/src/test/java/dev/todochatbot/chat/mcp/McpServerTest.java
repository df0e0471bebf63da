package dev.todochatbot.chat.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.todochatbot.chat.ChatTestSystem;
import dev.todochatbot.chat.tools.ToolCatalog;
import dev.todochatbot.chat.tools.ToolSpec;
import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.Tokens;
import dev.todochatbot.platform.testing.TestHttp.Answer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The official MCP TypeScript client ({@code src/test/mcp-client/client.mjs}) against the MCP endpoint
 * with the real task tools, task service and PostgreSQL: it connects as two users, lists the tools, calls
 * them, and prints what each step answered; this test checks every step, then the tasks themselves
 * through the task service's REST API.
 *
 * <p>Needs Node 18+ and the client's packages ({@code npm ci --prefix modules/chat-service/src/test/mcp-client});
 * without either the test is skipped and says so.
 */
class McpServerTest {

  private static final Path CLIENT_DIR = Path.of(System.getProperty("basedir", "."), "src", "test", "mcp-client");
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(90);

  @Test
  void theTypeScriptClientUsesTheToolsAsItsUserAndCannotReachAnotherUsersTasks() throws Exception {
    assumeClientCanRun();
    ChatTestSystem system = ChatTestSystem.shared();
    Principal alice = system.newUser("Europe/Paris");
    Principal bob = system.newUser("America/New_York");
    Tokens tokens = Tokens.create(system.vertx(), system.jwtSecret(), Duration.ofHours(1));

    JsonObject summary;
    try (McpTestServer server = McpTestServer.start(system.vertx(), system.toolsFactory(), tokens.requireUser())) {
      summary = runClient(server.url(), system.userToken(alice), system.userToken(bob));
    }

    assertThat(summary.getString("failure")).as("the client failed: %s", summary).isNull();
    JsonObject info = summary.getJsonObject("server");
    assertThat(info.getString("name")).isEqualTo("todo-chatbot");
    assertThat(info.getString("protocolVersion")).isEqualTo("2025-11-25");
    assertThat(info.getValue("sessionId")).as("a stateless server hands out no session").isNull();
    assertThat(info.getString("instructions")).contains("to-do list");
    assertThat(info.getBoolean("tools")).isTrue();
    assertThat(summary.getJsonArray("tools").stream().map(t -> ((JsonObject) t).getString("name")))
        .containsExactlyElementsOf(ToolCatalog.get().specs().stream().map(ToolSpec::name).toList());
    assertThat(summary.getJsonArray("tools").stream().map(t -> (JsonObject) t))
        .allSatisfy(tool -> assertThat(tool.getString("schemaType")).isEqualTo("object"))
        .allSatisfy(tool -> assertThat(tool.getBoolean("hasDescription")).isTrue());

    JsonObject steps = summary.getJsonObject("steps");
    String run = summary.getString("run");
    String id = summary.getString("taskId");
    JsonObject added = ok(steps, "add_task").getJsonObject("task");
    assertThat(id).isNotNull().isEqualTo(added.getString("id"));
    assertThat(added.getString("title")).isEqualTo("Buy oat milk " + run);
    assertThat(added.getString("priority")).isEqualTo("high");
    assertThat(ids(ok(steps, "list_tasks"))).contains(id);
    assertThat(ids(ok(steps, "search_tasks"))).containsExactly(id);
    assertThat(ok(steps, "set_task_priority").getJsonObject("task").getString("priority")).isEqualTo("urgent");
    assertThat(ok(steps, "add_task_tags").getJsonObject("task").getJsonArray("tags").getList())
        .containsExactlyInAnyOrder("groceries", "errands");
    assertThat(ok(steps, "complete_task").getJsonObject("task").getString("status")).isEqualTo("completed");
    assertThat(error(steps, "bad_arguments")).contains("set_task_priority", "priority");
    assertThat(protocolError(steps, "unknown_tool")).contains("-32602", "drop_database", "tools/list");
    assertThat(protocolError(steps, "arguments_not_an_object")).contains("-32602", "arguments", "object");

    assertThat(ids(ok(steps, "other_list_tasks"))).doesNotContain(id);
    assertThat(ids(ok(steps, "other_search_tasks"))).isEmpty();
    assertThat(error(steps, "other_complete_task")).containsIgnoringCase("no such task");
    assertThat(summary.getJsonObject("withoutToken").getBoolean("refused")).isTrue();
    assertThat(summary.getJsonObject("withoutToken").getString("message")).contains("\"status\":401");

    Answer asAlice = system.taskService().get("/api/tasks/" + id, system.userToken(alice));
    assertThat(asAlice.status()).as(asAlice.toString()).isEqualTo(200);
    JsonObject task = asAlice.json();
    assertThat(task.getString("status")).isEqualTo("completed");
    assertThat(task.getString("priority")).isEqualTo("urgent");
    assertThat(task.getJsonArray("tags").getList()).containsExactlyInAnyOrder("groceries", "errands");
    assertThat(system.taskService().get("/api/tasks/" + id, system.userToken(bob)).status()).isEqualTo(404);
  }

  /** The JSON a successful step answered; fails with the step's answer when it was an error. */
  private static JsonObject ok(JsonObject steps, String step) {
    JsonObject answer = steps.getJsonObject(step);
    assertThat(answer).as(step).isNotNull();
    assertThat(answer.getString("protocolError")).as(step + ": " + answer).isNull();
    assertThat(answer.getBoolean("isError")).as(step + ": " + answer).isFalse();
    assertThat(answer.getBoolean("structured")).as(step + " has structured content").isTrue();
    return answer.getJsonObject("json");
  }

  /** The message of a step that had to be a tool error (isError), not a protocol error. */
  private static String error(JsonObject steps, String step) {
    JsonObject answer = steps.getJsonObject(step);
    assertThat(answer.getString("protocolError")).as(step + ": " + answer).isNull();
    assertThat(answer.getBoolean("isError")).as(step + ": " + answer).isTrue();
    return answer.getString("text");
  }

  /** The message of a step the server had to refuse as a JSON-RPC error; it names no Java type. */
  private static String protocolError(JsonObject steps, String step) {
    String message = steps.getJsonObject(step).getString("protocolError");
    assertThat(message).as(step + ": " + steps.getJsonObject(step)).isNotNull()
        .doesNotContainPattern("java\\.|\\$|Exception:|McpSchema|LinkedHashMap|jackson");
    return message;
  }

  private static List<String> ids(JsonObject page) {
    JsonArray items = page.getJsonArray("items");
    return items.stream().map(item -> ((JsonObject) item).getString("id")).toList();
  }

  private static JsonObject runClient(String url, String token, String otherToken) throws Exception {
    Path out = Files.createTempFile("mcp-client", ".out");
    Path err = Files.createTempFile("mcp-client", ".err");
    try {
      var builder = new ProcessBuilder("node", "client.mjs").directory(CLIENT_DIR.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      builder.environment().put("MCP_URL", url);
      builder.environment().put("MCP_TOKEN", token);
      builder.environment().put("MCP_OTHER_TOKEN", otherToken);
      Process node = builder.start();
      if (!node.waitFor(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        node.destroyForcibly();
        throw new AssertionError("node client.mjs did not finish within " + CLIENT_TIMEOUT.toSeconds() + " s; stderr:\n"
            + Files.readString(err));
      }
      String stdout = Files.readString(out, StandardCharsets.UTF_8).strip();
      assertThat(stdout).as("client output (exit %d), stderr:%n%s", node.exitValue(), Files.readString(err)).startsWith("{");
      JsonObject summary = new JsonObject(stdout);
      System.out.println("MCP client summary: " + summary.encodePrettily());
      assertThat(node.exitValue()).as("client exit code; summary %s; stderr:%n%s", summary, Files.readString(err))
          .isZero();
      return summary;
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static void assumeClientCanRun() throws InterruptedException {
    try {
      Process version = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      assumeTrue(version.waitFor(10, TimeUnit.SECONDS) && version.exitValue() == 0,
          "skipped: `node --version` failed; the MCP client test needs Node 18+");
    } catch (IOException e) {
      assumeTrue(false, "skipped: node is not installed (" + e.getMessage() + "); the MCP client test needs Node 18+");
    }
    assumeTrue(Files.isDirectory(CLIENT_DIR.resolve("node_modules/@modelcontextprotocol/sdk")),
        "skipped: the MCP client's packages are not installed; run `npm ci --prefix modules/chat-service/src/test/mcp-client`");
  }
}
