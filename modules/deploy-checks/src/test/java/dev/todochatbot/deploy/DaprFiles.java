package dev.todochatbot.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** What dapr/ (the local multi-app run) says, which the chart must agree with. */
final class DaprFiles {
  private DaprFiles() {
  }

  /** App id to app port, from dapr/dapr.yaml. */
  @SuppressWarnings("unchecked")
  static Map<String, Integer> appPorts() {
    var ports = new LinkedHashMap<String, Integer>();
    for (Object app : (List<Object>) RenderedChart.yaml(RenderedChart.DAPR.resolve("dapr.yaml")).get("apps")) {
      var fields = (Map<String, Object>) app;
      ports.put((String) fields.get("appID"), ((Number) fields.get("appPort")).intValue());
    }
    return ports;
  }

  /** The components in dapr/components/ (not the alternatives/ swaps), by name. */
  static Map<String, Map<String, Object>> components() {
    try (Stream<Path> files = Files.list(RenderedChart.DAPR.resolve("components"))) {
      var byName = new LinkedHashMap<String, Map<String, Object>>();
      files.filter(file -> file.toString().endsWith(".yaml")).sorted().map(RenderedChart::yaml)
          .forEach(component -> byName.put(Dapr.name(component), component));
      return byName;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, Object> resiliency() {
    return RenderedChart.yaml(RenderedChart.DAPR.resolve("resiliency/resiliency.yaml"));
  }
}
