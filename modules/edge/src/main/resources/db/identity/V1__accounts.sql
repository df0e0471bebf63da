-- Accounts and sign-in, owned by the edge. Emails are stored trimmed and lower-case.
CREATE TABLE account (
  id            uuid        PRIMARY KEY,
  email         text        NOT NULL UNIQUE,
  password_hash text        NOT NULL,
  name          text        NOT NULL,
  time_zone     text        NOT NULL,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL
);
