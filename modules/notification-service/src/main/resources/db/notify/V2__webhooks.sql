-- Per-user webhooks: where a person wants their reminders POSTed, and every delivery to it.

-- One webhook per person. The secret signs each delivery (HMAC-SHA256), so it is kept as given:
-- the service needs it back, and never shows it.
CREATE TABLE webhook (
  user_id    uuid        PRIMARY KEY,
  url        text        NOT NULL,
  secret     text        NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per reminder fired (delivered, or published as missed) while its user had a webhook: the
-- same JSON as the message on the reminders topic, and where it stands.
--
--   pending   to send at next_attempt_at; a replica that takes it moves next_attempt_at past the
--             attempt's timeout (its lease), so no other replica sends it meanwhile
--   delivered the endpoint answered 2xx at delivered_at
--   failed    every attempt failed (last_status, last_error say how the last one did), or the
--             webhook was removed before it went out
CREATE TABLE webhook_delivery (
  id              uuid        PRIMARY KEY,
  user_id         uuid        NOT NULL,
  reminder_id     uuid        NOT NULL,
  fire_at         timestamptz NOT NULL,
  url             text        NOT NULL,
  payload         jsonb       NOT NULL,
  state           text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts        int         NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_status     int,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  delivered_at    timestamptz,
  -- a reminder at an instant is queued once, however often its settling is retried
  UNIQUE (user_id, reminder_id, fire_at)
);

-- The delivery loop: what is due, soonest first, whatever the size of the history.
CREATE INDEX webhook_delivery_due ON webhook_delivery (state, next_attempt_at) WHERE state = 'pending';
-- GET /api/me/webhook/deliveries: a person's deliveries, newest first.
CREATE INDEX webhook_delivery_user ON webhook_delivery (user_id, created_at DESC);
