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

  /** Published: delivered or missed ($4) at $5. $1 reminder, $2 fire_at, $3 claim. */
  static final String SETTLE = "UPDATE notify.reminder SET state = $4, fired_at = $5 "
      + "WHERE reminder_id = $1 AND fire_at = $2 AND claim_id = $3 AND state = 'claimed'";

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
}
