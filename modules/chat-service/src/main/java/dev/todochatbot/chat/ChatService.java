package dev.todochatbot.chat;

import dev.todochatbot.chat.agent.Agent;
import dev.todochatbot.chat.mcp.McpEndpoint;
import dev.todochatbot.chat.tools.TaskTools;
import dev.todochatbot.chat.tools.Tools;
import dev.todochatbot.platform.Database;
import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.ServiceInvoker;
import dev.todochatbot.platform.Sidecar;
import dev.todochatbot.platform.Tokens;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Starts the chat service in a Vert.x instance: migrate the schema, then one API verticle per event
 * loop, all sharing one agent and reaching the task service through the Dapr sidecar.
 */
public final class ChatService {

  public static final String SCHEMA = "chat";
  /** The Dapr app-id, and the service name the task service lets act for a user. */
  public static final String APP_ID = TaskTools.APP_ID;
  /** Where MCP clients (Claude Desktop, an IDE) reach the same tools, with the user's bearer token. */
  public static final String MCP_PATH = "/mcp";

  private ChatService() {}

  public static Future<String> deploy(Vertx vertx, ChatServiceConfig config, Agent agent) {
    return deploy(vertx, config, agent, new Sidecar(vertx, config.sidecar()));
  }

  /** With another way to reach the task service (tests that run without a sidecar). */
  public static Future<String> deploy(Vertx vertx, ChatServiceConfig config, Agent agent, ServiceInvoker services) {
    Function<Principal, Tools> toolsFor = TaskTools.factory(services, Tokens.forServices(vertx, config.jwtSecret()));
    BiConsumer<Router, Handler<RoutingContext>> mcp =
        (router, signedIn) -> McpEndpoint.mount(router, MCP_PATH, toolsFor, signedIn);
    return Database.migrate(vertx, config.database(), SCHEMA)
        .compose(v -> vertx.deployVerticle(new AgentCloser(agent)))
        .compose(v -> vertx.deployVerticle(() -> new ChatApiVerticle(config, agent, toolsFor, mcp),
            new DeploymentOptions().setInstances(config.instances())));
  }

  /** Closes the agent (a model's HTTP client and its threads) when Vert.x shuts down. */
  private static final class AgentCloser extends io.vertx.core.VerticleBase {
    private final Agent agent;

    AgentCloser(Agent agent) {
      this.agent = agent;
    }

    @Override
    public Future<?> stop() throws Exception {
      if (agent instanceof AutoCloseable closeable) {
        return vertx.executeBlocking(() -> {
          closeable.close();
          return null;
        });
      }
      return Future.succeededFuture();
    }
  }
}
