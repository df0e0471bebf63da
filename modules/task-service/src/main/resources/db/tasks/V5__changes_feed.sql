-- What a screen that was offline asks for when it reconnects: every task changed since its cursor.
-- Changed tasks are found by updated_at (task_user_updated); deleted ones leave a tombstone here,
-- written in the same statement as the delete. Tombstones older than the feed's horizon can be
-- removed; a client with an older cursor reloads its lists instead.
CREATE TABLE deleted_task (
  id         uuid        PRIMARY KEY,
  user_id    uuid        NOT NULL,
  deleted_at timestamptz NOT NULL,
  version    integer     NOT NULL
);
CREATE INDEX deleted_task_user ON deleted_task (user_id, deleted_at, id);
