package dev.todochatbot.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuAttributionTest {

  @Test
  void threadsOfTheEmbeddedBrokerCountAsTheBrokerAndItsClientsDoNot() {
    // names as /proc/<pid>/task/<tid>/comm shows them: the first 15 characters
    for (String broker : new String[] {"data-plane-kafk", "ExpirationReape", "group-coordinat", "kafka-1-raft-io",
        "quorum-controll", "broker-1-to-con", "kafka-scheduler", "kafka-log-clean"}) {
      assertThat(SystemUnderTest.isBrokerThread(broker)).as(broker).isTrue();
    }
    for (String other : new String[] {"kafka-producer-", "kafka-coordinat", "devsidecar-task", "vert.x-eventloo",
        "vert.x-worker-t", "GC Thread#0", "C2 CompilerThre"}) {
      assertThat(SystemUnderTest.isBrokerThread(other)).as(other).isFalse();
    }
  }

  @Test
  void cpuSinceAnEarlierReadingIsSplitByPartAndEachDaprdCountsFromItsStart() {
    var before = new SystemUnderTest.CpuTime(0, 10, 2, Map.of("edge", 1.0), 5, 3, 100);
    var after = new SystemUnderTest.CpuTime(20_000_000_000L, 16, 3, Map.of("edge", 2.5, "task-service", 0.5), 9, 4,
        140);
    JsonObject seconds = after.secondsSince(before);
    assertThat(seconds.getDouble("appJvm")).isEqualTo(6.0);
    assertThat(seconds.getDouble("broker")).isEqualTo(1.0);
    assertThat(seconds.getJsonObject("daprdByApp").getMap()).containsExactlyEntriesOf(
        new java.util.TreeMap<>(Map.of("edge", 1.5, "task-service", 0.5)));
    assertThat(seconds.getDouble("daprd")).isEqualTo(2.0);
    assertThat(seconds.getDouble("postgres")).isEqualTo(4.0);
    assertThat(seconds.getDouble("system")).isEqualTo(13.0);
    assertThat(seconds.getDouble("loadGenerator")).isEqualTo(1.0);
  }

  @Test
  void scalingToThousandWritesCoversEveryPartOfTheSystemButLeavesTheLoadGeneratorOut() {
    var seconds = new JsonObject().put("appJvm", 6.0).put("broker", 1.0).put("daprd", 2.0)
        .put("daprdByApp", new JsonObject().put("edge", 1.5).put("task-service", 0.5)).put("postgres", 4.0)
        .put("system", 13.0).put("loadGenerator", 1.0);
    JsonObject per = BenchMain.scaled(seconds, 1000.0 / 4_000);
    assertThat(per.getDouble("appJvm")).isEqualTo(1.5);
    assertThat(per.getDouble("system")).isEqualTo(3.25);
    assertThat(per.getJsonObject("daprdByApp").getDouble("task-service")).isEqualTo(0.125);
    assertThat(per.containsKey("loadGenerator")).isFalse();
  }

  @Test
  void aboveIdleIsTheWindowLessWhatEachPartUsesDoingNothing() {
    var window = new JsonObject().put("appJvm", 6.0).put("daprdByApp", new JsonObject().put("edge", 1.5)
        .put("task-service", 0.5)).put("system", 13.0);
    var idle = new JsonObject().put("appJvm", 2.0).put("daprdByApp", new JsonObject().put("edge", 0.5))
        .put("system", 4.0);
    JsonObject above = BenchMain.minus(window, idle);
    assertThat(above.getDouble("appJvm")).isEqualTo(4.0);
    assertThat(above.getDouble("system")).isEqualTo(9.0);
    assertThat(above.getJsonObject("daprdByApp").getDouble("edge")).isEqualTo(1.0);
    assertThat(above.getJsonObject("daprdByApp").getDouble("task-service")).isEqualTo(0.5);
  }
}
