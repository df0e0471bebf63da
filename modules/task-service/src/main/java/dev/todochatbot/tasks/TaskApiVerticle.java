package dev.todochatbot.tasks;

import dev.todochatbot.platform.Database;
import dev.todochatbot.platform.HttpProblems;
import dev.todochatbot.platform.HttpServers;
import dev.todochatbot.platform.InputRules;
import dev.todochatbot.platform.Observability;
import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.Problem;
import dev.todochatbot.platform.Tokens;
import dev.todochatbot.platform.events.Actor;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** The task API over HTTP. The route table below is the whole of it. */
public final class TaskApiVerticle extends VerticleBase {

  static final long MAX_BODY_BYTES = 1024 * 1024;

  private final TaskServiceConfig config;
  private Pool pool;
  private TaskRepository tasks;
  private Router router;

  public TaskApiVerticle(TaskServiceConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    pool = Database.pool(vertx, config.database(), config.poolSizePerInstance(), "tasks");
    tasks = new TaskRepository(pool, OutboxRelay.nudger(vertx));
    Tokens tokens = Tokens.create(vertx, config.jwtSecret(), config.tokenTtl());

    router = Router.router(vertx);
    Observability.mountHealthAndMetrics(router, () -> pool.query("SELECT 1").execute());
    // body and token handlers sit on each route, so that a request matches one route (its metrics label)
    // uploads off: a multipart body would otherwise be written to disk (blocking), before the token check
    Handler<RoutingContext> body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
    Handler<RoutingContext> signedIn = tokens.requireUser();
    router.post("/api/tasks").handler(body).handler(signedIn).handler(this::create);
    router.get("/api/tasks").handler(signedIn).handler(this::list);
    router.get("/api/tasks/:id").handler(signedIn).handler(this::get);
    router.patch("/api/tasks/:id").handler(body).handler(signedIn).handler(this::update);
    router.delete("/api/tasks/:id").handler(signedIn).handler(this::delete);
    router.post("/api/tasks/:id/complete").handler(body).handler(signedIn)
        .handler(ctx -> setStatus(ctx, TaskStatus.COMPLETED));
    router.post("/api/tasks/:id/reopen").handler(body).handler(signedIn)
        .handler(ctx -> setStatus(ctx, TaskStatus.OPEN));
    HttpProblems.install(router);

    return HttpServers.listen(vertx, router, config.port(), "TASK_SERVICE_PORT");
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }

  /** The routes, for the test that holds them against the OpenAPI document. */
  public Router router() {
    return router;
  }

  private void create(RoutingContext ctx) {
    Principal user = Principal.of(ctx);
    Task task = TaskInput.parse(HttpProblems.jsonObjectBody(ctx)).create(user.userId(), zoneOf(user), now());
    tasks.insert(task, Actor.USER)
        .onSuccess(created -> {
          ctx.response().putHeader(HttpHeaders.LOCATION, "/api/tasks/" + created.id());
          sendTask(ctx, 201, created);
        })
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    Principal user = Principal.of(ctx);
    TaskQuery query = TaskQuery.parse(ctx.queryParams(), zoneOf(user));
    tasks.list(user.userId(), query, now())
        .onSuccess(page -> sendJson(ctx, 200, TaskJson.page(page.items(), page.nextCursor())))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    tasks.find(Principal.of(ctx).userId(), taskId(ctx))
        .onSuccess(task -> sendTask(ctx, 200, task))
        .onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    TaskInput patch = TaskInput.parse(HttpProblems.jsonObjectBody(ctx));
    Instant now = now();
    tasks.change(Principal.of(ctx).userId(), taskId(ctx), ifMatch(ctx), Actor.USER, current -> patch.applyTo(current, now))
        .onSuccess(task -> sendTask(ctx, 200, task))
        .onFailure(ctx::fail);
  }

  private void setStatus(RoutingContext ctx, TaskStatus status) {
    Instant now = now();
    tasks.change(Principal.of(ctx).userId(), taskId(ctx), ifMatch(ctx), Actor.USER, current -> current.withStatus(status, now))
        .onSuccess(task -> sendTask(ctx, 200, task))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    tasks.delete(Principal.of(ctx).userId(), taskId(ctx), ifMatch(ctx), Actor.USER, now())
        .onSuccess(deleted -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private static UUID taskId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw Problem.notFound("You have no task " + id + ": task ids are UUIDs.").exception();
    }
  }

  /** The version named by If-Match ("3", 3 or W/"3"); null when absent or "*". */
  private static Integer ifMatch(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.IF_MATCH);
    if (header == null || header.isBlank() || header.strip().equals("*")) {
      return null;
    }
    String value = header.strip().replaceFirst("^W/", "").replace("\"", "");
    try {
      return Integer.valueOf(value);
    } catch (NumberFormatException e) {
      throw Problem.badRequest("If-Match must hold the task's version as sent in its ETag, such as \"3\".").exception();
    }
  }

  private static String zoneOf(Principal user) {
    return InputRules.isTimeZone(user.timeZone()) ? user.timeZone() : "UTC";
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  private static void sendTask(RoutingContext ctx, int status, Task task) {
    ctx.response().putHeader(HttpHeaders.ETAG, task.etag());
    sendJson(ctx, status, TaskJson.one(task));
  }

  private static void sendJson(RoutingContext ctx, int status, Buffer body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body);
  }
}
