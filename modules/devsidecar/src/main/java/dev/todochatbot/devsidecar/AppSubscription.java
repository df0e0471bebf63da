package dev.todochatbot.devsidecar;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One topic subscription of an app: from {@code GET /dapr/subscribe} or a {@code kind: Subscription}
 * file. Routing rules are CEL in Dapr; only the {@code event.type == "x"} form is evaluated here, any
 * other expression never matches (logged once) so the default route applies.
 */
record AppSubscription(String pubsubName, String topic, List<Rule> rules, Optional<String> defaultPath,
    Optional<String> deadLetterTopic, Map<String, String> metadata, String source) {

  private static final Logger log = LoggerFactory.getLogger(AppSubscription.class);
  private static final Pattern TYPE_MATCH = Pattern.compile("^\\s*event\\.type\\s*==\\s*(?:\"([^\"]*)\"|'([^']*)')\\s*$");

  /** A routing rule; {@code eventType} is set when the match is the supported {@code event.type == "x"} form. */
  record Rule(String match, String path, Optional<String> eventType, boolean always) {

    static Rule of(String match, String path, String context) {
      if (match == null || match.isBlank()) {
        return new Rule("", path, Optional.empty(), true);
      }
      var m = TYPE_MATCH.matcher(match);
      if (m.matches()) {
        return new Rule(match, path, Optional.of(m.group(1) != null ? m.group(1) : m.group(2)), false);
      }
      log.warn("{}: the devsidecar only evaluates matches of the form event.type == \"x\"; '{}' never matches here "
          + "(the default route applies)", context, match);
      return new Rule(match, path, Optional.empty(), false);
    }

    boolean matches(String type) {
      return always || eventType.map(t -> t.equals(type)).orElse(false);
    }
  }

  /** The path to deliver an event of this type to, or empty when no rule and no default applies. */
  Optional<String> pathFor(String eventType) {
    for (Rule rule : rules) {
      if (rule.matches(eventType)) {
        return Optional.of(rule.path());
      }
    }
    return defaultPath;
  }

  boolean rawPayload() {
    String raw = metadata.getOrDefault("rawPayload", "false");
    return raw.equalsIgnoreCase("true") || raw.equals("1") || raw.equalsIgnoreCase("t");
  }

  /** Parses the app's answer to {@code GET /dapr/subscribe}. */
  static List<AppSubscription> fromProgrammatic(JsonArray array, String appId) {
    var subscriptions = new ArrayList<AppSubscription>();
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      String context = "app " + appId + " /dapr/subscribe[" + i + "]";
      if (!(item instanceof JsonObject json)) {
        throw new IllegalArgumentException(context + " is not an object");
      }
      String pubsub = json.getString("pubsubname", json.getString("pubsubName"));
      String topic = json.getString("topic");
      var rules = new ArrayList<Rule>();
      Optional<String> defaultPath = Optional.ofNullable(json.getString("route")).filter(s -> !s.isBlank());
      Object routes = json.getValue("routes");
      if (routes instanceof JsonObject r) {
        JsonArray ruleArray = r.getJsonArray("rules", new JsonArray());
        for (int j = 0; j < ruleArray.size(); j++) {
          JsonObject rule = ruleArray.getJsonObject(j);
          rules.add(Rule.of(rule.getString("match"), path(rule.getString("path")), context));
        }
        String def = r.getString("default");
        if (def != null && !def.isBlank()) {
          defaultPath = Optional.of(def);
        }
      }
      var metadata = new LinkedHashMap<String, String>();
      JsonObject meta = json.getJsonObject("metadata", new JsonObject());
      meta.forEach(e -> metadata.put(e.getKey(), String.valueOf(e.getValue())));
      subscriptions.add(create(pubsub, topic, rules, defaultPath, json.getString("deadLetterTopic"), metadata,
          context));
    }
    return subscriptions;
  }

  /** A {@code kind: Subscription} document (v2alpha1 routes, or v1alpha1 route). */
  static AppSubscription fromYaml(JsonNode doc, String file) {
    JsonNode spec = doc.path("spec");
    String name = doc.path("metadata").path("name").asText("?");
    String context = "Subscription " + name + " (" + file + ")";
    var rules = new ArrayList<Rule>();
    Optional<String> defaultPath = text(spec.path("route"));
    JsonNode routes = spec.path("routes");
    for (JsonNode rule : routes.path("rules")) {
      rules.add(Rule.of(rule.path("match").asText(""), path(rule.path("path").asText("")), context));
    }
    if (text(routes.path("default")).isPresent()) {
      defaultPath = text(routes.path("default"));
    }
    var metadata = new LinkedHashMap<String, String>();
    spec.path("metadata").fields().forEachRemaining(f -> metadata.put(f.getKey(), f.getValue().asText()));
    return create(text(spec.path("pubsubname")).orElse(null), text(spec.path("topic")).orElse(null), rules,
        defaultPath, text(spec.path("deadLetterTopic")).orElse(null), metadata, context);
  }

  private static AppSubscription create(String pubsub, String topic, List<Rule> rules, Optional<String> defaultPath,
      String deadLetterTopic, Map<String, String> metadata, String context) {
    if (pubsub == null || pubsub.isBlank() || topic == null || topic.isBlank()) {
      throw new IllegalArgumentException(context + " needs pubsubname and topic");
    }
    if (rules.isEmpty() && defaultPath.isEmpty()) {
      throw new IllegalArgumentException(context + " has neither route nor routes");
    }
    return new AppSubscription(pubsub, topic, List.copyOf(rules), defaultPath.map(AppSubscription::path),
        Optional.ofNullable(deadLetterTopic).filter(s -> !s.isBlank()), Map.copyOf(metadata), context);
  }

  private static Optional<String> text(JsonNode node) {
    return node.isMissingNode() || node.isNull() || node.asText().isBlank() ? Optional.empty()
        : Optional.of(node.asText());
  }

  private static String path(String path) {
    return path.startsWith("/") ? path : "/" + path;
  }
}
