package dev.todochatbot.notification;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The projection of reminders: made to match task events, claimed and settled by sweeps, listed per user. */
final class ReminderRepository {

  /**
   * A reminder a sweep claimed, to publish at {@link #fireAt}.
   *
   * @param missed fire_at was already past the grace window when it was claimed
   * @param claimId the claim, which the settling update must still hold
   */
  record Due(UUID reminderId, Instant fireAt, UUID userId, UUID taskId, String title, Instant dueAt, boolean missed,
      UUID claimId) {

    /** The message on the reminders topic. */
    JsonObject message(Instant firedAt) {
      return new JsonObject()
          .put("reminderId", reminderId.toString())
          .put("taskId", taskId.toString())
          .put("userId", userId.toString())
          .put("title", title)
          .put("at", fireAt.toString())
          .put("dueAt", dueAt == null ? null : dueAt.toString())
          .put("firedAt", firedAt.toString())
          .put("missed", missed);
    }

    /** The CloudEvent id: the same for every publication of this reminder at this instant, so consumers dedupe on it. */
    String eventId() {
      return reminderId + "@" + fireAt;
    }
  }

  private final Pool pool;

  ReminderRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * What a task event did to the projection.
   *
   * @param newer the event was newer than the last one applied to its task; false: nothing changed
   * @param missedOnArrival reminders first heard of after their grace window, recorded missed
   */
  record Applied(boolean newer, int missedOnArrival) {}

  /** Makes the task's rows match the event, in one transaction, unless an event as new or newer was applied before. */
  Future<Applied> apply(TaskReminders event, Duration grace) {
    UUID[] ids = event.reminders().stream().map(TaskReminders.Wanted::id).toArray(UUID[]::new);
    OffsetDateTime[] ats = event.reminders().stream().map(w -> utc(w.at())).toArray(OffsetDateTime[]::new);
    // a task that may not fire wants none of its rows unsent
    UUID[] keptIds = event.armed() ? ids : new UUID[0];
    OffsetDateTime[] keptAts = event.armed() ? ats : new OffsetDateTime[0];
    return pool.withTransaction(connection -> connection.preparedQuery(ReminderSql.ADVANCE_TASK)
        .execute(Tuple.of(event.taskId(), event.userId(), event.eventId(), utc(event.occurredAt())))
        .compose(advanced -> {
          if (advanced.rowCount() == 0) {
            return Future.succeededFuture(new Applied(false, 0));
          }
          return connection.preparedQuery(ReminderSql.CANCEL_UNWANTED)
              .execute(Tuple.of(event.taskId(), keptIds, keptAts))
              .compose(cancelled -> connection.preparedQuery(ReminderSql.UPSERT_WANTED).execute(Tuple.of(
                  event.taskId(), ids, ats, event.userId(), event.title(), utcOrNull(event.dueAt()), event.armed(),
                  grace.toMillis())))
              .map(upserted -> {
                int missed = 0;
                for (Row row : upserted) {
                  missed += row.getBoolean("missed_on_arrival") ? 1 : 0;
                }
                return new Applied(true, missed);
              });
        }));
  }

  /** Claims up to {@code limit} due reminders for {@code claimedBy} (see {@link ReminderSql#CLAIM_DUE}). */
  Future<List<Due>> claim(String claimedBy, Duration lookahead, Duration claimTimeout, Duration grace, int limit) {
    UUID claimId = UUID.randomUUID();
    return pool.preparedQuery(ReminderSql.CLAIM_DUE)
        .execute(Tuple.of(claimedBy, claimId, lookahead.toMillis(), claimTimeout.toMillis(), grace.toMillis(), limit))
        .map(rows -> {
          var due = new ArrayList<Due>(rows.rowCount());
          for (Row row : rows) {
            OffsetDateTime dueAt = row.getOffsetDateTime("due_at");
            due.add(new Due(row.getUUID("reminder_id"), row.getOffsetDateTime("fire_at").toInstant(),
                row.getUUID("user_id"), row.getUUID("task_id"), row.getString("title"),
                dueAt == null ? null : dueAt.toInstant(), row.getBoolean("missed"), claimId));
          }
          return due;
        });
  }

  /** Whether {@code due} is still this claim's to publish: not cancelled by a task event, not taken over. */
  Future<Boolean> stillClaimed(Due due) {
    return pool.preparedQuery(ReminderSql.STILL_CLAIMED).execute(key(due)).map(rows -> rows.size() > 0);
  }

  /**
   * What settling a published reminder did.
   *
   * @param settled marked delivered (or missed); false: the claim was lost meanwhile
   * @param queued queued for the user's webhook
   */
  record Settled(boolean settled, boolean queued) {}

  /**
   * Marks a published reminder delivered (or missed) and, in the same statement, queues {@code message}
   * for the user's webhook when they have one.
   */
  Future<Settled> settle(Due due, Instant firedAt, JsonObject message) {
    return pool.preparedQuery(ReminderSql.SETTLE)
        .execute(key(due).addString(due.missed() ? "missed" : "delivered").addOffsetDateTime(utc(firedAt))
            .addUUID(UUID.randomUUID()).addJsonObject(message))
        .map(rows -> {
          Row row = rows.iterator().next();
          return new Settled(row.getLong("settled") == 1, row.getLong("queued") == 1);
        });
  }

  /** Hands an unpublished reminder back to the next sweep. */
  Future<Void> release(Due due) {
    return pool.preparedQuery(ReminderSql.RELEASE).execute(key(due)).mapEmpty();
  }

  /** Hands back everything {@code claimedBy} holds; the number of reminders. */
  Future<Integer> releaseAll(String claimedBy) {
    return pool.preparedQuery(ReminderSql.RELEASE_ALL).execute(Tuple.of(claimedBy)).map(rows -> rows.rowCount());
  }

  /** One user's reminders, as {@code {"items": [...]}}. */
  Future<JsonObject> list(UUID userId, ReminderQuery query) {
    return pool.preparedQuery(ReminderSql.LIST)
        .execute(Tuple.of(userId, query.states().toArray(String[]::new), query.limit()))
        .map(rows -> {
          var items = new JsonArray();
          for (Row row : rows) {
            items.add(new JsonObject()
                .put("reminderId", row.getUUID("reminder_id").toString())
                .put("taskId", row.getUUID("task_id").toString())
                .put("title", row.getString("title"))
                .put("at", text(row.getOffsetDateTime("fire_at")))
                .put("dueAt", text(row.getOffsetDateTime("due_at")))
                .put("state", ReminderQuery.shown(row.getString("state")))
                .put("firedAt", text(row.getOffsetDateTime("fired_at"))));
          }
          return new JsonObject().put("items", items);
        });
  }

  private static Tuple key(Due due) {
    return Tuple.of(due.reminderId(), utc(due.fireAt()), due.claimId());
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static OffsetDateTime utcOrNull(Instant instant) {
    return instant == null ? null : utc(instant);
  }

  private static String text(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }
}
