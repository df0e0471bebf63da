-- A task's reminders live in its row, as a JSON array of {id, at, before}: they change with the task
-- (one version, one event), are read with it, and move with its due time. "at" is always the computed
-- instant (UTC); "before" (an ISO-8601 duration, with an optional local "time") says it is relative
-- to the due time. Which reminders are due is the notification service's question, answered from its
-- own projection of the task events, so nothing here is indexed for it.
ALTER TABLE task ADD COLUMN reminders jsonb NOT NULL DEFAULT '[]'
  CHECK (jsonb_typeof(reminders) = 'array' AND jsonb_array_length(reminders) <= 10);
