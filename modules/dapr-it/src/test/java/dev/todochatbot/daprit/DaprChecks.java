package dev.todochatbot.daprit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.todochatbot.daprit.DaprFiles.Document;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What daprd 1.16 would reject or silently ignore in the dapr/ files, found before anyone runs
 * it. Each problem names the file and says what to change; an empty list means all is well.
 */
final class DaprChecks {

  static final List<String> APP_IDS = List.of("edge", "task-service", "audit-service", "chat-service",
      "recurrence-service", "notification-service");

  private static final Map<String, String> API_VERSIONS = Map.of(
      "Component", "dapr.io/v1alpha1",
      "Subscription", "dapr.io/v2alpha1",
      "Resiliency", "dapr.io/v1alpha1",
      "Configuration", "dapr.io/v1alpha1");

  /** Component types this project uses, each with the metadata daprd refuses to start without. */
  private static final Map<String, List<String>> REQUIRED_METADATA = Map.of(
      "pubsub.kafka", List.of("brokers", "authType"),
      "pubsub.redis", List.of("redisHost"),
      "pubsub.rabbitmq", List.of("connectionString"),
      "pubsub.jetstream", List.of("natsURL"),
      "secretstores.local.file", List.of("secretsFile"),
      "secretstores.kubernetes", List.of(),
      "bindings.cron", List.of("schedule"));

  private static final String RUN_FILE = "dapr.yaml";
  private static final String ALTERNATIVES = "alternatives";

  private final DaprFiles files;
  private final List<String> problems = new ArrayList<>();
  /** Components daprd loads (top level of a resources path), by name. */
  private final Map<String, Document> loaded = new LinkedHashMap<>();
  private final List<Document> alternatives = new ArrayList<>();
  private final Set<Path> resourceDirs = new LinkedHashSet<>();
  private Path configFile;

  private DaprChecks(DaprFiles files) {
    this.files = files;
  }

  static List<String> problems(DaprFiles files) {
    DaprChecks checks = new DaprChecks(files);
    checks.run();
    return List.copyOf(checks.problems);
  }

  private void run() {
    problems.addAll(files.unreadable());
    Document runFile = runFile();
    for (Document doc : files.documents()) {
      if (doc != runFile) {
        checkKind(doc);
      }
    }
    sortComponents();
    for (Document component : loaded.values()) {
      checkComponent(component);
    }
    for (Document alternative : alternatives) {
      checkComponent(alternative);
      checkAlternative(alternative);
    }
    for (Document doc : files.documents()) {
      switch (doc.kind()) {
        case "Resiliency" -> checkResiliency(doc);
        case "Configuration" -> checkConfiguration(doc);
        case "Subscription" -> checkSubscription(doc);
        default -> { }
      }
    }
    if (runFile != null) {
      checkApps(runFile);
    }
  }

  // ---- the run file decides what daprd loads ----

  private Document runFile() {
    Path expected = files.daprDir().resolve(RUN_FILE);
    Document runFile = files.documents().stream().filter(d -> d.file().equals(expected)).findFirst().orElse(null);
    if (runFile == null) {
      problems.add(files.show(expected) + ": missing; it is the multi-app run file that lists the apps and the"
          + " resourcesPaths daprd loads");
      resourceDirs.add(files.daprDir().resolve("components"));
      return null;
    }
    JsonNode node = runFile.node();
    String where = files.show(runFile.file());
    if (!node.path("version").isInt() || node.path("version").asInt() != 1) {
      problems.add(where + ": 'version' must be 1 (the only multi-app run file version the Dapr CLI reads)");
    }
    JsonNode paths = node.path("common").path("resourcesPaths");
    if (!paths.isArray() || paths.isEmpty()) {
      problems.add(where + ": common.resourcesPaths must list the directories daprd loads (./components, ...)");
      resourceDirs.add(files.daprDir().resolve("components"));
    }
    for (JsonNode p : paths) {
      Path dir = files.daprDir().resolve(p.asText()).normalize();
      if (!Files.isDirectory(dir)) {
        problems.add(where + ": resourcesPaths entry '" + p.asText() + "' is not a directory next to the run file");
      }
      resourceDirs.add(dir);
    }
    String config = node.path("common").path("configFilePath").asText("");
    if (config.isEmpty()) {
      problems.add(where + ": common.configFilePath must name the sidecar Configuration (./config.yaml)");
    } else {
      configFile = files.daprDir().resolve(config).normalize();
      if (!Files.isRegularFile(configFile)) {
        problems.add(where + ": configFilePath '" + config + "' does not exist next to the run file");
      }
    }
    return runFile;
  }

  private void checkKind(Document doc) {
    String where = files.show(doc.file());
    String kind = doc.kind();
    if (kind.isEmpty()) {
      problems.add(where + ": no 'kind'; a Dapr resource needs apiVersion and kind (only " + RUN_FILE
          + " may go without)");
      return;
    }
    String expected = API_VERSIONS.get(kind);
    if (expected == null) {
      problems.add(where + ": kind '" + kind + "' is not one this project uses; expected one of "
          + API_VERSIONS.keySet());
      return;
    }
    String apiVersion = doc.node().path("apiVersion").asText("");
    if (!expected.equals(apiVersion)) {
      problems.add(where + ": kind " + kind + " needs apiVersion " + expected + ", not '" + apiVersion
          + "' (daprd skips resources whose apiVersion/kind pair it does not know)");
    }
    if (doc.name().isBlank()) {
      problems.add(where + ": metadata.name is missing; every " + kind + " needs a name");
    }
    checkScopes(doc);
  }

  private void sortComponents() {
    for (Document doc : files.documents()) {
      if (!doc.kind().equals("Component")) {
        continue;
      }
      Path dir = doc.file().getParent();
      if (resourceDirs.contains(dir)) {
        Document other = loaded.putIfAbsent(doc.name(), doc);
        if (other != null) {
          problems.add(files.show(doc.file()) + ": a second component named '" + doc.name() + "' (also in "
              + files.show(other.file()) + "); daprd loads both and fails: keep one, or move the other to "
              + ALTERNATIVES + "/");
        }
      } else if (dir.getFileName().toString().equals(ALTERNATIVES) && resourceDirs.contains(dir.getParent())) {
        alternatives.add(doc);
      } else {
        problems.add(files.show(doc.file()) + ": daprd never loads this component: it is not directly in a"
            + " resourcesPaths directory of " + RUN_FILE + " " + shown(resourceDirs) + " (nor a swap-in under "
            + ALTERNATIVES + "/)");
      }
    }
  }

  // ---- components ----

  private void checkComponent(Document doc) {
    String where = files.show(doc.file());
    JsonNode spec = doc.node().path("spec");
    String type = spec.path("type").asText("");
    List<String> required = REQUIRED_METADATA.get(type);
    if (required == null) {
      problems.add(where + ": spec.type '" + type + "' is not one this project uses; expected one of "
          + REQUIRED_METADATA.keySet());
      required = List.of();
    }
    if (!spec.path("version").asText("").equals("v1")) {
      problems.add(where + ": spec.version must be v1 (every component type used here is at v1)");
    }
    Set<String> present = new LinkedHashSet<>();
    for (JsonNode item : spec.path("metadata")) {
      String name = item.path("name").asText("");
      if (name.isBlank()) {
        problems.add(where + ": a spec.metadata item has no name");
        continue;
      }
      present.add(name);
      checkMetadataItem(doc, name, item);
    }
    for (String name : required) {
      if (!present.contains(name)) {
        problems.add(where + ": " + type + " requires metadata '" + name + "'; add it under spec.metadata");
      }
    }
  }

  private void checkMetadataItem(Document doc, String name, JsonNode item) {
    String where = files.show(doc.file());
    List<String> sources = new ArrayList<>();
    for (String source : List.of("value", "secretKeyRef", "envRef")) {
      if (item.has(source) && !item.get(source).isNull()) {
        sources.add(source);
      }
    }
    if (sources.size() != 1) {
      problems.add(where + ": metadata '" + name + "' has " + (sources.isEmpty() ? "no value" : String.join(" and ",
          sources)) + "; give exactly one of value, secretKeyRef, envRef");
      return;
    }
    switch (sources.get(0)) {
      case "envRef" -> {
        String variable = item.get("envRef").asText("");
        if (variable.isBlank() || variable.contains(" ") || variable.toUpperCase().startsWith("DAPR_")
            || variable.equalsIgnoreCase("APP_API_TOKEN")) {
          problems.add(where + ": metadata '" + name + "' has envRef '" + variable + "'; daprd refuses empty names,"
              + " names with spaces, APP_API_TOKEN and names starting with DAPR_: pick another variable name");
        }
      }
      case "secretKeyRef" -> checkSecretRef(doc, name, item.get("secretKeyRef"));
      default -> { }
    }
  }

  private void checkSecretRef(Document doc, String item, JsonNode ref) {
    String where = files.show(doc.file());
    String secret = ref.path("name").asText("");
    if (secret.isBlank()) {
      problems.add(where + ": metadata '" + item + "' has a secretKeyRef without a name");
      return;
    }
    String storeName = doc.node().path("auth").path("secretStore").asText("");
    if (storeName.isBlank()) {
      problems.add(where + ": metadata '" + item + "' uses secretKeyRef but the component has no auth.secretStore;"
          + " add 'auth: {secretStore: secretstore}' (outside Kubernetes there is no default store)");
      return;
    }
    Document store = loaded.get(storeName);
    if (store == null || !store.node().path("spec").path("type").asText("").startsWith("secretstores.")) {
      problems.add(where + ": auth.secretStore '" + storeName + "' is not a secret-store component in "
          + shown(resourceDirs) + "; name one that is (secretstore)");
      return;
    }
    if (!store.node().path("spec").path("type").asText("").equals("secretstores.local.file")) {
      return;
    }
    String key = ref.path("key").asText("");
    if (!key.isEmpty() && !key.equals(secret)) {
      problems.add(where + ": metadata '" + item + "' asks the local file store for key '" + key + "' of secret '"
          + secret + "'; that store answers {\"" + secret + "\": value}, so key must equal name");
    }
    Set<String> known = secretKeys(store);
    if (known != null && !known.contains(secret)) {
      problems.add(where + ": metadata '" + item + "' refers to secret '" + secret + "', which "
          + files.show(files.daprDir().resolve("secrets.example.json")) + " does not list; add it there with a"
          + " placeholder value (or fix the name)");
    }
  }

  /** Keys of dapr/secrets.example.json as the local file store flattens them, or null (reported) if unusable. */
  private Set<String> secretKeys(Document store) {
    JsonNode example = files.json("secrets.example.json");
    if (example == null || !example.isObject()) {
      problems.add(files.show(files.daprDir().resolve("secrets.example.json")) + ": missing or not a JSON object;"
          + " it documents every key the local secret store must hold (placeholder values only)");
      return null;
    }
    String separator = ":";
    for (JsonNode item : store.node().path("spec").path("metadata")) {
      if (item.path("name").asText("").equals("nestedSeparator")) {
        separator = item.path("value").asText(":");
      }
    }
    Set<String> keys = new LinkedHashSet<>();
    flatten("", example, separator, keys);
    return keys;
  }

  private static void flatten(String prefix, JsonNode node, String separator, Set<String> keys) {
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = prefix.isEmpty() ? field.getKey() : prefix + separator + field.getKey();
      if (field.getValue().isObject()) {
        flatten(key, field.getValue(), separator, keys);
      } else {
        keys.add(key);
      }
    }
  }

  private void checkScopes(Document doc) {
    for (JsonNode scope : doc.node().path("scopes")) {
      if (!APP_IDS.contains(scope.asText())) {
        problems.add(files.show(doc.file()) + ": scopes names '" + scope.asText() + "', which is not an app id;"
            + " use one of " + APP_IDS);
      }
    }
  }

  private void checkAlternative(Document doc) {
    String where = files.show(doc.file());
    if (!doc.node().path("spec").path("type").asText("").startsWith("pubsub.")) {
      problems.add(where + ": only pub/sub swap-ins belong in " + ALTERNATIVES + "/; this is "
          + doc.node().path("spec").path("type").asText("no type"));
      return;
    }
    // a swap-in replaces the loaded pub/sub of the same name (pubsub: what the services publish to,
    // PUBSUB_NAME; realtime: the edge's per-replica reading of the same topics)
    List<Document> mains = loaded.values().stream()
        .filter(d -> d.node().path("spec").path("type").asText("").startsWith("pubsub.")).toList();
    if (mains.stream().noneMatch(main -> main.name().equals(doc.name()))) {
      problems.add(where + ": declares '" + doc.name() + "' but the loaded pub/sub components are "
          + mains.stream().map(m -> "'" + m.name() + "' (" + files.show(m.file()) + ")").toList()
          + "; a swap-in must keep the name of the one it replaces, or copying it over that file breaks every"
          + " publish and subscription to it");
    }
  }

  // ---- resiliency, configuration, subscriptions ----

  private void checkResiliency(Document doc) {
    String where = files.show(doc.file());
    if (!resourceDirs.contains(doc.file().getParent())) {
      problems.add(where + ": daprd never loads this Resiliency: it must sit directly in a resourcesPaths directory of "
          + RUN_FILE + " " + shown(resourceDirs));
    }
    JsonNode policies = doc.node().path("spec").path("policies");
    Set<String> timeouts = names(policies.path("timeouts"));
    Set<String> retries = names(policies.path("retries"));
    Set<String> breakers = names(policies.path("circuitBreakers"));
    policies.path("retries").fields().forEachRemaining(retry -> {
      String policy = retry.getValue().path("policy").asText("constant");
      if (!policy.equals("constant") && !policy.equals("exponential")) {
        problems.add(where + ": retry '" + retry.getKey() + "' has policy '" + policy
            + "'; use constant or exponential");
      }
    });
    JsonNode targets = doc.node().path("spec").path("targets");
    targets.path("apps").fields().forEachRemaining(app -> {
      if (!APP_IDS.contains(app.getKey())) {
        problems.add(where + ": targets.apps names '" + app.getKey() + "', which is not an app id; use one of "
            + APP_IDS);
      }
      checkPolicyRefs(where, "targets.apps." + app.getKey(), app.getValue(), timeouts, retries, breakers);
    });
    targets.path("components").fields().forEachRemaining(component -> {
      if (!loaded.containsKey(component.getKey())) {
        problems.add(where + ": targets.components names '" + component.getKey() + "', which no loaded component"
            + " is called; loaded: " + loaded.keySet());
      }
      String path = "targets.components." + component.getKey();
      checkPolicyRefs(where, path, component.getValue(), timeouts, retries, breakers);
      for (String direction : List.of("inbound", "outbound")) {
        checkPolicyRefs(where, path + "." + direction, component.getValue().path(direction), timeouts, retries,
            breakers);
      }
    });
  }

  private void checkPolicyRefs(String where, String path, JsonNode target, Set<String> timeouts, Set<String> retries,
      Set<String> breakers) {
    checkRef(where, path, target, "timeout", timeouts, "timeouts");
    checkRef(where, path, target, "retry", retries, "retries");
    checkRef(where, path, target, "circuitBreaker", breakers, "circuitBreakers");
  }

  private void checkRef(String where, String path, JsonNode target, String field, Set<String> known, String section) {
    if (target.has(field) && !known.contains(target.get(field).asText())) {
      problems.add(where + ": " + path + "." + field + " refers to '" + target.get(field).asText()
          + "', which spec.policies." + section + " does not define; defined: " + known);
    }
  }

  private void checkConfiguration(Document doc) {
    String where = files.show(doc.file());
    if (configFile != null && !doc.file().equals(configFile)) {
      problems.add(where + ": a Configuration that " + RUN_FILE + "'s configFilePath does not name is never used;"
          + " point configFilePath at it or remove it");
    }
    JsonNode rate = doc.node().path("spec").path("tracing").path("samplingRate");
    if (!rate.isMissingNode()) {
      double value;
      try {
        value = Double.parseDouble(rate.asText());
      } catch (NumberFormatException e) {
        value = -1;
      }
      if (value < 0 || value > 1) {
        problems.add(where + ": tracing.samplingRate '" + rate.asText() + "' must be a number from 0 to 1, quoted");
      }
    }
  }

  private void checkSubscription(Document doc) {
    String where = files.show(doc.file());
    if (!resourceDirs.contains(doc.file().getParent())) {
      problems.add(where + ": daprd never loads this Subscription: move it directly into a resourcesPaths directory");
    }
    JsonNode spec = doc.node().path("spec");
    String pubsub = spec.path("pubsubname").asText("");
    if (!loaded.containsKey(pubsub)) {
      problems.add(where + ": spec.pubsubname '" + pubsub + "' is not a loaded component; loaded: " + loaded.keySet());
    }
    if (spec.path("topic").asText("").isBlank()) {
      problems.add(where + ": spec.topic is missing");
    }
  }

  // ---- the apps of the run file ----

  private void checkApps(Document runFile) {
    String where = files.show(runFile.file());
    JsonNode apps = runFile.node().path("apps");
    if (!apps.isArray() || apps.isEmpty()) {
      problems.add(where + ": 'apps' must list the apps to start");
      return;
    }
    Map<Integer, String> ports = new LinkedHashMap<>();
    Set<String> ids = new LinkedHashSet<>();
    for (JsonNode app : apps) {
      String id = app.path("appID").asText("");
      String label = "app '" + id + "'";
      if (!APP_IDS.contains(id)) {
        problems.add(where + ": " + label + " is not an app id; use one of " + APP_IDS);
      } else if (!ids.add(id)) {
        problems.add(where + ": " + label + " is listed twice");
      }
      checkAppDir(where, label, app);
      for (String field : List.of("appPort", "daprHTTPPort", "daprGRPCPort")) {
        JsonNode port = app.path(field);
        if (!port.isInt()) {
          problems.add(where + ": " + label + " needs a fixed " + field + " (a number)");
          continue;
        }
        String other = ports.putIfAbsent(port.asInt(), label + " " + field);
        if (other != null) {
          problems.add(where + ": " + label + " " + field + " " + port.asInt() + " is also " + other
              + "; every port must be distinct");
        }
      }
    }
  }

  /** appDirPath is a module's target directory (the jar's home), and the command starts that module's -all jar. */
  private void checkAppDir(String where, String label, JsonNode app) {
    String appDir = app.path("appDirPath").asText("");
    if (appDir.isEmpty()) {
      problems.add(where + ": " + label + " needs appDirPath (the CLI refuses an app without one)");
      return;
    }
    Path dir = files.daprDir().resolve(appDir).normalize();
    Path module = dir.getFileName().toString().equals("target") ? dir.getParent() : dir;
    boolean isModule = module.getParent() != null && module.getParent().getFileName().toString().equals("modules")
        && Files.isRegularFile(module.resolve("pom.xml"));
    if (!isModule) {
      problems.add(where + ": " + label + " appDirPath '" + appDir + "' is not a module's target directory"
          + " (no pom.xml in " + files.show(module) + "); use ../modules/<module>/target");
      return;
    }
    checkSecretsFileFrom(where, label, dir);
    String moduleName = module.getFileName().toString();
    JsonNode command = app.path("command");
    String jar = command.isArray() && !command.isEmpty() ? command.get(command.size() - 1).asText("") : "";
    if (!jar.startsWith(moduleName + "-") || !jar.endsWith("-all.jar")) {
      problems.add(where + ": " + label + " command should end with the module's fat jar, " + moduleName
          + "-<version>-all.jar, relative to appDirPath; it ends with '" + jar + "'");
    }
  }

  /** A local file store's relative secretsFile is read from the sidecar's working directory, the app's appDirPath. */
  private void checkSecretsFileFrom(String where, String label, Path appDir) {
    Path expected = files.daprDir().resolve("secrets.json");
    for (Document store : loaded.values()) {
      if (!store.node().path("spec").path("type").asText("").equals("secretstores.local.file")) {
        continue;
      }
      for (JsonNode item : store.node().path("spec").path("metadata")) {
        String value = item.path("value").asText("");
        if (item.path("name").asText("").equals("secretsFile") && !value.isEmpty() && !Path.of(value).isAbsolute()
            && !appDir.resolve(value).normalize().equals(expected)) {
          problems.add(files.show(store.file()) + ": secretsFile '" + value + "' is read from each sidecar's working"
              + " directory, " + label + "'s appDirPath under dapr run -f (" + where + "); from there it is not "
              + files.show(expected));
        }
      }
    }
  }

  private static Set<String> names(JsonNode section) {
    Set<String> names = new LinkedHashSet<>();
    section.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private String shown(Set<Path> dirs) {
    return dirs.stream().map(files::show).toList().toString();
  }
}
