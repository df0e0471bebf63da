package dev.todochatbot.platform;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Database start-up shared by the services: each migrates its own schema, then opens its pool. */
public final class Database {

  private static final Logger log = LoggerFactory.getLogger(Database.class);

  private static final java.util.concurrent.atomic.AtomicInteger POOLS = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Starts a statement that must not be cached as a prepared statement. A cached statement soon runs
   * on a generic plan that cannot see its values; where the values decide the plan (which tags,
   * which words, which page of a list) a statement planned per call is many times faster.
   */
  public static final String PLANNED_PER_CALL = "/* planned per call */ ";

  private Database() {}

  /**
   * Runs the Flyway migrations under {@code classpath:db/<schema>} into {@code schema}. JDBC blocks,
   * so this runs on a worker thread.
   */
  public static Future<Void> migrate(Vertx vertx, DatabaseConfig config, String schema) {
    return vertx.executeBlocking(() -> {
      // Flyway looks its database types and the JDBC driver up through the class loader it is given, by
      // default the thread's context class loader. A start that read its secrets from the sidecar first
      // came here, now and then, on a worker with none ("No JDBC driver found to handle jdbc:postgresql:"),
      // so it is given this class's own
      var result = Flyway.configure(Database.class.getClassLoader())
          .dataSource(config.jdbcUrl(), config.user(), config.password())
          .schemas(schema)
          .createSchemas(true)
          .locations("classpath:db/" + schema)
          // a database that starts a little after the service is waited for (1+2+4+5+5+5 s), an
          // unreachable one fails start-up with its reason instead of minutes of silence
          .connectRetries(6)
          .connectRetriesInterval(5)
          .load()
          .migrate();
      // the target version is only set when migrations ran; on a start with nothing to do, the initial one holds
      if (result.migrationsExecuted == 0) {
        log.info("Schema {} at version {} (up to date) on {}", schema, result.initialSchemaVersion, config);
      } else {
        log.info("Schema {} at version {} ({} migrations applied) on {}", schema, result.targetSchemaVersion,
            result.migrationsExecuted, config);
      }
      return null;
    });
  }

  /**
   * A pool for the calling verticle's event loop. Each verticle instance has its own, so each pool
   * gets its own name (the metrics tell them apart).
   */
  public static Pool pool(Vertx vertx, DatabaseConfig config, int size, String name) {
    String instance = name + "-" + POOLS.incrementAndGet();
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size).setName(instance).setMaxWaitQueueSize(10_000))
        .connectingTo(config.connectOptions()
            .setPreparedStatementCacheSqlFilter(sql -> !sql.startsWith(PLANNED_PER_CALL)))
        .using(vertx)
        .build();
  }
}
