package dev.todochatbot.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tokens the edge issues are accepted by every service, remembered once verified, and refused when altered. */
class TokensTest {

  private static final String SECRET = "a-test-secret-that-is-long-enough-0123456789";
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void anIssuedTokenNamesItsUser() {
    var tokens = Tokens.create(vertx, SECRET, Duration.ofHours(1));
    var person = new Principal(UUID.randomUUID(), "ada@example.com", "Europe/Paris");
    Principal verified = tokens.verify(tokens.issue(person)).await();
    assertThat(verified).isEqualTo(person);
  }

  @Test
  void aVerifiedTokenIsRememberedUntilItExpires() {
    var tokens = Tokens.create(vertx, SECRET, Duration.ofHours(1));
    String token = tokens.issue(new Principal(UUID.randomUUID(), "bo@example.com", "UTC"));
    Principal first = tokens.verify(token).await();
    // the same instance back means the signature was not checked again
    assertThat(tokens.verify(token).await()).isSameAs(first);
    // another service's instance has its own memory but accepts the token too
    assertThat(Tokens.create(vertx, SECRET, Duration.ofHours(1)).verify(token).await()).isEqualTo(first);
  }

  @Test
  void anAlteredOrForeignTokenIsRefused() {
    var tokens = Tokens.create(vertx, SECRET, Duration.ofHours(1));
    String token = tokens.issue(new Principal(UUID.randomUUID(), "cy@example.com", "UTC"));
    String altered = token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA");
    assertThat(refused(tokens, altered)).isTrue();
    assertThat(refused(Tokens.create(vertx, SECRET.replace('a', 'b'), Duration.ofHours(1)), token)).isTrue();
    assertThat(refused(tokens, token)).isFalse();
  }

  @Test
  void anExpiredTokenIsRefusedEvenAfterItWasRemembered() {
    var tokens = Tokens.create(vertx, SECRET, Duration.ofSeconds(1));
    String token = tokens.issue(new Principal(UUID.randomUUID(), "di@example.com", "UTC"));
    assertThat(refused(tokens, token)).isFalse();
    // refused once past the expiry and the 5 s leeway allowed for clock skew, remembered or not
    dev.todochatbot.platform.testing.Await.until("the token to be refused", java.time.Duration.ofSeconds(15),
        () -> refused(tokens, token));
  }

  @Test
  void serviceTokensAndUserTokensDoNotOpenEachOthersRoutes() {
    var users = Tokens.create(vertx, SECRET, Duration.ofHours(1));
    var services = Tokens.forServices(vertx, SECRET);
    var person = new Principal(UUID.randomUUID(), "ed@example.com", "UTC");
    String serviceToken = services.issueForService(person, "recurrence-service");
    assertThat(refused(users, serviceToken)).as("a service token on a user route").isTrue();
    assertThat(refused(services, users.issue(person))).as("a user token on an internal route").isTrue();
    assertThat(services.verify(serviceToken).await()).isEqualTo(person);
  }

  @Test
  void aTokenWithoutAnExpiryOrAnIssueTimeIsRefusedThoughWellSigned() {
    var users = Tokens.create(vertx, SECRET, Duration.ofHours(1));
    var services = Tokens.forServices(vertx, SECRET);
    String sub = UUID.randomUUID().toString();
    long now = java.time.Instant.now().getEpochSecond();
    var userClaims = new io.vertx.core.json.JsonObject().put("sub", sub).put("email", "fa@example.com");
    assertThat(refused(users, signed(userClaims.copy().put("exp", now + 3600), Tokens.ISSUER, true)))
        .as("a token with both").isFalse();
    assertThat(refused(users, signed(userClaims.copy(), Tokens.ISSUER, true))).as("no exp").isTrue();
    assertThat(refused(users, signed(userClaims.copy().put("exp", now + 3600), Tokens.ISSUER, false)))
        .as("no iat").isTrue();
    assertThat(refused(users, signed(userClaims.copy().put("exp", "tomorrow"), Tokens.ISSUER, true)))
        .as("exp not a number").isTrue();
    var serviceClaims = userClaims.copy().put("svc", "recurrence-service");
    assertThat(refused(services, signed(serviceClaims.copy(), Tokens.SERVICE_ISSUER, true)))
        .as("a service token with no exp").isTrue();
    assertThat(refused(services, signed(serviceClaims.copy().put("exp", now + 60), Tokens.SERVICE_ISSUER, false)))
        .as("a service token with no iat").isTrue();
  }

  @Test
  void issuedUserAndServiceTokensCarryAnExpiryAndAnIssueTime() {
    var person = new Principal(UUID.randomUUID(), "go@example.com", "UTC");
    long now = java.time.Instant.now().getEpochSecond();
    for (String token : new String[] {Tokens.create(vertx, SECRET, Duration.ofHours(1)).issue(person),
        Tokens.forServices(vertx, SECRET).issueForService(person, "chat-service")}) {
      var claims = new io.vertx.core.json.JsonObject(io.vertx.core.buffer.Buffer.buffer(
          java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1])));
      assertThat(claims.getLong("iat")).isBetween(now - 5, now + 5);
      assertThat(claims.getLong("exp")).isGreaterThan(now);
    }
  }

  /** A token with the right key but claims chosen here; {@code issuedAt} false leaves out {@code iat}. */
  private static String signed(io.vertx.core.json.JsonObject claims, String issuer, boolean issuedAt) {
    return io.vertx.ext.auth.jwt.JWTAuth.create(vertx, new io.vertx.ext.auth.jwt.JWTAuthOptions()
            .addPubSecKey(new io.vertx.ext.auth.PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)))
        .generateToken(claims, new io.vertx.ext.auth.JWTOptions().setAlgorithm("HS256").setIssuer(issuer)
            .setNoTimestamp(!issuedAt));
  }

  private static boolean refused(Tokens tokens, String token) {
    return tokens.verify(token).transform(result -> Future.succeededFuture(result.failed())).await();
  }
}
