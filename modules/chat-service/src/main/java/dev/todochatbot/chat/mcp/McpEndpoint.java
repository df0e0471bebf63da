package dev.todochatbot.chat.mcp;

import dev.todochatbot.chat.tools.ToolCatalog;
import dev.todochatbot.chat.tools.ToolOutcome;
import dev.todochatbot.chat.tools.ToolSpec;
import dev.todochatbot.chat.tools.Tools;
import dev.todochatbot.platform.Observability;
import dev.todochatbot.platform.Principal;
import io.micrometer.core.instrument.Timer;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessAsyncServer;
import io.modelcontextprotocol.server.McpStatelessServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The task tools as an MCP server (streamable HTTP, stateless), built with the official MCP Java SDK on
 * a vertx-web route. Each request is authenticated first; every tool call then runs as the user its
 * token names ({@code toolsForUser}), so a token reaches that user's tasks and no one else's.
 *
 * <pre>{@code
 * McpEndpoint mcp = McpEndpoint.mount(router, "/mcp", TaskTools.factory(services, serviceTokens),
 *     tokens.requireUser());
 * ...
 * mcp.close();   // new requests are refused with 503 while the server drains
 * }</pre>
 *
 * The tools and their schemas are the {@link ToolCatalog}'s, the same the chat agents offer a model.
 */
public final class McpEndpoint {

  public static final String SERVER_NAME = "todo-chatbot";
  /** The largest JSON-RPC message taken; a tool's arguments are far smaller. */
  public static final int BODY_LIMIT_BYTES = 1024 * 1024;

  static final String INSTRUCTIONS = """
      Tools for the signed-in user's to-do list (todo-chatbot). Every tool acts for the user whose bearer \
      token was sent and sees only that user's tasks. Find tasks and their ids with list_tasks, search_tasks, \
      filter_tasks or sort_tasks before changing one; create them with add_task or create_recurring_task; \
      change them with update_task, complete_task, delete_task, set_task_priority, set_task_due_date and \
      add_task_tags; manage reminders with set_reminder and list_reminders. Times are ISO-8601; a time \
      without an offset is read in the user's time zone. Results are JSON; a result marked as an error says \
      what to change in the arguments.""";

  private static final Logger log = LoggerFactory.getLogger(McpEndpoint.class);
  private static final McpJsonMapper MAPPER = McpJsonDefaults.getMapper();
  /** Where the transport leaves the request's user for the tool calls. */
  private static final String USER = "todo.principal";

  private final McpStatelessAsyncServer server;

  private McpEndpoint(McpStatelessAsyncServer server) {
    this.server = server;
  }

  /**
   * Serves MCP at {@code path}: POST behind {@code authenticate} (which must leave a {@link Principal} in
   * the context, as {@code Tokens.requireUser()} does, or answer 401 itself); GET and DELETE are 405.
   */
  public static McpEndpoint mount(Router router, String path, Function<Principal, Tools> toolsForUser,
      Handler<RoutingContext> authenticate) {
    var toolNames = ToolCatalog.get().specs().stream().map(ToolSpec::name).collect(java.util.stream.Collectors.toSet());
    var transport = new VertxMcpTransport(MAPPER, new McpMessages(toolNames),
        ctx -> McpTransportContext.create(Map.of(USER, Principal.of(ctx))), "1 MiB");
    McpStatelessAsyncServer server = McpServer.async(transport)
        .serverInfo(SERVER_NAME, version())
        .instructions(INSTRUCTIONS)
        .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
        .jsonMapper(MAPPER)
        .jsonSchemaValidator(new SchemaValidator())
        // Tools.call holds the arguments against the same schemas and says what to fix in its own words
        .validateToolInputs(false)
        .tools(ToolCatalog.get().specs().stream().map(spec -> tool(spec, toolsForUser)).toList())
        .build();
    router.post(path)
        .handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES))
        .handler(authenticate)
        .handler(transport::post)
        .failureHandler(transport::failure);
    router.route(path).handler(VertxMcpTransport::methodNotAllowed);
    return new McpEndpoint(server);
  }

  /** Stops taking requests (503); those under way finish. */
  public Future<Void> close() {
    return Future.fromCompletionStage(server.closeGracefully().toFuture());
  }

  private static AsyncToolSpecification tool(ToolSpec spec, Function<Principal, Tools> toolsForUser) {
    var tool = McpSchema.Tool.builder(spec.name(), toMap(spec.inputSchema()))
        .description(spec.description())
        .build();
    return new AsyncToolSpecification(tool,
        (context, request) -> call(toolsForUser, (Principal) context.get(USER), request));
  }

  /** The call as a Mono over the tools' Vert.x future: it completes on the event loop that ran the call. */
  private static Mono<CallToolResult> call(Function<Principal, Tools> toolsForUser, Principal user,
      McpSchema.CallToolRequest request) {
    Timer.Sample timing = Timer.start();
    return Mono.defer(() -> Mono.fromCompletionStage(
            toolsForUser.apply(user).call(request.name(), arguments(request)).toCompletionStage()))
        .doOnNext(outcome -> timing.stop(callTimer(request.name(), outcome.isError() ? "error" : "ok")))
        .map(McpEndpoint::result)
        .onErrorResume(failure -> {
          // Tools.call answers errors as outcomes; a failed future is a bug, not the caller's to read
          timing.stop(callTimer(request.name(), "failed"));
          String incident = UUID.randomUUID().toString();
          log.error("MCP tool {} failed for user {} (incident {})", request.name(), user.userId(), incident, failure);
          return Mono.just(result(ToolOutcome.error("The tool " + request.name()
              + " failed on our side. Quote incident " + incident + " when reporting it.")));
        });
  }

  /** One series per catalog tool and outcome: the SDK refuses names outside the catalog before the call. */
  private static Timer callTimer(String tool, String outcome) {
    return Timer.builder("mcp.tool.calls").tag("tool", tool).tag("outcome", outcome)
        .description("MCP tool calls by tool and outcome: ok, error (answered, the caller has something to fix) "
            + "or failed (a bug)")
        .register(Observability.registry());
  }

  /**
   * The outcome's JSON as text (what every client reads) and as structured content; an error's text is
   * its message, its structured content keeps the fields to fix.
   */
  static CallToolResult result(ToolOutcome outcome) {
    return CallToolResult.builder()
        .addTextContent(outcome.isError() ? outcome.errorMessage() : outcome.json().encode())
        .structuredContent(toMap(outcome.json()))
        .isError(outcome.isError())
        .build();
  }

  private static JsonObject arguments(McpSchema.CallToolRequest request) {
    if (request.arguments() == null) {
      return new JsonObject();
    }
    try {
      return new JsonObject(MAPPER.writeValueAsString(request.arguments()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> toMap(JsonObject json) {
    try {
      return MAPPER.readValue(json.encode(), new TypeRef<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String version() {
    String version = McpEndpoint.class.getPackage().getImplementationVersion();
    return version == null ? "0.1.0" : version;
  }
}
