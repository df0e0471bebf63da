package dev.todochatbot.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The figures of a run: summary.json (per scenario and request kind, the targets and whether they
 * were met, the machine), report.html (the same as tables, and per-second charts as inline SVG, no
 * external files), and a few lines for the console.
 */
final class Report {

  /** Everything a run measured. */
  record Results(BenchConfig config, JsonObject machine, Recorder signups, Recorder logins, Seeder.Seeded seeded,
      Recorder users, int usersUnanswered, List<Recorder> capacity, JsonObject coresUsed, long systemRssMb,
      String startedAt, double totalSeconds) {

    /** Scenario name to its recorders (capacity has one per kind, measured one after the other). */
    Map<String, List<Recorder>> scenarios() {
      return Map.of("users", List.of(users), "capacity", capacity);
    }
  }

  /** A target from DESIGN.md: a figure of one scenario and kind, at most or at least a limit. */
  record Target(String name, String scenario, String kind, String metric, boolean atMost, double limit) {

    double value(JsonObject summary) {
      return summary.getJsonObject("scenarios").getJsonObject(scenario).getJsonObject(kind).getDouble(metric);
    }

    boolean met(double value) {
      return atMost ? value <= limit : value >= limit;
    }
  }

  static final String ALL = "all";

  static final List<Target> TARGETS = List.of(
      new Target("1,000 users through the public port: p95 <= 20 ms", "users", ALL, "p95Ms", true, 20),
      new Target("1,000 users through the public port: p99 <= 50 ms", "users", ALL, "p99Ms", true, 50),
      new Target("1,000 users through the public port: no errors", "users", ALL, "errors", true, 0),
      new Target("page of 50 from 10,000 tasks (users' lists): p95 <= 10 ms", "users", UsersScenario.LIST, "p95Ms",
          true, 10),
      new Target("capacity: >= 25,000 gets/s", "capacity", "get", "throughputPerSec", false, 25_000),
      new Target("capacity: >= 8,000 creates/s", "capacity", "create", "throughputPerSec", false, 8_000),
      new Target("capacity, get: p99 <= 15 ms", "capacity", "get", "p99Ms", true, 15),
      new Target("capacity, list: p99 <= 15 ms", "capacity", "list", "p99Ms", true, 15),
      new Target("capacity, create: p99 <= 15 ms", "capacity", "create", "p99Ms", true, 15),
      new Target("capacity: no errors", "capacity", ALL, "errors", true, 0));

  private Report() {}

  static JsonObject summary(Results r) {
    var scenarios = new JsonObject();
    for (var scenario : List.of("users", "capacity")) {
      var kinds = new JsonObject();
      long allErrors = 0;
      for (Recorder recorder : r.scenarios().get(scenario)) {
        for (var entry : recorder.allStats().entrySet()) {
          kinds.put(entry.getKey(), json(entry.getValue()));
          allErrors += entry.getValue().errors();
        }
      }
      // users: one stream of mixed requests; capacity: separate runs, so only their errors add up
      kinds.put(ALL, scenario.equals("users")
          ? json(r.users().statsOfAll()).put("offeredPerSec", r.config().users()).put("unansweredAtEnd", r.usersUnanswered())
          : new JsonObject().put("errors", allErrors));
      scenarios.put(scenario, kinds);
    }
    var summary = new JsonObject()
        .put("startedAt", r.startedAt())
        .put("totalSeconds", Seeder.round(r.totalSeconds()))
        .put("machine", r.machine())
        .put("settings", settings(r.config()))
        .put("setup", new JsonObject()
            .put("signups", json(r.signups().stats("signup")).put("seconds", Seeder.round(r.signups().measuredSeconds())))
            .put("logins", json(r.logins().stats("login")).put("seconds", Seeder.round(r.logins().measuredSeconds())))
            .put("seed", new JsonObject()
                .put("tasks", r.seeded().tasks())
                .put("insertSeconds", r.seeded().insertSeconds())
                .put("vacuumAnalyzeSeconds", r.seeded().vacuumAnalyzeSeconds())
                .put("tasksPerSec", Math.round(r.seeded().tasks() / Math.max(r.seeded().insertSeconds(), 0.1)))
                .put("tableWithIndexesMb", r.seeded().tableMb())))
        .put("scenarios", scenarios)
        .put("coresUsed", r.coresUsed())
        .put("systemRssMbAtEnd", r.systemRssMb());
    var targets = new JsonArray();
    boolean allMet = true;
    for (Target target : TARGETS) {
      double value = target.value(summary);
      allMet &= target.met(value);
      targets.add(new JsonObject().put("target", target.name()).put("scenario", target.scenario())
          .put("kind", target.kind()).put("metric", target.metric()).put("limit", target.limit())
          .put("comparison", target.atMost() ? "<=" : ">=").put("value", value).put("pass", target.met(value)));
    }
    return summary.put("targets", targets).put("allTargetsMet", allMet);
  }

  private static JsonObject settings(BenchConfig c) {
    return new JsonObject().put("accounts", c.accounts()).put("tasksPerAccount", c.tasksPerAccount())
        .put("users", c.users()).put("usersSeconds", c.usersSeconds()).put("usersWarmupSeconds", c.usersWarmupSeconds())
        .put("capacityConnections", c.capacityConnections()).put("capacitySeconds", c.capacitySeconds())
        .put("capacityWarmupSeconds", c.capacityWarmupSeconds()).put("systemJar", c.systemJar().toString());
  }

  private static JsonObject json(Recorder.Stats s) {
    return new JsonObject().put("count", s.count()).put("errors", s.errors())
        .put("throughputPerSec", Seeder.round(s.throughputPerSec())).put("p50Ms", ms(s.p50Ms()))
        .put("p95Ms", ms(s.p95Ms())).put("p99Ms", ms(s.p99Ms())).put("maxMs", ms(s.maxMs()));
  }

  private static double ms(double value) {
    return Math.round(value * 1000) / 1000.0;
  }

  static void write(Path outputDir, Results results, JsonObject summary) throws IOException {
    Files.writeString(outputDir.resolve("summary.json"), summary.encodePrettily() + "\n");
    Files.writeString(outputDir.resolve("report.html"), html(results, summary));
  }

  /** A few lines for the console: each kind's figures, then each target. */
  static String console(JsonObject summary) {
    var out = new StringBuilder("\n");
    JsonObject setup = summary.getJsonObject("setup");
    out.append(String.format(Locale.ROOT, "seed: %,d tasks in %.1f s (+ %.1f s VACUUM ANALYZE); logins: %d in %.1f s%n",
        setup.getJsonObject("seed").getLong("tasks"), setup.getJsonObject("seed").getDouble("insertSeconds"),
        setup.getJsonObject("seed").getDouble("vacuumAnalyzeSeconds"), setup.getJsonObject("logins").getLong("count"),
        setup.getJsonObject("logins").getDouble("seconds")));
    out.append(String.format(Locale.ROOT, "%-9s %-7s %9s %7s %10s %8s %8s %8s %8s%n", "scenario", "kind", "count",
        "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms"));
    JsonObject scenarios = summary.getJsonObject("scenarios");
    for (String scenario : scenarios.fieldNames()) {
      JsonObject kinds = scenarios.getJsonObject(scenario);
      for (String kind : kinds.fieldNames()) {
        JsonObject s = kinds.getJsonObject(kind);
        if (s.containsKey("count")) {
          out.append(String.format(Locale.ROOT, "%-9s %-7s %9d %7d %10.1f %8.2f %8.2f %8.2f %8.2f%n", scenario, kind,
              s.getLong("count"), s.getLong("errors"), s.getDouble("throughputPerSec"), s.getDouble("p50Ms"),
              s.getDouble("p95Ms"), s.getDouble("p99Ms"), s.getDouble("maxMs")));
        }
      }
    }
    out.append("\ncores used (of ").append(summary.getJsonObject("machine").getInteger("cores")).append("):\n");
    JsonObject cores = summary.getJsonObject("coresUsed");
    for (String scenario : cores.fieldNames()) {
      out.append(String.format(Locale.ROOT, "  %-16s %s%n", scenario, cores.getJsonObject(scenario).encode()));
    }
    out.append('\n');
    for (Object t : summary.getJsonArray("targets")) {
      JsonObject target = (JsonObject) t;
      out.append(target.getBoolean("pass") ? "PASS " : "FAIL ").append(target.getString("target"))
          .append(String.format(Locale.ROOT, " (measured %s)%n", number(target.getDouble("value"))));
    }
    return out.toString();
  }

  // ---- report.html ----

  private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#d62728", "#2ca02c", "#9467bd"};

  private static String html(Results results, JsonObject summary) {
    var html = new StringBuilder("""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>todo-chatbot benchmark</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:2em;max-width:1400px;color:#222}
        table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
        td:first-child,th:first-child,td.l{text-align:left}.pass{background:#dfd}.fail{background:#fdd}
        .row{display:flex;gap:2em;align-items:flex-start}svg{margin:0.5em 1em 1em 0;background:#fafafa;border:1px solid #ddd}code{font-size:90%}
        </style></head><body>
        <h1>todo-chatbot benchmark</h1>
        """);
    html.append("<p>Started ").append(esc(summary.getString("startedAt"))).append(", ")
        .append(summary.getDouble("totalSeconds")).append(" s in all. The system, its PostgreSQL and this load generator ")
        .append("share the machine's ").append(summary.getJsonObject("machine").getInteger("cores")).append(" cores.</p>\n");
    html.append("<div class=\"row\">");
    for (String section : List.of("machine", "settings", "setup", "coresUsed")) {
      html.append("<div><h2>").append(section).append("</h2>\n").append(keyValues(summary.getJsonObject(section)))
          .append("</div>");
    }
    html.append("</div>\n");
    html.append("<h2>Targets</h2><table><tr><th>target</th><th>measured</th><th>result</th></tr>\n");
    for (Object t : summary.getJsonArray("targets")) {
      JsonObject target = (JsonObject) t;
      boolean pass = target.getBoolean("pass");
      html.append("<tr class=\"").append(pass ? "pass" : "fail").append("\"><td>").append(esc(target.getString("target")))
          .append("</td><td>").append(number(target.getDouble("value"))).append("</td><td>")
          .append(pass ? "pass" : "FAIL").append("</td></tr>\n");
    }
    html.append("</table>\n<h2>Summary</h2><table><tr><th>scenario</th><th>kind</th><th>count</th><th>errors</th>"
        + "<th>req/s</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th></tr>\n");
    JsonObject scenarios = summary.getJsonObject("scenarios");
    for (String scenario : scenarios.fieldNames()) {
      for (String kind : scenarios.getJsonObject(scenario).fieldNames()) {
        JsonObject s = scenarios.getJsonObject(scenario).getJsonObject(kind);
        if (!s.containsKey("count")) {
          continue;
        }
        html.append("<tr><td>").append(scenario).append("</td><td class=\"l\">").append(kind).append("</td>");
        for (String field : List.of("count", "errors", "throughputPerSec", "p50Ms", "p95Ms", "p99Ms", "maxMs")) {
          html.append("<td>").append(number(s.getDouble(field))).append("</td>");
        }
        html.append("</tr>\n");
      }
    }
    html.append("</table>\n");

    for (var scenario : List.of("users", "capacity")) {
      html.append("<h2>").append(scenario).append(" over time</h2>\n");
      List<String> names = new ArrayList<>();
      List<List<Recorder.Second>> timelines = new ArrayList<>();
      for (Recorder recorder : results.scenarios().get(scenario)) {
        for (String kind : recorder.kinds()) {
          List<Recorder.Second> timeline = recorder.timeline(kind);
          names.add(kind);
          timelines.add(timeline);
          html.append(chart(scenario + " " + kind + ": latency per second", "ms", List.of("p50", "p95", "p99"),
              List.of(values(timeline, Recorder.Second::p50Ms), values(timeline, Recorder.Second::p95Ms),
                  values(timeline, Recorder.Second::p99Ms))));
          List<String> errors = recorder.errorSamples(kind);
          if (!errors.isEmpty()) {
            html.append("<p>First errors of ").append(kind).append(":</p><ul>");
            errors.forEach(e -> html.append("<li><code>").append(esc(e)).append("</code></li>"));
            html.append("</ul>\n");
          }
        }
      }
      html.append(chart(scenario + ": answers per second" + (scenario.equals("capacity") ? " (kinds run one after the other)" : ""),
          "req/s", names, timelines.stream().map(t -> values(t, s -> s.count() + s.errors())).toList()));
    }
    return html.append("</body></html>\n").toString();
  }

  /** A two-column table; nested objects become "outer.inner" rows. */
  private static String keyValues(JsonObject object) {
    var table = new StringBuilder("<table>\n");
    for (String key : object.fieldNames()) {
      Object value = object.getValue(key);
      if (value instanceof JsonObject nested) {
        for (String inner : nested.fieldNames()) {
          table.append("<tr><td>").append(esc(key + "." + inner)).append("</td><td>")
              .append(esc(String.valueOf(nested.getValue(inner)))).append("</td></tr>\n");
        }
      } else {
        table.append("<tr><td>").append(esc(key)).append("</td><td>").append(esc(String.valueOf(value)))
            .append("</td></tr>\n");
      }
    }
    return table.append("</table>\n").toString();
  }

  private static double[] values(List<Recorder.Second> timeline, ToDoubleFunction<Recorder.Second> metric) {
    return timeline.stream().mapToDouble(metric).toArray();
  }

  /** A line chart, x in seconds from the start of the measured period. */
  private static String chart(String title, String unit, List<String> names, List<double[]> series) {
    int width = 720;
    int height = 260;
    int left = 60;
    int right = 20;
    int top = 40;
    int bottom = 35;
    int points = series.stream().mapToInt(s -> s.length).max().orElse(0);
    double max = niceCeiling(series.stream().flatMapToDouble(java.util.Arrays::stream).max().orElse(1));
    double plotWidth = width - left - right;
    double plotHeight = height - top - bottom;
    double xStep = plotWidth / Math.max(1, points - 1);
    var svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "font-size=\"11\" font-family=\"sans-serif\">%n", width, height));
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"16\" font-size=\"13\" font-weight=\"bold\">%s</text>%n",
        left, esc(title)));
    for (int i = 0; i <= 4; i++) {
      double value = max * i / 4;
      double y = top + plotHeight - plotHeight * i / 4;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
              + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
          left, y, width - right, y, left - 5, y + 4, number(value)));
    }
    int xTick = points <= 30 ? 5 : points <= 120 ? 10 : 30;
    for (int s = 0; s < points; s += xTick) {
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%ds</text>%n",
          left + s * xStep, height - bottom + 15, s));
    }
    svg.append(String.format(Locale.ROOT, "<text x=\"5\" y=\"%d\">%s</text>%n", top - 8, esc(unit)));
    for (int k = 0; k < series.size(); k++) {
      String color = COLORS[k % COLORS.length];
      var path = new StringBuilder();
      double[] values = series.get(k);
      for (int s = 0; s < values.length; s++) {
        path.append(s == 0 ? "M" : "L").append(String.format(Locale.ROOT, "%.1f,%.1f", left + s * xStep,
            top + plotHeight - plotHeight * Math.min(values[s], max) / max));
      }
      svg.append("<path fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(color).append("\" d=\"").append(path)
          .append("\"/>\n");
      svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"24\" width=\"10\" height=\"3\" fill=\"%s\"/>"
          + "<text x=\"%d\" y=\"29\">%s</text>%n", left + 200 + k * 90, color, left + 214 + k * 90, esc(names.get(k))));
    }
    return svg.append("</svg>\n").toString();
  }

  /** 1, 2 or 5 times a power of ten, at least {@code value}. */
  private static double niceCeiling(double value) {
    if (value <= 0) {
      return 1;
    }
    double power = Math.pow(10, Math.floor(Math.log10(value)));
    for (double step : new double[] {1, 2, 5, 10}) {
      if (step * power >= value) {
        return step * power;
      }
    }
    return 10 * power;
  }

  private static String number(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return String.format(Locale.ROOT, "%d", (long) value);
    }
    return String.format(Locale.ROOT, Math.abs(value) >= 100 ? "%.1f" : "%.2f", value);
  }

  private static String esc(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
