package dev.todochatbot.recurrence;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Starts the recurrence service in a Vert.x instance: its API verticles, nothing else (it keeps no state). */
public final class RecurrenceService {

  /** The Dapr app-id: the consumer group on task-events, and the caller the task service's internal routes admit. */
  public static final String APP_ID = "recurrence-service";

  private RecurrenceService() {}

  public static Future<String> deploy(Vertx vertx, RecurrenceServiceConfig config) {
    return vertx.deployVerticle(() -> new RecurrenceApiVerticle(config),
        new DeploymentOptions().setInstances(config.instances()));
  }
}
