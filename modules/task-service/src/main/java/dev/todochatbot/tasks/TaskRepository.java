package dev.todochatbot.tasks;

import dev.todochatbot.platform.Problem;
import dev.todochatbot.platform.events.Actor;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Reads and writes tasks, always scoped to one user: a task of another user is indistinguishable from
 * one that does not exist. Every change goes through {@link #change}, one transaction that locks the
 * row, checks the expected version, and writes the new state. Every write also writes its event to
 * the outbox in the same statement, and then tells the relay ({@code eventWritten}) that there is one.
 * A write that carries an {@link IdempotencyKeys.Key} claims it in the same transaction, first.
 */
final class TaskRepository {

  /** A page of a list and the cursor of the next one (null on the last page). */
  record Page(List<Task> items, String nextCursor) {}

  private final Pool pool;
  private final Runnable eventWritten;

  TaskRepository(Pool pool, Runnable eventWritten) {
    this.pool = pool;
    this.eventWritten = eventWritten;
  }

  /** Writes a new task; with a {@code key}, in the transaction that claims it (see {@link IdempotencyKeys}). */
  Future<Task> insert(Task task, Actor actor, IdempotencyKeys.Key key) {
    Tuple params = TaskSql.rowParamsWithEvent(task, TaskEvents.created(task, actor));
    Future<?> written = key == null ? pool.preparedQuery(TaskSql.INSERT_WITH_EVENT).execute(params)
        : pool.withTransaction(conn -> IdempotencyKeys.claim(conn, key)
            .compose(claimed -> conn.preparedQuery(TaskSql.INSERT_WITH_EVENT).execute(params)));
    return written.map(task).andThen(inserted -> {
      if (inserted.succeeded()) {
        eventWritten.run();
      }
    });
  }

  Future<Task> find(UUID userId, UUID id) {
    return pool.preparedQuery(TaskSql.SELECT_ONE).execute(Tuple.of(id, userId))
        .map(rows -> {
          if (rows.size() == 0) {
            throw notFound(id);
          }
          return Task.fromRow(rows.iterator().next());
        });
  }

  /**
   * Applies {@code change} to the current task under a row lock. {@code expectedVersion} (from
   * If-Match) may be null; when given and stale the answer is 412 and nothing is written. A change
   * that returns the task it was given writes nothing. A {@code key} (may be null) is claimed first.
   */
  Future<Task> change(UUID userId, UUID id, Integer expectedVersion, Actor actor, IdempotencyKeys.Key key,
      UnaryOperator<Task> change) {
    var wrote = new boolean[1];
    return pool.withTransaction(conn -> IdempotencyKeys.claim(conn, key)
        .compose(claimed -> lock(conn, userId, id, expectedVersion)).compose(current -> {
      Task next = change.apply(current);
      if (next == current) {
        return Future.succeededFuture(current);
      }
      wrote[0] = true;
      return conn.preparedQuery(TaskSql.UPDATE_WITH_EVENT)
          .execute(TaskSql.rowParamsWithEvent(next, TaskEvents.changed(current, next, actor)))
          .map(next);
    })).andThen(committed -> {
      if (committed.succeeded() && wrote[0]) {
        eventWritten.run();
      }
    });
  }

  Future<Task> delete(UUID userId, UUID id, Integer expectedVersion, Actor actor, IdempotencyKeys.Key key, Instant now,
      boolean stopSeries) {
    return pool.withTransaction(conn -> IdempotencyKeys.claim(conn, key)
        .compose(claimed -> lock(conn, userId, id, expectedVersion)).compose(current -> {
      TaskEvents.Pending event = TaskEvents.deleted(current, now, actor, stopSeries && current.recurrence() != null);
      return conn.preparedQuery(TaskSql.DELETE_WITH_EVENT)
          .execute(Tuple.of(id, userId, event.eventId(), event.type().wireName(), event.payload(), TaskSql.utc(now)))
          .map(current);
    })).andThen(deleted -> {
      if (deleted.succeeded()) {
        eventWritten.run();
      }
    });
  }

  /** The user's task that holds reminder {@code reminderId}; 404 when there is none. */
  Future<Task> findByReminder(UUID userId, UUID reminderId) {
    String holds = new io.vertx.core.json.JsonArray().add(new io.vertx.core.json.JsonObject()
        .put("id", reminderId.toString())).encode();
    return pool.preparedQuery(TaskSql.SELECT_BY_REMINDER).execute(Tuple.of(userId, holds)).map(rows -> {
      if (rows.size() == 0) {
        throw Problem.notFound("You have no reminder " + reminderId + ".").exception();
      }
      return Task.fromRow(rows.iterator().next());
    });
  }

  /** One entry of the changes feed: a task as it is now, or the tombstone of a deleted one. */
  record Change(Instant at, UUID taskId, int version, Task task) {
    String cursor() {
      return IsoTime.utc(at) + "~" + taskId;
    }
  }

  /**
   * What changed for the user after {@code (sinceAt, sinceId)}, oldest first, at most {@code limit}:
   * the tasks changed since (as they are now) and those deleted since, merged in one order (the one
   * PostgreSQL uses: instants, then ids compared as their text).
   */
  Future<List<Change>> changesSince(UUID userId, Instant sinceAt, UUID sinceId, int limit) {
    Tuple params = Tuple.of(userId, TaskSql.utc(sinceAt), sinceId, limit);
    return Future.all(pool.preparedQuery(TaskSql.CHANGED_SINCE).execute(params),
            pool.preparedQuery(TaskSql.DELETED_SINCE).execute(params))
        .map(both -> {
          var changes = new ArrayList<Change>();
          for (Row row : both.<io.vertx.sqlclient.RowSet<Row>>resultAt(0)) {
            Task task = Task.fromRow(row);
            changes.add(new Change(task.updatedAt(), task.id(), task.version(), task));
          }
          for (Row row : both.<io.vertx.sqlclient.RowSet<Row>>resultAt(1)) {
            changes.add(new Change(row.getOffsetDateTime(1).toInstant(), row.getUUID(0), row.getInteger(2), null));
          }
          changes.sort(java.util.Comparator.comparing(Change::at).thenComparing(c -> c.taskId().toString()));
          return changes.size() > limit ? List.copyOf(changes.subList(0, limit)) : changes;
        });
  }

  /** What {@link #nextOccurrence} did: created the occurrence, or found it already there. */
  record Occurrence(Task task, boolean created) {}

  /**
   * Creates occurrence {@code number} of the series of {@code previousId}, due at {@code due}, as a
   * copy of that task; when that occurrence exists already (a redelivery, another replica, a second
   * completion), answers it instead and writes nothing.
   */
  Future<Occurrence> nextOccurrence(UUID userId, UUID seriesId, UUID previousId, int number, Instant due,
      Instant now, Task skipped) {
    // a skipped occurrence was deleted: its content comes with the request
    Future<Task> previousTask = skipped != null
        ? find(userId, previousId).recover(gone -> Future.succeededFuture(skipped))
        : find(userId, previousId);
    return previousTask.compose(previous -> {
      if (!seriesId.equals(previous.seriesId()) || previous.recurrence() == null) {
        return Future.failedFuture(Problem.conflict("Task " + previousId + " is not a repeating task of series "
            + seriesId + ".").exception());
      }
      if (previous.occurrence() == null || number != previous.occurrence() + 1) {
        return Future.failedFuture(Problem.conflict("The occurrence after number " + previous.occurrence()
            + " of series " + seriesId + " is " + (previous.occurrence() == null ? 1 : previous.occurrence() + 1)
            + ", not " + number + ".").exception());
      }
      Task next = previous.nextOccurrence(UUID.randomUUID(), number, due, now);
      return pool.preparedQuery(TaskSql.INSERT_OCCURRENCE_WITH_EVENT)
          .execute(TaskSql.rowParamsWithEvent(next, TaskEvents.created(next, Actor.RECURRENCE)))
          .compose(rows -> {
            if (rows.rowCount() > 0) {
              eventWritten.run();
              return Future.succeededFuture(new Occurrence(next, true));
            }
            return pool.preparedQuery(TaskSql.SELECT_OCCURRENCE).execute(Tuple.of(seriesId, number, userId))
                // null: it was created and has been deleted since; the series went on without it
                .map(existing -> new Occurrence(
                    existing.size() == 0 ? null : Task.fromRow(existing.iterator().next()), false));
          });
    });
  }

  private Future<Task> lock(SqlConnection conn, UUID userId, UUID id, Integer expectedVersion) {
    return conn.preparedQuery(TaskSql.SELECT_ONE_FOR_UPDATE).execute(Tuple.of(id, userId)).map(rows -> {
      if (rows.size() == 0) {
        throw notFound(id);
      }
      Task current = Task.fromRow(rows.iterator().next());
      if (expectedVersion != null && expectedVersion != current.version()) {
        throw Problem.preconditionFailed("If-Match asked for version " + expectedVersion + " but the task is at version "
            + current.version() + ": read it again and re-apply your change.").exception();
      }
      return current;
    });
  }

  Future<Page> list(UUID userId, TaskQuery query, Instant now) {
    TaskSql.ListStatement statement = TaskSql.list(userId, query, now);
    return pool.preparedQuery(statement.sql()).execute(statement.params())
        .recover(failure -> Future.failedFuture(
            isBadCursorValue(failure, query) ? badCursor() : failure))
        .map(rows -> {
          var items = new ArrayList<Task>(Math.min(rows.size(), query.limit()));
          Row last = null;
          for (Row row : rows) {
            if (items.size() == query.limit()) {
              break;
            }
            items.add(Task.fromRow(row));
            last = row;
          }
          String next = null;
          if (rows.size() > query.limit() && last != null) {
            var keys = new ArrayList<String>();
            for (int i = 0; i < statement.keys().size() - 1; i++) {
              keys.add(last.getString("k" + i));
            }
            next = new TaskQuery.Cursor(query.sort(), query.descending(), keys, last.getUUID("id")).encode();
          }
          return new Page(items, next);
        });
  }

  /** A cursor is opaque but not signed: values PostgreSQL cannot read back are the caller's mistake. */
  private static boolean isBadCursorValue(Throwable failure, TaskQuery query) {
    return query.after() != null && failure instanceof PgException pg && pg.getSqlState() != null
        && pg.getSqlState().startsWith("22");
  }

  private static RuntimeException badCursor() {
    return Problem.invalidParameters(List.of(new Problem.FieldError("cursor",
        "is not a cursor this API made; pass nextCursor from the previous page as it is"))).exception();
  }

  static RuntimeException notFound(UUID id) {
    return Problem.notFound("You have no task " + id + ".").exception();
  }
}
