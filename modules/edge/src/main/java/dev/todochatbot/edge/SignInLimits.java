package dev.todochatbot.edge;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.HttpProblems;
import dev.todochatbot.platform.Problem;
import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;

/**
 * How often sign-up and sign-in may be tried: sign-ins per client address, failed sign-ins per account
 * (whatever address they come from, so that guessing one person's password from many addresses is
 * slow too), and sign-ups per client address (which also bounds how fast sign-up's 409 can be used to
 * learn which emails have an account). One set per edge process, shared by its event loops; each
 * replica counts on its own.
 *
 * <p>The client address is the connection's, unless {@code TRUSTED_PROXY_HOPS} says how many proxies
 * (an Ingress controller: 1) stand in front of the edge, each appending the address it saw to
 * {@code X-Forwarded-For}; then it is the entry that many from the right, the one the outermost
 * trusted proxy saw. Entries further left are the client's to write, so they are never used, and
 * without a trusted proxy the header is ignored altogether. An IPv6 client is counted by its /64, since
 * one host commonly holds a whole /64.
 */
final class SignInLimits {

  /**
   * {@code SIGNIN_LIMIT_PER_ADDRESS} (30) sign-in attempts per minute per client address;
   * {@code SIGNIN_FAILURES_PER_ACCOUNT} (10) failed sign-ins per hour per email; {@code SIGNUP_LIMIT_PER_ADDRESS}
   * (20) sign-ups per hour per client address: each a burst of that many, then one more each period / limit;
   * 0 turns a limit off. {@code TRUSTED_PROXY_HOPS} (0): see {@link SignInLimits}.
   */
  record Settings(int signInsPerAddress, int failuresPerAccount, int signUpsPerAddress, int trustedProxyHops) {

    static final Duration SIGN_IN_PERIOD = Duration.ofMinutes(1);
    static final Duration FAILURE_PERIOD = Duration.ofHours(1);
    static final Duration SIGN_UP_PERIOD = Duration.ofHours(1);

    Settings {
      if (signInsPerAddress < 0 || failuresPerAccount < 0 || signUpsPerAddress < 0 || trustedProxyHops < 0) {
        throw new IllegalArgumentException("sign-in limits and TRUSTED_PROXY_HOPS cannot be negative");
      }
    }

    static Settings fromEnv(Env env) {
      return new Settings(env.getInt("SIGNIN_LIMIT_PER_ADDRESS", 30), env.getInt("SIGNIN_FAILURES_PER_ACCOUNT", 10),
          env.getInt("SIGNUP_LIMIT_PER_ADDRESS", 20), env.getInt("TRUSTED_PROXY_HOPS", 0));
    }
  }

  /** Buckets kept per limit: beyond, the least recently used are dropped ({@link TokenBuckets}). */
  private static final int MAX_KEYS = 100_000;

  private final Settings settings;
  private final TokenBuckets signIns;
  private final TokenBuckets failures;
  private final TokenBuckets signUps;

  SignInLimits(Settings settings) {
    this(settings, Ticker.systemTicker());
  }

  SignInLimits(Settings settings, Ticker ticker) {
    this.settings = settings;
    this.signIns = new TokenBuckets(settings.signInsPerAddress(), Settings.SIGN_IN_PERIOD, MAX_KEYS, ticker);
    this.failures = new TokenBuckets(settings.failuresPerAccount(), Settings.FAILURE_PERIOD, MAX_KEYS, ticker);
    this.signUps = new TokenBuckets(settings.signUpsPerAddress(), Settings.SIGN_UP_PERIOD, MAX_KEYS, ticker);
  }

  /** Counts a sign-in attempt from the request's address: empty when it may go on, else how long to wait. */
  Optional<Duration> signInFrom(HttpServerRequest request) {
    return signIns.take(clientAddress(request));
  }

  /**
   * Holds one failure of {@code email}'s allowance for the attempt about to be checked, so that attempts
   * at once cannot go past it; {@link #release} gives it back. Empty when the attempt may go on.
   */
  Optional<Duration> signInAs(String email) {
    return failures.take(email);
  }

  /** The attempt held for {@code email} did not fail (it signed in, or could not be checked): it does not count. */
  void release(String email) {
    failures.giveBack(email);
  }

  Optional<Duration> signUpFrom(HttpServerRequest request) {
    return signUps.take(clientAddress(request));
  }

  /** Answers 429 with {@code Retry-After} and a problem naming {@code what} when {@code wait} is present; whether it did. */
  static boolean tooMany(RoutingContext ctx, Optional<Duration> wait, String what) {
    if (wait.isEmpty()) {
      return false;
    }
    long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
    ctx.response().putHeader("Retry-After", Long.toString(seconds));
    HttpProblems.send(ctx, Problem.of(429, "too-many-requests", "Too many requests", "Too many " + what
        + " for now. Try again in " + (seconds < 120 ? seconds + " seconds" : (seconds + 59) / 60 + " minutes") + "."));
    return true;
  }

  private String clientAddress(HttpServerRequest request) {
    return clientAddress(settings.trustedProxyHops(), request.remoteAddress().hostAddress(),
        request.headers().getAll("X-Forwarded-For").isEmpty() ? null
            : String.join(",", request.headers().getAll("X-Forwarded-For")));
  }

  /**
   * The address a request is counted under: {@code remote} with no trusted proxy, else the entry of
   * {@code forwardedFor} {@code hops} from the right, or the leftmost when there are fewer (a request
   * that came through fewer proxies than configured), or {@code remote} when that entry is not an
   * address. IPv6 as its /64.
   */
  static String clientAddress(int hops, String remote, String forwardedFor) {
    String chosen = remote;
    if (hops > 0 && forwardedFor != null && !forwardedFor.isBlank()) {
      String[] entries = forwardedFor.split(",");
      String entry = entries[Math.max(0, entries.length - hops)].strip();
      if (literal(entry) != null) {
        chosen = entry;
      }
    }
    return counted(chosen);
  }

  /** The bytes of an address literal (with or without brackets and port), or null; never a name lookup. */
  private static byte[] literal(String text) {
    String address = text;
    if (address.startsWith("[") && address.indexOf(']') > 0) {
      address = address.substring(1, address.indexOf(']'));
    } else if (address.indexOf(':') > 0 && address.indexOf(':') == address.lastIndexOf(':')) {
      address = address.substring(0, address.indexOf(':')); // IPv4 with a port
    }
    return NetUtil.createByteArrayFromIpAddressString(address);
  }

  private static String counted(String address) {
    byte[] bytes = literal(address);
    if (bytes == null) {
      return address;
    }
    boolean mapped = bytes.length == 16 && java.util.Arrays.equals(bytes, 0, 12,
        new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff}, 0, 12);
    if (bytes.length == 4 || mapped) {
      int at = bytes.length - 4;
      return (bytes[at] & 0xff) + "." + (bytes[at + 1] & 0xff) + "." + (bytes[at + 2] & 0xff) + "." + (bytes[at + 3] & 0xff);
    }
    StringBuilder prefix = new StringBuilder();
    for (int group = 0; group < 4; group++) {
      prefix.append(Integer.toHexString(((bytes[2 * group] & 0xff) << 8) | (bytes[2 * group + 1] & 0xff))).append(':');
    }
    return prefix.append(":/64").toString();
  }
}
