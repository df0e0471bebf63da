package dev.todochatbot.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/** The chart's alert and dashboard expressions read as PromQL, and the reader refuses what PromQL would. */
class MonitoringExpressionsTest {

  @Test
  void everyExpressionOfTheAlertsAndDashboardsIsPromQl() {
    var errors = new ArrayList<String>();
    for (var reference : MonitoringReferences.all()) {
      try {
        assertThat(PromQl.metricNames(reference.expr())).as(reference.where()).isNotEmpty();
      } catch (IllegalArgumentException | AssertionError e) {
        errors.add(reference.where() + ": " + e.getMessage());
      }
    }

    assertThat(errors).isEmpty();
  }

  @Test
  void theMetricNamesAreThoseSelectedNotLabelsFunctionsOrKeywords() {
    assertThat(PromQl.metricNames("""
        histogram_quantile(0.95, sum by (app, le) (rate(http_seconds_bucket{job="x", route!~"/ws|/dapr/.*"}[$__rate_interval])))
          / on (app) group_left (pod) max without (instance) (up offset 5m) > bool 0.5
        and sum(increase(a_total[5m:30s] @ end())) unless {__name__="b_total"}
        """)).containsExactlyInAnyOrder("http_seconds_bucket", "up", "a_total", "b_total");
  }

  @Test
  void whatIsNotPromQlIsRefusedWithWhere() {
    assertThatThrownBy(() -> PromQl.metricNames("sum(rate(x_total[1m])")).hasMessageContaining("')' expected");
    assertThatThrownBy(() -> PromQl.metricNames("rate(x_total[1m]) >")).hasMessageContaining("ends where a value");
    assertThatThrownBy(() -> PromQl.metricNames("rates(x_total[1m])")).hasMessageContaining("'rates' is not a PromQL function");
    assertThatThrownBy(() -> PromQl.metricNames("x_total{job=\"a}")).hasMessageContaining("not closed");
    assertThatThrownBy(() -> PromQl.metricNames("x_total{job}")).hasMessageContaining("without a matcher");
    assertThatThrownBy(() -> PromQl.metricNames("rate(x_total[1q])")).hasMessageContaining("'1q'");
    assertThatThrownBy(() -> PromQl.metricNames("sum by app (x)")).hasMessageContaining("'(' expected");
  }
}
