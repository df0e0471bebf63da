package dev.todochatbot.tasks;

import dev.todochatbot.platform.HttpProblems;
import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.Problem;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Idempotency-Key} on writes: a write sent twice with the same key is carried out once. The edge
 * gives every public write a key of its own (or passes on the client's), so that a sidecar that retries a
 * request whose answer it lost (the callee's daprd killed after the write, say) gets the first answer
 * again instead of a second task.
 *
 * <p>The key is claimed in the write's own transaction, before anything else; a repeat's claim finds
 * it taken (waiting, if the first is still running, until that one commits or rolls back), rolls its own
 * transaction back and is answered what the first was answered, marked {@value #REPLAYED}: true.
 * A write that fails writes nothing, its claim included, so its key can be tried again. The answer is
 * recorded right after the commit; a repeat that comes between the two (or after the process died
 * there) is told so (409) rather than carried out again. Keys are per user and kept {@link #KEPT}.
 */
final class IdempotencyKeys {

  static final String HEADER = "Idempotency-Key";
  static final String REPLAYED = "Idempotent-Replayed";
  static final int MAX_LENGTH = 255;
  static final Duration KEPT = Duration.ofHours(24);
  private static final Duration PURGE_EVERY = Duration.ofMinutes(10);
  private static final String CONTEXT_KEY = "idempotency-key";
  private static final List<CharSequence> RECORDED_HEADERS = List.of(HttpHeaders.CONTENT_TYPE,
      HttpHeaders.LOCATION, HttpHeaders.ETAG);

  private static final Logger log = LoggerFactory.getLogger(IdempotencyKeys.class);

  /** One write's key: whose, the key, and what the request was (method, path, If-Match and body). */
  record Key(UUID userId, String value, String fingerprint) {}

  /** The claim found the key taken: the write was rolled back, and the first answer is due. */
  static final class Repeated extends RuntimeException {
    final Key key;

    Repeated(Key key) {
      super("Idempotency-Key " + key.value() + " was used before", null, false, false);
      this.key = key;
    }
  }

  private final Pool pool;

  IdempotencyKeys(Pool pool) {
    this.pool = pool;
  }

  /** Removes keys older than {@link #KEPT} every few minutes; with several replicas each does, harmlessly. */
  long startPurging(Vertx vertx) {
    return vertx.setPeriodic(PURGE_EVERY.toMillis(), id -> pool
        .preparedQuery("DELETE FROM tasks.handled_request WHERE handled_at < now() - $1::interval")
        .execute(Tuple.of(KEPT.toSeconds() + " seconds"))
        .onFailure(e -> log.warn("Could not remove old idempotency keys: {}", e.toString())));
  }

  /**
   * The route step before a write: reads the request's key, refusing one that cannot be a key (400),
   * and keeps it for {@link #of}. Without the header the write is not protected against repeats.
   */
  static void read(RoutingContext ctx) {
    String value = ctx.request().getHeader(HEADER);
    if (value != null) {
      if (value.isEmpty() || value.length() > MAX_LENGTH || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw Problem.badRequest(HEADER + " must be 1 to " + MAX_LENGTH + " visible ASCII characters (a UUID, "
            + "say), new for each write you mean to make once.").exception();
      }
      ctx.put(CONTEXT_KEY, new Key(Principal.of(ctx).userId(), value, fingerprint(ctx)));
    }
    ctx.next();
  }

  /** The key {@link #read} kept for this request, or null. */
  static Key of(RoutingContext ctx) {
    return ctx.get(CONTEXT_KEY);
  }

  /** Claims {@code key} in the write's transaction; fails {@link Repeated} when it was claimed before. */
  static Future<Void> claim(SqlConnection conn, Key key) {
    if (key == null) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery("INSERT INTO tasks.handled_request (user_id, key, fingerprint) VALUES ($1, $2, $3) "
            + "ON CONFLICT DO NOTHING")
        .execute(Tuple.of(key.userId(), key.value(), key.fingerprint()))
        .compose(rows -> rows.rowCount() == 1 ? Future.succeededFuture() : Future.failedFuture(new Repeated(key)));
  }

  /**
   * Ends the response with {@code status} and {@code body}, after recording them (and its Content-Type,
   * Location and ETag) for repeats when the request has a key. A failure to record is logged, not
   * answered: the write happened, and a repeat is then told that its answer is unknown.
   */
  void answer(RoutingContext ctx, int status, Buffer body) {
    var response = ctx.response().setStatusCode(status);
    Key key = of(ctx);
    if (key == null) {
      end(ctx, body);
      return;
    }
    var headers = new JsonObject();
    for (CharSequence name : RECORDED_HEADERS) {
      String value = response.headers().get(name);
      if (value != null) {
        headers.put(name.toString(), value);
      }
    }
    pool.preparedQuery("UPDATE tasks.handled_request SET status = $3, headers = $4, body = $5 "
            + "WHERE user_id = $1 AND key = $2")
        .execute(Tuple.of(key.userId(), key.value(), status, headers, body == null ? null : body))
        .onFailure(e -> log.warn("Could not record the answer to Idempotency-Key {}: {}", key.value(), e.toString()))
        .onComplete(recorded -> end(ctx, body));
  }

  /** What a write's failure comes to: the first answer again for a repeat, else the failure as a problem. */
  void failed(RoutingContext ctx, Throwable failure) {
    if (!(failure instanceof Repeated repeated)) {
      ctx.fail(failure);
      return;
    }
    Key key = repeated.key;
    pool.preparedQuery("SELECT fingerprint, status, headers, body FROM tasks.handled_request "
            + "WHERE user_id = $1 AND key = $2")
        .execute(Tuple.of(key.userId(), key.value()))
        .onFailure(ctx::fail)
        .onSuccess(rows -> {
          Row first = rows.size() == 0 ? null : rows.iterator().next();
          if (first == null) {
            // purged between the claim and this read: a day old
            ctx.fail(Problem.conflict(HEADER + " " + key.value() + " was used more than a day ago: "
                + "use a new key for a new write.").exception());
          } else if (!first.getString("fingerprint").equals(key.fingerprint())) {
            HttpProblems.send(ctx, Problem.of(422, "key-reused", "The Idempotency-Key was used for another request",
                HEADER + " " + key.value() + " was sent before with another method, path, If-Match or body: "
                    + "use a new key for each write."));
          } else if (first.getInteger("status") == null) {
            HttpProblems.send(ctx, Problem.conflict("The write with " + HEADER + " " + key.value() + " was carried "
                + "out, but its answer is not known yet: read the task to see it rather than repeating the write."));
          } else {
            var response = ctx.response().setStatusCode(first.getInteger("status")).putHeader(REPLAYED, "true");
            first.getJsonObject("headers").forEach(header -> response.putHeader(header.getKey(),
                String.valueOf(header.getValue())));
            end(ctx, first.getBuffer("body"));
          }
        });
  }

  private static void end(RoutingContext ctx, Buffer body) {
    if (body == null) {
      ctx.response().end();
    } else {
      ctx.response().end(body);
    }
  }

  /** What tells two requests under one key apart: method, path and query, If-Match, and the body's digest. */
  private static String fingerprint(RoutingContext ctx) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
    MultiMap headers = ctx.request().headers();
    digest.update((ctx.request().method().name() + " " + ctx.request().uri() + "\n"
        + headers.get(HttpHeaders.IF_MATCH) + "\n").getBytes(StandardCharsets.UTF_8));
    if (ctx.body() != null && ctx.body().buffer() != null) {
      digest.update(ctx.body().buffer().getBytes());
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(digest.digest());
  }
}
