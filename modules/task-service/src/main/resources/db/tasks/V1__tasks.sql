-- Tasks: the task service is their single writer. Instants are UTC (timestamptz); time_zone is the
-- IANA zone the person thinks of the task in, used for all-day dates and (later) recurrence.

-- btree_gin lets the tag index start with user_id. It is a trusted extension (PostgreSQL 13+): a
-- database owner may create it.
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE TABLE task (
  id           uuid        PRIMARY KEY,
  user_id      uuid        NOT NULL,
  title        text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 500),
  description  text        CHECK (char_length(description) <= 10000),
  status       text        NOT NULL CHECK (status IN ('open', 'completed')),
  -- 0 none, 1 low, 2 medium, 3 high, 4 urgent: a number so that it sorts by importance
  priority     smallint    NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 4),
  tags         text[]      NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 20),
  due_at       timestamptz,
  time_zone    text        NOT NULL,
  all_day      boolean     NOT NULL DEFAULT false,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  completed_at timestamptz,
  version      integer     NOT NULL DEFAULT 1,
  -- the words of title, description and tags, folded in Java (see SearchText) and each prefixed with
  -- the first 8 hex digits of user_id, so that a word's postings in the index are one user's
  search       tsvector    NOT NULL,
  CHECK ((status = 'completed') = (completed_at IS NOT NULL)),
  CHECK (NOT all_day OR due_at IS NOT NULL)
);

-- One index per sort order a list can ask for, each led by user_id and ending in id, so that a page
-- is a short range scan whatever the size of the table. Tasks without a due date sort last: the sort
-- key is coalesce(due_at, 'infinity').
CREATE INDEX task_user_due      ON task (user_id, (coalesce(due_at, 'infinity'::timestamptz)), id);
-- read backwards for the newest due first, still with undated tasks last
CREATE INDEX task_user_due_desc ON task (user_id, (coalesce(due_at, '-infinity'::timestamptz)), id);
CREATE INDEX task_user_priority ON task (user_id, priority DESC, (coalesce(due_at, 'infinity'::timestamptz)), id);
CREATE INDEX task_user_created  ON task (user_id, created_at, id);
CREATE INDEX task_user_updated  ON task (user_id, updated_at, id);
CREATE INDEX task_user_title    ON task (user_id, lower(title), id);
-- GIN indexes without fastupdate: with it, new entries wait in an unsorted pending list (up to 4 MB)
-- that every tag or text search scans in full; a profile under the benchmark's mix of searches and
-- steady writes showed that scan as PostgreSQL's largest cost
CREATE INDEX task_user_tags     ON task USING gin (user_id, tags) WITH (fastupdate = off);
-- the lexemes carry the user (see search above): a prefix query reads only that user's postings
CREATE INDEX task_search        ON task USING gin (search) WITH (fastupdate = off);
