package dev.todochatbot.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every PromQL expression the chart ships, with where it is: the alert rules
 * ({@code charts/todo-chatbot/alerts/*.yaml}) and the Grafana dashboards' targets and variable queries
 * ({@code charts/todo-chatbot/dashboards/*.json}). Loki's (LogQL) targets are left out.
 */
record MonitoringReferences(String where, String expr) {

  static final Path CHART = Path.of(System.getProperty("chart.dir", "../../charts/todo-chatbot")).toAbsolutePath().normalize();

  private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((.*),\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*\\)\\s*$",
      Pattern.DOTALL);

  static List<MonitoringReferences> all() {
    var all = new ArrayList<MonitoringReferences>();
    all.addAll(rules());
    all.addAll(dashboards());
    return all;
  }

  static List<MonitoringReferences> rules() {
    var out = new ArrayList<MonitoringReferences>();
    for (Path file : files(CHART.resolve("alerts"), ".yaml")) {
      JsonNode groups = read(file, new ObjectMapper(new YAMLFactory())).path("groups");
      for (JsonNode group : groups) {
        for (JsonNode rule : group.path("rules")) {
          String name = rule.has("alert") ? rule.path("alert").asText() : rule.path("record").asText();
          out.add(new MonitoringReferences(file.getFileName() + " " + name, rule.path("expr").asText()));
        }
      }
    }
    return out;
  }

  static List<MonitoringReferences> dashboards() {
    var out = new ArrayList<MonitoringReferences>();
    for (Path file : files(CHART.resolve("dashboards"), ".json")) {
      JsonNode dashboard = read(file, new ObjectMapper());
      for (JsonNode variable : dashboard.path("templating").path("list")) {
        if (variable.path("type").asText().equals("query")) {
          String query = variable.path("query").isObject() ? variable.path("query").path("query").asText()
              : variable.path("query").asText();
          Matcher labelValues = LABEL_VALUES.matcher(query);
          out.add(new MonitoringReferences(file.getFileName() + " variable " + variable.path("name").asText(),
              labelValues.matches() ? labelValues.group(1) : query));
        }
      }
      for (JsonNode panel : panels(dashboard)) {
        for (JsonNode target : panel.path("targets")) {
          String type = target.path("datasource").path("type").asText(panel.path("datasource").path("type").asText());
          if (!type.equals("loki")) {
            out.add(new MonitoringReferences(file.getFileName() + " panel '" + panel.path("title").asText() + "' "
                + target.path("refId").asText(), target.path("expr").asText()));
          }
        }
      }
    }
    return out;
  }

  /** Panels, and those inside rows. */
  static List<JsonNode> panels(JsonNode dashboard) {
    var out = new ArrayList<JsonNode>();
    for (JsonNode panel : dashboard.path("panels")) {
      out.add(panel);
      panel.path("panels").forEach(out::add);
    }
    return out;
  }

  static List<Path> files(Path dir, String suffix) {
    try (Stream<Path> listing = Files.list(dir)) {
      return listing.filter(file -> file.getFileName().toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode read(Path file, ObjectMapper mapper) {
    try {
      return mapper.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
