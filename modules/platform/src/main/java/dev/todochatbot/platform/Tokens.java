package dev.todochatbot.platform;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Signed access tokens (JWT, HS256). The edge issues them at sign-in; every service checks them
 * itself, so a request that reaches a service without passing the edge is still authenticated.
 * The key is configuration ({@code JWT_SECRET}), never code.
 */
public final class Tokens {

  public static final String ISSUER = "todo-chatbot";
  private static final int MIN_SECRET_BYTES = 32;

  private static final int VERIFIED_CACHE_SIZE = 10_000;

  private final JWTAuth auth;
  private final Duration ttl;
  /**
   * Tokens already verified, until they expire: a signed-in person sends the same token with every
   * request, and checking its signature and claims each time is a large share of a simple read.
   * Keyed by the whole token, so a changed token is verified afresh; least recently used go first.
   */
  private final Map<String, Verified> verified = Collections.synchronizedMap(
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Verified> eldest) {
          return size() > VERIFIED_CACHE_SIZE;
        }
      });

  private record Verified(Principal principal, long expiresAtEpochSecond) {}

  private Tokens(JWTAuth auth, Duration ttl) {
    this.auth = auth;
    this.ttl = ttl;
  }

  public static Tokens create(Vertx vertx, String secret, Duration ttl) {
    if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("JWT_SECRET must be at least " + MIN_SECRET_BYTES + " bytes long");
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("TOKEN_TTL must be positive, got " + ttl);
    }
    var options = new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret))
        .setJWTOptions(new JWTOptions().setIssuer(ISSUER).setLeeway(5));
    return new Tokens(JWTAuth.create(vertx, options), ttl);
  }

  /** A signed token and the instant it stops working. */
  public record Issued(String token, java.time.Instant expiresAt) {}

  public String issue(Principal principal) {
    return issueWithExpiry(principal).token();
  }

  public Issued issueWithExpiry(Principal principal) {
    long expiresAt = java.time.Instant.now().getEpochSecond() + ttl.toSeconds();
    var claims = new JsonObject()
        .put("sub", principal.userId().toString())
        .put("email", principal.email())
        .put("tz", principal.timeZone())
        .put("exp", expiresAt);
    var options = new JWTOptions().setAlgorithm("HS256").setIssuer(ISSUER);
    return new Issued(auth.generateToken(claims, options), java.time.Instant.ofEpochSecond(expiresAt));
  }

  public Future<Principal> verify(String token) {
    Verified known = verified.get(token);
    if (known != null && known.expiresAtEpochSecond() > Instant.now().getEpochSecond()) {
      return Future.succeededFuture(known.principal());
    }
    return auth.authenticate(new TokenCredentials(token)).map(user -> {
      JsonObject claims = user.principal();
      Principal principal;
      try {
        principal = new Principal(UUID.fromString(claims.getString("sub")), claims.getString("email"),
            claims.getString("tz", "UTC"));
      } catch (RuntimeException e) {
        throw Problem.unauthorized("The token does not name a user.").exception();
      }
      // vert.x keeps the expiry among the user's attributes, not in the principal
      Long exp = user.attributes().getLong("exp", claims.getLong("exp"));
      if (exp != null) {
        verified.put(token, new Verified(principal, exp));
      }
      return principal;
    });
  }

  /** Route handler: 401 problem unless the request carries a valid bearer token. */
  public Handler<RoutingContext> requireUser() {
    return ctx -> {
      String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
      if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
        HttpProblems.send(ctx, Problem.unauthorized(
            "Send 'Authorization: Bearer <token>' with a token from /api/auth/login or /api/auth/signup."));
        return;
      }
      verify(header.substring(7).trim()).onComplete(result -> {
        if (result.succeeded()) {
          ctx.put(Principal.CONTEXT_KEY, result.result());
          ctx.next();
        } else {
          HttpProblems.send(ctx, Problem.unauthorized("The token is invalid or has expired: sign in again."));
        }
      });
    };
  }
}
