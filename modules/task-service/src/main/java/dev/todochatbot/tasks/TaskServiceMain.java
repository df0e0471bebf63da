package dev.todochatbot.tasks;

import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.Observability;
import dev.todochatbot.platform.Shutdown;
import dev.todochatbot.platform.Sidecar;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task service on its own, as it runs in a container or beside a Dapr sidecar. With the Dapr CLI and daprd
 * of {@code make daprd} ({@code DAPR_RUNTIME_PATH}: see dapr/dapr.yaml), {@code KAFKA_BROKERS} exported
 * and dapr/secrets.json in place, from its target directory, where the secret store finds that file:
 * <pre>
 * cd modules/task-service/target
 * dapr run --app-id task-service --app-port 8081 --dapr-listen-addresses 127.0.0.1 \
 *   --placement-host-address '' --scheduler-host-address '' --resources-path ../../../dapr/components \
 *   --resources-path ../../../dapr/resiliency --config ../../../dapr/config.yaml -- \
 *   java -jar task-service-0.1.0-SNAPSHOT-all.jar
 * </pre>
 * DATABASE_URL and JWT_SECRET come from the environment when set, else from the sidecar's secret
 * store (keys database-url and jwt-secret).
 */
public final class TaskServiceMain {

  private static final Logger log = LoggerFactory.getLogger(TaskServiceMain.class);

  private TaskServiceMain() {}

  public static void main(String[] args) {
    var vertx = Observability.newVertx();
    Shutdown.drainOnSignal(vertx);
    Sidecar.resolveSecrets(vertx, Env.system(), Map.of("DATABASE_URL", "database-url", "JWT_SECRET", "jwt-secret"))
        .map(TaskServiceConfig::fromEnv)
        .compose(config -> TaskService.deploy(vertx, config).map(config))
        .onSuccess(config -> log.info("Task service listening on port {}", config.port()))
        .onFailure(failure -> Shutdown.fail("The task service could not start", failure));
  }
}
