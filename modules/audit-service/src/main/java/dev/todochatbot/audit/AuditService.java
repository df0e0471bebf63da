package dev.todochatbot.audit;

import dev.todochatbot.platform.Database;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Starts the audit service in a Vert.x instance: migrate the schema, then one API verticle per event loop. */
public final class AuditService {

  public static final String SCHEMA = "audit";
  /** The Dapr app-id: the consumer group on task-events, and the name other services invoke. */
  public static final String APP_ID = "audit-service";

  private AuditService() {}

  public static Future<String> deploy(Vertx vertx, AuditServiceConfig config) {
    return Database.migrate(vertx, config.database(), SCHEMA)
        .compose(v -> vertx.deployVerticle(() -> new AuditApiVerticle(config),
            new DeploymentOptions().setInstances(config.instances())));
  }
}
