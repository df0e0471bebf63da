package dev.todochatbot.devsidecar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the resources directories as daprd does ({@code --resources-path}, repeatable): every
 * {@code .yaml}/{@code .yml} file directly in each (subdirectories are not read), several documents per
 * file allowed. Keeps the components, subscriptions and resiliency policies scoped to this app; skips
 * other kinds (Configuration, HTTPEndpoint...) with a debug line. Applies the configuration's metadata
 * overrides to the components as they load.
 */
final class Resources {

  private static final Logger log = LoggerFactory.getLogger(Resources.class);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** What one sidecar loaded. */
  record Loaded(List<Component> components, Map<String, LocalFileSecretStore> secretStores,
      List<AppSubscription> subscriptions, Resiliency resiliency) {

    List<Component> ofType(String type) {
      return components.stream().filter(c -> c.type().equals(type)).toList();
    }
  }

  /** A component before its secret references are resolved. */
  private record Raw(String name, String type, JsonNode metadata, String secretStore, List<String> scopes, String file) {}

  private Resources() {}

  static Loaded load(DevSidecarConfig config, Function<String, String> environment) {
    var raws = new ArrayList<Raw>();
    var subscriptions = new ArrayList<AppSubscription>();
    var resiliency = new Resiliency();
    var allComponentNames = new java.util.HashSet<String>();
    var files = new ArrayList<Path>();
    config.resourcesPaths().forEach(dir -> files.addAll(files(dir)));
    for (Path file : files) {
      for (JsonNode doc : documents(file)) {
        String kind = doc.path("kind").asText("");
        List<String> scopes = new ArrayList<>();
        doc.path("scopes").forEach(s -> scopes.add(s.asText()));
        boolean inScope = scopes.isEmpty() || scopes.contains(config.appId());
        String name = doc.path("metadata").path("name").asText("");
        switch (kind) {
          case "Component" -> {
            allComponentNames.add(name);
            if (!inScope) {
              log.debug("{}: component {} is scoped to {}, not {}", file, name, scopes, config.appId());
              continue;
            }
            JsonNode spec = doc.path("spec");
            if (name.isBlank() || spec.path("type").asText("").isBlank()) {
              throw new IllegalArgumentException(file + ": a Component needs metadata.name and spec.type");
            }
            String store = doc.path("auth").path("secretStore").asText("");
            raws.add(new Raw(name, spec.path("type").asText(), overridden(name, spec.path("metadata"), config),
                store, List.copyOf(scopes), file.getFileName().toString()));
          }
          case "Subscription" -> {
            if (inScope) {
              subscriptions.add(AppSubscription.fromYaml(doc, file.getFileName().toString()));
            }
          }
          case "Resiliency" -> {
            if (inScope) {
              resiliency.add(doc, file.getFileName().toString());
            } else {
              log.debug("{}: resiliency {} is scoped to {}, not {}", file, name, scopes, config.appId());
            }
          }
          default -> log.debug("{}: skipping kind '{}' ({}): the devsidecar does not implement it", file, kind, name);
        }
      }
    }
    for (String key : config.metadataOverrides().keySet()) {
      boolean loaded = raws.stream().anyMatch(r -> key.startsWith(r.name() + "."));
      if (!loaded) {
        if (allComponentNames.stream().anyMatch(n -> key.startsWith(n + "."))) {
          log.debug("Metadata override {}: the component is not loaded for app {} (scopes)", key, config.appId());
        } else {
          log.warn("Metadata override {}: no component of that name in {}", key, config.resourcesPaths());
        }
      }
    }
    var secretStores = new LinkedHashMap<String, LocalFileSecretStore>();
    var components = new ArrayList<Component>();
    // secret stores first: other components' secretKeyRefs resolve through them
    for (Raw raw : raws) {
      if (raw.type().equals("secretstores.local.file")) {
        Component c = resolve(raw, config, environment, secretStores);
        secretStores.put(c.name(), LocalFileSecretStore.open(c, config.workingDir()));
        components.add(c);
      }
    }
    for (Raw raw : raws) {
      if (!raw.type().equals("secretstores.local.file")) {
        components.add(resolve(raw, config, environment, secretStores));
      }
    }
    for (Component c : components) {
      if (!Supported.TYPES.contains(c.type())) {
        log.warn("Component {} ({}) has type {}, which the devsidecar does not implement: ignored", c.name(), c.file(),
            c.type());
      }
    }
    return new Loaded(List.copyOf(components), Map.copyOf(secretStores), List.copyOf(subscriptions), resiliency);
  }

  /** The component types this stand-in implements. */
  static final class Supported {
    static final List<String> TYPES = List.of("pubsub.kafka", "secretstores.local.file", "bindings.cron");

    private Supported() {}
  }

  private static Component resolve(Raw raw, DevSidecarConfig config, Function<String, String> environment,
      Map<String, LocalFileSecretStore> stores) {
    var metadata = new LinkedHashMap<String, String>();
    String context = "Component " + raw.name() + " (" + raw.file() + ")";
    for (JsonNode item : raw.metadata()) {
      String key = item.path("name").asText("");
      if (key.isBlank()) {
        throw new IllegalArgumentException(context + ": a metadata item has no name");
      }
      String value;
      if (item.hasNonNull("secretKeyRef")) {
        JsonNode ref = item.path("secretKeyRef");
        if (raw.secretStore().isBlank()) {
          throw new IllegalArgumentException(context + ": metadata " + key
              + " uses secretKeyRef but the component names no auth.secretStore");
        }
        LocalFileSecretStore store = stores.get(raw.secretStore());
        if (store == null) {
          throw new IllegalArgumentException(context + ": metadata " + key + " refers to secret store "
              + raw.secretStore() + ", which is not loaded for app " + config.appId());
        }
        String secretName = ref.path("name").asText("");
        value = store.resolve(secretName, ref.path("key").asText("")).orElseThrow(() -> new IllegalArgumentException(
            context + ": metadata " + key + ": secret " + secretName + " not found in store " + store.name()));
      } else if (item.hasNonNull("envRef")) {
        String variable = item.path("envRef").asText();
        value = environment.apply(variable);
        if (value == null) {
          log.warn("{}: metadata {} refers to environment variable {}, which is not set: empty", context, key, variable);
          value = "";
        }
      } else {
        JsonNode v = item.path("value");
        value = v.isMissingNode() || v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString();
      }
      metadata.put(key, template(value, config.appId()));
    }
    return new Component(raw.name(), raw.type(), Map.copyOf(metadata), raw.scopes(), raw.file());
  }

  /**
   * The component's metadata items with {@link DevSidecarConfig#metadataOverrides()} applied: an item whose
   * name matches (case-insensitively, as Dapr reads metadata) gets the override as a plain {@code value};
   * an override for a name the component lacks is added.
   */
  private static JsonNode overridden(String component, JsonNode metadata, DevSidecarConfig config) {
    String prefix = component + ".";
    var overrides = new LinkedHashMap<String, String>();
    config.metadataOverrides().forEach((key, value) -> {
      if (key.startsWith(prefix)) {
        overrides.put(key.substring(prefix.length()), value);
      }
    });
    if (overrides.isEmpty()) {
      return metadata;
    }
    var items = YAML.createArrayNode();
    for (JsonNode item : metadata) {
      String name = item.path("name").asText("");
      var match = overrides.keySet().stream().filter(k -> k.equalsIgnoreCase(name)).findFirst();
      if (match.isPresent()) {
        items.add(YAML.createObjectNode().put("name", name).put("value", overrides.remove(match.get())));
        log.debug("Component {}: metadata {} overridden", component, name);
      } else {
        items.add(item);
      }
    }
    overrides.forEach((name, value) -> items.add(YAML.createObjectNode().put("name", name).put("value", value)));
    return items;
  }

  /** Dapr's metadata templates; {@code {podName}} is the app id outside Kubernetes. */
  private static String template(String value, String appId) {
    if (!value.contains("{")) {
      return value;
    }
    return value.replace("{uuid}", UUID.randomUUID().toString())
        .replace("{podName}", appId)
        .replace("{appID}", appId)
        .replace("{namespace}", "default");
  }

  private static List<Path> files(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("The resources path " + dir.toAbsolutePath() + " is not a directory");
    }
    try (Stream<Path> paths = Files.list(dir)) {
      return paths.filter(p -> {
        String n = p.getFileName().toString();
        return Files.isRegularFile(p) && (n.endsWith(".yaml") || n.endsWith(".yml"));
      }).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private static List<JsonNode> documents(Path file) {
    try (var parser = YAML.getFactory().createParser(file.toFile())) {
      var docs = new ArrayList<JsonNode>();
      var it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && doc.isObject()) {
          docs.add(doc);
        }
      }
      return docs;
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
