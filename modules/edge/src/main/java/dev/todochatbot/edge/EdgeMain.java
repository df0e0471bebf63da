package dev.todochatbot.edge;

import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.Observability;
import dev.todochatbot.platform.Shutdown;
import dev.todochatbot.platform.Sidecar;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge on its own, as it runs in a container or beside a Dapr sidecar. With the Dapr CLI and daprd
 * of {@code make daprd} ({@code DAPR_RUNTIME_PATH}: see dapr/dapr.yaml), {@code KAFKA_BROKERS} exported
 * and dapr/secrets.json in place, from its target directory, where the secret store finds that file:
 * <pre>
 * cd modules/edge/target
 * dapr run --app-id edge --app-port 8090 --dapr-listen-addresses 127.0.0.1 \
 *   --placement-host-address '' --scheduler-host-address '' --resources-path ../../../dapr/components \
 *   --resources-path ../../../dapr/resiliency --config ../../../dapr/config.yaml -- \
 *   java -jar edge-0.1.0-SNAPSHOT-all.jar
 * </pre>
 * The app port is the events port ({@code EDGE_EVENTS_PORT}, 8090), where the sidecar delivers the WebSockets'
 * subscriptions; people use {@code PORT} (8080). All six services at once: {@code dapr run -f dapr/dapr.yaml}.
 * DATABASE_URL and JWT_SECRET come from the environment when set, else from the sidecar's secret
 * store (keys database-url and jwt-secret). The other services are reached by app id through the sidecar.
 */
public final class EdgeMain {

  private static final Logger log = LoggerFactory.getLogger(EdgeMain.class);

  private EdgeMain() {}

  public static void main(String[] args) {
    var vertx = Observability.newVertx();
    Shutdown.drainOnSignal(vertx);
    Sidecar.resolveSecrets(vertx, Env.system(), Map.of("DATABASE_URL", "database-url", "JWT_SECRET", "jwt-secret"))
        .map(EdgeConfig::fromEnv)
        .compose(config -> Edge.deploy(vertx, config).map(config))
        .onSuccess(config -> log.info("Edge listening on port {}", config.port()))
        .onFailure(failure -> Shutdown.fail("The edge could not start", failure));
  }
}
