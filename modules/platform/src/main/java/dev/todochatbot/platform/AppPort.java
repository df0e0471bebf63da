package dev.todochatbot.platform;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's own port, the one its Dapr sidecar calls: the address it binds ({@code INTERNAL_HOST},
 * loopback unless set, since the sidecar reaches its app on localhost) and the app token
 * ({@code APP_API_TOKEN}) that daprd sends as {@code dapr-api-token} on every call to its app. Routes
 * only a sidecar may call (subscription discovery, event deliveries, input bindings) refuse a call
 * without that token, so a forged event cannot get in even where the port is reachable.
 *
 * <p>Without a token (a service run by hand beside a sidecar started without one) those routes accept
 * any caller, as daprd's own API does without {@code DAPR_API_TOKEN}; that is only allowed on a loopback
 * address, and a start that binds any other address without a token fails.
 */
public record AppPort(String host, Optional<String> appToken) {

  /** The header daprd carries its tokens in, both ways: app to sidecar and sidecar to app. */
  public static final String TOKEN_HEADER = "dapr-api-token";
  private static final Logger log = LoggerFactory.getLogger(AppPort.class);

  public AppPort {
    appToken = appToken.filter(token -> !token.isEmpty());
    if (appToken.isEmpty() && !isLoopback(host)) {
      throw new IllegalArgumentException("INTERNAL_HOST=" + host + " would let anyone who reaches that address call "
          + "the routes only the Dapr sidecar may call: set APP_API_TOKEN (the token daprd sends its app; "
          + "dapr.io/app-token-secret on Kubernetes) or bind to 127.0.0.1");
    }
  }

  /** On loopback, no token: tests that call the service's routes themselves. */
  public static AppPort loopback() {
    return new AppPort("127.0.0.1", Optional.empty());
  }

  public static AppPort fromEnv(Env env) {
    return new AppPort(env.get("INTERNAL_HOST", "127.0.0.1"), env.optional("APP_API_TOKEN"));
  }

  /**
   * First handler of a route that only the sidecar calls: without the app token the call ends here
   * with 401, before any body is read (a security-policy handler, which vertx-web lets stand before the
   * body handler).
   */
  public SecurityPolicyHandler sidecarOnly() {
    if (appToken.isEmpty()) {
      return RoutingContext::next;
    }
    byte[] expected = appToken.get().getBytes(StandardCharsets.UTF_8);
    return ctx -> {
      String sent = ctx.request().getHeader(TOKEN_HEADER);
      if (matches(expected, sent)) {
        ctx.next();
        return;
      }
      log.warn("Refused {} {} from {}: {} app token", ctx.request().method(), ctx.request().path(),
          ctx.request().remoteAddress(), sent == null ? "no" : "a wrong");
      HttpProblems.send(ctx, Problem.of(401, "sidecar-only", "Only the Dapr sidecar may call this",
          ctx.request().path() + " is called by this service's Dapr sidecar, which proves itself with the app token "
              + "in the " + TOKEN_HEADER + " header."));
    };
  }

  /**
   * Whether {@code sent} (a header's value, null when absent) is the token {@code expected} holds, compared
   * in constant time so that the answer's timing tells a guesser nothing. For both of Dapr's tokens.
   */
  public static boolean matches(byte[] expected, String sent) {
    return sent != null && MessageDigest.isEqual(expected, sent.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether {@code host} is a loopback address (a literal or a name that resolves only to loopback). */
  static boolean isLoopback(String host) {
    try {
      InetAddress[] addresses = InetAddress.getAllByName(host);
      for (InetAddress address : addresses) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return addresses.length > 0;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("INTERNAL_HOST=" + host + " is not an address of this machine", e);
    }
  }
}
