package dev.todochatbot.tasks;

import dev.todochatbot.platform.Database;
import dev.todochatbot.tasks.TaskQuery.Sort;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * The SQL of the task service. Statements are fixed text with parameters; the list query is put
 * together from fixed fragments chosen by the parsed {@link TaskQuery}, never from what was typed.
 */
final class TaskSql {

  private TaskSql() {}

  /** The columns of a task, in the order {@link Task#fromRow} reads them. */
  static final String COLUMNS = "id, user_id, title, description, status, priority, tags, due_at, time_zone, "
      + "all_day, created_at, updated_at, completed_at, version, recurrence_rule, recurrence_mode, series_id, "
      + "occurrence, reminders";

  static final String INSERT = "INSERT INTO tasks.task (" + COLUMNS + ", search) "
      + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, "
      + "array_to_tsvector($20))";

  static final String SELECT_ONE = "SELECT " + COLUMNS + " FROM tasks.task WHERE id = $1 AND user_id = $2";

  static final String SELECT_ONE_FOR_UPDATE = SELECT_ONE + " FOR UPDATE";

  /** Writes the whole row, with the parameters of {@link #rowParams} (created_at is written back unchanged). */
  static final String UPDATE = "UPDATE tasks.task SET title = $3, description = $4, status = $5, priority = $6, "
      + "tags = $7, due_at = $8, time_zone = $9, all_day = $10, created_at = $11, updated_at = $12, "
      + "completed_at = $13, version = $14, recurrence_rule = $15, recurrence_mode = $16, series_id = $17, "
      + "occurrence = $18, reminders = $19, search = array_to_tsvector($20) WHERE id = $1 AND user_id = $2";

  /** The user's task that holds a reminder ($2: {@code [{"id": "<reminder id>"}]}). */
  static final String SELECT_BY_REMINDER = "SELECT " + COLUMNS
      + " FROM tasks.task WHERE user_id = $1 AND reminders @> ($2::text)::jsonb";

  static final String DELETE = "DELETE FROM tasks.task WHERE id = $1 AND user_id = $2";

  /*
   * Each change and its outbox row in one statement (a data-modifying WITH runs whether or not it is
   * referenced): atomic without a transaction of its own, and one round trip. The payload goes in as
   * text, because a String bound to a json parameter would be sent as a JSON string.
   */
  private static final String OUTBOX_INSERT =
      " INSERT INTO tasks.outbox (event_id, user_id, type, payload) VALUES ($%d, $2, $%d, ($%d::text)::json)";

  static final String INSERT_WITH_EVENT = "WITH changed AS (" + INSERT + ")" + OUTBOX_INSERT.formatted(21, 22, 23);

  static final String UPDATE_WITH_EVENT = "WITH changed AS (" + UPDATE + ")" + OUTBOX_INSERT.formatted(21, 22, 23);

  /**
   * The next occurrence of a series and its event, unless that occurrence exists already: then
   * nothing is written and no row comes back.
   */
  static final String INSERT_OCCURRENCE_WITH_EVENT = "WITH claimed AS (INSERT INTO tasks.series_occurrence "
      + "(series_id, occurrence, task_id) VALUES ($17, $18, $1) ON CONFLICT DO NOTHING RETURNING task_id), "
      + "changed AS (INSERT INTO tasks.task (" + COLUMNS + ", search) SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, "
      + "$10, $11, $12, $13, $14, $15, $16, $17, $18, $19, array_to_tsvector($20) FROM claimed RETURNING id) "
      + "INSERT INTO tasks.outbox (event_id, user_id, type, payload) SELECT $21, $2, $22, ($23::text)::json "
      + "FROM changed RETURNING id";

  /** The task created as an occurrence of a series, if it still exists. */
  static final String SELECT_OCCURRENCE = "SELECT " + COLUMNS + " FROM tasks.task WHERE id = (SELECT task_id "
      + "FROM tasks.series_occurrence WHERE series_id = $1 AND occurrence = $2) AND user_id = $3";

  /** The delete, its tombstone for the changes feed ($6: when), and its event. */
  static final String DELETE_WITH_EVENT = "WITH changed AS (" + DELETE + " RETURNING id, version), "
      + "tombstone AS (INSERT INTO tasks.deleted_task (id, user_id, deleted_at, version) "
      + "SELECT id, $2, $6, version + 1 FROM changed)" + OUTBOX_INSERT.formatted(3, 4, 5);

  /** Tasks changed after a position ($2 instant, $3 id) in (updated_at, id) order, for the changes feed. */
  static final String CHANGED_SINCE = "SELECT " + COLUMNS + " FROM tasks.task WHERE user_id = $1 "
      + "AND (updated_at, id) > ($2, $3) ORDER BY updated_at, id LIMIT $4";

  static final String DELETED_SINCE = "SELECT id, deleted_at, version FROM tasks.deleted_task WHERE user_id = $1 "
      + "AND (deleted_at, id) > ($2, $3) ORDER BY deleted_at, id LIMIT $4";

  /** {@link #rowParams} followed by the event's id, type and payload. */
  static Tuple rowParamsWithEvent(Task t, TaskEvents.Pending event) {
    return rowParams(t).addUUID(event.eventId()).addString(event.type().wireName()).addString(event.payload());
  }

  /** A task as the parameters of {@link #INSERT} and {@link #UPDATE}: its columns in order, then its search words. */
  static Tuple rowParams(Task t) {
    return Tuple.tuple(List.of()).addUUID(t.id()).addUUID(t.userId()).addString(t.title())
        .addString(t.description()).addString(t.status().json()).addShort(t.priority().rank())
        .addArrayOfString(t.tags().toArray(String[]::new)).addOffsetDateTime(utc(t.dueAt()))
        .addString(t.timeZone()).addBoolean(t.allDay()).addOffsetDateTime(utc(t.createdAt()))
        .addOffsetDateTime(utc(t.updatedAt())).addOffsetDateTime(utc(t.completedAt())).addInteger(t.version())
        .addString(t.recurrence() == null ? null : t.recurrence().rule())
        .addString(t.recurrence() == null ? null : t.recurrence().mode().json())
        .addUUID(t.seriesId()).addInteger(t.occurrence())
        .addValue(Reminder.toJson(t.reminders()))
        .addArrayOfString(SearchText.document(t.userId(), t.title(), t.description(), t.tags()));
  }

  static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  /** One sort key: an expression matching an index, its direction, and how a cursor value is cast back. */
  record SortKey(String expression, boolean descending, String cast) {}

  private static final String DUE_LAST = "coalesce(due_at, 'infinity'::timestamptz)";
  private static final String DUE_LAST_DESC = "coalesce(due_at, '-infinity'::timestamptz)";

  /** The keys of a sort order, ending with id so that every position is unique and pages are stable. */
  static List<SortKey> sortKeys(Sort sort, boolean descending) {
    var id = new SortKey("id", descending, "uuid");
    return switch (sort) {
      // tasks without a due date come last either way
      case DUE_AT -> descending
          ? List.of(new SortKey(DUE_LAST_DESC, true, "timestamptz"), id)
          : List.of(new SortKey(DUE_LAST, false, "timestamptz"), id);
      // within a priority, soonest due first
      case PRIORITY -> List.of(new SortKey("priority", descending, "smallint"),
          new SortKey(DUE_LAST, false, "timestamptz"), new SortKey("id", false, "uuid"));
      case CREATED_AT -> List.of(new SortKey("created_at", descending, "timestamptz"), id);
      case UPDATED_AT -> List.of(new SortKey("updated_at", descending, "timestamptz"), id);
      case TITLE -> List.of(new SortKey("lower(title)", descending, "text"), id);
    };
  }

  /** The list statement and its parameters for one user's query. Fetches one row more than a page. */
  record ListStatement(String sql, Tuple params, List<SortKey> keys) {}

  static ListStatement list(UUID userId, TaskQuery query, Instant now) {
    List<SortKey> keys = sortKeys(query.sort(), query.descending());
    var params = Tuple.tuple(List.of()).addUUID(userId);
    var sql = new StringBuilder(Database.PLANNED_PER_CALL).append("SELECT ").append(COLUMNS);
    for (int i = 0; i < keys.size() - 1; i++) {
      sql.append(", (").append(keys.get(i).expression()).append(")::text AS k").append(i);
    }
    sql.append(" FROM tasks.task WHERE user_id = $1");
    if (query.statuses().size() == 1) {
      params.addString(query.statuses().iterator().next().json());
      sql.append(" AND status = $").append(params.size());
    }
    if (!query.priorities().isEmpty()) {
      params.addArrayOfShort(query.priorities().stream().map(Priority::rank).toArray(Short[]::new));
      sql.append(" AND priority = ANY($").append(params.size()).append(")");
    }
    if (!query.tags().isEmpty()) {
      params.addArrayOfString(query.tags().toArray(String[]::new));
      sql.append(query.allTags() ? " AND tags @> $" : " AND tags && $").append(params.size());
    }
    if (query.dueBefore() != null) {
      params.addOffsetDateTime(utc(query.dueBefore()));
      sql.append(" AND ").append(DUE_LAST).append(" < $").append(params.size());
    }
    if (query.dueAfter() != null) {
      params.addOffsetDateTime(utc(query.dueAfter()));
      sql.append(" AND due_at >= $").append(params.size());
    }
    if (query.overdue()) {
      // an all-day task is overdue 24 hours after the start of its day (an hour off on the two
      // days a year when its zone changes clocks); '24 hours', unlike '1 day', does not depend on
      // the session's time zone
      params.addOffsetDateTime(utc(now));
      int p = params.size();
      sql.append(" AND status = 'open' AND ").append(DUE_LAST).append(" < $").append(p)
          .append(" AND (NOT all_day OR due_at <= $").append(p).append(" - interval '24 hours')");
    }
    if (query.completedAfter() != null) {
      params.addOffsetDateTime(utc(query.completedAfter()));
      sql.append(" AND completed_at >= $").append(params.size());
    }
    if (query.completedBefore() != null) {
      params.addOffsetDateTime(utc(query.completedBefore()));
      sql.append(" AND completed_at < $").append(params.size());
    }
    String tsquery = SearchText.query(userId, query.textQuery());
    if (!tsquery.isEmpty()) {
      params.addString(tsquery);
      // sent as text: the client cannot size a tsquery parameter of an unprepared statement
      sql.append(" AND search @@ ($").append(params.size()).append("::text)::tsquery");
    }
    if (query.after() != null) {
      sql.append(" AND ").append(keyset(keys, query.after(), params));
    }
    sql.append(" ORDER BY ");
    for (int i = 0; i < keys.size(); i++) {
      SortKey key = keys.get(i);
      sql.append(i == 0 ? "" : ", ").append(key.expression()).append(key.descending() ? " DESC" : " ASC");
    }
    params.addInteger(query.limit() + 1);
    sql.append(" LIMIT $").append(params.size());
    return new ListStatement(sql.toString(), params, keys);
  }

  /**
   * Rows strictly after the cursor in the sort order. Keys all in one direction compare as a row,
   * which PostgreSQL turns into one index range; mixed directions (priority) expand to the usual
   * "k1 after, or k1 equal and the rest after" form with a leading bound on k1 for the index.
   */
  private static String keyset(List<SortKey> keys, TaskQuery.Cursor cursor, Tuple params) {
    String[] values = new String[keys.size()];
    for (int i = 0; i < keys.size(); i++) {
      SortKey key = keys.get(i);
      if (i == keys.size() - 1) {
        params.addUUID(cursor.id());
        values[i] = "$" + params.size() + "::uuid";
      } else {
        params.addString(cursor.keys().get(i));
        values[i] = "($" + params.size() + "::text)::" + key.cast();
      }
    }
    boolean sameDirection = keys.stream().allMatch(k -> k.descending() == keys.get(0).descending());
    if (sameDirection) {
      var left = new StringBuilder("(");
      var right = new StringBuilder("(");
      for (int i = 0; i < keys.size(); i++) {
        left.append(i == 0 ? "" : ", ").append(keys.get(i).expression());
        right.append(i == 0 ? "" : ", ").append(values[i]);
      }
      return left + ") " + (keys.get(0).descending() ? "<" : ">") + " " + right + ")";
    }
    SortKey first = keys.get(0);
    var sql = new StringBuilder("(").append(first.expression()).append(first.descending() ? " <= " : " >= ")
        .append(values[0]).append(" AND (");
    var equalSoFar = new StringBuilder();
    for (int i = 0; i < keys.size(); i++) {
      SortKey key = keys.get(i);
      sql.append(i == 0 ? "" : " OR ").append("(").append(equalSoFar).append(key.expression())
          .append(key.descending() ? " < " : " > ").append(values[i]).append(")");
      equalSoFar.append(key.expression()).append(" = ").append(values[i]).append(" AND ");
    }
    return sql.append("))").toString();
  }
}
