package dev.todochatbot.chat.mcp;

import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.ErrorCodes;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * What a JSON-RPC message and the params of each method this server answers must look like, checked
 * before the SDK reads them. The SDK maps params onto its Java types and, when they do not fit, answers
 * with Jackson's words ("Cannot deserialize value of type `java.util.LinkedHashMap`"): here a wrong shape
 * is answered in the protocol's, naming the member and what it must be.
 */
final class McpMessages {

  /** A JSON-RPC error: its code (-32600 invalid request, -32602 invalid params) and message. */
  record Invalid(int code, String message) {}

  private final Set<String> tools;

  /** @param tools the names of the tools this server has, for tools/call */
  McpMessages(Set<String> tools) {
    this.tools = Set.copyOf(tools);
  }

  /**
   * Whether {@code message} (a JSON object of version 2.0) is a JSON-RPC request or notification: null
   * when it is one or holds no method (a response, answered elsewhere), else why not.
   */
  static Invalid envelope(JsonObject message) {
    if (message.containsKey("method")) {
      if (!(message.getValue("method") instanceof String method) || method.isEmpty()) {
        return invalidRequest("method must be a non-empty string, the name of the method to call (such as tools/list).");
      }
    }
    // MCP: a request id is a string or an integer, and never null
    if (message.containsKey("id") && !(message.getValue("id") instanceof String || isInteger(message.getValue("id")))) {
      return invalidRequest("id must be a string or an integer (MCP takes no null id).");
    }
    // JSON-RPC: params, when given, is a structured value (by name or by position)
    Object params = message.getValue("params");
    if (message.containsKey("params") && !(params instanceof JsonObject || params instanceof io.vertx.core.json.JsonArray)) {
      return invalidRequest("params must be an object when given.");
    }
    return null;
  }

  /** The message's id when it is one MCP takes (to answer under it), else null, as JSON-RPC answers then. */
  static Object id(JsonObject message) {
    Object id = message.getValue("id");
    return id instanceof String || isInteger(id) ? id : null;
  }

  /** Null when the params of a request to {@code method} are what it takes, else what is wrong. */
  Invalid params(String method, JsonObject request) {
    Object value = request.getValue("params");
    if (value != null && !(value instanceof JsonObject)) {
      return invalidParams("params of " + method + " are named: send an object, not a list.");
    }
    JsonObject params = (JsonObject) value;
    if (params != null && params.containsKey("_meta") && !(params.getValue("_meta") instanceof JsonObject)) {
      return invalidParams("params._meta must be an object when given.");
    }
    return switch (method) {
      case McpSchema.METHOD_INITIALIZE -> initialize(params);
      case McpSchema.METHOD_TOOLS_CALL -> toolsCall(params);
      case McpSchema.METHOD_TOOLS_LIST -> params == null || params.getValue("cursor") == null
          || params.getValue("cursor") instanceof String ? null
          : invalidParams("params.cursor must be a string, the nextCursor of the page before.");
      default -> null;
    };
  }

  private static Invalid initialize(JsonObject params) {
    if (params == null) {
      return invalidParams("initialize needs params: protocolVersion, capabilities and clientInfo.");
    }
    if (!(params.getValue("protocolVersion") instanceof String)) {
      return invalidParams("params.protocolVersion must be a string, the latest MCP version the client speaks "
          + "(such as \"2025-06-18\").");
    }
    if (!(params.getValue("capabilities") instanceof JsonObject)) {
      return invalidParams("params.capabilities must be an object (empty when the client offers none).");
    }
    if (!(params.getValue("clientInfo") instanceof JsonObject info) || !(info.getValue("name") instanceof String)
        || !(info.getValue("version") instanceof String)) {
      return invalidParams("params.clientInfo must be an object with the client's name and version, as strings.");
    }
    return null;
  }

  private Invalid toolsCall(JsonObject params) {
    if (params == null || !(params.getValue("name") instanceof String name) || name.isEmpty()) {
      return invalidParams("tools/call needs params.name, the name of a tool as a string (tools/list names them).");
    }
    if (!tools.contains(name)) {
      return invalidParams("There is no tool named " + quoted(name) + ": tools/list names the tools of this server.");
    }
    Object arguments = params.getValue("arguments");
    if (arguments != null && !(arguments instanceof JsonObject)) {
      return invalidParams("params.arguments must be an object of the tool's arguments by name (its inputSchema "
          + "in tools/list), not " + kind(arguments) + ".");
    }
    return null;
  }

  private static boolean isInteger(Object value) {
    return value instanceof Integer || value instanceof Long || value instanceof java.math.BigInteger;
  }

  private static String kind(Object value) {
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof io.vertx.core.json.JsonArray) {
      return "a list";
    }
    return value instanceof Boolean ? "a boolean" : "a number";
  }

  /** A name as the client sent it, cut short: it is not ours to echo at length. */
  private static String quoted(String name) {
    String shown = name.length() > 64 ? name.substring(0, 64) + "..." : name;
    return "\"" + shown.replaceAll("\\p{Cntrl}", "?") + "\"";
  }

  private static Invalid invalidRequest(String message) {
    return new Invalid(ErrorCodes.INVALID_REQUEST, message);
  }

  private static Invalid invalidParams(String message) {
    return new Invalid(ErrorCodes.INVALID_PARAMS, message);
  }
}
