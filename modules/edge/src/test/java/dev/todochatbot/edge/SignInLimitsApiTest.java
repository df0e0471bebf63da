package dev.todochatbot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.testing.TestHttp.Answer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Sign-up and sign-in are rate limited per client address and failed sign-ins per account, over the
 * public port. This edge trusts one proxy in front of it (TRUSTED_PROXY_HOPS=1), so each test comes from
 * addresses of its own in X-Forwarded-For; {@link #withoutATrustedProxyTheHeaderIsIgnored} has an edge that
 * trusts none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignInLimitsApiTest {

  private static final String PASSWORD = "a long and uncommon password";
  private static final SignInLimits.Settings LIMITS = new SignInLimits.Settings(5, 3, 3, 1);

  private EdgeFixture edge;

  @BeforeAll
  void start() {
    edge = EdgeFixture.start("signin_limits", false, LIMITS);
  }

  @AfterAll
  void stop() {
    edge.close();
  }

  @Test
  void failedSignInsForOneAccountAreLimitedFromAnyAddressAndThenEvenTheRightPasswordWaits() {
    String email = signUp(edge, "192.0.2.1").getJsonObject("user").getString("email");
    for (int i = 0; i < LIMITS.failuresPerAccount(); i++) {
      assertThat(signIn(edge, "198.51.100." + i, email, "not the password at all").status()).isEqualTo(401);
    }

    Answer wrong = signIn(edge, "198.51.100.200", email, "not the password at all");
    Answer right = signIn(edge, "198.51.100.201", email, PASSWORD);

    assertTooMany(wrong, "failed sign-ins");
    assertTooMany(right, "failed sign-ins");
    String other = signUp(edge, "192.0.2.2").getJsonObject("user").getString("email");
    assertThat(signIn(edge, "198.51.100.202", other, PASSWORD).status()).as("another account").isEqualTo(200);
  }

  @Test
  void aSuccessfulSignInDoesNotCountAsAFailure() {
    String email = signUp(edge, "192.0.2.3").getJsonObject("user").getString("email");
    for (int i = 0; i < LIMITS.failuresPerAccount() * 2; i++) {
      assertThat(signIn(edge, "203.0.113." + i, email, PASSWORD).status()).as("sign-in %d", i + 1).isEqualTo(200);
    }
  }

  @Test
  void signInsFromOneAddressAreLimitedWhateverTheAccount() {
    String address = "203.0.113.77";
    for (int i = 0; i < LIMITS.signInsPerAddress(); i++) {
      assertThat(signIn(edge, address, "nobody-" + i + "@example.com", PASSWORD).status()).isEqualTo(401);
    }

    assertTooMany(signIn(edge, address, "somebody@example.com", PASSWORD), "sign-in attempts");
    assertThat(signIn(edge, "203.0.113.78", "somebody@example.com", PASSWORD).status()).as("another address")
        .isEqualTo(401);
  }

  @Test
  void signUpsFromOneAddressAreLimited() {
    String address = "192.0.2.99";
    for (int i = 0; i < LIMITS.signUpsPerAddress(); i++) {
      signUp(edge, address);
    }

    Answer refused = edge.http.send("POST", "/api/auth/signup", null, signUpBody(), Map.of("X-Forwarded-For", address));

    assertTooMany(refused, "sign-ups");
    signUp(edge, "192.0.2.100");
  }

  @Test
  void withoutATrustedProxyTheHeaderIsIgnored() {
    try (EdgeFixture direct = EdgeFixture.start("signin_limits_direct", false,
        new SignInLimits.Settings(3, 100, 100, 0))) {
      for (int i = 0; i < 3; i++) {
        assertThat(signIn(direct, "192.0.2." + i, "nobody@example.com", PASSWORD).status()).isEqualTo(401);
      }

      assertTooMany(signIn(direct, "192.0.2.250", "nobody@example.com", PASSWORD), "sign-in attempts");
    }
  }

  private static JsonObject signUpBody() {
    return new JsonObject().put("email", "p-" + UUID.randomUUID() + "@example.com").put("password", PASSWORD)
        .put("name", "Pat");
  }

  private static JsonObject signUp(EdgeFixture edge, String address) {
    Answer answer = edge.http.send("POST", "/api/auth/signup", null, signUpBody(), Map.of("X-Forwarded-For", address));
    assertThat(answer.status()).as(answer.toString()).isEqualTo(201);
    return answer.json();
  }

  private static Answer signIn(EdgeFixture edge, String address, String email, String password) {
    return edge.http.send("POST", "/api/auth/login", null, new JsonObject().put("email", email).put("password", password),
        Map.of("X-Forwarded-For", address));
  }

  private static void assertTooMany(Answer answer, String what) {
    assertThat(answer.status()).as(answer.toString()).isEqualTo(429);
    assertThat(answer.contentType()).isEqualTo("application/problem+json");
    assertThat(answer.json().getString("type")).isEqualTo("/problems/too-many-requests");
    assertThat(answer.json().getString("detail")).contains(what, "Try again in");
    assertThat(answer.header("Retry-After")).hasValueSatisfying(
        seconds -> assertThat(Integer.parseInt(seconds)).isPositive());
  }
}
