package dev.todochatbot.chat.mcp;

import dev.todochatbot.platform.HttpProblems;
import dev.todochatbot.platform.Problem;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.spec.HttpHeaders;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.ErrorCodes;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The MCP Java SDK's stateless streamable HTTP transport, on a vertx-web route instead of a servlet: it
 * reads one JSON-RPC message per POST, hands it to the SDK's {@link McpStatelessServerHandler} and
 * writes the answer, {@code application/json} (or one server-sent event when the client accepts only
 * {@code text/event-stream}). Nothing is kept between requests, so any replica can answer any of them.
 *
 * <p>The SDK answers with a Reactor {@link Mono}; it is subscribed on the event loop and its result
 * written back on the request's Vert.x context. Nothing here blocks: tool calls are Vert.x futures
 * that the SDK awaits as {@code Mono}s ({@link McpEndpoint}).
 *
 * <p>Errors of the message itself are JSON-RPC errors (parse error for malformed JSON, invalid request
 * for a batch or a response); their text never carries a stack trace.
 */
final class VertxMcpTransport implements McpStatelessServerTransport {

  private static final Logger log = LoggerFactory.getLogger(VertxMcpTransport.class);
  private static final String JSON = "application/json";
  private static final String EVENT_STREAM = "text/event-stream";
  private static final Set<String> NEEDS_PARAMS = Set.of(McpSchema.METHOD_INITIALIZE, McpSchema.METHOD_TOOLS_CALL);

  private final McpJsonMapper mapper;
  private final Function<RoutingContext, McpTransportContext> contextOf;
  private final String bodyLimit;
  private volatile McpStatelessServerHandler handler;
  private volatile boolean closing;

  /**
   * @param contextOf what the SDK hands the tools from each request: here the signed-in user
   * @param bodyLimit the body limit of the route in words ("1 MiB"), for the 413 answer
   */
  VertxMcpTransport(McpJsonMapper mapper, Function<RoutingContext, McpTransportContext> contextOf, String bodyLimit) {
    this.mapper = mapper;
    this.contextOf = contextOf;
    this.bodyLimit = bodyLimit;
  }

  @Override
  public void setMcpHandler(McpStatelessServerHandler handler) {
    this.handler = handler;
  }

  @Override
  public Mono<Void> closeGracefully() {
    return Mono.fromRunnable(() -> closing = true);
  }

  /** POST: one JSON-RPC request (answered) or notification (202), after the route has read the body. */
  void post(RoutingContext ctx) {
    if (closing || handler == null) {
      sendError(ctx, 503, null, ErrorCodes.INTERNAL_ERROR, "The MCP server is shutting down: retry on another replica.");
      return;
    }
    String version = ctx.request().getHeader(HttpHeaders.PROTOCOL_VERSION);
    if (version != null && !protocolVersions().contains(version)) {
      sendError(ctx, 400, null, ErrorCodes.INVALID_REQUEST, "Unsupported MCP protocol version " + version
          + "; this server speaks " + String.join(", ", protocolVersions()) + ".");
      return;
    }
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type != null && !type.toLowerCase(Locale.ROOT).startsWith(JSON)) {
      sendError(ctx, 415, null, ErrorCodes.INVALID_REQUEST, "Send the JSON-RPC message as application/json, not " + type + ".");
      return;
    }
    if (answerType(ctx) == null) {
      sendError(ctx, 406, null, ErrorCodes.INVALID_REQUEST, "Accept application/json or text/event-stream.");
      return;
    }
    McpSchema.JSONRPCMessage message = read(ctx);
    if (message == null) {
      return;
    }
    McpTransportContext context = contextOf.apply(ctx);
    if (message instanceof McpSchema.JSONRPCRequest request) {
      answer(ctx, context, request);
    } else if (message instanceof McpSchema.JSONRPCNotification notification) {
      acknowledge(ctx, context, notification);
    } else {
      sendError(ctx, 400, null, ErrorCodes.INVALID_REQUEST,
          "This server sends no requests, so it takes no JSON-RPC responses: send a request or a notification.");
    }
  }

  /** GET (the server-to-client stream) and DELETE (ending a session): a stateless server has neither. */
  static void methodNotAllowed(RoutingContext ctx) {
    ctx.response().putHeader("Allow", "POST");
    HttpProblems.send(ctx, Problem.of(405, "method-not-allowed", "Method not allowed", "This MCP server is stateless: "
        + "POST one JSON-RPC message per request; it has no event stream to GET and no session to DELETE."));
  }

  /** Failures of the route itself: a body over the limit, or a bug. */
  void failure(RoutingContext ctx) {
    int status = ctx.statusCode();
    if (status == 413) {
      sendError(ctx, 413, null, ErrorCodes.INVALID_REQUEST, "The request body is over the " + bodyLimit + " limit.");
      return;
    }
    if (status >= 400 && status < 500) {
      sendError(ctx, status, null, ErrorCodes.INVALID_REQUEST, "The request could not be read (HTTP " + status + ").");
      return;
    }
    String incident = UUID.randomUUID().toString();
    log.error("MCP request failed (incident {})", incident, ctx.failure());
    sendError(ctx, 500, null, ErrorCodes.INTERNAL_ERROR, "Something went wrong on our side. Quote incident " + incident
        + " when reporting it.");
  }

  /** The body as one JSON-RPC message; null when it is not one, the error already sent. */
  private McpSchema.JSONRPCMessage read(RoutingContext ctx) {
    String body = ctx.body() == null ? null : ctx.body().asString();
    if (body == null || body.isBlank()) {
      sendError(ctx, 400, null, ErrorCodes.PARSE_ERROR, "The request body is empty: send one JSON-RPC message.");
      return null;
    }
    Object json;
    try {
      json = Json.decodeValue(body);
    } catch (DecodeException e) {
      sendError(ctx, 400, null, ErrorCodes.PARSE_ERROR, "The request body is not valid JSON: " + firstLine(e.getMessage()));
      return null;
    }
    if (json instanceof JsonArray) {
      sendError(ctx, 400, null, ErrorCodes.INVALID_REQUEST, "JSON-RPC batches are not supported: send one message per request.");
      return null;
    }
    if (!(json instanceof JsonObject object) || !"2.0".equals(object.getValue("jsonrpc"))) {
      sendError(ctx, 400, null, ErrorCodes.INVALID_REQUEST, "The body is not a JSON-RPC 2.0 message (\"jsonrpc\": \"2.0\").");
      return null;
    }
    try {
      return McpSchema.deserializeJsonRpcMessage(mapper, body);
    } catch (IOException | RuntimeException e) {
      sendError(ctx, 400, object.getValue("id"), ErrorCodes.INVALID_REQUEST,
          "The body is not a JSON-RPC request (method and id), notification (method) or response (id and result or error).");
      return null;
    }
  }

  private void answer(RoutingContext ctx, McpTransportContext context, McpSchema.JSONRPCRequest request) {
    if (request.params() == null && NEEDS_PARAMS.contains(request.method())) {
      // the SDK would fail on the missing params with a NullPointerException, answered as an internal error
      send(ctx, 200, encode(McpSchema.JSONRPCResponse.error(request.id(), new McpSchema.JSONRPCResponse.JSONRPCError(
          ErrorCodes.INVALID_PARAMS, request.method() + " needs params."))));
      return;
    }
    // defer: the SDK's handlers may throw before they return a Mono (params of the wrong shape)
    Mono<McpSchema.JSONRPCResponse> response = Mono.defer(() -> handler.handleRequest(context, request))
        .contextWrite(reactor -> reactor.put(McpTransportContext.KEY, context))
        .onErrorResume(failure -> Mono.just(errorResponse(request, failure)))
        .switchIfEmpty(Mono.fromSupplier(
            () -> errorResponse(request, new IllegalStateException("no answer to " + request.method()))));
    Future.fromCompletionStage(response.toFuture(), ctx.vertx().getOrCreateContext())
        .map(this::encode)
        .onSuccess(json -> send(ctx, 200, json))
        .onFailure(ctx::fail);
  }

  private void acknowledge(RoutingContext ctx, McpTransportContext context, McpSchema.JSONRPCNotification notification) {
    if (McpSchema.METHOD_NOTIFICATION_INITIALIZED.equals(notification.method())) {
      // a stateless server keeps no session to mark initialized, and the SDK has no handler for it
      // (it would log a warning for every client that connects)
      ctx.response().setStatusCode(202).end();
      return;
    }
    Mono<Void> handled = Mono.defer(() -> handler.handleNotification(context, notification))
        .contextWrite(reactor -> reactor.put(McpTransportContext.KEY, context))
        .onErrorResume(failure -> {
          log.warn("MCP notification {} failed: {}", notification.method(), failure.toString());
          return Mono.empty();
        });
    Future.fromCompletionStage(handled.toFuture(), ctx.vertx().getOrCreateContext())
        .onSuccess(nothing -> ctx.response().setStatusCode(202).end())
        .onFailure(ctx::fail);
  }

  /** A failure the SDK did not turn into a JSON-RPC error itself; unexpected ones get an incident id. */
  private McpSchema.JSONRPCResponse errorResponse(McpSchema.JSONRPCRequest request, Throwable failure) {
    McpSchema.JSONRPCResponse.JSONRPCError error;
    if (failure instanceof McpError mcp) {
      error = mcp.getJsonRpcError();
    } else if (failure instanceof IllegalArgumentException) {
      // the SDK could not read the params as the method's type (Jackson's error is the cause)
      Throwable reason = failure.getCause() == null ? failure : failure.getCause();
      error = new McpSchema.JSONRPCResponse.JSONRPCError(ErrorCodes.INVALID_PARAMS,
          "The params of " + request.method() + " are not right: " + firstLine(reason.getMessage()));
    } else {
      String incident = UUID.randomUUID().toString();
      log.error("MCP {} failed (incident {})", request.method(), incident, failure);
      error = new McpSchema.JSONRPCResponse.JSONRPCError(ErrorCodes.INTERNAL_ERROR,
          "Something went wrong on our side. Quote incident " + incident + " when reporting it.");
    }
    return McpSchema.JSONRPCResponse.error(request.id(), error);
  }

  private void sendError(RoutingContext ctx, int status, Object id, int code, String message) {
    var error = new JsonObject().put("jsonrpc", McpSchema.JSONRPC_VERSION).put("id", id)
        .put("error", new JsonObject().put("code", code).put("message", message));
    send(ctx, status, error.encode());
  }

  /** JSON, or one {@code message} event when the client takes only an event stream. */
  private void send(RoutingContext ctx, int status, String json) {
    if (ctx.response().headWritten() || ctx.response().closed()) {
      return;
    }
    ctx.response().setStatusCode(status);
    if (EVENT_STREAM.equals(answerType(ctx)) && status == 200) {
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, EVENT_STREAM).putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
          .end("event: message\ndata: " + json + "\n\n");
    } else {
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(json);
    }
  }

  /**
   * What the client takes: JSON unless it accepts only an event stream (the streamable HTTP spec lets
   * the server choose when a client accepts both); null when it accepts neither.
   */
  private static String answerType(RoutingContext ctx) {
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    if (accept == null) {
      return JSON;
    }
    accept = accept.toLowerCase(Locale.ROOT);
    if (accept.contains(JSON) || accept.contains("application/*") || accept.contains("*/*")) {
      return JSON;
    }
    return accept.contains(EVENT_STREAM) ? EVENT_STREAM : null;
  }

  private String encode(Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    String line = nl < 0 ? message : message.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
