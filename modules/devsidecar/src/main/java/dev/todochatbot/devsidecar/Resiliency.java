package dev.todochatbot.devsidecar;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of {@code kind: Resiliency} (dapr/dapr pkg/resiliency, 1.16) that daprd applies to pub/sub
 * delivery: named {@code spec.policies.retries} and {@code spec.policies.timeouts}, and
 * {@code spec.targets.components.<pubsub>.inbound.{retry,timeout}}, with daprd's default-policy names
 * ({@code DefaultPubsubComponentInboundRetryPolicy}, ..., {@code DefaultRetryPolicy}) when the component
 * is not a named target. Several Resiliency resources merge in load order, a later name replacing an
 * earlier one, as daprd decodes them one after the other.
 *
 * <p>A retry policy is dapr/kit's {@code retry.DefaultConfig()} with the four fields the Resiliency CRD
 * has: {@code policy} ({@code constant} default, or {@code exponential}), {@code duration} (constant
 * interval, default 5s), {@code maxInterval} (exponential cap, default 60s) and {@code maxRetries}
 * (retries after the first attempt; -1, the default, is unlimited). The exponential parameters the CRD
 * does not expose keep dapr/kit's defaults: initial interval 500ms, multiplier 1.5, randomization 0.5,
 * and cenkalti/backoff's maximum elapsed time of 15 minutes. {@code matching} and circuit breakers are
 * not applied (logged at debug).
 */
final class Resiliency {

  private static final Logger log = LoggerFactory.getLogger(Resiliency.class);

  /** The policy daprd's {@code ComponentInboundPolicy(name, Pubsub)} would return. */
  record InboundPolicy(Optional<Backoff> retry, Optional<Duration> timeout, String description) {

    static final InboundPolicy NONE = new InboundPolicy(Optional.empty(), Optional.empty(), "no inbound policy");

    @Override
    public String toString() {
      return description;
    }
  }

  private record Names(String retry, String timeout) {}

  private final Map<String, Backoff> retries = new LinkedHashMap<>();
  private final Map<String, Duration> timeouts = new LinkedHashMap<>();
  private final Map<String, Names> inbound = new LinkedHashMap<>();
  private final List<String> loaded = new ArrayList<>();

  /**
   * Adds one Resiliency document, already known to be in this app's scopes. An invalid one is logged
   * and skipped, as daprd does ("Could not read resiliency policy"); nothing of it is applied.
   */
  void add(JsonNode doc, String file) {
    String name = doc.path("metadata").path("name").asText("");
    String where = "Resiliency " + name + " (" + file + ")";
    var newRetries = new LinkedHashMap<String, Backoff>();
    var newTimeouts = new LinkedHashMap<String, Duration>();
    var newInbound = new LinkedHashMap<String, Names>();
    try {
      JsonNode policies = doc.path("spec").path("policies");
      policies.path("timeouts").fields().forEachRemaining(e ->
          newTimeouts.put(e.getKey(), duration(where + ": timeout " + e.getKey(), e.getValue().asText(""))));
      policies.path("retries").fields().forEachRemaining(e ->
          newRetries.put(e.getKey(), retry(where + ": retry " + e.getKey(), e.getValue())));
      if (policies.path("circuitBreakers").size() > 0) {
        log.debug("{}: circuit breakers are not implemented by the devsidecar; ignored", where);
      }
      JsonNode targets = doc.path("spec").path("targets");
      targets.path("components").fields().forEachRemaining(e -> {
        JsonNode in = e.getValue().path("inbound");
        if (!in.path("circuitBreaker").asText("").isEmpty()) {
          log.debug("{}: component {} inbound circuit breaker {} ignored (not implemented)", where, e.getKey(),
              in.path("circuitBreaker").asText());
        }
        if (!e.getValue().path("outbound").isMissingNode()) {
          log.debug("{}: component {} outbound policies ignored (publish is not retried by the devsidecar)", where,
              e.getKey());
        }
        newInbound.put(e.getKey(), new Names(in.path("retry").asText(""), in.path("timeout").asText("")));
      });
      if (!targets.path("apps").isMissingNode() || !targets.path("actors").isMissingNode()) {
        log.debug("{}: app and actor targets ignored (service invocation calls the app directly)", where);
      }
    } catch (IllegalArgumentException e) {
      log.error("Could not read resiliency policy {}: {}; it is not applied", where, e.getMessage());
      return;
    }
    retries.putAll(newRetries);
    timeouts.putAll(newTimeouts);
    inbound.putAll(newInbound);
    newInbound.forEach((component, names) -> {
      if (!names.retry().isEmpty() && !retries.containsKey(names.retry())) {
        log.warn("{}: component {} inbound names retry policy {}, which is not defined: no retries", where,
            component, names.retry());
      }
      if (!names.timeout().isEmpty() && !timeouts.containsKey(names.timeout())) {
        log.warn("{}: component {} inbound names timeout policy {}, which is not defined: no timeout", where,
            component, names.timeout());
      }
    });
    loaded.add(where);
  }

  /** The names of the Resiliency resources applied, for logs. */
  List<String> loaded() {
    return List.copyOf(loaded);
  }

  /**
   * The inbound policy of a pub/sub component: its named target, or else the most specific default
   * policy ({@code DefaultPubsubComponentInbound*}, {@code DefaultComponentInbound*},
   * {@code DefaultComponent*}, {@code Default*}), as daprd resolves them.
   */
  InboundPolicy pubsubInbound(String component) {
    Names names = inbound.get(component);
    String source;
    if (names != null) {
      source = "target components." + component + ".inbound";
    } else {
      names = new Names(defaultName(retries, "Retry"), defaultName(timeouts, "Timeout"));
      if (names.retry().isEmpty() && names.timeout().isEmpty()) {
        return InboundPolicy.NONE;
      }
      source = "default policies";
    }
    Optional<Backoff> retry = Optional.ofNullable(names.retry().isEmpty() ? null : retries.get(names.retry()));
    Optional<Duration> timeout = Optional.ofNullable(names.timeout().isEmpty() ? null : timeouts.get(names.timeout()))
        .filter(d -> d.compareTo(Duration.ZERO) > 0);
    String description = source + ": retry " + (retry.isPresent() ? names.retry() + " " + describe(retry.get()) : "none")
        + ", timeout " + (timeout.isPresent() ? names.timeout() + " " + timeout.get().toMillis() + "ms" : "none");
    return new InboundPolicy(retry, timeout, description);
  }

  private static String defaultName(Map<String, ?> policies, String kind) {
    for (String level : List.of("PubsubComponentInbound", "ComponentInbound", "Component", "")) {
      String name = "Default" + level + kind + "Policy";
      if (policies.containsKey(name)) {
        return name;
      }
    }
    return "";
  }

  private static String describe(Backoff b) {
    String retries = b.maxRetries() < 0 ? "unlimited" : String.valueOf(b.maxRetries());
    return b.exponential()
        ? "(exponential from " + b.initialInterval().toMillis() + "ms to " + b.maxInterval().toMillis()
            + "ms, maxRetries " + retries + ")"
        : "(constant " + b.duration().toMillis() + "ms, maxRetries " + retries + ")";
  }

  private static Backoff retry(String where, JsonNode spec) {
    if (!spec.isObject()) {
      throw new IllegalArgumentException(where + " must be a mapping");
    }
    String policy = spec.path("policy").asText("constant").toLowerCase(Locale.ROOT);
    if (!policy.equals("constant") && !policy.equals("exponential")) {
      throw new IllegalArgumentException(where + ": policy must be constant or exponential, got '" + policy + "'");
    }
    long maxRetries;
    JsonNode max = spec.path("maxRetries");
    if (max.isMissingNode() || max.isNull()) {
      maxRetries = -1;
    } else if (max.canConvertToLong() && max.isIntegralNumber()) {
      maxRetries = max.asLong();
    } else {
      try {
        maxRetries = Long.parseLong(max.asText().strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(where + ": maxRetries must be a whole number, got '" + max.asText() + "'");
      }
    }
    if (spec.has("matching") || spec.has("matches")) {
      log.debug("{}: matching is not applied to pub/sub delivery; ignored", where);
    }
    return new Backoff(policy.equals("exponential"),
        optionalDuration(where + ": duration", spec.path("duration"), "5s"),
        maxRetries,
        Duration.ofMillis(500),
        optionalDuration(where + ": maxInterval", spec.path("maxInterval"), "60s"),
        1.5, 0.5, Duration.ofMinutes(15));
  }

  private static Duration optionalDuration(String where, JsonNode value, String defaultValue) {
    return duration(where, value.isMissingNode() || value.isNull() ? defaultValue : value.asText(""));
  }

  private static Duration duration(String where, String text) {
    try {
      return GoDuration.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + " must be a Go duration such as 500ms, 5s or 1m, got '" + text + "'");
    }
  }
}
