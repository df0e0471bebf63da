package dev.todochatbot.standalone;

import dev.todochatbot.embedded.testing.TestKafka;
import dev.todochatbot.platform.DatabaseConfig;
import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.testing.TestPostgres;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The environment an end-to-end test starts the whole system with: a database of its own on the
 * test PostgreSQL, the test Kafka broker, every port chosen when it binds, one event loop per service.
 */
final class EndToEndEnv {

  static final String JWT_SECRET = "end-to-end-secret-that-is-long-enough-for-hs256";

  private EndToEndEnv() {}

  /** {@code overrides} replace or add variables (more instances, a fixed port). */
  static Env of(String databaseName, Path dataDir, Map<String, String> overrides) {
    return of(databaseName, dataDir, overrides, java.util.Set.of());
  }

  /** As {@link #of(String, Path, Map)} without the variables named in {@code unset} (make run then makes them). */
  static Env of(String databaseName, Path dataDir, Map<String, String> overrides, java.util.Set<String> unset) {
    DatabaseConfig database = TestPostgres.newDatabase(databaseName);
    var env = new HashMap<String, String>();
    env.put("DATA_DIR", dataDir.toString());
    env.put("DATABASE_URL", DatabaseConfig.url(database.host(), database.port(), database.database(), database.user(),
        database.password()));
    env.put("KAFKA_BROKERS", TestKafka.bootstrapServers());
    env.put("JWT_SECRET", JWT_SECRET);
    for (String port : new String[] {"PORT", "EDGE_EVENTS_PORT", "TASK_SERVICE_PORT", "AUDIT_SERVICE_PORT",
        "RECURRENCE_SERVICE_PORT", "NOTIFICATION_SERVICE_PORT", "CHAT_SERVICE_PORT"}) {
      env.put(port, "0");
    }
    for (String instances : new String[] {"TASK_SERVICE_INSTANCES", "EDGE_INSTANCES", "CHAT_SERVICE_INSTANCES"}) {
      env.put(instances, "1");
    }
    env.putAll(overrides);
    env.keySet().removeAll(unset);
    return new Env(env);
  }
}
