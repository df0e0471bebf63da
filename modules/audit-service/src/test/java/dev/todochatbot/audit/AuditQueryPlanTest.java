package dev.todochatbot.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.Database;
import dev.todochatbot.platform.DatabaseConfig;
import dev.todochatbot.platform.events.TaskEventType;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The plans PostgreSQL chooses for the statements of {@link AuditSql} on a table of 200,000 events
 * (100 users with 1,000 each, one with 100,000): every page is one index range, never a scan of the
 * table, and {@code since} never reads the rows it skips. Plans, not timings: the plans are printed
 * to the test output for reading.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditQueryPlanTest {

  private static final UUID USER = UUID.fromString("00000000-0000-0000-0000-000000000007");
  private static final UUID HEAVY = UUID.fromString("ffffffff-0000-0000-0000-000000000000");
  private static final UUID TASK = UUID.fromString("00000000-0000-0000-0000-000000000011");
  /** The heavy user's events occur every 10 s from 2026-01-01: 100,000 of them reach into 2026-01-12. */
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private Vertx vertx;
  private Pool pool;

  @BeforeAll
  void seed() throws SQLException {
    DatabaseConfig database = TestPostgres.newDatabase("plans");
    vertx = Vertx.vertx();
    Await.result(Database.migrate(vertx, database, AuditService.SCHEMA));
    String row = """
        INSERT INTO audit.task_event (event_id, user_id, task_id, type, actor, occurred_at, event)
        SELECT gen_random_uuid(), %s, ('00000000-0000-0000-0000-' || lpad(to_hex(g %% %d), 12, '0'))::uuid,
               CASE WHEN g %% 40 = 0 THEN 'task.deleted.v1' WHEN g %% 3 = 1 THEN 'task.completed.v1'
                    ELSE 'task.updated.v1' END,
               'user', timestamptz '2026-01-01' + g * interval '%s',
               jsonb_build_object('eventId', gen_random_uuid(), 'task', jsonb_build_object('title', repeat('t', 60),
                   'description', repeat('d', 200)), 'changes', jsonb_build_object('title',
                   jsonb_build_object('previous', 'a', 'current', 'b')))
        """;
    try (var connection = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
        var statement = connection.createStatement()) {
      // users' events interleaved, as they arrive
      statement.execute(row.formatted("u.id", 200, "1 minute") + """
          FROM generate_series(1, 1000) g,
               (SELECT ('00000000-0000-0000-0000-' || lpad(to_hex(n), 12, '0'))::uuid AS id
                FROM generate_series(1, 100) n) u
          ORDER BY g, u.id""");
      statement.execute(row.formatted("'" + HEAVY + "'::uuid", 5000, "10 seconds") + " FROM generate_series(1, 100000) g");
      statement.execute("VACUUM ANALYZE audit.task_event");
    }
    pool = Database.pool(vertx, database, 1, "plans");
  }

  @AfterAll
  void stop() {
    Await.result(vertx.close());
  }

  @Test
  void aHistoryPageIsARangeOfTheTaskIndex() {
    String plan = explain("history", AuditSql.HISTORY, AuditSql.historyParams(USER, TASK, query(null, Set.of(), 0)));

    assertThat(plan).contains("Index Scan using task_event_user_task on task_event").doesNotContain("Sort");
  }

  @Test
  void trailPagesAreRangesOfTheUserIndexInPositionOrder() {
    for (long after : new long[] {0, 150_000}) {
      String plan = explainTrail("trail after " + after, HEAVY, query(null, Set.of(), after));

      assertThat(plan).contains("Index Scan using task_event_user on task_event").doesNotContain("Sort")
          .doesNotContain("Filter");
    }
  }

  @Test
  void sinceNeverReadsTheRowsItSkips() {
    // an instant before all, in the middle, and near the end of the heavy user's trail
    for (Instant since : new Instant[] {START, START.plusSeconds(500_000), START.plusSeconds(997_000)}) {
      String plan = explainTrail("since " + since, HEAVY, query(since, Set.of(), 0));

      assertThat(plan).contains("Index Scan using task_event_user").doesNotContain("Seq Scan")
          .doesNotContain("Bitmap").doesNotContainPattern("Filter: .*occurred_at");
    }
    assertThat(explainTrail("since, one user of many", USER, query(START.plusSeconds(30_000), Set.of(), 0)))
        .contains("Index Scan using task_event_user").doesNotContainPattern("Filter: .*occurred_at");
  }

  @Test
  void typesAreFilteredAlongTheUserIndex() {
    String plan = explainTrail("type", HEAVY, query(START.plusSeconds(500_000), EnumSet.of(TaskEventType.DELETED), 0));

    assertThat(plan).contains("Index Scan using task_event_user").doesNotContain("Seq Scan");
  }

  private static AuditQuery query(Instant since, Set<TaskEventType> types, long after) {
    return new AuditQuery(since, types, AuditQuery.DEFAULT_LIMIT, after);
  }

  private String explainTrail(String what, UUID userId, AuditQuery query) {
    AuditSql.Statement statement = AuditSql.trail(userId, query);
    return explain(what, statement.sql(), statement.params());
  }

  /** The plan of a statement run with its parameters, as the service runs it (a plan for these values). */
  private String explain(String what, String sql, Tuple params) {
    String plan = Await.result(pool.preparedQuery("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql).execute(params)
        .map(rows -> StreamSupport.stream(rows.spliterator(), false).map(r -> r.getString(0))
            .collect(Collectors.joining("\n"))));
    System.out.println("## " + what + "\n" + sql + "\n" + plan + "\n");
    return plan;
  }
}
