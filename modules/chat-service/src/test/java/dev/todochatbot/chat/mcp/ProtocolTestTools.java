package dev.todochatbot.chat.mcp;

import dev.todochatbot.chat.tools.ToolCatalog;
import dev.todochatbot.chat.tools.ToolOutcome;
import dev.todochatbot.chat.tools.ToolSpec;
import dev.todochatbot.chat.tools.Tools;
import dev.todochatbot.platform.Principal;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Stand-in tools for the protocol tests only (the real ones need the task service): each call answers,
 * a moment later on the event loop, who it ran for and what it was given. Arguments are checked against
 * the catalog as the real tools do; {@code delete_task} fails its future, as a bug in a tool would.
 */
final class ProtocolTestTools implements Tools {

  private final Vertx vertx;
  private final Principal user;

  ProtocolTestTools(Vertx vertx, Principal user) {
    this.vertx = vertx;
    this.user = user;
  }

  @Override
  public List<ToolSpec> specs() {
    return ToolCatalog.get().specs();
  }

  @Override
  public Future<ToolOutcome> call(String tool, JsonObject arguments) {
    var problem = ToolCatalog.get().check(tool, arguments);
    if (problem.isPresent()) {
      return Future.succeededFuture(problem.get());
    }
    if (tool.equals("delete_task")) {
      return Future.failedFuture(new IllegalStateException("a bug in delete_task"));
    }
    boolean calledOnEventLoop = Context.isOnEventLoopThread();
    Promise<ToolOutcome> answer = Promise.promise();
    vertx.setTimer(5, id -> answer.complete(ToolOutcome.ok(new JsonObject()
        .put("user", user.userId().toString())
        .put("tool", tool)
        .put("arguments", arguments)
        .put("calledOnEventLoop", calledOnEventLoop))));
    return answer.future();
  }
}
