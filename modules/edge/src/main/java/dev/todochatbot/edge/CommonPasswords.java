package dev.todochatbot.edge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import me.gosimple.nbvcxz.resources.DictionaryUtil;

/**
 * The most common passwords, which NIST SP 800-63B says a service must refuse when one is chosen: the
 * 100,000 of nbvcxz's {@code passwords} dictionary (drawn from real password leaks and kept with that
 * library), compared without regard to case. Only those of at least {@link AccountInput#MIN_PASSWORD}
 * characters are kept; shorter ones are refused for their length anyway.
 *
 * <p>Read once per process, on a worker thread (a few hundred milliseconds of I/O and parsing that
 * must not hold an event loop), when the first edge verticle starts; a sign-up that comes before it is
 * read waits for it, and one after a failed read tries again.
 */
final class CommonPasswords {

  private static final AtomicReference<CompletableFuture<CommonPasswords>> LOADED = new AtomicReference<>();

  private final Set<String> passwords;

  private CommonPasswords(Set<String> passwords) {
    this.passwords = passwords;
  }

  /** The list, read on a worker of {@code vertx} the first time, completed on the caller's context. */
  static Future<CommonPasswords> get(Vertx vertx) {
    CompletableFuture<CommonPasswords> loading = LOADED.get();
    while (loading == null) {
      CompletableFuture<CommonPasswords> mine = new CompletableFuture<>();
      if (LOADED.compareAndSet(null, mine)) {
        vertx.executeBlocking(CommonPasswords::read, false).onComplete(read -> {
          if (read.succeeded()) {
            mine.complete(read.result());
          } else {
            LOADED.compareAndSet(mine, null); // the next sign-up reads it again
            mine.completeExceptionally(read.cause());
          }
        });
      }
      loading = LOADED.get();
    }
    return Future.fromCompletionStage(loading, vertx.getOrCreateContext());
  }

  boolean contains(String password) {
    return passwords.contains(password.toLowerCase(Locale.ROOT));
  }

  private static CommonPasswords read() {
    Set<String> kept = new HashSet<>();
    for (String password : DictionaryUtil.loadUnrankedDictionary(DictionaryUtil.passwords).keySet()) {
      String lower = password.strip().toLowerCase(Locale.ROOT);
      if (lower.codePointCount(0, lower.length()) >= AccountInput.MIN_PASSWORD) {
        kept.add(lower);
      }
    }
    if (kept.isEmpty()) {
      throw new IllegalStateException("nbvcxz's passwords dictionary is missing or empty");
    }
    return new CommonPasswords(Set.copyOf(kept));
  }
}
