-- The outbox: every task change writes its event here in the same statement as the change, so that no
-- committed change is without its event and no event exists for a change that rolled back. The relay
-- (OutboxRelay) publishes rows in id order through the Dapr sidecar and deletes them once the broker
-- has them; a row that is here is an event not yet known to be published.
CREATE TABLE outbox (
  id          bigserial   PRIMARY KEY,
  event_id    uuid        NOT NULL,
  user_id     uuid        NOT NULL,
  type        text        NOT NULL,
  -- the event as published (schemas/events/task-event.v1.schema.json); json keeps the text as written
  payload     json        NOT NULL,
  -- when the change was written, for the commit-to-broker lag the relay reports
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
