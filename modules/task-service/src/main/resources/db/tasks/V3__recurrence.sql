-- Recurring tasks. Each occurrence is a task of its own; the occurrences of one series share
-- series_id (the id of the first) and are numbered from 1. (series_id, occurrence) is unique, so the
-- next occurrence is created once, whatever redeliveries, crashes between steps, replicas or repeated
-- completions happen: creating it again finds the one that exists.
ALTER TABLE task
  ADD COLUMN recurrence_rule text CHECK (char_length(recurrence_rule) <= 500),
  ADD COLUMN recurrence_mode text CHECK (recurrence_mode IN ('fromDue', 'fromCompletion')),
  ADD COLUMN series_id       uuid,
  ADD COLUMN occurrence      integer CHECK (occurrence >= 1),
  ADD CONSTRAINT task_recurrence_whole CHECK ((recurrence_rule IS NULL) = (recurrence_mode IS NULL)),
  ADD CONSTRAINT task_recurrence_due CHECK (recurrence_rule IS NULL OR due_at IS NOT NULL),
  ADD CONSTRAINT task_series_numbered CHECK ((series_id IS NULL) = (occurrence IS NULL));

CREATE UNIQUE INDEX task_series_occurrence ON task (series_id, occurrence) WHERE series_id IS NOT NULL;

-- Which occurrences of each series have been created, kept when the occurrence task is deleted: a
-- completion event redelivered after the next occurrence was deleted must not bring it back.
CREATE TABLE series_occurrence (
  series_id  uuid        NOT NULL,
  occurrence integer     NOT NULL CHECK (occurrence >= 2),
  task_id    uuid        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (series_id, occurrence)
);
