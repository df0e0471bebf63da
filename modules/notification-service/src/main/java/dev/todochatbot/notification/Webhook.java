package dev.todochatbot.notification;

import dev.todochatbot.platform.FieldErrors;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A person's webhook, {@code PUT /api/me/webhook {url, secret}}: where their reminders are POSTed, and
 * the secret each delivery is signed with.
 */
record Webhook(String url, String secret) {

  static final int MAX_URL_LENGTH = 2000;
  static final int MIN_SECRET_LENGTH = 16;
  static final int MAX_SECRET_LENGTH = 200;
  private static final Pattern CANONICAL_IPV4 =
      Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

  /** The body, checked: every field in error is named at once (422). */
  static Webhook parse(JsonObject body) {
    var errors = new FieldErrors();
    Object url = body.getValue("url");
    Object secret = body.getValue("secret");
    if (!(url instanceof String text)) {
      errors.add("url", url == null ? "is required" : "must be a string");
    } else {
      String problem = urlProblem(text);
      if (problem != null) {
        errors.add("url", problem);
      }
    }
    if (!(secret instanceof String text)) {
      errors.add("secret", secret == null ? "is required" : "must be a string");
    } else if (text.length() < MIN_SECRET_LENGTH || text.length() > MAX_SECRET_LENGTH) {
      errors.add("secret", "must be " + MIN_SECRET_LENGTH + " to " + MAX_SECRET_LENGTH + " characters");
    }
    for (String name : body.fieldNames()) {
      if (!name.equals("url") && !name.equals("secret")) {
        errors.add(name, "is not a field here; send url and secret");
      }
    }
    errors.throwIfInvalidBody();
    return new Webhook((String) url, (String) secret);
  }

  /** Never the secret, wherever a webhook is logged. */
  @Override
  public String toString() {
    return "Webhook[url=" + url + "]";
  }

  /** What is wrong with {@code url} as a webhook's address, or null. */
  private static String urlProblem(String url) {
    if (url.length() > MAX_URL_LENGTH) {
      return "must be at most " + MAX_URL_LENGTH + " characters";
    }
    URI parsed;
    try {
      parsed = new URI(url);
    } catch (URISyntaxException e) {
      return "is not a URL: " + e.getReason();
    }
    String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return "must be an absolute http:// or https:// URL";
    }
    if (parsed.getHost() == null || parsed.getHost().isEmpty()) {
      return "must name a host";
    }
    if (parsed.getHost().matches("[0-9.]+") && !CANONICAL_IPV4.matcher(parsed.getHost()).matches()) {
      // 0177.0.0.1 or 2130706433: read as other addresses by other parsers (octal, one number)
      return "must write an IPv4 address as four decimal numbers without leading zeros, such as 203.0.113.7";
    }
    if (parsed.getRawUserInfo() != null) {
      return "must not carry a user name or password; the signature authenticates the delivery";
    }
    if (parsed.getRawFragment() != null) {
      return "must not have a fragment (#...)";
    }
    return null;
  }

  /**
   * {@code sha256=} and the lowercase hex HMAC-SHA256 of {@code "<timestamp>.<body>"} with the secret:
   * the receiver recomputes it, and refuses a timestamp too far from its own clock (replays).
   */
  static String signature(String secret, long timestamp, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] digest = mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
      return "sha256=" + HexFormat.of().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /** {@code GET /api/me/webhook/deliveries?state=&limit=}, parsed as {@link ReminderQuery} is. */
  record DeliveryQuery(List<String> states, int limit) {

    private static final Set<String> PARAMETERS = Set.of("state", "limit");
    private static final Map<String, List<String>> STATES = Map.of(
        "pending", List.of("pending"), "delivered", List.of("delivered"), "failed", List.of("failed"));
    private static final List<String> ALL = List.of("pending", "delivered", "failed");

    static DeliveryQuery parse(MultiMap params) {
      var errors = new FieldErrors();
      ReminderQuery.refuseUnknown(params, PARAMETERS, errors);
      List<String> states = ALL;
      String state = params.get("state");
      if (state != null) {
        states = STATES.get(state);
        if (states == null) {
          errors.add("state", "'" + state + "' is not a state; use one of " + String.join(", ", new TreeSet<>(STATES.keySet())));
        }
      }
      int limit = ReminderQuery.limit(params, errors);
      errors.throwIfInvalidParameters();
      return new DeliveryQuery(states, limit);
    }
  }
}
