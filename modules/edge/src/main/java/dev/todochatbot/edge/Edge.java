package dev.todochatbot.edge;

import dev.todochatbot.platform.Database;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Starts the edge in a Vert.x instance: migrate schema identity, then one verticle per event loop. */
public final class Edge {

  public static final String SCHEMA = "identity";

  private Edge() {}

  public static Future<String> deploy(Vertx vertx, EdgeConfig config) {
    // one set of sign-in limits for every event loop: a client's connections land on any of them
    var limits = new SignInLimits(config.signInLimits());
    return Database.migrate(vertx, config.database(), SCHEMA)
        .compose(v -> vertx.deployVerticle(() -> new EdgeVerticle(config, limits),
            new DeploymentOptions().setInstances(config.instances())));
  }
}
