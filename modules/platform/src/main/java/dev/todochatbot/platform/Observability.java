package dev.todochatbot.platform;

import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.util.function.Supplier;

/** Metrics and health endpoints, the same on every service. */
public final class Observability {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Observability.class);

  private Observability() {}

  /**
   * A Vert.x instance that records Prometheus metrics: request latency histograms per route, method
   * and status (and per local address, which tells services apart in the single-process mode), pool
   * gauges and JVM metrics.
   */
  public static Vertx newVertx() {
    var metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(true)
        // calls between services are measured where they are served; client-side series would double them
        .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT)
        .setLabels(java.util.EnumSet.of(Label.LOCAL, Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE,
            Label.POOL_TYPE, Label.POOL_NAME))
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true).setPublishQuantiles(true));
    return Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory(REGISTRY))
        .build();
  }

  /**
   * One registry per process (the single-process mode runs several services in one). Request and
   * response size histograms are left out: thousands of series that no dashboard or alert reads.
   */
  private static final PrometheusMeterRegistry REGISTRY = newRegistry();

  /** The process's registry, for meters declared where the work happens. */
  public static io.micrometer.core.instrument.MeterRegistry registry() {
    return REGISTRY;
  }

  private static PrometheusMeterRegistry newRegistry() {
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(MeterFilter.deny(id -> id.getName().endsWith(".bytes")));
    return registry;
  }

  /**
   * {@code /healthz}: the process answers. {@code /readyz}: its dependencies (its database, its Dapr sidecar)
   * answer too, and it is not draining (else a 503 problem). {@code /metrics}: Prometheus text, on an internal port only (it tells
   * whoever reads it a lot about the system).
   */
  public static void mountHealthAndMetrics(Router router, Supplier<Future<?>> readiness) {
    mountHealth(router, readiness);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(REGISTRY));
  }

  /** {@code /healthz} and {@code /readyz} alone, for the public port. */
  public static void mountHealth(Router router, Supplier<Future<?>> readiness) {
    router.get("/healthz").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end("{\"status\":\"UP\"}"));
    router.get("/readyz").handler(ctx -> {
      if (Drain.of(ctx.vertx()).draining()) {
        HttpProblems.send(ctx, Problem.of(503, "draining", "Shutting down",
            "This instance is finishing its work before it stops; another one takes new requests."));
        return;
      }
      readiness.get().onComplete(result -> {
        if (result.succeeded()) {
          ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end("{\"status\":\"UP\"}");
        } else {
          log.warn("Not ready: {}", result.cause().toString());
          HttpProblems.send(ctx, Problem.of(503, "not-ready", "Not ready",
              "A dependency (the database or the Dapr sidecar) is unavailable."));
        }
      });
    });
  }
}
