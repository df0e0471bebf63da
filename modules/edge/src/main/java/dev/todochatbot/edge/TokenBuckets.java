package dev.todochatbot.edge;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Optional;

/**
 * One token bucket per key (an address, an account): {@code burst} attempts at once, then one more each
 * {@code refill / burst}. A burst of 0 is no limit.
 *
 * <p>Memory is bounded: at most {@code maxKeys} buckets, the least recently used dropped first, and a
 * bucket untouched for {@code refill} is dropped too, since it would be full again by then anyway. Under
 * a flood of more distinct keys than that, a bucket may be dropped early and start full: the price of
 * the bound. Buckets are shared by every event loop of the edge; each is updated under its own lock,
 * with no I/O.
 */
final class TokenBuckets {

  private final int burst;
  private final long nanosPerToken;
  private final Ticker ticker;
  private final Cache<String, Bucket> buckets;

  TokenBuckets(int burst, Duration refill, int maxKeys, Ticker ticker) {
    this.burst = burst;
    this.nanosPerToken = burst == 0 ? 0 : refill.toNanos() / burst;
    this.ticker = ticker;
    this.buckets = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterAccess(refill).ticker(ticker).build();
  }

  /** Takes a token from {@code key}'s bucket: empty when taken, else how long until one is back. */
  Optional<Duration> take(String key) {
    if (burst == 0) {
      return Optional.empty();
    }
    return buckets.get(key, k -> new Bucket(burst, ticker.read())).take(ticker.read());
  }

  /** Puts back a token taken for an attempt that turned out not to count (a sign-in that succeeded). */
  void giveBack(String key) {
    Bucket bucket = burst == 0 ? null : buckets.getIfPresent(key);
    if (bucket != null) {
      bucket.giveBack();
    }
  }

  long size() {
    buckets.cleanUp();
    return buckets.estimatedSize();
  }

  /** Tokens are counted in nanoseconds of refill: full is {@code burst * nanosPerToken}. */
  private final class Bucket {
    private long stored;
    private long updated;

    Bucket(int tokens, long now) {
      this.stored = tokens * nanosPerToken;
      this.updated = now;
    }

    synchronized Optional<Duration> take(long now) {
      stored = Math.min(burst * nanosPerToken, stored + Math.max(0, now - updated));
      updated = now;
      if (stored >= nanosPerToken) {
        stored -= nanosPerToken;
        return Optional.empty();
      }
      return Optional.of(Duration.ofNanos(nanosPerToken - stored));
    }

    synchronized void giveBack() {
      stored = Math.min(burst * nanosPerToken, stored + nanosPerToken);
    }
  }
}
