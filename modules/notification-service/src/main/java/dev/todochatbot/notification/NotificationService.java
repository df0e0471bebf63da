package dev.todochatbot.notification;

import dev.todochatbot.platform.Database;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;

/** Starts the notification service in a Vert.x instance: migrate the schema, then its API verticles. */
public final class NotificationService {

  public static final String SCHEMA = "notify";
  /** The Dapr app-id: the consumer group on task-events, and the only app the reminder-sweep binding calls. */
  public static final String APP_ID = "notification-service";

  private NotificationService() {}

  public static Future<String> deploy(Vertx vertx, NotificationServiceConfig config) {
    return deploy(vertx, config, InetAddress::getAllByName);
  }

  /** With the webhooks' hosts looked up by {@code resolver}: tests' names for their receivers. */
  static Future<String> deploy(Vertx vertx, NotificationServiceConfig config, WebhookAddresses.Resolver resolver) {
    return Database.migrate(vertx, config.database(), SCHEMA)
        .compose(v -> vertx.deployVerticle(() -> new NotificationApiVerticle(config, resolver),
            new DeploymentOptions().setInstances(config.instances())));
  }
}
