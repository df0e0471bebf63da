package dev.todochatbot.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class SideBySideTest {

  private static JsonObject run(double usersPerSec, JsonObject per1000) {
    return new JsonObject()
        .put("scenarios", new JsonObject().put("users", new JsonObject().put("all",
            new JsonObject().put("throughputPerSec", usersPerSec))))
        .put("writes", new JsonObject().put("cpuSecondsPer1000Writes", per1000));
  }

  private static JsonObject row(JsonArray table, String metric) {
    return table.stream().map(JsonObject.class::cast).filter(r -> r.getString("metric").equals(metric)).findFirst()
        .orElseThrow();
  }

  @Test
  void eachMetricHasAColumnPerSidecarAndNullWhereASystemHasNoSuchFigure() {
    var runs = new JsonObject()
        .put("devsidecar", run(568, new JsonObject().put("system", 3.1)))
        .put("daprd", run(401, new JsonObject().put("system", 5.2).put("daprd", 2.0)));
    JsonArray table = Report.sideBySide(runs, List.of("devsidecar", "daprd"));

    JsonObject users = row(table, "users: requests answered a second");
    assertThat(users.getDouble("devsidecar")).isEqualTo(568.0);
    assertThat(users.getDouble("daprd")).isEqualTo(401.0);
    JsonObject daprd = row(table, "CPU s per 1,000 writes: daprd, all");
    assertThat(daprd.getValue("devsidecar")).isNull();
    assertThat(daprd.getDouble("daprd")).isEqualTo(2.0);
  }

  @Test
  void everyDaprdGetsARowOfItsOwnUnderTheirSum() {
    var runs = new JsonObject()
        .put("devsidecar", run(1, new JsonObject()))
        .put("daprd", run(1, new JsonObject().put("daprdByApp", new JsonObject().put("edge", 0.7)
            .put("task-service", 0.9))));
    JsonArray table = Report.sideBySide(runs, List.of("devsidecar", "daprd"));

    assertThat(row(table, "CPU s per 1,000 writes: daprd of edge").getDouble("daprd")).isEqualTo(0.7);
    assertThat(row(table, "CPU s per 1,000 writes: daprd of task-service").getDouble("daprd")).isEqualTo(0.9);
    List<String> metrics = table.stream().map(r -> ((JsonObject) r).getString("metric")).toList();
    int all = metrics.indexOf("CPU s per 1,000 writes: daprd, all");
    assertThat(metrics.subList(all + 1, all + 3)).containsExactly("CPU s per 1,000 writes: daprd of edge",
        "CPU s per 1,000 writes: daprd of task-service");
  }
}
