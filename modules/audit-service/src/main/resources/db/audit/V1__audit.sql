-- The audit trail: every task event, stored once. The sidecar delivers at least once; event_id is
-- the key a redelivery collides with (INSERT ... ON CONFLICT DO NOTHING), so it is stored only once.
CREATE TABLE task_event (
  event_id    uuid        PRIMARY KEY,
  -- arrival order. Events of one user travel on one Kafka partition in commit order, so within a
  -- user this is the order the changes were made in; pages and cursors follow it. A redelivery
  -- consumes a number without a row: positions have gaps, never repeats.
  position    bigserial   NOT NULL,
  user_id     uuid        NOT NULL,
  task_id     uuid        NOT NULL,
  type        text        NOT NULL,
  actor       text        NOT NULL,
  occurred_at timestamptz NOT NULL,
  stored_at   timestamptz NOT NULL DEFAULT now(),
  -- the event as it was published (the CloudEvent's data), answered as it is
  event       jsonb       NOT NULL
);

-- Every page is one range of an index led by user_id, whatever the size of the table (see
-- AuditQueryPlanTest for the plans on 200,000 rows).
-- a task's history, oldest first
CREATE INDEX task_event_user_task ON task_event (user_id, task_id, position);
-- a user's trail, oldest first; occurred_at in the key lets `since` be checked in the index, so that
-- the events before it are skipped without reading their rows
CREATE INDEX task_event_user ON task_event (user_id, position, occurred_at);
-- a user's trail since a recent instant: only the events since then are read, then sorted by position
CREATE INDEX task_event_user_occurred ON task_event (user_id, occurred_at, position);
