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
 * for a batch, a response or a malformed request, invalid params for params a method does not take:
 * {@link McpMessages}); their text says what to send instead, and never names a Java class.
 */
final class VertxMcpTransport implements McpStatelessServerTransport {

  private static final Logger log = LoggerFactory.getLogger(VertxMcpTransport.class);
  private static final String JSON = "application/json";
  private static final String EVENT_STREAM = "text/event-stream";

  private final McpJsonMapper mapper;
  private final McpMessages messages;
  private final Function<RoutingContext, McpTransportContext> contextOf;
  private final String bodyLimit;
  private volatile McpStatelessServerHandler handler;
  private volatile boolean closing;

  /**
   * @param contextOf what the SDK hands the tools from each request: here the signed-in user
   * @param bodyLimit the body limit of the route in words ("1 MiB"), for the 413 answer
   */
  VertxMcpTransport(McpJsonMapper mapper, McpMessages messages, Function<RoutingContext, McpTransportContext> contextOf,
      String bodyLimit) {
    this.mapper = mapper;
    this.messages = messages;
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

  /**
   * The body as one JSON-RPC message whose params fit its method; null when it is not one, the error
   * already sent.
   */
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
      // the parser's own words name its classes and tokens: not the client's to read
      sendError(ctx, 400, null, ErrorCodes.PARSE_ERROR, "The request body is not valid JSON: send one JSON-RPC message "
          + "as a JSON object.");
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
    McpMessages.Invalid envelope = McpMessages.envelope(object);
    if (envelope != null) {
      sendError(ctx, 400, McpMessages.id(object), envelope.code(), envelope.message());
      return null;
    }
    if (object.getValue("method") instanceof String method && object.containsKey("id")) {
      McpMessages.Invalid params = messages.params(method, object);
      if (params != null) {
        // answered as the SDK answers its own errors of a request: 200, the error under the request's id
        sendError(ctx, 200, McpMessages.id(object), params.code(), params.message());
        return null;
      }
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
    if (failure instanceof McpError mcp && mcp.getJsonRpcError().code() != ErrorCodes.INTERNAL_ERROR) {
      error = mcp.getJsonRpcError();
    } else if (failure instanceof IllegalArgumentException) {
      // the SDK could not read the params as the method's type, past McpMessages' checks; Jackson's
      // words (the cause) name Java types, so they go to the log only
      log.info("MCP {} params the SDK could not read: {}", request.method(), failure.toString());
      error = new McpSchema.JSONRPCResponse.JSONRPCError(ErrorCodes.INVALID_PARAMS,
          "The params of " + request.method() + " are not what it takes: see its schema in the MCP specification.");
    } else {
      // an internal error of the SDK carries the exception's text as its message: logged, never sent
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
}
