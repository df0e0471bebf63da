package dev.todochatbot.platform;

import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** The signed-in user a request acts for, as proven by its token. */
public record Principal(UUID userId, String email, String timeZone) {

  static final String CONTEXT_KEY = "todo.principal";

  public static Principal of(RoutingContext ctx) {
    Principal principal = ctx.get(CONTEXT_KEY);
    if (principal == null) {
      throw new IllegalStateException("route " + ctx.request().path() + " is not behind Tokens.requireUser()");
    }
    return principal;
  }
}
