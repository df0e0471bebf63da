package dev.todochatbot.chat;

import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.Observability;
import dev.todochatbot.platform.Shutdown;
import dev.todochatbot.platform.Sidecar;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat service on its own, as it runs in a container or beside a Dapr sidecar. With the Dapr CLI and daprd
 * of {@code make daprd} ({@code DAPR_RUNTIME_PATH}: see dapr/dapr.yaml), {@code KAFKA_BROKERS} exported
 * and dapr/secrets.json in place, from its target directory, where the secret store finds that file:
 * <pre>
 * cd modules/chat-service/target
 * dapr run --app-id chat-service --app-port 8083 --dapr-listen-addresses 127.0.0.1 \
 *   --placement-host-address '' --scheduler-host-address '' --resources-path ../../../dapr/components \
 *   --resources-path ../../../dapr/resiliency --config ../../../dapr/config.yaml -- \
 *   java -jar chat-service-0.1.0-SNAPSHOT-all.jar
 * </pre>
 * {@code JWT_SECRET}, {@code DATABASE_URL} and {@code OPENAI_API_KEY} come from the environment when
 * set, else from the sidecar's secret store (keys {@code jwt-secret}, {@code database-url},
 * {@code openai-api-key}); without a key the built-in language engine answers.
 */
public final class ChatServiceMain {

  private static final Logger log = LoggerFactory.getLogger(ChatServiceMain.class);
  static final Map<String, String> SECRETS =
      Map.of("JWT_SECRET", "jwt-secret", "DATABASE_URL", "database-url", "OPENAI_API_KEY", "openai-api-key");

  private ChatServiceMain() {}

  public static void main(String[] args) {
    var vertx = Observability.newVertx();
    Shutdown.drainOnSignal(vertx);
    Sidecar.resolveSecrets(vertx, Env.system(), SECRETS)
        .compose(env -> {
          var config = ChatServiceConfig.fromEnv(env);
          var agent = Agents.fromEnv(vertx, env);
          log.info("Chat agent: {}", agent.name());
          return ChatService.deploy(vertx, config, agent).map(config);
        })
        .onSuccess(config -> log.info("Chat service listening on port {}", config.port()))
        .onFailure(failure -> Shutdown.fail("The chat service could not start", failure));
  }
}
