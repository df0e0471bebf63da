package dev.todochatbot.tasks;

import dev.todochatbot.platform.Database;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Starts the task service in a Vert.x instance: migrate the schema, then one API verticle per event
 * loop and the outbox relay.
 */
public final class TaskService {

  public static final String SCHEMA = "tasks";

  private TaskService() {}

  public static Future<String> deploy(Vertx vertx, TaskServiceConfig config) {
    return Database.migrate(vertx, config.database(), SCHEMA)
        .compose(v -> vertx.deployVerticle(new OutboxRelay(config)))
        .compose(v -> vertx.deployVerticle(() -> new TaskApiVerticle(config),
            new DeploymentOptions().setInstances(config.instances())));
  }
}
