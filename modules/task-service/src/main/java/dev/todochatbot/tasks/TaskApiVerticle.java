package dev.todochatbot.tasks;

import dev.todochatbot.platform.Database;
import dev.todochatbot.platform.HttpProblems;
import dev.todochatbot.platform.HttpServers;
import dev.todochatbot.platform.InputRules;
import dev.todochatbot.platform.Observability;
import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.Problem;
import dev.todochatbot.platform.Sidecar;
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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The task API over HTTP. The route table below is the whole of it. */
public final class TaskApiVerticle extends VerticleBase {

  static final long MAX_BODY_BYTES = 1024 * 1024;
  /** The app id allowed to create occurrences of a series. */
  static final String RECURRENCE_SERVICE = "recurrence-service";
  /** The app id allowed on the user routes for a user: the chat agent's tools, recorded as the assistant. */
  static final String CHAT_SERVICE = "chat-service";

  private final TaskServiceConfig config;
  private Pool pool;
  /** asked by /readyz only: this verticle reaches nothing through it */
  private Sidecar sidecar;
  private TaskRepository tasks;
  private IdempotencyKeys keys;
  private Router router;

  public TaskApiVerticle(TaskServiceConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    pool = Database.pool(vertx, config.database(), config.poolSizePerInstance(), "tasks");
    tasks = new TaskRepository(pool, OutboxRelay.nudger(vertx));
    keys = new IdempotencyKeys(pool);
    keys.startPurging(vertx);
    Tokens tokens = Tokens.create(vertx, config.jwtSecret(), config.tokenTtl());
    Tokens serviceTokens = Tokens.forServices(vertx, config.jwtSecret());

    router = Router.router(vertx);
    sidecar = new Sidecar(vertx, config.sidecar());
    Observability.mountHealthAndMetrics(router, () -> pool.query("SELECT 1").execute().compose(rows -> sidecar.ready()));
    // body and token handlers sit on each route, so that a request matches one route (its metrics label)
    // uploads off: a multipart body would otherwise be written to disk (blocking), before the token check
    Handler<RoutingContext> body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
    // the person, or the chat service's tools acting for them (the change is then the assistant's)
    Handler<RoutingContext> signedIn = Tokens.requireUserOrService(tokens, serviceTokens, CHAT_SERVICE);
    // a write sent again with the same Idempotency-Key is answered again, not carried out again
    Handler<RoutingContext> once = IdempotencyKeys::read;
    router.post("/api/tasks").handler(body).handler(signedIn).handler(once).handler(this::create);
    router.get("/api/tasks").handler(signedIn).handler(this::list);
    router.get("/api/tasks/changes").handler(signedIn).handler(this::changes);
    router.get("/api/tasks/:id").handler(signedIn).handler(this::get);
    router.patch("/api/tasks/:id").handler(body).handler(signedIn).handler(once).handler(this::update);
    router.delete("/api/tasks/:id").handler(signedIn).handler(once).handler(this::delete);
    router.post("/api/tasks/:id/complete").handler(body).handler(signedIn).handler(once)
        .handler(ctx -> setStatus(ctx, TaskStatus.COMPLETED));
    router.post("/api/tasks/:id/reopen").handler(body).handler(signedIn).handler(once)
        .handler(ctx -> setStatus(ctx, TaskStatus.OPEN));
    router.get("/api/tasks/:id/reminders").handler(signedIn).handler(this::listReminders);
    router.post("/api/tasks/:id/reminders").handler(body).handler(signedIn).handler(once).handler(this::addReminder);
    router.delete("/api/tasks/:id/reminders/:reminderId").handler(signedIn).handler(once)
        .handler(this::deleteReminder);
    router.post("/api/reminders/:reminderId/snooze").handler(body).handler(signedIn).handler(once)
        .handler(this::snooze);
    // internal: reached through Dapr service invocation only (the edge does not route /internal)
    router.post("/internal/series/:seriesId/occurrences").handler(body)
        .handler(serviceTokens.requireService(RECURRENCE_SERVICE)).handler(this::nextOccurrence);
    HttpProblems.install(router);

    return HttpServers.listen(vertx, router, config.appPort().host(), config.port(), "TASK_SERVICE_PORT");
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = sidecar == null ? Future.succeededFuture() : sidecar.close();
    return closed.eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  /** The routes, for the test that holds them against the OpenAPI document. */
  public Router router() {
    return router;
  }

  private void create(RoutingContext ctx) {
    Principal user = Principal.of(ctx);
    Task task = TaskInput.parse(HttpProblems.jsonObjectBody(ctx)).create(user.userId(), zoneOf(user), now());
    tasks.insert(task, actor(ctx), IdempotencyKeys.of(ctx))
        .onSuccess(created -> {
          ctx.response().putHeader(HttpHeaders.LOCATION, "/api/tasks/" + created.id());
          sendTask(ctx, 201, created);
        })
        .onFailure(failure -> keys.failed(ctx, failure));
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
    tasks.change(Principal.of(ctx).userId(), taskId(ctx), ifMatch(ctx), actor(ctx), IdempotencyKeys.of(ctx),
            current -> patch.applyTo(current, now))
        .onSuccess(task -> sendTask(ctx, 200, task))
        .onFailure(failure -> keys.failed(ctx, failure));
  }

  private void setStatus(RoutingContext ctx, TaskStatus status) {
    Instant now = now();
    tasks.change(Principal.of(ctx).userId(), taskId(ctx), ifMatch(ctx), actor(ctx), IdempotencyKeys.of(ctx),
            current -> current.withStatus(status, now))
        .onSuccess(task -> sendTask(ctx, 200, task))
        .onFailure(failure -> keys.failed(ctx, failure));
  }

  private void delete(RoutingContext ctx) {
    String series = ctx.queryParams().get("series");
    if (series != null && !series.equals("stop")) {
      throw Problem.invalidParameters(java.util.List.of(new Problem.FieldError("series",
          "may only be \"stop\": deleting an occurrence of a repeating task with series=stop ends the series; "
              + "without it the next occurrence still comes"))).exception();
    }
    tasks.delete(Principal.of(ctx).userId(), taskId(ctx), ifMatch(ctx), actor(ctx), IdempotencyKeys.of(ctx), now(),
            series != null)
        .onSuccess(deleted -> keys.answer(ctx, 204, null))
        .onFailure(failure -> keys.failed(ctx, failure));
  }

  static final int MAX_CHANGES = 500;

  /**
   * {@code ?since=<cursor>&limit=}: what a screen that was away missed, oldest first: each task changed
   * since (as it is now) and each one deleted since. The cursor is the {@code cursor} of the last change
   * the screen has (live messages carry it too), or just an instant.
   */
  private void changes(RoutingContext ctx) {
    String since = ctx.queryParams().get("since");
    var errors = new dev.todochatbot.platform.FieldErrors();
    Instant sinceAt = null;
    UUID sinceId = new UUID(0, 0);
    if (since == null || since.isBlank()) {
      errors.add("since", "is required: the cursor of the last change you have (or an instant)");
    } else {
      int tilde = since.indexOf('~');
      try {
        sinceAt = Instant.parse(tilde < 0 ? since : since.substring(0, tilde));
        if (tilde >= 0) {
          sinceId = UUID.fromString(since.substring(tilde + 1));
        }
      } catch (RuntimeException e) {
        errors.add("since", "is not a cursor of this feed: pass the cursor of the last change as it came");
      }
      if (sinceAt != null && !InputRules.isInRange(sinceAt)) {
        errors.add("since", InputRules.YEAR_MESSAGE);
      }
    }
    int limit = MAX_CHANGES;
    String limitText = ctx.queryParams().get("limit");
    if (limitText != null) {
      try {
        limit = Integer.parseInt(limitText);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_CHANGES) {
        errors.add("limit", "must be a whole number from 1 to " + MAX_CHANGES);
      }
    }
    errors.throwIfInvalidParameters();
    int pageSize = limit;
    tasks.changesSince(Principal.of(ctx).userId(), sinceAt, sinceId, pageSize + 1)
        .onSuccess(changes -> {
          var page = changes.size() > pageSize ? changes.subList(0, pageSize) : changes;
          sendJson(ctx, 200, TaskJson.changes(page, changes.size() > pageSize));
        })
        .onFailure(ctx::fail);
  }

  private void listReminders(RoutingContext ctx) {
    tasks.find(Principal.of(ctx).userId(), taskId(ctx))
        .onSuccess(task -> sendJson(ctx, 200, new io.vertx.core.json.JsonObject()
            .put("items", Reminder.toJson(task.reminders())).toBuffer()))
        .onFailure(ctx::fail);
  }

  /** {@code {at}} or {@code {before, time?}}: 201 with the reminder (its computed {@code at}). */
  private void addReminder(RoutingContext ctx) {
    var json = HttpProblems.jsonObjectBody(ctx);
    Instant now = now();
    var added = new Reminder[1];
    tasks.change(Principal.of(ctx).userId(), taskId(ctx), ifMatch(ctx), actor(ctx), IdempotencyKeys.of(ctx), current -> {
          if (current.reminders().size() >= Reminder.MAX_PER_TASK) {
            throw Problem.conflict("The task has " + Reminder.MAX_PER_TASK + " reminders, the most it can have: "
                + "delete one first.").exception();
          }
          added[0] = Reminder.parse(json, current.dueAt(), java.time.ZoneId.of(current.timeZone()));
          var reminders = new ArrayList<>(current.reminders());
          reminders.add(added[0]);
          reminders.sort(java.util.Comparator.comparing(Reminder::at));
          return current.withReminders(reminders, now);
        })
        .onSuccess(task -> {
          ctx.response().putHeader(HttpHeaders.ETAG, task.etag())
              .putHeader(HttpHeaders.LOCATION, "/api/tasks/" + task.id() + "/reminders/" + added[0].id());
          sendJson(ctx, 201, added[0].toJson().toBuffer());
        })
        .onFailure(failure -> keys.failed(ctx, failure));
  }

  private void deleteReminder(RoutingContext ctx) {
    UUID reminderId = uuidOrNull(ctx.pathParam("reminderId"));
    Instant now = now();
    tasks.change(Principal.of(ctx).userId(), taskId(ctx), ifMatch(ctx), actor(ctx), IdempotencyKeys.of(ctx), current -> {
          var kept = current.reminders().stream().filter(r -> !r.id().equals(reminderId)).toList();
          if (kept.size() == current.reminders().size()) {
            throw Problem.notFound("The task has no reminder " + ctx.pathParam("reminderId") + ".").exception();
          }
          return current.withReminders(kept, now);
        })
        .onSuccess(task -> keys.answer(ctx, 204, null))
        .onFailure(failure -> keys.failed(ctx, failure));
  }

  /** {@code {minutes}}: the reminder fires again that many minutes from now (1 to 1440); it becomes absolute. */
  private void snooze(RoutingContext ctx) {
    UUID reminderId = uuidOrNull(ctx.pathParam("reminderId"));
    if (reminderId == null) {
      throw Problem.notFound("You have no reminder " + ctx.pathParam("reminderId") + ": reminder ids are UUIDs.")
          .exception();
    }
    var json = HttpProblems.jsonObjectBody(ctx);
    var errors = new dev.todochatbot.platform.FieldErrors();
    for (String name : json.fieldNames()) {
      if (!name.equals("minutes")) {
        errors.add(name, "is not part of a snooze; send minutes only");
      }
    }
    int minutes = json.getValue("minutes") instanceof Integer n ? n : 0;
    if (minutes < 1 || minutes > 1440) {
      errors.add("minutes", "must be a whole number from 1 to 1440");
    }
    errors.throwIfInvalidBody();
    Principal user = Principal.of(ctx);
    Instant now = now();
    Instant at = now.plus(java.time.Duration.ofMinutes(minutes)).truncatedTo(ChronoUnit.SECONDS);
    var snoozed = new Reminder[1];
    tasks.findByReminder(user.userId(), reminderId)
        .compose(holder -> tasks.change(user.userId(), holder.id(), null, actor(ctx), IdempotencyKeys.of(ctx), current -> {
          var reminders = new ArrayList<Reminder>();
          for (Reminder r : current.reminders()) {
            if (r.id().equals(reminderId)) {
              snoozed[0] = new Reminder(r.id(), at, null, null);
              reminders.add(snoozed[0]);
            } else {
              reminders.add(r);
            }
          }
          if (snoozed[0] == null) {
            throw Problem.notFound("You have no reminder " + reminderId + ".").exception();
          }
          reminders.sort(java.util.Comparator.comparing(Reminder::at));
          return current.withReminders(reminders, now);
        }))
        .onSuccess(task -> sendJson(ctx, 200, snoozed[0].toJson().put("taskId", task.id().toString()).toBuffer()))
        .onFailure(failure -> keys.failed(ctx, failure));
  }

  /**
   * {@code {previousTaskId, occurrence, dueAt}}: creates that occurrence of the series as a copy of the
   * previous one (201), or answers the one created before (200; {@code deleted: true} when it has been
   * deleted since). Repeating the call never makes a second one.
   */
  private void nextOccurrence(RoutingContext ctx) {
    var json = HttpProblems.jsonObjectBody(ctx);
    var errors = new dev.todochatbot.platform.FieldErrors();
    UUID seriesId = uuidOrNull(ctx.pathParam("seriesId"));
    if (seriesId == null) {
      throw Problem.notFound("There is no series " + ctx.pathParam("seriesId") + ": series ids are UUIDs.").exception();
    }
    UUID previous = json.getValue("previousTaskId") instanceof String s ? uuidOrNull(s) : null;
    if (previous == null) {
      errors.add("previousTaskId", "must be the id of the occurrence before");
    }
    Object number = json.getValue("occurrence");
    if (!(number instanceof Integer n) || n < 2) {
      errors.add("occurrence", "must be a whole number from 2");
    }
    Instant due = null;
    try {
      due = json.getValue("dueAt") instanceof String s ? Instant.parse(s) : null;
    } catch (java.time.format.DateTimeParseException e) {
      // reported below
    }
    if (due == null || !InputRules.isInRange(due)) {
      errors.add("dueAt", "must be an instant such as \"2026-12-01T16:00:00Z\"");
    }
    Task skipped = null;
    if (json.getValue("skipped") != null && previous != null && due != null && number instanceof Integer n) {
      skipped = skippedOccurrence(json.getValue("skipped"), previous, seriesId, n - 1, Principal.of(ctx), errors);
    }
    errors.throwIfInvalidBody();
    int occurrence = (Integer) number;
    Principal user = Principal.of(ctx);
    tasks.nextOccurrence(user.userId(), seriesId, previous, occurrence, due.truncatedTo(ChronoUnit.MICROS), now(),
            skipped)
        .onSuccess(result -> {
          if (result.created()) {
            ctx.response().putHeader(HttpHeaders.LOCATION, "/api/tasks/" + result.task().id());
            sendTask(ctx, 201, result.task());
          } else if (result.task() != null) {
            sendTask(ctx, 200, result.task());
          } else {
            sendJson(ctx, 200, new io.vertx.core.json.JsonObject().put("seriesId", seriesId.toString())
                .put("occurrence", occurrence).put("deleted", true).toBuffer());
          }
        })
        .onFailure(ctx::fail);
  }

  /**
   * The occurrence that was skipped (deleted while open) as it was, from what the request says it held
   * (its event's task: title, description, priority, tags, timeZone, allDay, recurrence, dueAt,
   * reminders), checked as a create would check them. {@link TaskRepository#nextOccurrence} then makes
   * the next one from it as from any previous occurrence.
   */
  private static Task skippedOccurrence(Object value, UUID id, UUID seriesId, int number, Principal user,
      dev.todochatbot.platform.FieldErrors errors) {
    if (!(value instanceof io.vertx.core.json.JsonObject content) || content.getValue("recurrence") == null
        || !(content.getValue("dueAt") instanceof String)) {
      errors.add("skipped", "must hold the skipped occurrence's title, description, priority, tags, timeZone, "
          + "allDay, recurrence, dueAt and reminders");
      return null;
    }
    var fields = content.copy();
    Object reminders = fields.remove("reminders");
    fields.remove("allDay"); // checked below: with allDay, dueAt would be read as a date
    Task template;
    List<Reminder> held;
    try {
      template = TaskInput.parse(fields).create(user.userId(), zoneOf(user), now());
      held = Reminder.fromStored(reminders);
    } catch (dev.todochatbot.platform.ProblemException e) {
      errors.add("skipped", "is not a valid occurrence: " + e.problem().toJson().getString("detail"));
      return null;
    } catch (RuntimeException e) {
      errors.add("skipped.reminders", "must be the reminders as the skipped occurrence's event holds them");
      return null;
    }
    return new Task(id, template.userId(), template.title(), template.description(), TaskStatus.OPEN,
        template.priority(), template.tags(), template.dueAt(), template.timeZone(),
        Boolean.TRUE.equals(content.getValue("allDay")), template.createdAt(), template.updatedAt(), null, 1,
        template.recurrence(), seriesId, number, held);
  }

  private static UUID uuidOrNull(String text) {
    try {
      return text == null ? null : UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
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

  private void sendTask(RoutingContext ctx, int status, Task task) {
    ctx.response().putHeader(HttpHeaders.ETAG, task.etag());
    sendJson(ctx, status, TaskJson.one(task));
  }

  /** Every answer goes out here: a write's is first recorded under its Idempotency-Key, if it has one. */
  private void sendJson(RoutingContext ctx, int status, Buffer body) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    keys.answer(ctx, status, body);
  }

  /** Who is making the change: the person, or the chat assistant when its tools call for them. */
  private static Actor actor(RoutingContext ctx) {
    return Tokens.actingService(ctx).filter(CHAT_SERVICE::equals).map(service -> Actor.ASSISTANT).orElse(Actor.USER);
  }
}
