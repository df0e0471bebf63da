package dev.todochatbot.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * charts/todo-chatbot rendered by real Helm (helm-java) with one values file, as typed Kubernetes
 * objects (fabric8) and, for Dapr's kinds which fabric8 has no model of, as plain maps.
 */
record RenderedChart(String valuesFile, String text, List<HasMetadata> objects, List<Map<String, Object>> daprResources) {

  static final Path CHART = Path.of(System.getProperty("chart.dir", "../../charts/todo-chatbot")).toAbsolutePath().normalize();
  static final Path DAPR = Path.of(System.getProperty("dapr.dir", "../../dapr")).toAbsolutePath().normalize();
  static final String KUBE_VERSION = "1.31.0";
  static final String RELEASE = "todo";
  static final String NAMESPACE = "todo-chatbot";

  private static final Map<String, RenderedChart> CACHE = new ConcurrentHashMap<>();

  /** The values files the chart ships, each rendered on top of values.yaml. */
  static Stream<String> valuesFiles() {
    return Stream.of("values.yaml", "values-minikube.yaml", "values-production.yaml");
  }

  static RenderedChart of(String valuesFile) {
    return CACHE.computeIfAbsent(valuesFile, file -> render(file, UnaryOperator.identity()));
  }

  /** Renders with extra --set options; throws what Helm reports (a schema violation, a template error). */
  static RenderedChart render(String valuesFile, UnaryOperator<TemplateCommand> options) {
    var command = new Helm(CHART).template()
        .withName(RELEASE)
        .withNamespace(NAMESPACE)
        .withKubeVersion(KUBE_VERSION)
        .withValuesFile(CHART.resolve(valuesFile));
    return parse(valuesFile, options.apply(command).call());
  }

  private static RenderedChart parse(String valuesFile, String text) {
    var objects = new ArrayList<HasMetadata>();
    var dapr = new ArrayList<Map<String, Object>>();
    for (String document : text.split("(?m)^---\\s*$")) {
      if (document.lines().allMatch(line -> line.isBlank() || line.strip().startsWith("#"))) {
        continue;
      }
      Map<String, Object> raw = yaml(document);
      if (String.valueOf(raw.get("apiVersion")).startsWith("dapr.io/")) {
        dapr.add(raw);
      } else {
        objects.add(Serialization.unmarshal(document));
      }
    }
    return new RenderedChart(valuesFile, text, List.copyOf(objects), List.copyOf(dapr));
  }

  /**
   * A copy of the chart under {@code into} whose values.yaml is the chart's with {@code valuesFile}
   * (relative to the chart) merged over it as Helm merges: maps key by key, anything else replaced.
   */
  static Path chartWithValues(String valuesFile, Path into) throws java.io.IOException {
    Path copy = into.resolve(CHART.getFileName());
    try (var files = Files.walk(CHART)) {
      for (Path source : (Iterable<Path>) files::iterator) {
        Path target = copy.resolve(CHART.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
    var merged = merge(yaml(CHART.resolve("values.yaml")), yaml(CHART.resolve(valuesFile)));
    Files.writeString(copy.resolve("values.yaml"), Serialization.yamlMapper().writeValueAsString(merged));
    return copy;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
    var merged = new java.util.LinkedHashMap<>(base);
    over.forEach((key, value) -> merged.merge(key, value, (old, updated) -> old instanceof Map && updated instanceof Map
        ? merge((Map<String, Object>) old, (Map<String, Object>) updated) : updated));
    return merged;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> yaml(String document) {
    return Serialization.yamlMapper().readValue(document, Map.class);
  }

  static Map<String, Object> yaml(Path file) {
    try {
      return yaml(Files.readString(file));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  List<Deployment> deployments() {
    return all(Deployment.class);
  }

  List<Map<String, Object>> dapr(String kind) {
    return daprResources.stream().filter(resource -> kind.equals(resource.get("kind"))).toList();
  }

  @Override
  public String toString() {
    return valuesFile;
  }
}
