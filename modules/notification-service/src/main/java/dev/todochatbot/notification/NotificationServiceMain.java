package dev.todochatbot.notification;

import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.Observability;
import dev.todochatbot.platform.Shutdown;
import dev.todochatbot.platform.Sidecar;
import io.vertx.core.Future;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notification service on its own, as it runs in a container or beside a Dapr sidecar. With the Dapr CLI and daprd
 * of {@code make daprd} ({@code DAPR_RUNTIME_PATH}: see dapr/dapr.yaml), {@code KAFKA_BROKERS} exported
 * and dapr/secrets.json in place, from its target directory, where the secret store finds that file:
 * <pre>
 * cd modules/notification-service/target
 * dapr run --app-id notification-service --app-port 8085 --dapr-listen-addresses 127.0.0.1 \
 *   --placement-host-address '' --scheduler-host-address '' --resources-path ../../../dapr/components \
 *   --resources-path ../../../dapr/resiliency --config ../../../dapr/config.yaml -- \
 *   java -jar notification-service-0.1.0-SNAPSHOT-all.jar
 * </pre>
 * The sidecar learns the subscription from {@code GET /dapr/subscribe} and calls
 * {@code POST /reminders/sweep} on every tick of the reminder-sweep cron binding. {@code JWT_SECRET}
 * and {@code DATABASE_URL} come from the environment when set, otherwise from the sidecar's secret
 * store (keys {@code jwt-secret} and {@code database-url}).
 */
public final class NotificationServiceMain {

  private static final Logger log = LoggerFactory.getLogger(NotificationServiceMain.class);
  private static final Map<String, String> SECRETS = Map.of("JWT_SECRET", "jwt-secret", "DATABASE_URL", "database-url");

  private NotificationServiceMain() {}

  public static void main(String[] args) {
    var vertx = Observability.newVertx();
    Shutdown.drainOnSignal(vertx);
    Sidecar.resolveSecrets(vertx, Env.system(), SECRETS)
        .recover(failure -> Future.failedFuture(new IllegalStateException("JWT_SECRET or DATABASE_URL is not set, "
            + "and the Dapr secret store could not be read instead: " + failure.getMessage(), failure)))
        .map(NotificationServiceConfig::fromEnv)
        .compose(config -> NotificationService.deploy(vertx, config).map(config))
        .onSuccess(config -> log.info("Notification service listening on port {}", config.port()))
        .onFailure(failure -> Shutdown.fail("The notification service could not start", failure));
  }
}
