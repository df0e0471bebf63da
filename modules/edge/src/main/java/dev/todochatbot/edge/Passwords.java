package dev.todochatbot.edge;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Argon2id password hashes (OWASP's minimum: 19 MiB, 2 passes, 1 lane). Hashing takes tens of
 * milliseconds of CPU on purpose, so it runs on worker threads, never on an event loop.
 */
final class Passwords {

  private static final Argon2Function ARGON2 = Argon2Function.getInstance(19_456, 2, 1, 32, Argon2.ID);
  /**
   * Checked against when the email is unknown, so that a wrong email costs as long as a wrong password.
   * The hash of 32 random bytes that were thrown away: no password matches it. A constant, because
   * hashing it at class load would block the event loop that first loads this class.
   */
  private static final String DECOY_HASH =
      "$argon2id$v=19$m=19456,t=2,p=1$Hj8TyXWDmAE3Tl/cWeL1sQ$hug8FoobzCtR/ZYuXZjB7pJNkga2AXR8YCp9vSLOJxk";

  private final Vertx vertx;

  Passwords(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<String> hash(String password) {
    return vertx.executeBlocking(() -> Password.hash(password).addRandomSalt(16).with(ARGON2).getResult(), false);
  }

  /** Whether the password matches {@code hash}; a null hash (no such account) checks the decoy and is false. */
  Future<Boolean> matches(String password, String hash) {
    String checked = hash == null ? DECOY_HASH : hash;
    return vertx.executeBlocking(
        () -> Password.check(password, checked).with(Argon2Function.getInstanceFromHash(checked)) && hash != null,
        false);
  }
}
