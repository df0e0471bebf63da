package dev.todochatbot.bench;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills tasks.task straight through SQL, one INSERT ... SELECT per account, so that a million rows take
 * a minute rather than hours of API calls. The rows look like a person's list: titles from
 * {@link Vocabulary}, ~30 % with a description, ~70 % open, ~80 % due within 90 days either side of
 * now (a fifth of those all-day), priorities leaning to none and medium, 0-3 tags skewed to the common
 * ones. The search column is built the way the service builds it for plain ASCII words.
 */
final class Seeder {

  /** What seeding took. */
  record Seeded(long tasks, double insertSeconds, double vacuumAnalyzeSeconds, long tableMb) {}

  private static final Logger log = LoggerFactory.getLogger(Seeder.class);

  /** Accounts seeded at the same time, one connection each: PostgreSQL then works on both cores. */
  static final int PARALLEL = 2;

  // $1 user id, $2 how many, $3 words, $4 tags, $5 now
  private static final String INSERT_TASKS = """
      WITH draw AS (
        SELECT random() < 0.3 AS completed,
               random() < 0.3 AS described,
               random() < 0.8 AS dated,
               random() < 0.2 AS all_day,
               random() AS r_priority,
               $5::timestamptz - random() * interval '365 days' AS created_at,
               $5::timestamptz + (random() * 180 - 90) * interval '1 day' AS due,
               2 + floor(random() * 4)::int AS title_words,
               5 + floor(random() * 11)::int AS description_words,
               floor(random() * 4)::int AS tag_count
        FROM generate_series(1, $2::int)
      ), shaped AS (
        SELECT d.*,
               d.created_at + random() * ($5::timestamptz - d.created_at) AS updated_at,
               (SELECT string_agg(($3::text[])[1 + floor(random() * cardinality($3::text[]))::int], ' ')
                  FROM generate_series(1, d.title_words)) AS words,
               CASE WHEN d.described THEN
                 (SELECT string_agg(($3::text[])[1 + floor(random() * cardinality($3::text[]))::int], ' ')
                    FROM generate_series(1, d.description_words)) END AS description,
               ARRAY(SELECT DISTINCT ($4::text[])[1 + floor(cardinality($4::text[]) * random() ^ 2)::int]
                       FROM generate_series(1, d.tag_count)) AS tags
        FROM draw d
      )
      INSERT INTO tasks.task (id, user_id, title, description, status, priority, tags, due_at, time_zone, all_day,
                              created_at, updated_at, completed_at, version, search)
      SELECT gen_random_uuid(), $1::uuid,
             upper(left(words, 1)) || substr(words, 2),
             description,
             CASE WHEN completed THEN 'completed' ELSE 'open' END,
             CASE WHEN r_priority < 0.3 THEN 0 WHEN r_priority < 0.5 THEN 1 WHEN r_priority < 0.75 THEN 2
                  WHEN r_priority < 0.9 THEN 3 ELSE 4 END,
             tags,
             CASE WHEN NOT dated THEN NULL
                  WHEN all_day THEN date_trunc('day', due, 'UTC')
                  ELSE date_trunc('minute', due) END,
             'UTC',
             dated AND all_day,
             created_at,
             updated_at,
             CASE WHEN completed THEN updated_at END,
             1 + floor(random() * 3)::int,
             -- as SearchText builds it: distinct lower-case words, each prefixed with the user's key
             array_to_tsvector(ARRAY(
               SELECT DISTINCT left($1::text, 8) || w
               FROM regexp_split_to_table(
                 lower(words || ' ' || coalesce(description, '') || ' ' || array_to_string(tags, ' ')),
                 '[^a-z0-9]+') AS w
               WHERE w <> ''))
      FROM shaped
      """;

  private final Pool pool;

  Seeder(Pool pool) {
    this.pool = pool;
  }

  /** Seeds {@code tasksPerAccount} tasks for each user id, then VACUUM ANALYZE and a checkpoint. */
  Future<Seeded> seed(List<String> userIds, int tasksPerAccount) {
    long started = System.nanoTime();
    var now = OffsetDateTime.now(ZoneOffset.UTC);
    var seeded = new AtomicInteger();
    var inserted = new double[1];
    return Parallel.limited(userIds.size(), PARALLEL, i -> insertTasks(userIds.get(i), tasksPerAccount, now)
            .onSuccess(done -> {
              if (seeded.incrementAndGet() % 10 == 0) {
                log.info("Seeded {} of {} accounts", seeded.get(), userIds.size());
              }
            }))
        .compose(done -> {
          inserted[0] = seconds(started);
          log.info("Inserted {} tasks in {} s; VACUUM ANALYZE and CHECKPOINT", (long) userIds.size() * tasksPerAccount,
              round(inserted[0]));
          return pool.query("VACUUM (ANALYZE) tasks.task").execute();
        })
        .compose(done -> pool.query("CHECKPOINT").execute())
        .compose(done -> pool.query("SELECT count(*), pg_total_relation_size('tasks.task') / 1048576 FROM tasks.task")
            .execute())
        .map(rows -> {
          Row row = rows.iterator().next();
          return new Seeded(row.getLong(0), round(inserted[0]), round(seconds(started) - inserted[0]), row.getLong(1));
        });
  }

  private Future<Void> insertTasks(String userId, int count, OffsetDateTime now) {
    var params = Tuple.of(UUID.fromString(userId), count, Vocabulary.WORDS.toArray(String[]::new),
        Vocabulary.TAGS.toArray(String[]::new), now);
    return pool.preparedQuery(INSERT_TASKS).execute(params).mapEmpty();
  }

  /** About {@code perAccount} random task ids of each account, for requests that name a task. */
  Future<Map<String, List<String>>> sampleTaskIds(int tasksPerAccount, int perAccount) {
    return sampleTaskIds(tasksPerAccount, perAccount, "");
  }

  /** Of about {@code perAccount} random tasks of each account, the ids of the open ones (some 70 %), to complete. */
  Future<Map<String, List<String>>> sampleOpenTaskIds(int tasksPerAccount, int perAccount) {
    return sampleTaskIds(tasksPerAccount, perAccount, " WHERE status = 'open'");
  }

  private Future<Map<String, List<String>>> sampleTaskIds(int tasksPerAccount, int perAccount, String where) {
    double percent = Math.min(100.0, 100.0 * perAccount / tasksPerAccount);
    return pool.query("SELECT user_id, id FROM tasks.task TABLESAMPLE BERNOULLI (" + percent + ")" + where).execute()
        .map(rows -> {
          var ids = new HashMap<String, List<String>>();
          for (Row row : rows) {
            ids.computeIfAbsent(row.getUUID(0).toString(), u -> new ArrayList<>()).add(row.getUUID(1).toString());
          }
          return ids;
        });
  }

  Future<String> postgresVersion() {
    return pool.query("SHOW server_version").execute().map(rows -> rows.iterator().next().getString(0));
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  static double round(double value) {
    return Math.round(value * 10) / 10.0;
  }
}
