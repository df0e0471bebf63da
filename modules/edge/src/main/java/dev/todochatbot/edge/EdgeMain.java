package dev.todochatbot.edge;

import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.Observability;
import dev.todochatbot.platform.Shutdown;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge on its own, as it runs in a container or beside a Dapr sidecar:
 * <pre>
 * DATABASE_URL=postgresql://... JWT_SECRET=... TASK_SERVICE_URL=http://localhost:8081 \
 *   java -jar modules/edge/target/edge-*-all.jar
 * </pre>
 */
public final class EdgeMain {

  private static final Logger log = LoggerFactory.getLogger(EdgeMain.class);

  private EdgeMain() {}

  public static void main(String[] args) {
    EdgeConfig config = EdgeConfig.fromEnv(Env.system());
    var vertx = Observability.newVertx();
    Shutdown.closeOnExit(vertx);
    Edge.deploy(vertx, config)
        .onSuccess(id -> log.info("Edge listening on port {}", config.port()))
        .onFailure(failure -> Shutdown.fail("The edge could not start", failure));
  }
}
