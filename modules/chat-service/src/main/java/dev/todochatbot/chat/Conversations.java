package dev.todochatbot.chat;

import dev.todochatbot.chat.agent.ChatMessage;
import dev.todochatbot.platform.Problem;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * Conversations and their messages (schema {@code chat}), always scoped to one user: another user's
 * conversation is indistinguishable from one that does not exist.
 */
final class Conversations {

  /** A conversation as listed. */
  record Conversation(UUID id, String title, Instant createdAt, Instant updatedAt) {
    JsonObject toJson() {
      return new JsonObject().put("id", id.toString()).put("title", title).put("createdAt", createdAt.toString())
          .put("updatedAt", updatedAt.toString());
    }
  }

  static final int TITLE_CHARS = 80;

  private final Pool pool;

  Conversations(Pool pool) {
    this.pool = pool;
  }

  /** Starts a conversation with the person's first message; its first words are its title. */
  Future<UUID> start(UUID userId, ChatMessage first) {
    UUID id = UUID.randomUUID();
    OffsetDateTime at = utc(first.createdAt());
    return pool.withTransaction(connection -> connection
        .preparedQuery("INSERT INTO chat.conversation (id, user_id, title, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)")
        .execute(Tuple.of(id, userId, title(first.content()), at))
        .compose(inserted -> connection.preparedQuery(INSERT_MESSAGE).execute(messageParams(id, first)))
        .map(id));
  }

  /**
   * Adds a message to the user's conversation; fails with 404 when the user has no such conversation
   * (also when it was deleted meanwhile).
   */
  Future<Void> append(UUID userId, UUID conversationId, ChatMessage message) {
    return pool.withTransaction(connection -> connection
        .preparedQuery("UPDATE chat.conversation SET updated_at = greatest(updated_at, $3) WHERE id = $1 AND user_id = $2")
        .execute(Tuple.of(conversationId, userId, utc(message.createdAt())))
        .compose(updated -> {
          if (updated.rowCount() == 0) {
            return Future.failedFuture(notFound(conversationId).exception());
          }
          return connection.preparedQuery(INSERT_MESSAGE).execute(messageParams(conversationId, message)).mapEmpty();
        }));
  }

  /** The last {@code limit} messages of the user's conversation, oldest first; 404 when it is not theirs. */
  Future<List<ChatMessage>> recent(UUID userId, UUID conversationId, int limit) {
    return pool.preparedQuery("SELECT m.id, m.role, m.content, m.actions, m.created_at FROM chat.message m "
            + "JOIN chat.conversation c ON c.id = m.conversation_id "
            + "WHERE c.id = $1 AND c.user_id = $2 ORDER BY m.position DESC LIMIT $3")
        .execute(Tuple.of(conversationId, userId, limit))
        .compose(rows -> {
          var messages = new ArrayList<ChatMessage>(rows.size());
          rows.forEach(row -> messages.add(message(row)));
          Collections.reverse(messages);
          if (!messages.isEmpty()) {
            return Future.succeededFuture(messages);
          }
          return exists(userId, conversationId).map(exists -> {
            if (!exists) {
              throw notFound(conversationId).exception();
            }
            return messages;
          });
        });
  }

  /** The user's conversations, last active first. */
  Future<List<Conversation>> list(UUID userId, int limit) {
    return pool.preparedQuery("SELECT id, title, created_at, updated_at FROM chat.conversation WHERE user_id = $1 "
            + "ORDER BY updated_at DESC, id DESC LIMIT $2")
        .execute(Tuple.of(userId, limit))
        .map(rows -> {
          var list = new ArrayList<Conversation>(rows.size());
          rows.forEach(row -> list.add(new Conversation(row.getUUID("id"), row.getString("title"),
              row.getOffsetDateTime("created_at").toInstant(), row.getOffsetDateTime("updated_at").toInstant())));
          return list;
        });
  }

  /** Deletes the user's conversation and its messages; 404 when there is none. */
  Future<Void> delete(UUID userId, UUID conversationId) {
    return pool.preparedQuery("DELETE FROM chat.conversation WHERE id = $1 AND user_id = $2")
        .execute(Tuple.of(conversationId, userId))
        .compose(result -> result.rowCount() == 1 ? Future.succeededFuture()
            : Future.failedFuture(notFound(conversationId).exception()));
  }

  private Future<Boolean> exists(UUID userId, UUID conversationId) {
    return pool.preparedQuery("SELECT 1 FROM chat.conversation WHERE id = $1 AND user_id = $2")
        .execute(Tuple.of(conversationId, userId)).map(rows -> rows.size() > 0);
  }

  private static final String INSERT_MESSAGE = "INSERT INTO chat.message (id, conversation_id, role, content, actions, "
      + "created_at) VALUES ($1, $2, $3, $4, $5, $6)";

  private static Tuple messageParams(UUID conversationId, ChatMessage message) {
    var actions = new JsonArray();
    message.actions().forEach(a -> actions.add(a.toJson()));
    // jsonb refuses the NUL character, which a model's tool arguments may hold
    String encoded = actions.encode();
    JsonArray storable = encoded.contains("\\u0000") ? new JsonArray(encoded.replace("\\u0000", "")) : actions;
    return Tuple.of(message.id(), conversationId, message.role().json(), message.content().replace("\u0000", ""),
        storable, utc(message.createdAt()));
  }

  private static ChatMessage message(Row row) {
    Object actions = row.getValue("actions");
    JsonArray array = actions instanceof JsonArray a ? a : new JsonArray(String.valueOf(actions));
    return new ChatMessage(row.getUUID("id"), ChatMessage.Role.parse(row.getString("role")), row.getString("content"),
        ChatMessage.actionsFromJson(array), row.getOffsetDateTime("created_at").toInstant());
  }

  static Problem notFound(UUID conversationId) {
    return Problem.notFound("You have no conversation " + conversationId + ".");
  }

  private static String title(String firstMessage) {
    String oneLine = firstMessage.strip().replaceAll("\\s+", " ");
    return oneLine.codePointCount(0, oneLine.length()) <= TITLE_CHARS ? oneLine
        : oneLine.substring(0, oneLine.offsetByCodePoints(0, TITLE_CHARS - 1)) + "…";
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
