package dev.todochatbot.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The figures of a run: summary.json (the sidecars side by side; per sidecar, per scenario and request
 * kind; the targets and whether they were met; the machine), report.html (the same as tables, and
 * per-second charts as inline SVG, no external files), and a few lines for the console.
 */
final class Report {

  /**
   * What one system measured, beside one sidecar. {@code capacity} (at the task service's port) is empty
   * but on the first system; {@code figures}: eventsDuringUsers, live, writes, and on the first system chat.
   */
  record Run(String sidecar, Recorder signups, Recorder logins, Seeder.Seeded seeded, Recorder users,
      int usersUnanswered, List<Recorder> publicCapacity, List<Recorder> capacity, JsonObject coresUsed,
      JsonObject figures, long systemRssMb, long daprdRssMb, double seconds, String postgresVersion) {

    /** Scenario name to its recorders (capacity has one per kind, measured one after the other). */
    Map<String, List<Recorder>> scenarios() {
      var scenarios = new LinkedHashMap<String, List<Recorder>>();
      scenarios.put("users", List.of(users));
      scenarios.put(PUBLIC_CAPACITY, publicCapacity);
      if (!capacity.isEmpty()) {
        scenarios.put("capacity", capacity);
      }
      return scenarios;
    }
  }

  /**
   * Everything a run of the benchmark measured: one {@link Run} per sidecar, the first judged on the targets,
   * and why a sidecar asked for could not be measured.
   */
  record Results(BenchConfig config, JsonObject machine, List<Run> runs, Map<String, String> notMeasured,
      String startedAt, double totalSeconds) {}

  /**
   * A target from DESIGN.md: a figure of one scenario (or of "live") and kind, at most or at least a limit,
   * judged on the first sidecar's system.
   */
  record Target(String name, String scenario, String kind, String metric, boolean atMost, double limit) {

    double value(JsonObject run) {
      JsonObject scenarioFigures = scenario.equals("live") ? run.getJsonObject("live")
          : run.getJsonObject("scenarios").getJsonObject(scenario);
      return scenarioFigures.getJsonObject(kind).getDouble(metric);
    }

    boolean met(double value) {
      return atMost ? value <= limit : value >= limit;
    }
  }

  static final String ALL = "all";
  static final String PUBLIC_CAPACITY = "publicCapacity";

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
      new Target("capacity: no errors", "capacity", ALL, "errors", true, 0),
      new Target("change -> every open WebSocket of that user: p99 <= 100 ms", "live", "fanOut", "p99Ms", true, 100),
      new Target("change -> every open WebSocket of that user: 100 % delivered", "live", "fanOut", "deliveredShare",
          false, 1),
      new Target("completion -> next occurrence: p99 <= 1 s", "live", "recurrence", "p99Ms", true, 1000),
      new Target("completion -> next occurrence: 100 % created", "live", "recurrence", "deliveredShare", false, 1),
      new Target("reminder due -> delivered to open browsers: p99 <= 2 s", "live", "reminders", "p99Ms", true, 2000),
      new Target("reminder due -> delivered to open browsers: 100 %", "live", "reminders", "deliveredShare", false,
          1));

  private static final String DAPRD_PER_1000 = "writes.cpuSecondsPer1000Writes.daprd";

  /** A row of the side-by-side table: a figure found at a dotted path in each sidecar's run. */
  record Row(String metric, String unit, String path) {}

  /** What the sidecars are compared on; rows for each daprd's CPU are added after them. */
  static final List<Row> SIDE_BY_SIDE = List.of(
      new Row("users: requests answered a second", "/s", "scenarios.users.all.throughputPerSec"),
      new Row("users: errors", "", "scenarios.users.all.errors"),
      new Row("users: p50", "ms", "scenarios.users.all.p50Ms"),
      new Row("users: p95", "ms", "scenarios.users.all.p95Ms"),
      new Row("users: p99", "ms", "scenarios.users.all.p99Ms"),
      new Row("users' lists: p95", "ms", "scenarios.users.list.p95Ms"),
      new Row("get by id through the public port, 64 connections", "/s", "scenarios.publicCapacity.get.throughputPerSec"),
      new Row("get by id through the public port: p99", "ms", "scenarios.publicCapacity.get.p99Ms"),
      new Row("create through the public port, 64 connections", "/s",
          "scenarios.publicCapacity.create.throughputPerSec"),
      new Row("create through the public port: p99", "ms", "scenarios.publicCapacity.create.p99Ms"),
      new Row("commit -> broker ack during users: events", "", "eventsDuringUsers.publish.published"),
      new Row("commit -> broker ack: share within 50 ms", "", "eventsDuringUsers.publish.shareWithin.le50ms"),
      new Row("commit -> broker ack: p95 at most (histogram bucket)", "ms", "eventsDuringUsers.publish.p95AtMostMs"),
      new Row("commit -> broker ack: p99 at most (histogram bucket)", "ms", "eventsDuringUsers.publish.p99AtMostMs"),
      new Row("change -> audit row during users: p99", "ms", "eventsDuringUsers.audit.p99Ms"),
      new Row("change -> every open WebSocket of that user: p50", "ms", "live.fanOut.p50Ms"),
      new Row("change -> every open WebSocket of that user: p95", "ms", "live.fanOut.p95Ms"),
      new Row("change -> every open WebSocket of that user: p99", "ms", "live.fanOut.p99Ms"),
      new Row("change -> every open WebSocket of that user: delivered", "", "live.fanOut.deliveredShare"),
      new Row("completion -> next occurrence: p99", "ms", "live.recurrence.p99Ms"),
      new Row("reminder due -> delivered: p99", "ms", "live.reminders.p99Ms"),
      new Row("write window: writes acknowledged", "", "writes.acknowledged"),
      new Row("write window: errors", "", "writes.errors"),
      new Row("write window: p99", "ms", "writes.p99Ms"),
      new Row("CPU s per 1,000 writes: all of the system", "s", "writes.cpuSecondsPer1000Writes.system"),
      new Row("CPU s per 1,000 writes: app JVM (services; the devsidecars when they are the sidecars)", "s",
          "writes.cpuSecondsPer1000Writes.appJvm"),
      new Row("CPU s per 1,000 writes: Kafka broker (its threads in the app JVM)", "s",
          "writes.cpuSecondsPer1000Writes.broker"),
      new Row("CPU s per 1,000 writes: PostgreSQL", "s", "writes.cpuSecondsPer1000Writes.postgres"),
      new Row("CPU s per 1,000 writes: daprd, all", "s", DAPRD_PER_1000),
      // per part in writes.idleCores and writes.cpuSecondsPer1000WritesAboveIdle
      new Row("CPU s per 1,000 writes above idle: all of the system", "s",
          "writes.cpuSecondsPer1000WritesAboveIdle.system"),
      new Row("the system idle, just before the write window", "cores", "writes.idleCores.system"),
      new Row("system JVM resident memory at the end", "MiB", "systemRssMbAtEnd"),
      new Row("daprd resident memory at the end, all", "MiB", "daprdRssMbAtEnd"));

  private Report() {}

  static JsonObject summary(Results r) {
    var runs = new JsonObject();
    for (Run run : r.runs()) {
      runs.put(run.sidecar(), runJson(run, r.config()));
    }
    List<String> sidecars = r.runs().stream().map(Run::sidecar).toList();
    var summary = new JsonObject()
        .put("startedAt", r.startedAt())
        .put("totalSeconds", Seeder.round(r.totalSeconds()))
        .put("machine", r.machine())
        .put("settings", settings(r.config()))
        .put("sidecars", new JsonArray(sidecars));
    r.config().sidecarNote().ifPresent(note -> summary.put("sidecarNote", note));
    if (!r.notMeasured().isEmpty()) {
      summary.put("notMeasured", new JsonObject(new LinkedHashMap<>(r.notMeasured())));
    }
    summary.put("sideBySide", sideBySide(runs, sidecars));
    JsonObject first = runs.getJsonObject(sidecars.get(0));
    var targets = new JsonArray();
    boolean allMet = true;
    for (Target target : TARGETS) {
      double value = target.value(first);
      allMet &= target.met(value);
      targets.add(new JsonObject().put("target", target.name()).put("scenario", target.scenario())
          .put("kind", target.kind()).put("metric", target.metric()).put("limit", target.limit())
          .put("comparison", target.atMost() ? "<=" : ">=").put("value", value).put("pass", target.met(value)));
    }
    return summary.put("targetsJudgedOn", sidecars.get(0)).put("targets", targets).put("allTargetsMet", allMet)
        .put("runs", runs);
  }

  private static JsonObject runJson(Run run, BenchConfig config) {
    var scenarios = new JsonObject();
    for (var scenario : run.scenarios().entrySet()) {
      var kinds = new JsonObject();
      long allErrors = 0;
      for (Recorder recorder : scenario.getValue()) {
        for (var entry : recorder.allStats().entrySet()) {
          kinds.put(entry.getKey(), json(entry.getValue()));
          allErrors += entry.getValue().errors();
        }
      }
      // users: one stream of mixed requests; capacity: separate runs, so only their errors add up
      kinds.put(ALL, scenario.getKey().equals("users")
          ? json(run.users().statsOfAll()).put("offeredPerSec", config.users()).put("unansweredAtEnd", run.usersUnanswered())
          : new JsonObject().put("errors", allErrors));
      scenarios.put(scenario.getKey(), kinds);
    }
    var json = new JsonObject()
        .put("sidecar", run.sidecar())
        .put("seconds", Seeder.round(run.seconds()))
        .put("setup", new JsonObject()
            .put("signups", json(run.signups().stats("signup")).put("seconds", Seeder.round(run.signups().measuredSeconds())))
            .put("logins", json(run.logins().stats("login")).put("seconds", Seeder.round(run.logins().measuredSeconds())))
            .put("seed", new JsonObject()
                .put("tasks", run.seeded().tasks())
                .put("insertSeconds", run.seeded().insertSeconds())
                .put("vacuumAnalyzeSeconds", run.seeded().vacuumAnalyzeSeconds())
                .put("tasksPerSec", Math.round(run.seeded().tasks() / Math.max(run.seeded().insertSeconds(), 0.1)))
                .put("tableWithIndexesMb", run.seeded().tableMb())))
        .put("scenarios", scenarios)
        .put("coresUsed", run.coresUsed())
        .put("systemRssMbAtEnd", run.systemRssMb())
        .put("daprdRssMbAtEnd", run.daprdRssMb());
    run.figures().forEach(figure -> json.put(figure.getKey(), figure.getValue()));
    return json;
  }

  /**
   * The table metric | one column per sidecar, each a number or null where that system has no such figure,
   * with one row for each daprd's CPU per 1,000 writes.
   */
  static JsonArray sideBySide(JsonObject runs, List<String> sidecars) {
    var apps = new java.util.TreeSet<String>();
    for (String sidecar : sidecars) {
      Object byApp = at(runs.getJsonObject(sidecar), DAPRD_PER_1000 + "ByApp");
      if (byApp instanceof JsonObject perApp) {
        apps.addAll(perApp.fieldNames());
      }
    }
    var rows = new ArrayList<Row>();
    for (Row row : SIDE_BY_SIDE) {
      rows.add(row);
      if (row.path().equals(DAPRD_PER_1000)) {
        apps.forEach(app -> rows.add(new Row("CPU s per 1,000 writes: daprd of " + app, "s",
            DAPRD_PER_1000 + "ByApp." + app)));
      }
    }
    var table = new JsonArray();
    for (Row row : rows) {
      var line = new JsonObject().put("metric", row.metric()).put("unit", row.unit());
      for (String sidecar : sidecars) {
        Object value = at(runs.getJsonObject(sidecar), row.path());
        line.put(sidecar, value instanceof Number number ? number.doubleValue() : null);
      }
      table.add(line);
    }
    return table;
  }

  /** The value at a dotted path of nested objects, or null. */
  static Object at(JsonObject object, String path) {
    Object value = object;
    for (String key : path.split("\\.")) {
      if (!(value instanceof JsonObject nested)) {
        return null;
      }
      value = nested.getValue(key);
    }
    return value;
  }

  private static JsonObject settings(BenchConfig c) {
    return new JsonObject().put("sidecars", String.join(",", c.sidecars())).put("accounts", c.accounts())
        .put("tasksPerAccount", c.tasksPerAccount())
        .put("users", c.users()).put("usersSeconds", c.usersSeconds()).put("usersWarmupSeconds", c.usersWarmupSeconds())
        .put("capacityConnections", c.capacityConnections()).put("capacitySeconds", c.capacitySeconds())
        .put("capacityWarmupSeconds", c.capacityWarmupSeconds()).put("writesPerSecond", c.writesPerSecond())
        .put("writesSeconds", c.writesSeconds()).put("writesWarmupSeconds", c.writesWarmupSeconds())
        .put("writesIdleSeconds", c.writesIdleSeconds())
        .put("systemJar", c.systemJar().toString());
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

  /** A few lines for the console: the sidecars side by side, each system's kinds and cores, then each target. */
  static String console(JsonObject summary) {
    var out = new StringBuilder("\n");
    List<String> sidecars = sidecars(summary);
    out.append(String.format(Locale.ROOT, "%-92s", "metric"));
    sidecars.forEach(sidecar -> out.append(String.format(Locale.ROOT, " %12s", sidecar)));
    out.append('\n');
    for (Object r : summary.getJsonArray("sideBySide")) {
      JsonObject row = (JsonObject) r;
      out.append(String.format(Locale.ROOT, "%-92s", row.getString("metric")
          + (row.getString("unit").isEmpty() ? "" : " (" + row.getString("unit") + ")")));
      sidecars.forEach(sidecar -> out.append(String.format(Locale.ROOT, " %12s", cell(row.getValue(sidecar)))));
      out.append('\n');
    }
    summary.getJsonObject("runs").forEach(entry -> {
      JsonObject run = (JsonObject) entry.getValue();
      out.append("\n").append(entry.getKey()).append(String.format(Locale.ROOT, " (%.0f s)%n", run.getDouble("seconds")));
      JsonObject setup = run.getJsonObject("setup");
      out.append(String.format(Locale.ROOT, "seed: %,d tasks in %.1f s (+ %.1f s VACUUM ANALYZE); logins: %d in %.1f s%n",
          setup.getJsonObject("seed").getLong("tasks"), setup.getJsonObject("seed").getDouble("insertSeconds"),
          setup.getJsonObject("seed").getDouble("vacuumAnalyzeSeconds"), setup.getJsonObject("logins").getLong("count"),
          setup.getJsonObject("logins").getDouble("seconds")));
      out.append(String.format(Locale.ROOT, "%-14s %-7s %9s %7s %10s %8s %8s %8s %8s%n", "scenario", "kind", "count",
          "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms"));
      JsonObject scenarios = run.getJsonObject("scenarios");
      for (String scenario : scenarios.fieldNames()) {
        JsonObject kinds = scenarios.getJsonObject(scenario);
        for (String kind : kinds.fieldNames()) {
          JsonObject s = kinds.getJsonObject(kind);
          if (s.containsKey("count")) {
            out.append(String.format(Locale.ROOT, "%-14s %-7s %9d %7d %10.1f %8.2f %8.2f %8.2f %8.2f%n", scenario,
                kind, s.getLong("count"), s.getLong("errors"), s.getDouble("throughputPerSec"), s.getDouble("p50Ms"),
                s.getDouble("p95Ms"), s.getDouble("p99Ms"), s.getDouble("maxMs")));
          }
        }
      }
      out.append("cores used (of ").append(summary.getJsonObject("machine").getInteger("cores")).append("):\n");
      JsonObject cores = run.getJsonObject("coresUsed");
      for (String scenario : cores.fieldNames()) {
        out.append(String.format(Locale.ROOT, "  %-22s %s%n", scenario, cores.getJsonObject(scenario).encode()));
      }
    });
    out.append("\ntargets, on ").append(summary.getString("targetsJudgedOn")).append(":\n");
    for (Object t : summary.getJsonArray("targets")) {
      JsonObject target = (JsonObject) t;
      out.append(target.getBoolean("pass") ? "PASS " : "FAIL ").append(target.getString("target"))
          .append(String.format(Locale.ROOT, " (measured %s)%n", number(target.getDouble("value"))));
    }
    if (summary.containsKey("sidecarNote")) {
      out.append("\n").append(summary.getString("sidecarNote")).append('\n');
    }
    notMeasured(summary).forEach(line -> out.append("\n").append(line).append('\n'));
    return out.toString();
  }

  /** A line for each sidecar that could not be measured, saying why. */
  private static List<String> notMeasured(JsonObject summary) {
    JsonObject notMeasured = summary.getJsonObject("notMeasured", new JsonObject());
    return notMeasured.fieldNames().stream()
        .map(sidecar -> "Not measured beside " + sidecar + ": " + notMeasured.getString(sidecar)).toList();
  }

  private static List<String> sidecars(JsonObject summary) {
    return summary.getJsonArray("sidecars").stream().map(String::valueOf).toList();
  }

  private static String cell(Object value) {
    return value instanceof Number n ? number(n.doubleValue()) : "-";
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
    List<String> sidecars = sidecars(summary);
    html.append("<p>Started ").append(esc(summary.getString("startedAt"))).append(", ")
        .append(summary.getDouble("totalSeconds")).append(" s in all: one fresh system (same data, same load) beside ")
        .append(esc(String.join(", then one beside ", sidecars))).append(". Each system, its PostgreSQL and this ")
        .append("load generator share the machine's ").append(summary.getJsonObject("machine").getInteger("cores"))
        .append(" cores.</p>\n");
    if (summary.containsKey("sidecarNote")) {
      html.append("<p><b>").append(esc(summary.getString("sidecarNote"))).append("</b></p>\n");
    }
    notMeasured(summary).forEach(line -> html.append("<p><b>").append(esc(line)).append("</b></p>\n"));
    html.append("<h2>").append(esc(String.join(" and ", sidecars))).append(", side by side</h2>\n")
        .append("<table><tr><th>metric</th><th>unit</th>");
    sidecars.forEach(sidecar -> html.append("<th>").append(esc(sidecar)).append("</th>"));
    html.append("</tr>\n");
    for (Object r : summary.getJsonArray("sideBySide")) {
      JsonObject row = (JsonObject) r;
      html.append("<tr><td>").append(esc(row.getString("metric"))).append("</td><td class=\"l\">")
          .append(esc(row.getString("unit"))).append("</td>");
      sidecars.forEach(sidecar -> html.append("<td>").append(cell(row.getValue(sidecar))).append("</td>"));
      html.append("</tr>\n");
    }
    html.append("</table>\n<div class=\"row\">");
    for (String section : List.of("machine", "settings")) {
      html.append("<div><h2>").append(section).append("</h2>\n").append(keyValues(summary.getJsonObject(section)))
          .append("</div>");
    }
    html.append("</div>\n");
    html.append("<h2>Targets, on ").append(esc(summary.getString("targetsJudgedOn")))
        .append("</h2><table><tr><th>target</th><th>measured</th><th>result</th></tr>\n");
    for (Object t : summary.getJsonArray("targets")) {
      JsonObject target = (JsonObject) t;
      boolean pass = target.getBoolean("pass");
      html.append("<tr class=\"").append(pass ? "pass" : "fail").append("\"><td>").append(esc(target.getString("target")))
          .append("</td><td>").append(number(target.getDouble("value"))).append("</td><td>")
          .append(pass ? "pass" : "FAIL").append("</td></tr>\n");
    }
    html.append("</table>\n");
    for (Run run : results.runs()) {
      html.append(runHtml(run, summary.getJsonObject("runs").getJsonObject(run.sidecar())));
    }
    return html.append("</body></html>\n").toString();
  }

  /** One system's figures: setup, cores, its scenarios as a table, and their per-second charts. */
  private static String runHtml(Run run, JsonObject json) {
    var html = new StringBuilder("<h2>Beside ").append(esc(run.sidecar())).append(" (")
        .append(number(json.getDouble("seconds"))).append(" s)</h2>\n<div class=\"row\">");
    for (String section : List.of("setup", "coresUsed")) {
      html.append("<div><h3>").append(section).append("</h3>\n").append(keyValues(json.getJsonObject(section)))
          .append("</div>");
    }
    if (at(json, "writes.cpuSeconds") instanceof JsonObject cpu) {
      html.append("<div><h3>CPU seconds of the write window (").append(cell(at(json, "writes.acknowledged")))
          .append(" writes)</h3>\n").append(keyValues(cpu)).append("</div>");
    }
    html.append("</div>\n<table><tr><th>scenario</th><th>kind</th><th>count</th><th>errors</th>"
        + "<th>req/s</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th></tr>\n");
    JsonObject scenarios = json.getJsonObject("scenarios");
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

    for (var scenario : run.scenarios().entrySet()) {
      html.append("<h3>").append(esc(run.sidecar())).append(": ").append(scenario.getKey()).append(" over time</h3>\n");
      List<String> names = new ArrayList<>();
      List<List<Recorder.Second>> timelines = new ArrayList<>();
      for (Recorder recorder : scenario.getValue()) {
        for (String kind : recorder.kinds()) {
          List<Recorder.Second> timeline = recorder.timeline(kind);
          names.add(kind);
          timelines.add(timeline);
          html.append(chart(scenario.getKey() + " " + kind + ": latency per second", "ms", List.of("p50", "p95", "p99"),
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
      html.append(chart(scenario.getKey() + ": answers per second"
              + (scenario.getKey().equals("users") ? "" : " (kinds run one after the other)"),
          "req/s", names, timelines.stream().map(t -> values(t, s -> s.count() + s.errors())).toList()));
    }
    return html.toString();
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
