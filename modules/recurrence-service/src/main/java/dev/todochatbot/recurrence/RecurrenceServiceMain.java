package dev.todochatbot.recurrence;

import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.Observability;
import dev.todochatbot.platform.Shutdown;
import dev.todochatbot.platform.Sidecar;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recurrence service on its own, as it runs in a container or beside a Dapr sidecar. With the Dapr CLI and daprd
 * of {@code make daprd} ({@code DAPR_RUNTIME_PATH}: see dapr/dapr.yaml), {@code KAFKA_BROKERS} exported
 * and dapr/secrets.json in place, from its target directory, where the secret store finds that file:
 * <pre>
 * cd modules/recurrence-service/target
 * dapr run --app-id recurrence-service --app-port 8084 --dapr-listen-addresses 127.0.0.1 \
 *   --placement-host-address '' --scheduler-host-address '' --resources-path ../../../dapr/components \
 *   --resources-path ../../../dapr/resiliency --config ../../../dapr/config.yaml -- \
 *   java -jar recurrence-service-0.1.0-SNAPSHOT-all.jar
 * </pre>
 * The sidecar learns the subscription from {@code GET /dapr/subscribe}. {@code JWT_SECRET} comes from
 * the environment when set, else from the sidecar's secret store (key {@code jwt-secret}).
 */
public final class RecurrenceServiceMain {

  private static final Logger log = LoggerFactory.getLogger(RecurrenceServiceMain.class);

  private RecurrenceServiceMain() {}

  public static void main(String[] args) {
    var vertx = Observability.newVertx();
    Shutdown.drainOnSignal(vertx);
    Sidecar.resolveSecrets(vertx, Env.system(), Map.of("JWT_SECRET", "jwt-secret"))
        .map(RecurrenceServiceConfig::fromEnv)
        .compose(config -> RecurrenceService.deploy(vertx, config).map(config))
        .onSuccess(config -> log.info("Recurrence service listening on port {}", config.port()))
        .onFailure(failure -> Shutdown.fail("The recurrence service could not start", failure));
  }
}
