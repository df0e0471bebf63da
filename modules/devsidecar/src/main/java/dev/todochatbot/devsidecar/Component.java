package dev.todochatbot.devsidecar;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A loaded {@code kind: Component}: its metadata with every {@code secretKeyRef} and {@code envRef}
 * resolved and the {@code {uuid}}, {@code {podName}}, {@code {appID}} templates filled in.
 */
record Component(String name, String type, Map<String, String> metadata, List<String> scopes, String file) {

  /** Metadata names are case-insensitive in Dapr (mapstructure decoding). */
  Optional<String> get(String key) {
    String exact = metadata.get(key);
    if (exact != null) {
      return exact.isBlank() ? Optional.empty() : Optional.of(exact.strip());
    }
    for (var entry : metadata.entrySet()) {
      if (entry.getKey().equalsIgnoreCase(key)) {
        return entry.getValue().isBlank() ? Optional.empty() : Optional.of(entry.getValue().strip());
      }
    }
    return Optional.empty();
  }

  String get(String key, String defaultValue) {
    return get(key).orElse(defaultValue);
  }

  boolean flag(String key, boolean defaultValue) {
    return get(key).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "1", "t", "yes", "y", "on" -> true;
      case "false", "0", "f", "no", "n", "off" -> false;
      default -> throw invalid(key, v, "true or false");
    }).orElse(defaultValue);
  }

  IllegalArgumentException invalid(String key, String value, String expected) {
    return new IllegalArgumentException("Component " + name + " (" + file + "): metadata " + key + " must be "
        + expected + ", got '" + value + "'");
  }
}
