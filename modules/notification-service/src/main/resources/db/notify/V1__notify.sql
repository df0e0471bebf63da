-- The notification service's projection of the tasks' reminders, made from task events alone.

-- Where each task stands in its own event order. Events of a user arrive in commit order, but the
-- sidecar delivers at least once and a consumer-group rebalance can hand an old event over again:
-- an event no newer than occurred_at here has been applied already (or was overtaken) and changes
-- nothing. A deleted task keeps its row, so that nothing older brings its reminders back.
CREATE TABLE task (
  task_id     uuid        PRIMARY KEY,
  user_id     uuid        NOT NULL,
  -- the last applied event
  event_id    uuid        NOT NULL,
  occurred_at timestamptz NOT NULL
);

-- One row per reminder and instant: the task event's reminders[].id and reminders[].at (fire_at).
-- A snooze or a moved due time gives a reminder a new instant, so a new row; the row of the old
-- instant is cancelled if it had not fired, and keeps its history if it had.
--
--   pending   to fire at fire_at
--   claimed   a sweep took it (claimed_by, claim_id, claimed_at) and holds a timer for fire_at; a
--             claim older than the claim timeout after fire_at belonged to a replica that died, and
--             the next sweep takes it over
--   delivered published on the reminders topic at fired_at
--   missed    swept after the grace window had passed: published once as missed at fired_at; or
--             already past it when the projection first heard of it: recorded only (fired_at null)
--   cancelled not wanted any more (the task was completed or deleted, or the reminder moved or was
--             removed); reopening the task arms it again while fire_at is within the grace window
CREATE TABLE reminder (
  reminder_id uuid        NOT NULL,
  fire_at     timestamptz NOT NULL,
  user_id     uuid        NOT NULL,
  task_id     uuid        NOT NULL,
  -- the task's title and due time as of the last event, for the message
  title       text        NOT NULL,
  due_at      timestamptz,
  state       text        NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'claimed', 'delivered', 'missed', 'cancelled')),
  claimed_by  text,
  -- the sweep that claimed it: the claimer's later updates name it, so a claim taken over is not theirs
  claim_id    uuid,
  claimed_at  timestamptz,
  fired_at    timestamptz,
  PRIMARY KEY (reminder_id, fire_at)
);

-- The sweep: the unsent rows in fire_at order, whatever the size of the delivered history.
CREATE INDEX reminder_unsent ON reminder (fire_at) WHERE state IN ('pending', 'claimed');
-- A task event: the rows of its task.
CREATE INDEX reminder_task ON reminder (task_id);
-- GET /api/reminders: a user's reminders in one state, oldest first.
CREATE INDEX reminder_user ON reminder (user_id, state, fire_at);
