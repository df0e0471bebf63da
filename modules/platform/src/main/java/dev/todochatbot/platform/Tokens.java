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
  /**
   * The issuer of tokens one service sends another on a user's behalf (the recurrence service creating
   * the next occurrence, say). A user route refuses them (their issuer is not {@link #ISSUER}) and an
   * internal route refuses user tokens, so neither kind opens the other's doors.
   */
  public static final String SERVICE_ISSUER = "todo-chatbot/services";
  private static final int MIN_SECRET_BYTES = 32;
  /** Where {@link #requireService} leaves the name of the service acting for the user. */
  public static final String ACTING_SERVICE_KEY = "todo.actingService";
  /** The header in which the Dapr sidecar names the app that invoked this one. */
  static final String DAPR_CALLER = "dapr-caller-app-id";

  private static final int VERIFIED_CACHE_SIZE = 10_000;

  private final JWTAuth auth;
  private final Duration ttl;
  private final String issuer;
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

  private Tokens(JWTAuth auth, Duration ttl, String issuer) {
    this.auth = auth;
    this.ttl = ttl;
    this.issuer = issuer;
  }

  /** Tokens of signed-in people: issued by the edge, checked by every user route. */
  public static Tokens create(Vertx vertx, String secret, Duration ttl) {
    return create(vertx, secret, ttl, ISSUER);
  }

  /** Tokens services send each other on a user's behalf ({@link #issueForService}, {@link #requireService}). */
  public static Tokens forServices(Vertx vertx, String secret) {
    return create(vertx, secret, Duration.ofMinutes(5), SERVICE_ISSUER);
  }

  private static Tokens create(Vertx vertx, String secret, Duration ttl, String issuer) {
    if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("JWT_SECRET must be at least " + MIN_SECRET_BYTES + " bytes long");
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("TOKEN_TTL must be positive, got " + ttl);
    }
    var options = new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret))
        .setJWTOptions(new JWTOptions().setIssuer(issuer).setLeeway(5));
    return new Tokens(JWTAuth.create(vertx, options), ttl, issuer);
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
    var options = new JWTOptions().setAlgorithm("HS256").setIssuer(issuer);
    return new Issued(auth.generateToken(claims, options), java.time.Instant.ofEpochSecond(expiresAt));
  }

  /** A short-lived token with which {@code service} acts for {@code principal} on an internal route. */
  public String issueForService(Principal principal, String service) {
    if (!issuer.equals(SERVICE_ISSUER)) {
      throw new IllegalStateException("service tokens come from Tokens.forServices");
    }
    long expiresAt = java.time.Instant.now().getEpochSecond() + ttl.toSeconds();
    var claims = new JsonObject()
        .put("sub", principal.userId().toString())
        .put("email", principal.email())
        .put("tz", principal.timeZone())
        .put("svc", service)
        .put("exp", expiresAt);
    return auth.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setIssuer(issuer));
  }

  /**
   * Route handler for internal routes: 401 unless the request carries a valid service token, 403
   * unless that token was issued to one of {@code services}. The request then acts for the token's user.
   */
  public Handler<RoutingContext> requireService(String... services) {
    if (!issuer.equals(SERVICE_ISSUER)) {
      throw new IllegalStateException("internal routes check tokens of Tokens.forServices");
    }
    var allowed = java.util.Set.of(services);
    return ctx -> {
      String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
      if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
        HttpProblems.send(ctx, Problem.unauthorized("This route is internal: it needs a service token."));
        return;
      }
      checkedClaims(header.substring(7).trim()).onComplete(result -> {
        if (result.failed()) {
          HttpProblems.send(ctx, Problem.unauthorized("The service token is invalid or has expired."));
          return;
        }
        JsonObject claims = result.result().payload();
        Object svc = claims.getValue("svc");
        if (!(svc instanceof String service) || !allowed.contains(service)) {
          HttpProblems.send(ctx, Problem.of(403, "forbidden", "Forbidden",
              "This route is open to " + String.join(", ", allowed) + " only."));
          return;
        }
        // Dapr names the calling app in dapr-caller-app-id, from its own identity: a token claiming another
        // service than the one whose sidecar sent it is refused (every service holds the signing key)
        String caller = ctx.request().getHeader(DAPR_CALLER);
        if (caller != null && !caller.equals(service)) {
          HttpProblems.send(ctx, Problem.of(403, "forbidden", "Forbidden",
              "The token was issued to " + service + ", but the request came from " + caller + "."));
          return;
        }
        try {
          ctx.put(ACTING_SERVICE_KEY, service);
          ctx.put(Principal.CONTEXT_KEY, new Principal(UUID.fromString(claims.getString("sub")),
              claims.getString("email"), claims.getString("tz", "UTC")));
        } catch (RuntimeException e) {
          HttpProblems.send(ctx, Problem.unauthorized("The service token does not name a user."));
          return;
        }
        ctx.next();
      });
    };
  }

  public Future<Principal> verify(String token) {
    Verified known = verified.get(token);
    if (known != null && known.expiresAtEpochSecond() > Instant.now().getEpochSecond()) {
      return Future.succeededFuture(known.principal());
    }
    return checkedClaims(token).map(checked -> {
      JsonObject claims = checked.payload();
      Principal principal;
      try {
        principal = new Principal(UUID.fromString(claims.getString("sub")), claims.getString("email"),
            claims.getString("tz", "UTC"));
      } catch (RuntimeException e) {
        throw Problem.unauthorized("The token does not name a user.").exception();
      }
      verified.put(token, new Verified(principal, checked.expiresAtEpochSecond()));
      return principal;
    });
  }

  /**
   * The claims of a token whose signature, issuer and times hold. Vert.x checks {@code exp} and
   * {@code iat} only when present; a token without them would never expire, so both are required here.
   */
  private Future<Claims> checkedClaims(String token) {
    Future<io.vertx.ext.auth.User> authenticated;
    try {
      authenticated = auth.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      // vert.x throws, rather than fails, on a signed time that is not a number ("exp": "tomorrow")
      return Future.failedFuture(Problem.unauthorized("The token's times are not numbers.").exception());
    }
    return authenticated.map(user -> {
      // vert.x moves the times among the user's attributes, out of the principal
      Object exp = user.attributes().getValue("exp", user.principal().getValue("exp"));
      Object iat = user.attributes().getValue("iat", user.principal().getValue("iat"));
      if (!(exp instanceof Number expiry) || !(iat instanceof Number)) {
        throw Problem.unauthorized("The token has no expiry or no issue time.").exception();
      }
      return new Claims(user.principal(), expiry.longValue());
    });
  }

  private record Claims(JsonObject payload, long expiresAtEpochSecond) {}

  /** Route handler: 401 problem unless the request carries a valid bearer token. */
  public Handler<RoutingContext> requireUser() {
    return requireUser(Future::succeededFuture);
  }

  /**
   * Like {@link #requireUser()}, and the token's user must then pass {@code admit} (the edge: that the
   * account still exists); a failure of {@code admit} with a {@link ProblemException} is answered as
   * that problem.
   */
  public Handler<RoutingContext> requireUser(java.util.function.Function<Principal, Future<?>> admit) {
    return ctx -> {
      String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
      if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
        HttpProblems.send(ctx, Problem.unauthorized(
            "Send 'Authorization: Bearer <token>' with a token from /api/auth/login or /api/auth/signup."));
        return;
      }
      verify(header.substring(7).trim()).onComplete(result -> {
        if (result.failed()) {
          HttpProblems.send(ctx, Problem.unauthorized("The token is invalid or has expired: sign in again."));
          return;
        }
        admit.apply(result.result()).onComplete(admitted -> {
          if (admitted.succeeded()) {
            ctx.put(Principal.CONTEXT_KEY, result.result());
            ctx.next();
          } else if (admitted.cause() instanceof ProblemException problem) {
            HttpProblems.send(ctx, problem.problem());
          } else {
            ctx.fail(admitted.cause());
          }
        });
      });
    };
  }

  /**
   * Route handler for routes people and some services both use: a user token ({@code users}) lets the
   * user act; a service token ({@code services}) issued to one of {@code allowed} lets that service act
   * for the user it names, and {@link #actingService} then tells which. The token's issuer, read
   * before any check, picks the verifier; each verifier then checks signature, issuer and expiry.
   */
  public static Handler<RoutingContext> requireUserOrService(Tokens users, Tokens services, String... allowed) {
    Handler<RoutingContext> asUser = users.requireUser();
    Handler<RoutingContext> asService = services.requireService(allowed);
    return ctx -> {
      String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
      boolean service = header != null && header.length() > 7
          && SERVICE_ISSUER.equals(unverifiedIssuer(header.substring(7).trim()));
      (service ? asService : asUser).handle(ctx);
    };
  }

  /** The service acting for the user on this request; empty when the user sent the request. */
  public static java.util.Optional<String> actingService(RoutingContext ctx) {
    return java.util.Optional.ofNullable(ctx.get(ACTING_SERVICE_KEY));
  }

  /** The {@code iss} claim of a JWT, unverified (only to choose a verifier); null when unreadable. */
  private static String unverifiedIssuer(String token) {
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (second < 0) {
      return null;
    }
    try {
      byte[] payload = java.util.Base64.getUrlDecoder().decode(token.substring(first + 1, second));
      return new JsonObject(io.vertx.core.buffer.Buffer.buffer(payload)).getString("iss");
    } catch (RuntimeException e) {
      return null;
    }
  }
}
