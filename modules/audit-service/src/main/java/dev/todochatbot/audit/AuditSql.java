package dev.todochatbot.audit;

import dev.todochatbot.platform.Database;
import dev.todochatbot.platform.events.TaskEvent;
import dev.todochatbot.platform.events.TaskEventType;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * The SQL of the audit service. Statements are fixed text with parameters; the trail query is put
 * together from fixed fragments chosen by the parsed {@link AuditQuery}, never from what was typed.
 */
final class AuditSql {

  private AuditSql() {}

  /** A redelivered event collides on event_id and changes nothing (row count 0). */
  static final String INSERT = "INSERT INTO audit.task_event "
      + "(event_id, user_id, task_id, type, actor, occurred_at, event) VALUES ($1, $2, $3, $4, $5, $6, $7) "
      + "ON CONFLICT (event_id) DO NOTHING";

  /** Pages read the event as text: it goes into the answer as it is, never decoded and encoded again. */
  static final String HISTORY = "SELECT position, event::text AS event FROM audit.task_event "
      + "WHERE user_id = $1 AND task_id = $2 AND position > $3 ORDER BY position LIMIT $4";

  static final String HAS_HISTORY = "SELECT 1 FROM audit.task_event WHERE user_id = $1 AND task_id = $2 LIMIT 1";

  static Tuple insertParams(TaskEvent event, JsonObject json) {
    return Tuple.tuple(List.of()).addUUID(event.eventId()).addUUID(event.userId()).addUUID(event.taskId())
        .addString(event.type().wireName()).addString(event.actor().json())
        .addOffsetDateTime(OffsetDateTime.ofInstant(event.occurredAt(), ZoneOffset.UTC)).addValue(json);
  }

  /** Fetches one row more than a page, to tell whether another page follows. */
  static Tuple historyParams(UUID userId, UUID taskId, AuditQuery query) {
    return Tuple.of(userId, taskId, query.after(), query.limit() + 1);
  }

  record Statement(String sql, Tuple params) {}

  /**
   * One user's trail. With {@code since} the plan depends on the instant (a recent one reads the
   * occurred_at index and sorts a few rows, an old one walks the position index), so that statement
   * is planned per call.
   */
  static Statement trail(UUID userId, AuditQuery query) {
    var params = Tuple.tuple(List.of()).addUUID(userId).addLong(query.after());
    var sql = new StringBuilder(query.since() == null ? "" : Database.PLANNED_PER_CALL)
        .append("SELECT position, event::text AS event FROM audit.task_event WHERE user_id = $1 AND position > $2");
    if (query.since() != null) {
      params.addOffsetDateTime(OffsetDateTime.ofInstant(query.since(), ZoneOffset.UTC));
      sql.append(" AND occurred_at >= $").append(params.size());
    }
    if (!query.types().isEmpty()) {
      params.addArrayOfString(query.types().stream().map(TaskEventType::wireName).toArray(String[]::new));
      sql.append(" AND type = ANY($").append(params.size()).append(")");
    }
    params.addInteger(query.limit() + 1);
    sql.append(" ORDER BY position LIMIT $").append(params.size());
    return new Statement(sql.toString(), params);
  }
}
