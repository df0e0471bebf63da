package dev.todochatbot.chat.mcp;

import dev.todochatbot.chat.tools.Tools;
import dev.todochatbot.platform.HttpProblems;
import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.testing.Await;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** An HTTP server on a free port with nothing but the MCP endpoint at /mcp, wired as the chat service wires it. */
final class McpTestServer implements AutoCloseable {

  private final McpEndpoint endpoint;
  private final HttpServer server;

  private McpTestServer(McpEndpoint endpoint, HttpServer server) {
    this.endpoint = endpoint;
    this.server = server;
  }

  static McpTestServer start(Vertx vertx, Function<Principal, Tools> toolsForUser, Handler<RoutingContext> authenticate) {
    Router router = Router.router(vertx);
    HttpProblems.install(router);
    McpEndpoint endpoint = McpEndpoint.mount(router, "/mcp", toolsForUser, authenticate);
    HttpServer server = Await.result(vertx.createHttpServer().requestHandler(router).listen(0));
    return new McpTestServer(endpoint, server);
  }

  int port() {
    return server.actualPort();
  }

  String url() {
    return "http://localhost:" + port() + "/mcp";
  }

  @Override
  public void close() {
    Await.result(endpoint.close());
    Await.result(server.close());
  }
}
