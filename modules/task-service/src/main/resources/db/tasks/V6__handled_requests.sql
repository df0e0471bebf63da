-- The Idempotency-Key of every write carried out (IdempotencyKeys): claimed in the write's own
-- transaction, so that a repeat of the write (a sidecar retrying a request whose answer it lost, a
-- client trying again) finds it and is answered again instead of carried out again. The answer is
-- recorded right after the commit (status null until then). Rows older than a day are removed.
CREATE TABLE handled_request (
  user_id     uuid        NOT NULL,
  key         text        NOT NULL,
  fingerprint text        NOT NULL,
  handled_at  timestamptz NOT NULL DEFAULT now(),
  status      integer,
  headers     jsonb,
  body        bytea,
  PRIMARY KEY (user_id, key)
);
CREATE INDEX handled_request_age ON handled_request (handled_at);
