package dev.todochatbot.bench;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the statements the task service sends for typical lists, on the seeded
 * table. The SQL text is copied from the statements TaskSql builds (modules/task-service), so that it is
 * the same text, parameters and all; when TaskSql changes, change {@link #shapes} to match.
 *
 * <p>Each statement is explained twice: with its parameter values (the plan of the first executions),
 * and as a prepared statement after five executions, which is what the service's connections run once
 * PostgreSQL's plan cache has settled (they cache prepared statements): it may then be a generic plan,
 * made without looking at the values.
 */
final class QueryPlans {

  /** One list request and the statement the service sends for it. */
  record Shape(String name, String request, String sql, Tuple params) {}

  /** What one statement did. */
  record Plan(Shape shape, String custom, String cached) {

    boolean cachedIsGeneric() {
      return cached.contains("$1");
    }
  }

  static final String COLUMNS = "id, user_id, title, description, status, priority, tags, due_at, time_zone, "
      + "all_day, created_at, updated_at, completed_at, version";
  private static final String DUE = "coalesce(due_at, 'infinity'::timestamptz)";
  private static final String DUE_DESC = "coalesce(due_at, '-infinity'::timestamptz)";
  private static final String BY_DUE = "SELECT " + COLUMNS + ", (" + DUE + ")::text AS k0 FROM tasks.task WHERE user_id = $1";
  private static final String ORDER_BY_DUE = " ORDER BY " + DUE + " ASC, id ASC";
  private static final String BY_PRIORITY = "SELECT " + COLUMNS + ", (priority)::text AS k0, (" + DUE
      + ")::text AS k1 FROM tasks.task WHERE user_id = $1 AND status = $2";
  private static final String ORDER_BY_PRIORITY = " ORDER BY priority DESC, " + DUE + " ASC, id ASC";
  private static final int PAGE = 51; // a page of 50 and one more, to know whether there is a next page
  private static final int CACHE_SETTLES_AFTER = 5;

  private final Pool pool;

  QueryPlans(Pool pool) {
    this.pool = pool;
  }

  /**
   * The representative lists of one user. The second pages start after the 50th row of the first
   * ones, as a cursor would.
   */
  Future<List<Shape>> shapes(String user) {
    UUID userId = UUID.fromString(user);
    String key = user.substring(0, 8); // search words are keyed by their owner, as SearchText does
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    Tuple openPage = Tuple.of(userId, "open", PAGE);
    String firstByDue = BY_DUE + " AND status = $2" + ORDER_BY_DUE + " LIMIT $3";
    String firstByPriority = BY_PRIORITY + ORDER_BY_PRIORITY + " LIMIT $3";
    return Future.all(
            row(firstByDue, openPage, PAGE - 2),
            row(firstByPriority, openPage, PAGE - 2),
            row("SELECT id FROM tasks.task WHERE user_id = $1 ORDER BY created_at LIMIT 1", Tuple.of(userId), 0))
        .map(rows -> {
          Row dueCursor = rows.resultAt(0);
          Row priorityCursor = rows.resultAt(1);
          Row someTask = rows.resultAt(2);
          String p = "($3::text)::smallint";
          String d = "($4::text)::timestamptz";
          return List.of(
              new Shape("get by id", "GET /api/tasks/{id}",
                  "SELECT " + COLUMNS + " FROM tasks.task WHERE id = $1 AND user_id = $2",
                  Tuple.of(someTask.getUUID("id"), userId)),
              new Shape("open, by due date (the default list)", "GET /api/tasks", firstByDue, openPage),
              new Shape("priority filter", "GET /api/tasks?priority=high&priority=urgent",
                  BY_DUE + " AND status = $2 AND priority = ANY($3)" + ORDER_BY_DUE + " LIMIT $4",
                  Tuple.of(userId, "open", new Short[] {3, 4}, PAGE)),
              new Shape("tag filter, any", "GET /api/tasks?tag=finance&tag=travel",
                  BY_DUE + " AND status = $2 AND tags && $3" + ORDER_BY_DUE + " LIMIT $4",
                  Tuple.of(userId, "open", new String[] {"finance", "travel"}, PAGE)),
              new Shape("tag filter, all", "GET /api/tasks?tag=work&tag=home&tagMode=all",
                  BY_DUE + " AND status = $2 AND tags @> $3" + ORDER_BY_DUE + " LIMIT $4",
                  Tuple.of(userId, "open", new String[] {"work", "home"}, PAGE)),
              new Shape("text search, one prefix", "GET /api/tasks?q=rep",
                  BY_DUE + " AND status = $2 AND search @@ ($3::text)::tsquery" + ORDER_BY_DUE + " LIMIT $4",
                  Tuple.of(userId, "open", "'" + key + "rep':*", PAGE)),
              new Shape("text search, two words", "GET /api/tasks?q=pay%20bil&status=all",
                  BY_DUE + " AND search @@ ($2::text)::tsquery" + ORDER_BY_DUE + " LIMIT $3",
                  Tuple.of(userId, "'" + key + "pay' & '" + key + "bil':*", PAGE)),
              new Shape("overdue", "GET /api/tasks?overdue=true",
                  BY_DUE + " AND status = $2 AND status = 'open' AND " + DUE + " < $3"
                      + " AND (NOT all_day OR due_at <= $3 - interval '1 day')" + ORDER_BY_DUE + " LIMIT $4",
                  Tuple.of(userId, "open", now, PAGE)),
              new Shape("due within a week", "GET /api/tasks?dueBefore=<now + 7 days>",
                  BY_DUE + " AND status = $2 AND " + DUE + " < $3" + ORDER_BY_DUE + " LIMIT $4",
                  Tuple.of(userId, "open", now.plusDays(7), PAGE)),
              new Shape("by priority", "GET /api/tasks?sort=priority", firstByPriority, openPage),
              new Shape("by title", "GET /api/tasks?sort=title",
                  "SELECT " + COLUMNS + ", (lower(title))::text AS k0 FROM tasks.task WHERE user_id = $1"
                      + " AND status = $2 ORDER BY lower(title) ASC, id ASC LIMIT $3", openPage),
              new Shape("second page, by due date", "GET /api/tasks?cursor=...",
                  BY_DUE + " AND status = $2 AND (" + DUE + ", id) > (($3::text)::timestamptz, $4::uuid)"
                      + ORDER_BY_DUE + " LIMIT $5",
                  Tuple.of(userId, "open", dueCursor.getString("k0"), dueCursor.getUUID("id"), PAGE)),
              new Shape("second page, by priority", "GET /api/tasks?sort=priority&cursor=...",
                  BY_PRIORITY + " AND (priority <= " + p + " AND ((priority < " + p + ") OR (priority = " + p
                      + " AND " + DUE + " > " + d + ") OR (priority = " + p + " AND " + DUE + " = " + d
                      + " AND id > $5::uuid)))" + ORDER_BY_PRIORITY + " LIMIT $6",
                  Tuple.of(userId, "open", priorityCursor.getString("k0"), priorityCursor.getString("k1"),
                      priorityCursor.getUUID("id"), PAGE)),
              new Shape("by due date, latest first", "GET /api/tasks?sort=dueAt&order=desc",
                  "SELECT " + COLUMNS + ", (" + DUE_DESC + ")::text AS k0 FROM tasks.task WHERE user_id = $1"
                      + " AND status = $2 ORDER BY " + DUE_DESC + " DESC, id DESC LIMIT $3", openPage),
              new Shape("completed, recently updated first", "GET /api/tasks?status=completed&sort=updatedAt",
                  "SELECT " + COLUMNS + ", (updated_at)::text AS k0 FROM tasks.task WHERE user_id = $1"
                      + " AND status = $2 ORDER BY updated_at DESC, id DESC LIMIT $3",
                  Tuple.of(userId, "completed", PAGE)),
              new Shape("everything, newest first", "GET /api/tasks?status=all&sort=createdAt",
                  "SELECT " + COLUMNS + ", (created_at)::text AS k0 FROM tasks.task WHERE user_id = $1"
                      + " ORDER BY created_at DESC, id DESC LIMIT $2", Tuple.of(userId, PAGE)));
        });
  }

  private Future<Row> row(String sql, Tuple params, int index) {
    return pool.preparedQuery(sql).execute(params).map(rows -> {
      int i = 0;
      for (Row row : rows) {
        if (i++ == index) {
          return row;
        }
      }
      throw new IllegalStateException("Too few seeded tasks to explain a second page (need " + (index + 1) + ")");
    });
  }

  /** Explains every shape, one after the other, on one connection. */
  Future<List<Plan>> explain(List<Shape> shapes) {
    return pool.withConnection(conn -> {
      var plans = new ArrayList<Plan>();
      Future<Void> chain = Future.succeededFuture();
      for (Shape shape : shapes) {
        chain = chain.compose(v -> explain(conn, shape)).map(plan -> {
          plans.add(plan);
          return null;
        });
      }
      return chain.map(v -> plans);
    });
  }

  /** The plan after the cache settled (the executions also warm the buffers), then the custom plan. */
  private Future<Plan> explain(SqlConnection conn, Shape shape) {
    String execute = "EXECUTE bench_plan(" + literals(shape.params()) + ")";
    Future<?> chain = conn.query("PREPARE bench_plan AS " + shape.sql()).execute();
    for (int i = 0; i < CACHE_SETTLES_AFTER; i++) {
      chain = chain.compose(v -> conn.query(execute).execute());
    }
    return chain
        .compose(v -> conn.query("EXPLAIN (ANALYZE, BUFFERS) " + execute).execute())
        .compose(cached -> conn.query("DEALLOCATE bench_plan").execute()
            .compose(v -> conn.preparedQuery("EXPLAIN (ANALYZE, BUFFERS) " + shape.sql()).execute(shape.params()))
            .map(custom -> new Plan(shape, text(custom), text(cached))));
  }

  private static String text(RowSet<Row> plan) {
    var lines = new ArrayList<String>();
    plan.forEach(row -> lines.add(row.getString(0)));
    return String.join("\n", lines);
  }

  /** The parameters as SQL literals for EXECUTE; PostgreSQL casts them to the prepared parameter types. */
  private static String literals(Tuple params) {
    var literals = new ArrayList<String>();
    for (int i = 0; i < params.size(); i++) {
      Object value = params.getValue(i);
      if (value == null) {
        literals.add("NULL");
      } else if (value instanceof Number n) {
        literals.add(n.toString());
      } else if (value instanceof Object[] array) {
        literals.add(quoted(java.util.Arrays.stream(array).map(e -> "\"" + e + "\"")
            .collect(Collectors.joining(",", "{", "}"))));
      } else {
        literals.add(quoted(value.toString()));
      }
    }
    return String.join(", ", literals);
  }

  private static String quoted(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  private static final Pattern EXECUTION_TIME = Pattern.compile("Execution Time: ([0-9.]+) ms");
  private static final Pattern INDEX = Pattern.compile("(?:using|Index Scan on) (task_[a-z_]+)");
  private static final Pattern ROWS_REMOVED = Pattern.compile("Rows Removed by (?:Filter|Index Recheck): ([0-9]+)");
  private static final Pattern SHARED_HIT = Pattern.compile("Buffers: shared hit=([0-9]+)");

  static double executionMs(String plan) {
    Matcher m = EXECUTION_TIME.matcher(plan);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  static String indexes(String plan) {
    var names = new TreeSet<String>();
    Matcher m = INDEX.matcher(plan);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names.isEmpty() ? "none (sequential scan)" : String.join(", ", names);
  }

  /** Rows read and thrown away by filters or rechecks, summed over the plan's nodes. */
  static long rowsRemoved(String plan) {
    long sum = 0;
    Matcher m = ROWS_REMOVED.matcher(plan);
    while (m.find()) {
      sum += Long.parseLong(m.group(1));
    }
    return sum;
  }

  /** Shared buffers of the top node (the whole statement): pages touched. */
  static long buffers(String plan) {
    Matcher m = SHARED_HIT.matcher(plan);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  /** The plans as Markdown: a table of what each did, then every plan in full. */
  static String markdown(List<Plan> plans, String postgresVersion, Seeder.Seeded seeded, String userId, int tasksPerAccount) {
    var md = new StringBuilder();
    md.append("# Query plans of the task list (generated by `make bench`)\n\n")
        .append("PostgreSQL ").append(postgresVersion).append(", ").append(String.format(Locale.ROOT, "%,d", seeded.tasks()))
        .append(" tasks in tasks.task (").append(seeded.tableMb()).append(" MiB with indexes), user ").append(userId)
        .append(" with ").append(String.format(Locale.ROOT, "%,d", tasksPerAccount)).append(" tasks. ")
        .append("Each statement was executed ").append(CACHE_SETTLES_AFTER)
        .append(" times as a prepared statement first (warm buffers, settled plan cache). ")
        .append("*custom* is the plan made with the parameter values; *cached* is the plan the sixth execution ")
        .append("of the prepared statement used, which is what the service's connections run from then on.\n\n")
        .append("| list | request | indexes | rows filtered out | buffers | custom ms | cached plan | cached ms |\n")
        .append("|---|---|---|---:|---:|---:|---|---:|\n");
    for (Plan plan : plans) {
      md.append("| ").append(plan.shape().name()).append(" | `").append(plan.shape().request()).append("` | ")
          .append(indexes(plan.custom())).append(" | ").append(rowsRemoved(plan.custom())).append(" | ")
          .append(buffers(plan.custom())).append(" | ").append(executionMs(plan.custom())).append(" | ")
          .append(plan.cachedIsGeneric() ? "generic: " + indexes(plan.cached()) : "custom").append(" | ")
          .append(executionMs(plan.cached())).append(" |\n");
    }
    for (Plan plan : plans) {
      md.append("\n## ").append(plan.shape().name()).append("\n\n`").append(plan.shape().request()).append("`\n\n")
          .append("```sql\n").append(plan.shape().sql()).append("\n```\n\n")
          .append("Parameters: ").append(literals(plan.shape().params())).append("\n\n")
          .append("```text\n").append(plan.custom()).append("\n```\n");
      if (plan.cachedIsGeneric()) {
        md.append("\nAfter ").append(CACHE_SETTLES_AFTER).append(" executions the plan cache switched to a generic plan:\n\n")
            .append("```text\n").append(plan.cached()).append("\n```\n");
      }
    }
    return md.toString();
  }
}
