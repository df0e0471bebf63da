package dev.todochatbot.notification;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The users' webhooks and the deliveries to them (V2__webhooks.sql); deliveries are queued by {@link ReminderRepository#settle}. */
final class WebhookRepository {

  /**
   * A delivery taken to send now.
   *
   * @param attempts the attempts made before this one
   * @param claimedUntil the claim: the settling update must still find it
   * @param secret the user's current secret; null when the webhook was removed meanwhile
   */
  record Claimed(UUID id, String url, String payload, int attempts, OffsetDateTime claimedUntil, String secret) {}

  private final Pool pool;

  WebhookRepository(Pool pool) {
    this.pool = pool;
  }

  /** Sets {@code userId}'s webhook; answers {@code {url, updatedAt}}. */
  Future<JsonObject> put(UUID userId, Webhook webhook) {
    return pool.preparedQuery(ReminderSql.PUT_WEBHOOK).execute(Tuple.of(userId, webhook.url(), webhook.secret()))
        .map(rows -> settings(rows.iterator().next()));
  }

  /** {@code userId}'s webhook as {@code {url, updatedAt}}, never its secret. */
  Future<Optional<JsonObject>> get(UUID userId) {
    return pool.preparedQuery(ReminderSql.GET_WEBHOOK).execute(Tuple.of(userId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(settings(rows.iterator().next())));
  }

  /** Removes {@code userId}'s webhook, failing what was still to be sent; the number of deliveries failed. */
  Future<Integer> delete(UUID userId) {
    return pool.preparedQuery(ReminderSql.DELETE_WEBHOOK).execute(Tuple.of(userId)).map(RowSet::rowCount);
  }

  /** Takes up to {@code limit} due deliveries for {@code lease} (see {@link ReminderSql#CLAIM_DELIVERIES}). */
  Future<List<Claimed>> claim(Duration lease, int limit) {
    return pool.preparedQuery(ReminderSql.CLAIM_DELIVERIES).execute(Tuple.of(lease.toMillis(), limit)).map(rows -> {
      var claimed = new ArrayList<Claimed>(rows.rowCount());
      for (Row row : rows) {
        claimed.add(new Claimed(row.getUUID("id"), row.getString("url"), row.getJsonObject("payload").encode(),
            row.getInteger("attempts"), row.getOffsetDateTime("next_attempt_at"), row.getString("secret")));
      }
      return claimed;
    });
  }

  /** The endpoint answered {@code status} (2xx); false when the claim was lost meanwhile. */
  Future<Boolean> delivered(Claimed delivery, int status) {
    return pool.preparedQuery(ReminderSql.DELIVERED)
        .execute(Tuple.of(delivery.id(), delivery.claimedUntil(), status))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * An attempt failed: tried again after {@code retryAfter}, or failed for good when that is null;
   * false when the claim was lost meanwhile.
   *
   * @param status the endpoint's answer, null when there was none
   */
  Future<Boolean> attemptFailed(Claimed delivery, Integer status, String error, Duration retryAfter) {
    return pool.preparedQuery(ReminderSql.ATTEMPT_FAILED)
        .execute(Tuple.of(delivery.id(), delivery.claimedUntil(), status, error, retryAfter == null,
            retryAfter == null ? 0L : retryAfter.toMillis()))
        .map(rows -> rows.rowCount() == 1);
  }

  /** {@code userId}'s deliveries, newest first, as {@code {"items": [...]}}. */
  Future<JsonObject> deliveries(UUID userId, Webhook.DeliveryQuery query) {
    return pool.preparedQuery(ReminderSql.LIST_DELIVERIES)
        .execute(Tuple.of(userId, query.states().toArray(String[]::new), query.limit()))
        .map(rows -> {
          var items = new JsonArray();
          for (Row row : rows) {
            items.add(new JsonObject()
                .put("id", row.getUUID("id").toString())
                .put("reminderId", row.getUUID("reminder_id").toString())
                .put("at", text(row.getOffsetDateTime("fire_at")))
                .put("state", row.getString("state"))
                .put("attempts", row.getInteger("attempts"))
                .put("lastStatus", row.getInteger("last_status"))
                .put("lastError", row.getString("last_error"))
                .put("createdAt", text(row.getOffsetDateTime("created_at")))
                .put("deliveredAt", text(row.getOffsetDateTime("delivered_at"))));
          }
          return new JsonObject().put("items", items);
        });
  }

  private static JsonObject settings(Row row) {
    return new JsonObject().put("url", row.getString("url")).put("updatedAt", text(row.getOffsetDateTime("updated_at")));
  }

  private static String text(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }
}
