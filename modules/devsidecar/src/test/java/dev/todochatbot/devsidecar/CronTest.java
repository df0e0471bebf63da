package dev.todochatbot.devsidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.devsidecar.TestApp.Answer;
import dev.todochatbot.devsidecar.TestApp.Received;
import dev.todochatbot.platform.testing.Await;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CronTest extends SidecarTestSupport {

  private static String cron(String name, String schedule, String routeLine, String scopes) {
    return """
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: %s
        spec:
          type: bindings.cron
          version: v1
          metadata:
            - name: schedule
              value: "%s"
            - name: direction
              value: input
        %s%s""".formatted(name, schedule, routeLine, scopes);
  }

  @Test
  void everyTickPostsAnEmptyJsonBodyWithTheTimeHeadersEvenAfterAFailedTick() {
    String appId = appId("cron");
    file("sweep.yaml", cron("reminder-sweep", "@every 1s",
        "    - name: route\n      value: /reminders/sweep\n", "scopes:\n  - " + appId + "\n"));
    var failedOnce = new java.util.concurrent.atomic.AtomicBoolean();
    var app = app().on("/reminders/sweep", r -> failedOnce.getAndSet(true) ? Answer.ok("") : Answer.status(500, "x"));
    var sidecar = sidecar(appId, app);
    Await.result(sidecar.subscribed());

    var ticks = app.await("/reminders/sweep", 2, Duration.ofSeconds(5));
    Received tick = ticks.get(1);
    assertThat(tick.method().name()).isEqualTo("POST");
    assertThat(tick.header("Content-Type")).isEqualTo("application/json");
    assertThat(tick.body()).isEmpty();
    assertThat(tick.header("timeZone")).isEqualTo("Local");
    assertThat(tick.header("readTimeUTC")).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d+)? \\+0000 UTC");
  }

  @Test
  void withoutARouteTheComponentNameIsThePathAndOutOfScopeBindingsNeverFire() {
    String appId = appId("cron");
    file("a.yaml", cron("tick-by-name", "* * * * * *", "", ""));
    file("b.yaml", cron("someone-elses", "* * * * * *", "", "scopes:\n  - another-app\n"));
    var app = app().on("/tick-by-name", r -> Answer.ok("")).on("/someone-elses", r -> Answer.ok(""));
    var sidecar = sidecar(appId, app);
    Await.result(sidecar.subscribed());

    app.await("/tick-by-name", 2, Duration.ofSeconds(5));
    assertThat(app.received("/someone-elses")).isEmpty();
  }

  @Test
  void anInvalidScheduleStopsTheStartWithTheReason() {
    file("bad.yaml", cron("broken", "every now and then", "", ""));
    var config = new DevSidecarConfig(appId("cron"), 0, null, 0, resources, java.util.Optional.empty(), null);
    var failure = org.assertj.core.api.Assertions.catchThrowable(() ->
        Await.result(DevSidecar.start(vertx, config, apps, Map.<String, String>of()::get)));
    assertThat(failure).hasMessageContaining("broken").hasMessageContaining("every now and then");
  }
}
