package dev.todochatbot.bench;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How events kept up during a scenario: the task service's commit-to-broker-ack lag (its
 * {@code outbox_publish_lag_seconds} histogram, read from /metrics before and after), and, from the
 * audit table, how many events the trail stored and how long after the change each arrived.
 */
final class EventFlow {

  private static final Pattern BUCKET =
      Pattern.compile("^outbox_publish_lag_seconds_bucket\\{[^}]*le=\"([^\"]+)\"[^}]*} ([0-9.eE+-]+)$");
  private static final Pattern QUANTILE =
      Pattern.compile("^outbox_publish_lag_seconds\\{[^}]*quantile=\"([^\"]+)\"[^}]*} ([0-9.eE+-]+)$");

  /** Cumulative counts per bucket upper bound (seconds), and the client-side quantiles at that moment. */
  record Snapshot(Instant at, Map<Double, Double> buckets, Map<String, Double> quantiles) {}

  private final HttpClient http;
  private final int taskServicePort;
  private final Pool db;

  EventFlow(HttpClient http, int taskServicePort, Pool db) {
    this.http = http;
    this.taskServicePort = taskServicePort;
    this.db = db;
  }

  Future<Snapshot> snapshot() {
    return http.request(HttpMethod.GET, taskServicePort, "127.0.0.1", "/metrics")
        .compose(request -> request.send())
        .compose(response -> response.body())
        .map(body -> {
          var buckets = new LinkedHashMap<Double, Double>();
          var quantiles = new LinkedHashMap<String, Double>();
          for (String line : body.toString().split("\n")) {
            Matcher bucket = BUCKET.matcher(line);
            if (bucket.matches()) {
              double le = bucket.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bucket.group(1));
              buckets.put(le, Double.parseDouble(bucket.group(2)));
            }
            Matcher quantile = QUANTILE.matcher(line);
            if (quantile.matches()) {
              quantiles.put(quantile.group(1), Double.parseDouble(quantile.group(2)));
            }
          }
          return new Snapshot(Instant.now(), buckets, quantiles);
        });
  }

  /** The figures between two snapshots, with the audit trail's view of the same interval. */
  Future<JsonObject> between(Snapshot before, Snapshot after) {
    double total = after.buckets().getOrDefault(Double.POSITIVE_INFINITY, 0.0)
        - before.buckets().getOrDefault(Double.POSITIVE_INFINITY, 0.0);
    var publish = new JsonObject().put("published", (long) total);
    if (total > 0) {
      var shares = new JsonObject();
      Double p95Bound = null;
      Double p99Bound = null;
      for (var bucket : after.buckets().entrySet()) {
        double share = (bucket.getValue() - before.buckets().getOrDefault(bucket.getKey(), 0.0)) / total;
        if (!bucket.getKey().isInfinite()) {
          shares.put("le" + Math.round(bucket.getKey() * 1000) + "ms", round(share));
        }
        if (p95Bound == null && share >= 0.95) {
          p95Bound = bucket.getKey() * 1000;
        }
        if (p99Bound == null && share >= 0.99) {
          p99Bound = bucket.getKey() * 1000;
        }
      }
      publish.put("shareWithin", shares)
          .put("p95AtMostMs", p95Bound == null || p95Bound.isInfinite() ? null : p95Bound)
          .put("p99AtMostMs", p99Bound == null || p99Bound.isInfinite() ? null : p99Bound)
          .put("clientQuantilesMsAtEnd", quantilesMs(after.quantiles()));
    }
    OffsetDateTime from = OffsetDateTime.ofInstant(before.at(), ZoneOffset.UTC);
    OffsetDateTime to = OffsetDateTime.ofInstant(after.at(), ZoneOffset.UTC);
    return db.preparedQuery("SELECT count(*), "
            + "percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM stored_at - occurred_at)), "
            + "percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM stored_at - occurred_at)), "
            + "percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM stored_at - occurred_at)), "
            + "max(extract(epoch FROM stored_at - occurred_at)) "
            + "FROM audit.task_event WHERE occurred_at >= $1 AND occurred_at < $2")
        .execute(Tuple.of(from, to))
        .map(rows -> {
          var row = rows.iterator().next();
          var audit = new JsonObject().put("stored", row.getLong(0));
          if (row.getLong(0) > 0) {
            audit.put("p50Ms", ms(row.getDouble(1))).put("p95Ms", ms(row.getDouble(2))).put("p99Ms", ms(row.getDouble(3)))
                .put("maxMs", ms(row.getDouble(4)));
          }
          return new JsonObject().put("publish", publish).put("audit", audit);
        });
  }

  private static JsonObject quantilesMs(Map<String, Double> quantiles) {
    var json = new JsonObject();
    quantiles.forEach((q, seconds) -> json.put("p" + q, round(seconds * 1000)));
    return json;
  }

  private static double ms(double seconds) {
    return round(seconds * 1000);
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
