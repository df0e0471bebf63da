package dev.todochatbot.platform;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One error path for every route: a {@link ProblemException} becomes its problem document, a status
 * set by vertx-web (404, 405, 413...) becomes a problem naming it, and anything unexpected becomes a
 * 500 whose body holds only an incident id that also appears in the log beside the stack trace.
 */
public final class HttpProblems {

  private static final Logger log = LoggerFactory.getLogger(HttpProblems.class);

  private HttpProblems() {}

  public static void install(Router router) {
    router.route().failureHandler(HttpProblems::handleFailure);
    for (int status : new int[] {400, 404, 405, 413, 415}) {
      router.errorHandler(status, HttpProblems::handleFailure);
    }
    router.errorHandler(500, HttpProblems::handleFailure);
  }

  public static void send(RoutingContext ctx, Problem problem) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    ctx.response()
        .setStatusCode(problem.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.CONTENT_TYPE)
        .end(problem.toJson().toBuffer());
  }

  private static void handleFailure(RoutingContext ctx) {
    send(ctx, toProblem(ctx));
  }

  static Problem toProblem(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ProblemException pe) {
      return pe.problem();
    }
    if (failure instanceof DecodeException) {
      return Problem.of(400, "malformed-json", "Malformed JSON",
          "The request body is not valid JSON: " + firstLine(failure.getMessage()));
    }
    int status = ctx.statusCode();
    return switch (status) {
      case 400 -> Problem.badRequest("The request could not be read.");
      case 401 -> Problem.unauthorized("Send 'Authorization: Bearer <token>' with a token from /api/auth/login.");
      case 404 -> Problem.of(404, "no-such-route", "Not found", "Nothing answers at " + ctx.request().path()
          + "; see /openapi.yaml for the API.");
      case 405 -> Problem.of(405, "method-not-allowed", "Method not allowed",
          ctx.request().method() + " is not supported on " + ctx.request().path() + ".");
      case 413 -> Problem.of(413, "body-too-large", "Request body too large",
          "The request body is over the 1 MiB limit.");
      case 415 -> Problem.of(415, "unsupported-media-type", "Unsupported media type",
          "Send the body as application/json.");
      default -> internalError(ctx, failure);
    };
  }

  private static Problem internalError(RoutingContext ctx, Throwable failure) {
    String incident = UUID.randomUUID().toString();
    log.error("Unhandled failure on {} {} (incident {})", ctx.request().method(), ctx.request().path(), incident,
        failure);
    return new Problem(500, "/problems/internal", "Internal error",
        "Something went wrong on our side. Quote incident " + incident + " when reporting it.", null);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    String line = nl < 0 ? message : message.substring(0, nl);
    return line.length() > 200 ? line.substring(0, 200) : line;
  }

  /**
   * The body as a JSON object, or a 400 problem that says what is wrong with it; a 422 when a string
   * in it cannot be stored ({@link InputRules#requireStorable}).
   */
  public static JsonObject jsonObjectBody(RoutingContext ctx) {
    var body = ctx.body();
    if (body == null || body.buffer() == null || body.length() == 0) {
      throw Problem.badRequest("A JSON object body is required.").exception();
    }
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    String mediaType = type == null ? null : type.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
    if (mediaType != null && !mediaType.equals("application/json") && !mediaType.equals("application/merge-patch+json")) {
      throw Problem.of(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE.code(), "unsupported-media-type",
          "Unsupported media type", "Send the body as application/json, not " + type + ".").exception();
    }
    Object value;
    try {
      value = io.vertx.core.json.Json.decodeValue(body.buffer());
    } catch (DecodeException e) {
      throw Problem.of(400, "malformed-json", "Malformed JSON",
          "The request body is not valid JSON: " + firstLine(e.getMessage())).exception();
    }
    if (!(value instanceof JsonObject object)) {
      throw Problem.badRequest("The request body must be a JSON object.").exception();
    }
    InputRules.requireStorable(object);
    return object;
  }
}
