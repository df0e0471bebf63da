package dev.todochatbot.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * IsoTime writes exactly what the JDK formatters write, for any instant the API can hold, in any zone,
 * except an offset with seconds (RFC 3339 has none), written in UTC instead.
 */
class IsoTimeTest {

  private static final List<String> ZONES = ZoneId.getAvailableZoneIds().stream().sorted().toList();
  private static final long FIRST = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
  private static final long LAST = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

  @Test
  void matchesTheJdkOnRandomInstantsAndZones() {
    var random = new SplittableRandom(20261125);
    for (int i = 0; i < 200_000; i++) {
      long second = random.nextLong(FIRST, LAST + 1);
      int nano = switch (i % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(1_000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1_000;
        default -> random.nextInt(1_000_000_000);
      };
      Instant instant = Instant.ofEpochSecond(second, nano);
      ZoneId zone = ZoneId.of(ZONES.get(random.nextInt(ZONES.size())));
      assertThat(IsoTime.utc(instant)).isEqualTo(instant.toString());
      assertThat(IsoTime.inZone(instant, zone)).isEqualTo(jdk(instant, zone));
    }
  }

  @Test
  void matchesTheJdkAtTheEdges() {
    for (String text : new String[] {"0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
        "2026-03-29T01:00:00Z", "2026-10-25T00:59:59.5Z", "1900-01-01T00:00:00Z", "1970-01-01T00:00:00.000001Z"}) {
      Instant instant = Instant.parse(text);
      assertThat(IsoTime.utc(instant)).isEqualTo(instant.toString());
      for (ZoneId zone : new ZoneId[] {ZoneOffset.UTC, ZoneId.of("Europe/Paris"), ZoneId.of("Asia/Kathmandu"),
          ZoneId.of("America/St_Johns"), ZoneId.of("Pacific/Kiritimati"), ZoneId.of("Europe/Amsterdam")}) {
        assertThat(IsoTime.inZone(instant, zone)).isEqualTo(jdk(instant, zone));
      }
    }
  }

  @Test
  void anOffsetWithSecondsIsWrittenInUtc() {
    Instant instant = Instant.parse("1905-06-01T12:00:00.5Z");
    assertThat(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(instant.atZone(ZoneId.of("Europe/Paris"))
        .toOffsetDateTime())).endsWith("+00:09:21");
    assertThat(IsoTime.inZone(instant, ZoneId.of("Europe/Paris"))).isEqualTo("1905-06-01T12:00:00.500Z");
  }

  /** What the JDK writes, in UTC where the offset has seconds. */
  private static String jdk(Instant instant, ZoneId zone) {
    var local = instant.atZone(zone).toOffsetDateTime();
    return local.getOffset().getTotalSeconds() % 60 != 0 ? instant.toString()
        : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(local);
  }
}
