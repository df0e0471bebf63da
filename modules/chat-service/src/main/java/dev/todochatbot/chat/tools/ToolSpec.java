package dev.todochatbot.chat.tools;

import io.vertx.core.json.JsonObject;

/**
 * A tool as a model or an MCP client sees it: its name, a description written for a model to read,
 * and the JSON Schema (draft 2020-12) of its arguments object.
 */
public record ToolSpec(String name, String description, JsonObject inputSchema) {}
