package dev.todochatbot.edge;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.Problem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the account a token names still exists: a token outlives its account (deleted, or the
 * database restored from before the sign-up), and its signature alone says nothing about that.
 *
 * <p>Checked here, at the edge, and nowhere else, because every public path passes the edge (the
 * forwarded {@code /api/*} and {@code /mcp} routes, and {@code /ws}), the account table is the edge's
 * own (schema identity, which no other service may read), and the services' own ports are reachable
 * only through their sidecars (bound to loopback, and called with Dapr's app token): a request that
 * reaches a service has passed this check. The services still check the token itself.
 *
 * <p>An answer, yes or no, is kept for {@link #TTL}: a deleted account's tokens stop working at most 30
 * seconds after its row is gone, and a signed-in person costs one indexed lookup per 30 seconds rather
 * than one per request. At most {@link #MAX_ACCOUNTS} answers are kept per event loop, the least
 * recently used dropped first. The lookup is the reactive client's, so nothing waits on an event loop,
 * and the requests of one person that arrive meanwhile share it. A failed lookup is not kept: the
 * request answers 503 and the next one asks again.
 */
final class KnownAccounts {

  static final Duration TTL = Duration.ofSeconds(30);
  static final int MAX_ACCOUNTS = 50_000;

  private static final Logger log = LoggerFactory.getLogger(KnownAccounts.class);

  private final Vertx vertx;
  private final AsyncLoadingCache<UUID, Boolean> known;

  /** @param exists whether an account of that id exists (a query; it may fail) */
  KnownAccounts(Vertx vertx, Function<UUID, Future<Boolean>> exists) {
    this(vertx, exists, Ticker.systemTicker());
  }

  KnownAccounts(Vertx vertx, Function<UUID, Future<Boolean>> exists, Ticker ticker) {
    this.vertx = vertx;
    this.known = Caffeine.newBuilder()
        .maximumSize(MAX_ACCOUNTS)
        .expireAfterWrite(TTL)
        .ticker(ticker)
        .buildAsync((id, executor) -> exists.apply(id).toCompletionStage().toCompletableFuture());
  }

  /** Succeeds when the account of {@code user} exists; fails with a 401 problem when it does not, 503 when unknown. */
  Future<Void> admit(Principal user) {
    return Future.fromCompletionStage(known.get(user.userId()), vertx.getOrCreateContext())
        .recover(failure -> {
          log.warn("Could not look up account {}: {}", user.userId(), failure.toString());
          return Future.failedFuture(Problem.of(503, "service-unavailable", "Service unavailable",
              "Your account cannot be checked right now. Try again in a moment.").exception());
        })
        .compose(exists -> exists ? Future.succeededFuture()
            : Future.failedFuture(Problem.unauthorized("This account no longer exists: sign up again, or sign in "
                + "with another account.").exception()));
  }
}
