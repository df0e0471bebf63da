package dev.todochatbot.chat.tools;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The task tools, bound to one signed-in user: every call acts for that user and can reach no one
 * else's tasks, whatever its arguments say (there is no user argument; task ids of other users are
 * "not found"). The same tools back the chat agents and the MCP server.
 */
public interface Tools {

  /** Every tool, in the catalog's order ({@link ToolCatalog}). */
  List<ToolSpec> specs();

  /**
   * Calls a tool. Unknown tools and arguments that break the tool's schema or rules are answered with
   * {@link ToolOutcome#error}; so is a task service that cannot be reached. The future itself does not fail.
   */
  Future<ToolOutcome> call(String tool, JsonObject arguments);
}
