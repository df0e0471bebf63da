package dev.todochatbot.platform;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * An RFC 9457 problem document: what went wrong, in words the caller can act on. {@code errors}
 * names each offending field (a JSON pointer-like dotted path, or a query parameter) and what to fix.
 */
public record Problem(int status, String type, String title, String detail, List<FieldError> errors) {

  public static final String CONTENT_TYPE = "application/problem+json";

  public record FieldError(String field, String message) {}

  public Problem {
    errors = errors == null ? List.of() : List.copyOf(errors);
  }

  public static Problem of(int status, String slug, String title, String detail) {
    return new Problem(status, "/problems/" + slug, title, detail, List.of());
  }

  public static Problem badRequest(String detail) {
    return of(400, "bad-request", "Bad request", detail);
  }

  public static Problem invalidParameters(List<FieldError> errors) {
    return new Problem(400, "/problems/invalid-parameters", "Invalid query parameters",
        summary(errors), errors);
  }

  public static Problem validation(List<FieldError> errors) {
    return new Problem(422, "/problems/validation", "The request body is not valid",
        summary(errors), errors);
  }

  public static Problem notFound(String detail) {
    return of(404, "not-found", "Not found", detail);
  }

  public static Problem unauthorized(String detail) {
    return of(401, "unauthorized", "Sign-in required", detail);
  }

  public static Problem conflict(String detail) {
    return of(409, "conflict", "Conflict", detail);
  }

  public static Problem preconditionFailed(String detail) {
    return of(412, "stale-version", "The task changed since you read it", detail);
  }

  private static String summary(List<FieldError> errors) {
    if (errors.size() == 1) {
      FieldError e = errors.get(0);
      return e.field() + ": " + e.message();
    }
    return errors.size() + " fields need fixing: see errors";
  }

  public ProblemException exception() {
    return new ProblemException(this);
  }

  public JsonObject toJson() {
    var json = new JsonObject()
        .put("type", type)
        .put("title", title)
        .put("status", status)
        .put("detail", detail);
    if (!errors.isEmpty()) {
      var array = new JsonArray();
      errors.forEach(e -> array.add(new JsonObject().put("field", e.field()).put("message", e.message())));
      json.put("errors", array);
    }
    return json;
  }
}
