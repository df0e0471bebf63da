package dev.todochatbot.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Dapr resources as plain maps: their documented fields (docs.dapr.io, "Component spec",
 * "Resiliency spec", "Configuration spec", Dapr 1.16) as path patterns, and small readers.
 * In a pattern {@code *} is one map key, {@code **} anything below, {@code []} a list item.
 */
final class Dapr {
  private Dapr() {
  }

  private static final List<String> OBJECT_META = List.of(
      "apiVersion", "kind", "metadata", "metadata.name", "metadata.namespace", "metadata.labels", "metadata.labels.**",
      "metadata.annotations", "metadata.annotations.**", "scopes", "scopes[]");

  static final Map<String, List<String>> DOCUMENTED_FIELDS = Map.of(
      "Component", concat(OBJECT_META, List.of(
          "spec", "spec.type", "spec.version", "spec.ignoreErrors", "spec.initTimeout",
          "spec.metadata", "spec.metadata[]", "spec.metadata[].name", "spec.metadata[].value", "spec.metadata[].envRef",
          "spec.metadata[].secretKeyRef", "spec.metadata[].secretKeyRef.name", "spec.metadata[].secretKeyRef.key",
          "auth", "auth.secretStore")),
      "Resiliency", concat(OBJECT_META, List.of(
          "spec", "spec.policies", "spec.policies.timeouts", "spec.policies.timeouts.*",
          "spec.policies.retries", "spec.policies.retries.*", "spec.policies.retries.*.policy",
          "spec.policies.retries.*.duration", "spec.policies.retries.*.maxInterval", "spec.policies.retries.*.maxRetries",
          "spec.policies.retries.*.matching", "spec.policies.retries.*.matching.httpStatusCodes",
          "spec.policies.retries.*.matching.gRPCStatusCodes",
          "spec.policies.circuitBreakers", "spec.policies.circuitBreakers.*", "spec.policies.circuitBreakers.*.maxRequests",
          "spec.policies.circuitBreakers.*.interval", "spec.policies.circuitBreakers.*.timeout",
          "spec.policies.circuitBreakers.*.trip",
          "spec.targets", "spec.targets.apps", "spec.targets.apps.*", "spec.targets.apps.*.timeout",
          "spec.targets.apps.*.retry", "spec.targets.apps.*.circuitBreaker", "spec.targets.apps.*.circuitBreakerCacheSize",
          "spec.targets.actors", "spec.targets.actors.**",
          "spec.targets.components", "spec.targets.components.*", "spec.targets.components.*.outbound",
          "spec.targets.components.*.inbound", "spec.targets.components.*.*.timeout",
          "spec.targets.components.*.*.retry", "spec.targets.components.*.*.circuitBreaker")),
      "Configuration", concat(OBJECT_META, List.of(
          "spec", "spec.tracing", "spec.tracing.samplingRate", "spec.tracing.stdout",
          "spec.tracing.zipkin", "spec.tracing.zipkin.endpointAddress",
          "spec.tracing.otel", "spec.tracing.otel.endpointAddress", "spec.tracing.otel.isSecure",
          "spec.tracing.otel.protocol", "spec.tracing.otel.headers", "spec.tracing.otel.timeout",
          "spec.metrics", "spec.metrics.enabled", "spec.metrics.recordErrorCodes", "spec.metrics.rules", "spec.metrics.rules[]",
          "spec.metrics.rules[].**", "spec.metrics.http", "spec.metrics.http.**", "spec.metrics.latencyDistributionBuckets",
          "spec.metrics.latencyDistributionBuckets[]",
          "spec.mtls", "spec.mtls.**", "spec.features", "spec.features[]", "spec.features[].name", "spec.features[].enabled",
          "spec.logging", "spec.logging.**", "spec.accessControl", "spec.accessControl.**",
          "spec.api", "spec.api.**", "spec.secrets", "spec.secrets.**", "spec.nameResolution", "spec.nameResolution.**")));

  /** Every field path of {@code resource} that its kind does not document. */
  static List<String> undocumentedFields(Map<String, Object> resource) {
    var allowed = DOCUMENTED_FIELDS.getOrDefault(String.valueOf(resource.get("kind")), List.of()).stream()
        .map(Dapr::toRegex).toList();
    var paths = new ArrayList<String>();
    collect("", resource, paths);
    return paths.stream().filter(path -> allowed.stream().noneMatch(p -> p.matcher(path).matches())).toList();
  }

  private static void collect(String path, Object node, List<String> out) {
    if (node instanceof Map<?, ?> map) {
      map.forEach((key, value) -> {
        String child = path.isEmpty() ? String.valueOf(key) : path + "." + key;
        out.add(child);
        collect(child, value, out);
      });
    } else if (node instanceof List<?> list) {
      list.forEach(item -> {
        out.add(path + "[]");
        collect(path + "[]", item, out);
      });
    }
  }

  private static Pattern toRegex(String pattern) {
    String regex = Pattern.quote(pattern).replace("**", "\\E.+\\Q").replace("*", "\\E[^.\\[\\]]+\\Q");
    return Pattern.compile(regex);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Map<String, Object> node, String key) {
    return (Map<String, Object>) node.getOrDefault(key, Map.of());
  }

  static String name(Map<String, Object> resource) {
    return (String) map(resource, "metadata").get("name");
  }

  static String type(Map<String, Object> component) {
    return (String) map(component, "spec").get("type");
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> metadata(Map<String, Object> component) {
    return (List<Map<String, Object>>) map(component, "spec").getOrDefault("metadata", List.of());
  }

  static Set<String> metadataNames(Map<String, Object> component) {
    return Set.copyOf(metadata(component).stream().map(item -> (String) item.get("name")).toList());
  }

  @SuppressWarnings("unchecked")
  static List<String> scopes(Map<String, Object> resource) {
    return (List<String>) resource.getOrDefault("scopes", List.of());
  }

  private static List<String> concat(List<String> a, List<String> b) {
    var all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
