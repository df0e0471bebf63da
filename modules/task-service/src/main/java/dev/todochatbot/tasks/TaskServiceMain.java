package dev.todochatbot.tasks;

import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.Observability;
import dev.todochatbot.platform.Shutdown;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task service on its own, as it runs in a container or beside a Dapr sidecar:
 * <pre>
 * DATABASE_URL=postgresql://... JWT_SECRET=... java -jar modules/task-service/target/task-service-*-all.jar
 * </pre>
 */
public final class TaskServiceMain {

  private static final Logger log = LoggerFactory.getLogger(TaskServiceMain.class);

  private TaskServiceMain() {}

  public static void main(String[] args) {
    TaskServiceConfig config = TaskServiceConfig.fromEnv(Env.system());
    var vertx = Observability.newVertx();
    Shutdown.closeOnExit(vertx);
    TaskService.deploy(vertx, config)
        .onSuccess(id -> log.info("Task service listening on port {}", config.port()))
        .onFailure(failure -> Shutdown.fail("The task service could not start", failure));
  }
}
