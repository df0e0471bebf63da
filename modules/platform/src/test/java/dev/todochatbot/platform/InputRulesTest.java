package dev.todochatbot.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** What no service stores, which zones are zones, and which years are years. */
class InputRulesTest {

  @Test
  void nulAndHalfSurrogatePairsCannotBeStoredWholeCharactersCan() {
    assertThat(InputRules.unstorable("a\u0000b")).contains("NUL");
    assertThat(InputRules.unstorable("a\ud800b")).contains("surrogate");
    assertThat(InputRules.unstorable("a\udc00")).contains("surrogate");
    assertThat(InputRules.unstorable("\ud83d")).contains("surrogate");
    assertThat(InputRules.unstorable("\ude00\ud83d")).contains("surrogate");
    assertThat(InputRules.unstorable("Wave \ud83d\udc4b, Zoë\ttab\nline")).isNull();
    assertThat(InputRules.unstorable("")).isNull();
  }

  @Test
  void everyStringOfABodyIsCheckedAndNamedByItsPath() {
    var body = new JsonObject().put("title", "ok").put("tags", new JsonArray().add("fine").add("a\u0000"))
        .put("recurrence", new JsonObject().put("rule", "FREQ=DAILY\ud800")).put("n\u0000", 1).put("count", 3);
    assertThatThrownBy(() -> InputRules.requireStorable(body))
        .isInstanceOfSatisfying(ProblemException.class, e -> {
          assertThat(e.problem().status()).isEqualTo(422);
          assertThat(e.problem().errors()).extracting(Problem.FieldError::field)
              .containsExactlyInAnyOrder("tags[1]", "recurrence.rule", "n\u0000");
        });
    InputRules.requireStorable(new JsonObject().put("title", "Wave \ud83d\udc4b").put("list", new JsonArray().add(1)));
  }

  @Test
  void timeZonesAreIanaNamesAndLinksButNotSystemV() {
    assertThat(InputRules.isTimeZone("Europe/Paris")).isTrue();
    assertThat(InputRules.isTimeZone("UTC")).isTrue();
    assertThat(InputRules.isTimeZone("US/Eastern")).as("a backward link").isTrue();
    assertThat(InputRules.isTimeZone("EST5EDT")).as("a link since tzdata 2024b").isTrue();
    assertThat(InputRules.isTimeZone("SystemV/AST4")).isFalse();
    assertThat(ZoneId.getAvailableZoneIds().stream().filter(zone -> !InputRules.isTimeZone(zone)))
        .as("the JDK's ids that are not IANA's").isNotEmpty().allMatch(zone -> zone.startsWith("SystemV/"));
    assertThat(InputRules.isTimeZone("+01:00")).isFalse();
    assertThat(InputRules.isTimeZone(null)).isFalse();
  }

  @Test
  void theYearsAre1900To9000BothIncluded() {
    assertThat(InputRules.isInRange(Instant.parse("1900-01-01T00:00:00Z"))).isTrue();
    assertThat(InputRules.isInRange(Instant.parse("9000-12-31T23:59:59.999999Z"))).isTrue();
    assertThat(InputRules.isInRange(Instant.parse("1899-12-31T23:59:59.999999Z"))).isFalse();
    assertThat(InputRules.isInRange(Instant.parse("9001-01-01T00:00:00Z"))).isFalse();
    assertThat(InputRules.isInRange(java.time.LocalDate.of(9000, 12, 31))).isTrue();
    assertThat(InputRules.isInRange(java.time.LocalDate.of(1899, 12, 31))).isFalse();
  }
}
