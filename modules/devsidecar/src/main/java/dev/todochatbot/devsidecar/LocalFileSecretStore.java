package dev.todochatbot.devsidecar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code secretstores.local.file}: a JSON file read once at start-up. Nested objects (and arrays) are
 * flattened into keys joined by {@code nestedSeparator} ({@code :} by default). With
 * {@code multiValued: true} each top-level key is one secret holding all the values under it.
 */
final class LocalFileSecretStore {

  private final String name;
  private final boolean multiValued;
  /** secret name to its key/value pairs */
  private final Map<String, Map<String, String>> secrets;

  private LocalFileSecretStore(String name, boolean multiValued, Map<String, Map<String, String>> secrets) {
    this.name = name;
    this.multiValued = multiValued;
    this.secrets = secrets;
  }

  static LocalFileSecretStore open(Component component, Path workingDir) {
    String file = component.get("secretsFile")
        .orElseThrow(() -> new IllegalArgumentException("Component " + component.name() + " (" + component.file()
            + "): secretstores.local.file needs metadata secretsFile"));
    String separator = component.get("nestedSeparator", ":");
    boolean multiValued = component.flag("multiValued", false);
    Path path = workingDir.resolve(file).normalize();
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(path));
    } catch (IOException e) {
      throw new IllegalArgumentException("Component " + component.name() + ": cannot read secretsFile " + path
          + " (relative paths resolve against " + workingDir + "): " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("Component " + component.name() + ": secretsFile " + path
          + " must hold a JSON object");
    }
    var secrets = new LinkedHashMap<String, Map<String, String>>();
    if (multiValued) {
      root.fields().forEachRemaining(field -> {
        var values = new LinkedHashMap<String, String>();
        if (field.getValue().isContainerNode()) {
          flatten("", field.getValue(), separator, values);
        } else {
          values.put(field.getKey(), field.getValue().asText());
        }
        secrets.put(field.getKey(), values);
      });
    } else {
      var flat = new LinkedHashMap<String, String>();
      flatten("", root, separator, flat);
      flat.forEach((k, v) -> secrets.put(k, Map.of(k, v)));
    }
    return new LocalFileSecretStore(component.name(), multiValued, secrets);
  }

  private static void flatten(String prefix, JsonNode node, String separator, Map<String, String> into) {
    if (node.isObject()) {
      node.fields().forEachRemaining(f -> flatten(join(prefix, f.getKey(), separator), f.getValue(), separator, into));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        flatten(join(prefix, String.valueOf(i), separator), node.get(i), separator, into);
      }
    } else {
      into.put(prefix, node.isNull() ? "" : node.asText());
    }
  }

  private static String join(String prefix, String key, String separator) {
    return prefix.isEmpty() ? key : prefix + separator + key;
  }

  String name() {
    return name;
  }

  boolean multiValued() {
    return multiValued;
  }

  /** The secret's key/value pairs, as {@code GET /v1.0/secrets/{store}/{key}} answers them. */
  Optional<Map<String, String>> get(String key) {
    return Optional.ofNullable(secrets.get(key));
  }

  Map<String, Map<String, String>> all() {
    return secrets;
  }

  /** A {@code secretKeyRef}: the secret named {@code name}, then its {@code key} (default: the name). */
  Optional<String> resolve(String secretName, String key) {
    return get(secretName).map(values -> values.get(key == null || key.isBlank() ? secretName : key));
  }
}
