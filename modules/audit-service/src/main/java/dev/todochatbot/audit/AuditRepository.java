package dev.todochatbot.audit;

import dev.todochatbot.platform.Problem;
import dev.todochatbot.platform.events.TaskEvent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Stores task events once each and reads them back, always scoped to one user: another user's task is
 * indistinguishable from one that has no events.
 */
final class AuditRepository {

  /** A page of events (their JSON text, as stored) and the cursor of the next one (null on the last page). */
  record Page(List<String> events, String nextCursor) {}

  private final Pool pool;

  AuditRepository(Pool pool) {
    this.pool = pool;
  }

  /** Stores {@code json}, the event as published; true when it is new, false when it was stored before. */
  Future<Boolean> store(TaskEvent event, JsonObject json) {
    return pool.preparedQuery(AuditSql.INSERT).execute(AuditSql.insertParams(event, json))
        .map(result -> result.rowCount() == 1);
  }

  Future<Page> history(UUID userId, UUID taskId, AuditQuery query) {
    return pool.preparedQuery(AuditSql.HISTORY).execute(AuditSql.historyParams(userId, taskId, query))
        .compose(rows -> {
          Page page = page(rows, query.limit());
          if (!page.events().isEmpty()) {
            return Future.succeededFuture(page);
          }
          // an empty page past the last event is still a page; a task without events is not found
          Future<Boolean> known = query.after() == 0 ? Future.succeededFuture(false)
              : pool.preparedQuery(AuditSql.HAS_HISTORY).execute(Tuple.of(userId, taskId)).map(r -> r.size() > 0);
          return known.map(exists -> {
            if (!exists) {
              throw Problem.notFound("You have no task " + taskId + ".").exception();
            }
            return page;
          });
        });
  }

  Future<Page> trail(UUID userId, AuditQuery query) {
    AuditSql.Statement statement = AuditSql.trail(userId, query);
    return pool.preparedQuery(statement.sql()).execute(statement.params()).map(rows -> page(rows, query.limit()));
  }

  private static Page page(RowSet<Row> rows, int limit) {
    var events = new ArrayList<String>(Math.min(rows.size(), limit));
    long last = 0;
    for (Row row : rows) {
      if (events.size() == limit) {
        break;
      }
      events.add(row.getString("event"));
      last = row.getLong("position");
    }
    return new Page(events, rows.size() > limit ? AuditQuery.encodeCursor(last) : null);
  }
}
