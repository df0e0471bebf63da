package dev.todochatbot.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings come from the environment; a wrong one stops start-up with a message naming it. */
class ConfigurationTest {

  @Test
  void databaseUrlGivesEveryPartAndDecodesTheCredentials() {
    var config = DatabaseConfig.fromUrl("postgresql://app%40x:p%3Ass%2Fw@db.internal:6543/todo");
    assertThat(config.host()).isEqualTo("db.internal");
    assertThat(config.port()).isEqualTo(6543);
    assertThat(config.database()).isEqualTo("todo");
    assertThat(config.user()).isEqualTo("app@x");
    assertThat(config.password()).isEqualTo("p:ss/w");
    assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/todo");
    // the password never appears where it could be logged
    assertThat(config.toString()).doesNotContain("p:ss/w");
  }

  @Test
  void databaseUrlDefaultsAndAlternativeSpellings() {
    var config = DatabaseConfig.fromUrl("postgres://localhost");
    assertThat(config.port()).isEqualTo(5432);
    assertThat(config.database()).isEqualTo("postgres");
    assertThat(config.user()).isEqualTo("postgres");
    assertThat(DatabaseConfig.fromUrl("jdbc:postgresql://h:1/d").host()).isEqualTo("h");
    String url = DatabaseConfig.url("localhost", 5432, "db", "us er", "pa@ss");
    assertThat(DatabaseConfig.fromUrl(url).password()).isEqualTo("pa@ss");
    assertThat(DatabaseConfig.fromUrl(url).user()).isEqualTo("us er");
  }

  @Test
  void sslModeIsHonouredAndOtherParametersAreRefused() {
    var config = DatabaseConfig.fromUrl("postgresql://u:p@db.example.com:25060/todo?sslmode=require");
    assertThat(config.sslMode()).isEqualTo("require");
    assertThat(config.jdbcUrl()).endsWith("/todo?sslmode=require");
    assertThat(config.connectOptions().getSslMode()).isEqualTo(io.vertx.pgclient.SslMode.REQUIRE);
    assertThatThrownBy(() -> DatabaseConfig.fromUrl("postgresql://h/d?ssl=true")).hasMessageContaining("sslmode");
  }

  @Test
  void aDatabaseUrlOfAnotherKindIsRefusedByName() {
    assertThatThrownBy(() -> DatabaseConfig.fromUrl("mysql://localhost/db")).hasMessageContaining("DATABASE_URL");
    assertThatThrownBy(() -> DatabaseConfig.fromEnv(new Env(Map.of()))).hasMessageContaining("DATABASE_URL");
  }

  @Test
  void envReadsNumbersAndDurationsAndNamesTheVariableWhenWrong() {
    var env = new Env(Map.of("N", "12", "D", "PT15M", "S", "90", "BLANK", "  ", "BAD", "x"));
    assertThat(env.getInt("N", 1)).isEqualTo(12);
    assertThat(env.getInt("MISSING", 3)).isEqualTo(3);
    assertThat(env.get("BLANK", "default")).isEqualTo("default");
    assertThat(env.getDuration("D", Duration.ZERO)).isEqualTo(Duration.ofMinutes(15));
    assertThat(env.getDuration("S", Duration.ZERO)).isEqualTo(Duration.ofSeconds(90));
    assertThatThrownBy(() -> env.getInt("BAD", 1)).hasMessageContaining("BAD");
    assertThatThrownBy(() -> env.getDuration("BAD", Duration.ZERO)).hasMessageContaining("BAD");
    assertThat(env.with(Map.of("N", "13")).getInt("N", 1)).isEqualTo(13);
  }

  @Test
  void envReadsBooleansAndRefusesAnythingElseRatherThanReadingItAsFalse() {
    var env = new Env(Map.of("YES", "TRUE", "NO", "false", "BAD", "yes"));
    assertThat(env.getBoolean("YES", false)).isTrue();
    assertThat(env.getBoolean("NO", true)).isFalse();
    assertThat(env.getBoolean("MISSING", true)).isTrue();
    assertThatThrownBy(() -> env.getBoolean("BAD", false)).hasMessage("BAD must be true or false, got 'yes'");
  }

  @Test
  void theSidecarIsPublishedToOverGrpcAndCallsTheRoutesUnlessToldOtherwise() {
    var defaults = SidecarConfig.fromEnv(new Env(java.util.Map.of()));
    assertThat(defaults.api()).isEqualTo(SidecarConfig.Api.GRPC);
    assertThat(defaults.grpcPort()).isEqualTo(50001);
    assertThat(defaults.streaming()).isFalse();
    var streams = SidecarConfig.fromEnv(new Env(java.util.Map.of("DAPR_SUBSCRIBE", "Stream", "DAPR_GRPC_PORT", "50123")));
    assertThat(streams.streaming()).isTrue();
    assertThat(streams.grpcPort()).isEqualTo(50123);
    assertThat(SidecarConfig.fromEnv(new Env(java.util.Map.of("DAPR_API", "http"))).api())
        .isEqualTo(SidecarConfig.Api.HTTP);
    assertThatThrownBy(() -> SidecarConfig.fromEnv(new Env(java.util.Map.of("DAPR_API", "http", "DAPR_SUBSCRIBE",
        "stream")))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs DAPR_API=grpc");
    assertThatThrownBy(() -> SidecarConfig.fromEnv(new Env(java.util.Map.of("DAPR_SUBSCRIBE", "bulk"))))
        .hasMessage("DAPR_SUBSCRIBE must be http or stream, not 'bulk'");
    assertThatThrownBy(() -> SidecarConfig.fromEnv(new Env(java.util.Map.of("DAPR_API", "rest"))))
        .hasMessage("DAPR_API must be http or grpc, not 'rest'");
  }

  @Test
  void tokensNeedALongEnoughKeyAndAPositiveLifetime() {
    var vertx = io.vertx.core.Vertx.vertx();
    try {
      assertThatThrownBy(() -> Tokens.create(vertx, "short", Duration.ofHours(1))).hasMessageContaining("JWT_SECRET");
      assertThatThrownBy(() -> Tokens.create(vertx, "x".repeat(32), Duration.ZERO)).hasMessageContaining("TOKEN_TTL");
    } finally {
      vertx.close();
    }
  }

  @Test
  void problemDocumentsNameEachField() {
    var problem = Problem.validation(java.util.List.of(new Problem.FieldError("title", "is required")));
    var json = problem.toJson();
    assertThat(json.getInteger("status")).isEqualTo(422);
    assertThat(json.getString("detail")).isEqualTo("title: is required");
    assertThat(json.getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("title");
    assertThat(Problem.notFound("gone").toJson().containsKey("errors")).isFalse();
  }
}
