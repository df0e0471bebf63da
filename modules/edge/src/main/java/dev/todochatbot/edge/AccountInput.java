package dev.todochatbot.edge;

import dev.todochatbot.platform.FieldErrors;
import dev.todochatbot.platform.InputRules;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Sign-up, sign-in and profile bodies, checked field by field with every problem reported at once. */
final class AccountInput {

  /** NIST SP 800-63B: at least 8, and 15 for a password that is the only factor; 10 here, with the common ones refused. */
  static final int MIN_PASSWORD = 10;
  static final int MAX_PASSWORD = 200;
  static final int MAX_NAME = 100;
  static final int MAX_EMAIL = 254;
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

  record SignUp(String email, String password, String name, String timeZone) {}

  record SignIn(String email, String password) {}

  /** Profile changes: a null field is left as it is. */
  record ProfileChange(String name, String timeZone) {}

  private AccountInput() {}

  static SignUp signUp(JsonObject json, CommonPasswords common) {
    var errors = new FieldErrors();
    onlyFields(json, Set.of("email", "password", "name", "timeZone"), errors);
    String email = email(json.getValue("email"), errors);
    String name = name(json.getValue("name"), true, errors);
    String password = password(json.getValue("password"), common, email, name, errors);
    String zone = timeZone(json.getValue("timeZone"), errors);
    errors.throwIfInvalidBody();
    return new SignUp(email, password, name, zone == null ? "UTC" : zone);
  }

  static SignIn signIn(JsonObject json) {
    var errors = new FieldErrors();
    onlyFields(json, Set.of("email", "password"), errors);
    String email = json.getValue("email") instanceof String s ? s.strip().toLowerCase(Locale.ROOT) : "";
    if (InputRules.hasControlCharacters(email)) {
      email = ""; // no account has such an address; answered like any unknown email
      errors.add("email", InputRules.CONTROL_MESSAGE);
    }
    String password = json.getValue("password") instanceof String s ? s : "";
    if (email.isEmpty()) {
      errors.add("email", "is required");
    }
    if (password.isEmpty()) {
      errors.add("password", "is required");
    }
    errors.throwIfInvalidBody();
    return new SignIn(email, password);
  }

  static ProfileChange profile(JsonObject json) {
    var errors = new FieldErrors();
    onlyFields(json, Set.of("name", "timeZone"), errors);
    String name = null;
    if (json.containsKey("name")) {
      if (json.getValue("name") instanceof String s && !s.isBlank()) {
        name = name(s, true, errors);
      } else {
        errors.add("name", "must be text and cannot be removed");
      }
    }
    String zone = json.containsKey("timeZone") ? timeZone(json.getValue("timeZone"), errors) : null;
    if (json.containsKey("timeZone") && json.getValue("timeZone") == null) {
      errors.add("timeZone", "must be an IANA time zone name such as \"Europe/Paris\" or \"UTC\"");
    }
    errors.throwIfInvalidBody();
    return new ProfileChange(name, zone);
  }

  private static void onlyFields(JsonObject json, Set<String> allowed, FieldErrors errors) {
    for (String name : json.fieldNames()) {
      if (!allowed.contains(name)) {
        errors.add(name, "is not accepted here; the fields are " + String.join(", ", new TreeSet<>(allowed)));
      }
    }
  }

  private static String email(Object value, FieldErrors errors) {
    if (!(value instanceof String s) || s.isBlank()) {
      errors.add("email", "is required");
      return null;
    }
    String email = s.strip().toLowerCase(Locale.ROOT);
    if (email.length() > MAX_EMAIL || !EMAIL.matcher(email).matches() || InputRules.hasControlCharacters(email)) {
      errors.add("email", "must be an email address such as ada@example.com");
    }
    return email;
  }

  /**
   * What NIST SP 800-63B asks of a chosen password: long enough, not one of the most common, and not
   * the account's own email or name; no rules of character classes, which make passwords harder to
   * remember and no harder to guess.
   */
  private static String password(Object value, CommonPasswords common, String email, String name, FieldErrors errors) {
    if (!(value instanceof String s)) {
      errors.add("password", "is required");
      return null;
    }
    int length = s.codePointCount(0, s.length());
    if (length < MIN_PASSWORD) {
      errors.add("password", "must be at least " + MIN_PASSWORD + " characters long: a few words that belong "
          + "together only for you make a good one");
    } else if (length > MAX_PASSWORD) {
      errors.add("password", "must be at most " + MAX_PASSWORD + " characters long");
    } else if (common.contains(s)) {
      errors.add("password", "is one of the most common passwords, the first ones an attacker tries: choose another, "
          + "such as a few words that belong together only for you");
    } else if (s.equalsIgnoreCase(email) || (email != null && s.equalsIgnoreCase(email.substring(0, Math.max(0,
        email.indexOf('@'))))) || s.equalsIgnoreCase(name)) {
      errors.add("password", "must not be your email address or your name: choose another");
    }
    return s;
  }

  private static String name(Object value, boolean required, FieldErrors errors) {
    if (!(value instanceof String s) || s.isBlank()) {
      if (required) {
        errors.add("name", "is required: how should we call you?");
      }
      return null;
    }
    String name = s.strip();
    if (name.codePointCount(0, name.length()) > MAX_NAME) {
      errors.add("name", "must be at most " + MAX_NAME + " characters");
    } else if (InputRules.hasControlCharacters(name)) {
      errors.add("name", InputRules.CONTROL_MESSAGE);
    }
    return name;
  }

  private static String timeZone(Object value, FieldErrors errors) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String zone) || !InputRules.isTimeZone(zone)) {
      errors.add("timeZone", "must be an IANA time zone name such as \"Europe/Paris\" or \"UTC\"");
      return null;
    }
    return zone;
  }
}
