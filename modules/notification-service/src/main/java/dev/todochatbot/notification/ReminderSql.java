package dev.todochatbot.notification;

/**
 * The SQL of the notification service, fixed text with parameters. Durations travel as milliseconds
 * and are compared with the database's clock, so that every replica sweeps by the same time.
 */
final class ReminderSql {

  private ReminderSql() {}

  private static final String MILLIS = "::bigint * interval '1 millisecond'";

  /**
   * Takes the task's place in its event order: a row back (applied) only when the event is newer than
   * the last one applied. The row lock it takes orders two deliveries of the same task's events.
   * $1 task, $2 user, $3 event, $4 occurredAt.
   */
  static final String ADVANCE_TASK = "INSERT INTO notify.task AS t (task_id, user_id, event_id, occurred_at) "
      + "VALUES ($1, $2, $3, $4) "
      + "ON CONFLICT (task_id) DO UPDATE SET event_id = EXCLUDED.event_id, occurred_at = EXCLUDED.occurred_at "
      + "WHERE t.occurred_at < EXCLUDED.occurred_at RETURNING 1";

  /**
   * Cancels the task's unsent rows that the event does not want (all of them when the task is
   * completed or deleted: $2 and $3 empty). A claimed row is cancelled too: its claimer checks before
   * it publishes. $1 task, $2 wanted ids, $3 their instants.
   */
  static final String CANCEL_UNWANTED = "UPDATE notify.reminder SET state = 'cancelled', "
      + "claimed_by = NULL, claim_id = NULL, claimed_at = NULL "
      + "WHERE task_id = $1 AND state IN ('pending', 'claimed') "
      + "AND (reminder_id, fire_at) NOT IN (SELECT * FROM unnest($2::uuid[], $3::timestamptz[]))";

  /**
   * Makes a row for each wanted reminder. A new row is pending when the task is armed ($7), cancelled
   * when it is not (a reopening arms it); one already past the grace window ($8) when it is first
   * heard of is recorded missed and never published: the event itself came late (a consumer that
   * fell behind, or a new one reading old events), and ringing now, or a stream of missed notices,
   * would be wrong. An existing row takes the task's title and due time; a cancelled one is armed
   * again when the task is and fire_at is within the grace window; a delivered or missed one stays
   * as it is. Each row says whether it was just recorded missed.
   * $1 task, $2 ids, $3 instants, $4 user, $5 title, $6 dueAt, $7 armed, $8 grace.
   */
  static final String UPSERT_WANTED = "INSERT INTO notify.reminder AS r "
      + "(reminder_id, fire_at, user_id, task_id, title, due_at, state) "
      + "SELECT w.reminder_id, w.fire_at, $4, $1, $5, $6, CASE WHEN NOT $7::boolean THEN 'cancelled' "
      + "WHEN w.fire_at < now() - $8" + MILLIS + " THEN 'missed' ELSE 'pending' END "
      + "FROM unnest($2::uuid[], $3::timestamptz[]) AS w (reminder_id, fire_at) "
      + "ON CONFLICT (reminder_id, fire_at) DO UPDATE SET title = EXCLUDED.title, due_at = EXCLUDED.due_at, "
      + "state = CASE WHEN r.state = 'cancelled' AND $7::boolean AND r.fire_at > now() - $8" + MILLIS
      + " THEN 'pending' ELSE r.state END "
      + "WHERE r.state IN ('pending', 'claimed', 'cancelled') AND r.task_id = EXCLUDED.task_id "
      // xmax is 0 on a row this statement inserted
      + "RETURNING r.xmax = 0 AND r.state = 'missed' AS missed_on_arrival";

  /**
   * Claims, atomically, what is due before the next tick plus a margin ($3 lookahead), and what a
   * replica claimed and never settled ($4 claim timeout after fire_at): rows another sweep holds
   * locked are skipped, rows it has claimed no longer match. Each row says whether it is past the
   * grace window ($5). $1 claimer, $2 claim id, $6 batch size.
   */
  static final String CLAIM_DUE = "UPDATE notify.reminder r "
      + "SET state = 'claimed', claimed_by = $1, claim_id = $2, claimed_at = now() "
      + "FROM (SELECT reminder_id, fire_at FROM notify.reminder "
      + "WHERE state IN ('pending', 'claimed') AND fire_at <= now() + $3" + MILLIS + " "
      + "AND (state = 'pending' OR greatest(claimed_at, fire_at) < now() - $4" + MILLIS + ") "
      + "ORDER BY fire_at LIMIT $6 FOR UPDATE SKIP LOCKED) due "
      + "WHERE r.reminder_id = due.reminder_id AND r.fire_at = due.fire_at "
      + "RETURNING r.reminder_id, r.fire_at, r.user_id, r.task_id, r.title, r.due_at, "
      + "r.fire_at < now() - $5" + MILLIS + " AS missed";

  /** The row is still this claim's (not cancelled, not taken over). $1 reminder, $2 fire_at, $3 claim. */
  static final String STILL_CLAIMED = "SELECT 1 FROM notify.reminder "
      + "WHERE reminder_id = $1 AND fire_at = $2 AND claim_id = $3 AND state = 'claimed'";

  /**
   * Published: delivered or missed ($4) at $5, and, in the same statement, queued once for the user's
   * webhook if they have one, as delivery $6 with the message $7. Answers how many rows were settled
   * (0: the claim was lost meanwhile) and queued. $1 reminder, $2 fire_at, $3 claim.
   */
  static final String SETTLE = "WITH settled AS (UPDATE notify.reminder SET state = $4, fired_at = $5 "
      + "WHERE reminder_id = $1 AND fire_at = $2 AND claim_id = $3 AND state = 'claimed' "
      + "RETURNING user_id, reminder_id, fire_at), "
      + "queued AS (INSERT INTO notify.webhook_delivery (id, user_id, reminder_id, fire_at, url, payload) "
      + "SELECT $6, s.user_id, s.reminder_id, s.fire_at, w.url, $7::jsonb "
      + "FROM settled s JOIN notify.webhook w ON w.user_id = s.user_id "
      + "ON CONFLICT (user_id, reminder_id, fire_at) DO NOTHING RETURNING 1) "
      + "SELECT (SELECT count(*) FROM settled) AS settled, (SELECT count(*) FROM queued) AS queued";

  /** Not published: pending again, for the next sweep. $1 reminder, $2 fire_at, $3 claim. */
  static final String RELEASE = "UPDATE notify.reminder SET state = 'pending', "
      + "claimed_by = NULL, claim_id = NULL, claimed_at = NULL "
      + "WHERE reminder_id = $1 AND fire_at = $2 AND claim_id = $3 AND state = 'claimed'";

  /** Everything a stopping instance ($1) holds, back to pending for the other replicas. */
  static final String RELEASE_ALL = "UPDATE notify.reminder SET state = 'pending', "
      + "claimed_by = NULL, claim_id = NULL, claimed_at = NULL WHERE state = 'claimed' AND claimed_by = $1";

  /** A user's ($1) reminders in the states $2, oldest first, $3 of them. */
  static final String LIST = "SELECT reminder_id, task_id, title, fire_at, due_at, state, fired_at "
      + "FROM notify.reminder WHERE user_id = $1 AND state = ANY($2::text[]) "
      + "ORDER BY fire_at, reminder_id LIMIT $3";

  // Webhooks (V2__webhooks.sql)

  /**
   * Sets a user's ($1) webhook to URL $2 and secret $3; deliveries still pending go to the new URL.
   * Answers the URL and when it was set.
   */
  static final String PUT_WEBHOOK = "WITH saved AS (INSERT INTO notify.webhook (user_id, url, secret, updated_at) "
      + "VALUES ($1, $2, $3, now()) ON CONFLICT (user_id) DO UPDATE SET url = EXCLUDED.url, secret = EXCLUDED.secret, "
      + "updated_at = EXCLUDED.updated_at RETURNING url, updated_at), "
      + "moved AS (UPDATE notify.webhook_delivery SET url = $2 WHERE user_id = $1 AND state = 'pending') "
      + "SELECT url, updated_at FROM saved";

  /** A user's ($1) webhook, without its secret. */
  static final String GET_WEBHOOK = "SELECT url, updated_at FROM notify.webhook WHERE user_id = $1";

  /** Removes a user's ($1) webhook; what was still to be sent to it fails. */
  static final String DELETE_WEBHOOK = "WITH removed AS (DELETE FROM notify.webhook WHERE user_id = $1 RETURNING 1) "
      + "UPDATE notify.webhook_delivery SET state = 'failed', last_error = 'webhook removed' "
      + "WHERE user_id = $1 AND state = 'pending' AND EXISTS (SELECT 1 FROM removed)";

  /**
   * Takes, atomically, up to $2 deliveries that are due, by moving their next attempt past a lease ($1):
   * rows another replica holds locked are skipped, rows it has taken are no longer due. Each comes with
   * its user's secret, null when the webhook was removed meanwhile. The new next_attempt_at is the
   * claim: the settling update must still find it.
   */
  static final String CLAIM_DELIVERIES = "UPDATE notify.webhook_delivery d SET next_attempt_at = now() + $1" + MILLIS
      + " FROM (SELECT id FROM notify.webhook_delivery WHERE state = 'pending' AND next_attempt_at <= now() "
      + "ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED) due "
      + "WHERE d.id = due.id "
      + "RETURNING d.id, d.url, d.payload, d.attempts, d.next_attempt_at, "
      + "(SELECT w.secret FROM notify.webhook w WHERE w.user_id = d.user_id) AS secret";

  /** The endpoint took delivery $1 (claimed until $2), answering $3. */
  static final String DELIVERED = "UPDATE notify.webhook_delivery SET state = 'delivered', attempts = attempts + 1, "
      + "last_status = $3, last_error = NULL, delivered_at = now() "
      + "WHERE id = $1 AND next_attempt_at = $2 AND state = 'pending'";

  /**
   * An attempt at delivery $1 (claimed until $2) failed with status $3 (null: no answer) and error $4:
   * failed for good when $5, else tried again after $6.
   */
  static final String ATTEMPT_FAILED = "UPDATE notify.webhook_delivery SET attempts = attempts + 1, "
      + "last_status = $3, last_error = $4, state = CASE WHEN $5 THEN 'failed' ELSE 'pending' END, "
      + "next_attempt_at = now() + $6" + MILLIS + " "
      + "WHERE id = $1 AND next_attempt_at = $2 AND state = 'pending'";

  /** A user's ($1) deliveries in the states $2, newest first, $3 of them. */
  static final String LIST_DELIVERIES = "SELECT id, reminder_id, fire_at, state, attempts, last_status, last_error, "
      + "created_at, delivered_at FROM notify.webhook_delivery WHERE user_id = $1 AND state = ANY($2::text[]) "
      + "ORDER BY created_at DESC, id DESC LIMIT $3";
}
