-- Conversations with the chat agent. The chat service keeps no state between requests: every message
-- loads its conversation from here, so any replica can answer any message.
CREATE TABLE conversation (
  id          uuid        PRIMARY KEY,
  user_id     uuid        NOT NULL,
  -- the first words the person said, for the conversation list
  title       text        NOT NULL,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
);

-- the conversation list: a user's conversations, last active first
CREATE INDEX conversation_by_user ON conversation (user_id, updated_at DESC, id DESC);

CREATE TABLE message (
  -- the order messages were written in, within and across conversations
  position         bigserial   PRIMARY KEY,
  id               uuid        NOT NULL UNIQUE,
  conversation_id  uuid        NOT NULL REFERENCES conversation (id) ON DELETE CASCADE,
  role             text        NOT NULL CHECK (role IN ('user', 'assistant')),
  content          text        NOT NULL,
  -- the tool calls an assistant message made: [{tool, arguments, result}]
  actions          jsonb       NOT NULL DEFAULT '[]',
  created_at       timestamptz NOT NULL
);

CREATE INDEX message_by_conversation ON message (conversation_id, position);
