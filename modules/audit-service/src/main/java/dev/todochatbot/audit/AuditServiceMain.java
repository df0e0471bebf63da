package dev.todochatbot.audit;

import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.Observability;
import dev.todochatbot.platform.Shutdown;
import dev.todochatbot.platform.Sidecar;
import dev.todochatbot.platform.SidecarConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit service on its own, as it runs in a container or beside a Dapr sidecar. With the Dapr CLI and daprd
 * of {@code make daprd} ({@code DAPR_RUNTIME_PATH}: see dapr/dapr.yaml), {@code KAFKA_BROKERS} exported
 * and dapr/secrets.json in place, from its target directory, where the secret store finds that file:
 * <pre>
 * cd modules/audit-service/target
 * dapr run --app-id audit-service --app-port 8082 --dapr-listen-addresses 127.0.0.1 \
 *   --placement-host-address '' --scheduler-host-address '' --resources-path ../../../dapr/components \
 *   --resources-path ../../../dapr/resiliency --config ../../../dapr/config.yaml -- \
 *   java -jar audit-service-0.1.0-SNAPSHOT-all.jar
 * </pre>
 * The sidecar learns the subscription from {@code GET /dapr/subscribe}. {@code JWT_SECRET} and
 * {@code DATABASE_URL} come from the environment when set, otherwise from the sidecar's secret store
 * (keys {@code jwt-secret} and {@code database-url}).
 */
public final class AuditServiceMain {

  private static final Logger log = LoggerFactory.getLogger(AuditServiceMain.class);
  private static final Map<String, String> SECRETS = Map.of("JWT_SECRET", "jwt-secret", "DATABASE_URL", "database-url");

  private AuditServiceMain() {}

  public static void main(String[] args) {
    var vertx = Observability.newVertx();
    Shutdown.drainOnSignal(vertx);
    withSecrets(vertx, Env.system())
        .map(AuditServiceConfig::fromEnv)
        .compose(config -> AuditService.deploy(vertx, config).map(config))
        .onSuccess(config -> log.info("Audit service listening on port {}", config.port()))
        .onFailure(failure -> Shutdown.fail("The audit service could not start", failure));
  }

  /** The environment, with the credentials it lacks read from the Dapr secret store once the sidecar is up. */
  private static Future<Env> withSecrets(Vertx vertx, Env env) {
    if (SECRETS.keySet().stream().allMatch(name -> env.optional(name).isPresent())) {
      return Future.succeededFuture(env);
    }
    var sidecar = new Sidecar(vertx, SidecarConfig.fromEnv(env));
    return sidecar.awaitReady(Duration.ofSeconds(60))
        .compose(ready -> sidecar.withSecrets(env, SECRETS))
        .recover(failure -> Future.failedFuture(new IllegalStateException("JWT_SECRET or DATABASE_URL is not set, "
            + "and the Dapr secret store could not be read instead: " + failure.getMessage(), failure)))
        .eventually(sidecar::close);
  }
}
