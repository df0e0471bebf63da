package dev.todochatbot.chat.tools;

import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.Problem;
import dev.todochatbot.platform.ServiceInvoker;
import dev.todochatbot.platform.ServiceInvoker.ServiceResponse;
import dev.todochatbot.platform.Tokens;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task tools over the task service's REST API, reached by service invocation (app id
 * {@code task-service}; reminders still to come from {@code notification-service}). Each call carries
 * a short-lived service token issued to {@code chat-service} for the bound user: the task service
 * lets it act for that user only, and records the change as the assistant's.
 *
 * <p>Arguments are first held against the tool's schema ({@link ToolCatalog#check}); dates without an
 * offset are read in the user's time zone; the task service's refusals (problem documents) come back
 * as tool errors naming the argument to fix, and a service that cannot be reached as a sentence that
 * says nothing was changed.
 */
public final class TaskTools implements Tools {

  private static final Logger log = LoggerFactory.getLogger(TaskTools.class);

  public static final String APP_ID = "chat-service";
  static final String TASK_SERVICE = "task-service";
  static final String NOTIFICATION_SERVICE = "notification-service";
  static final int DEFAULT_LIMIT = 20;
  /** Fields a REST task patch takes, as the tools name them. */
  private static final List<String> TASK_FIELDS =
      List.of("title", "description", "status", "dueAt", "timeZone", "allDay", "priority", "tags", "recurrence");

  private final ServiceInvoker services;
  private final Tokens serviceTokens;
  private final Principal user;
  private final ZoneId zone;
  private final ToolCatalog catalog = ToolCatalog.get();

  private TaskTools(ServiceInvoker services, Tokens serviceTokens, Principal user) {
    this.services = services;
    this.serviceTokens = serviceTokens;
    this.user = user;
    this.zone = zoneOf(user);
  }

  /** Tools for whichever user signs in: {@code serviceTokens} from {@link Tokens#forServices}. */
  public static Function<Principal, Tools> factory(ServiceInvoker services, Tokens serviceTokens) {
    return user -> new TaskTools(services, serviceTokens, user);
  }

  @Override
  public List<ToolSpec> specs() {
    return catalog.specs();
  }

  @Override
  public Future<ToolOutcome> call(String tool, JsonObject arguments) {
    JsonObject args = arguments == null ? new JsonObject() : arguments;
    var refused = catalog.check(tool, args);
    if (refused.isPresent()) {
      return Future.succeededFuture(refused.get());
    }
    Future<ToolOutcome> outcome;
    try {
      outcome = switch (tool) {
        case "add_task", "create_recurring_task" -> addTask(args);
        case "update_task" -> patch(args.getString("id"), taskFields(args));
        case "complete_task" -> taskCall(HttpMethod.POST, "/api/tasks/" + args.getString("id") + "/complete",
            new JsonObject());
        case "delete_task" -> deleteTask(args.getString("id"), args.getBoolean("stopSeries", false));
        case "list_tasks" -> list(new StringJoiner("&")
            .add("status=" + args.getString("status", "open")).add("limit=" + limit(args)));
        case "set_task_priority" -> patch(args.getString("id"), new JsonObject().put("priority", args.getString("priority")));
        case "set_task_due_date" -> patch(args.getString("id"), taskFields(args));
        case "add_task_tags" -> addTags(args.getString("id"), args.getJsonArray("tags"));
        case "search_tasks" -> list(new StringJoiner("&").add("q=" + encode(args.getString("query")))
            .add("status=" + args.getString("status", "open")).add("limit=" + limit(args)));
        case "filter_tasks" -> list(filterQuery(args));
        case "sort_tasks" -> list(sortQuery(args));
        case "set_reminder" -> setReminder(args);
        case "list_reminders" -> listReminders(args.getString("id"));
        default -> Future.succeededFuture(ToolOutcome.error("The tool " + tool + " is not available."));
      };
    } catch (BadArgument e) {
      return Future.succeededFuture(ToolOutcome.error(e.getMessage(), new JsonObject().put(e.field, e.reason)));
    }
    return outcome.recover(failure -> {
      log.warn("Tool {} for user {} failed: {}", tool, user.userId(), failure.toString());
      return Future.succeededFuture(unreachable(tool, failure));
    });
  }

  /** The tools that only read: when one fails, nothing can have changed. */
  static final Set<String> READ_ONLY = Set.of("list_tasks", "search_tasks", "filter_tasks", "sort_tasks",
      "list_reminders");

  /**
   * A call that got no answer. Only when it was never sent (the connection was refused) or only read is
   * it certain that nothing changed; a write that timed out or broke off may have been saved, and
   * trying it again blindly could do it twice.
   */
  private static ToolOutcome unreachable(String tool, Throwable failure) {
    if (READ_ONLY.contains(tool) || isNotSent(failure)) {
      return ToolOutcome.error("The task service could not be reached, so nothing was changed by this step. "
          + "Try again in a moment.");
    }
    return ToolOutcome.error("The task service did not answer in time, so this step may or may not have been "
        + "saved. Look first (search_tasks or list_tasks) before trying it again.");
  }

  private static boolean isNotSent(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof java.net.ConnectException) {
        return true;
      }
    }
    return false;
  }

  private Future<ToolOutcome> addTask(JsonObject args) {
    JsonObject body = taskFields(args);
    JsonArray reminders = args.getJsonArray("reminders", new JsonArray());
    if (!reminders.isEmpty() && body.getValue("dueAt") == null
        && reminders.stream().anyMatch(r -> ((JsonObject) r).containsKey("before"))) {
      return Future.succeededFuture(ToolOutcome.error("A reminder relative to the due time (before) needs a due date: "
          + "give dueAt, or remind at an instant (at).", new JsonObject().put("reminders", "needs dueAt")));
    }
    List<JsonObject> wanted = new ArrayList<>();
    for (int i = 0; i < reminders.size(); i++) {
      wanted.add(reminderBody(reminders.getJsonObject(i), "reminders[" + i + "]"));
    }
    return send(TASK_SERVICE, HttpMethod.POST, "/api/tasks", body).compose(created -> {
      if (created.status() != 201) {
        return Future.succeededFuture(refusal(created));
      }
      JsonObject task = created.body().toJsonObject();
      Future<ToolOutcome> chain = Future.succeededFuture(ToolOutcome.ok(new JsonObject().put("task", task)));
      for (JsonObject reminder : wanted) {
        chain = chain.compose(previous -> previous.isError() ? Future.succeededFuture(previous)
            : addReminder(task.getString("id"), reminder, "The task was added, but a reminder was not: "));
      }
      // the task exists whatever happens to its reminders: the answer always says so, with its id, so that
      // nobody adds it a second time
      return chain
          .recover(failure -> {
            log.warn("Reminders of new task {} failed: {}", task.getString("id"), failure.toString());
            return Future.succeededFuture(ToolOutcome.error("The task was added, but its reminders could not be "
                + "set (the task service did not answer); add them with set_reminder."));
          })
          .map(outcome -> {
            if (outcome.isError() && !outcome.json().containsKey("task")) {
              outcome.json().put("task", task);
            }
            return outcome;
          });
    });
  }

  /** Adds a reminder, then answers the task as it now is, with the reminder. */
  private Future<ToolOutcome> addReminder(String taskId, JsonObject reminder, String prefix) {
    return send(TASK_SERVICE, HttpMethod.POST, "/api/tasks/" + taskId + "/reminders", reminder)
        .compose(added -> {
          if (added.status() != 201) {
            ToolOutcome refused = refusal(added);
            return Future.succeededFuture(ToolOutcome.error(prefix + refused.errorMessage(),
                refused.json().getJsonObject("error").getJsonObject("fields")));
          }
          JsonObject created = added.body().toJsonObject();
          return get(taskId).map(task -> task.isError() ? task
              : ToolOutcome.ok(task.json().put("reminder", created)));
        });
  }

  private Future<ToolOutcome> setReminder(JsonObject args) {
    JsonObject reminder = reminderBody(args.copy(), "");
    reminder.remove("id");
    return addReminder(args.getString("id"), reminder, "");
  }

  private Future<ToolOutcome> listReminders(String taskId) {
    if (taskId != null) {
      return send(TASK_SERVICE, HttpMethod.GET, "/api/tasks/" + taskId + "/reminders", null)
          .map(answer -> answer.status() == 200 ? ToolOutcome.ok(answer.body().toJsonObject()) : refusal(answer));
    }
    return send(NOTIFICATION_SERVICE, HttpMethod.GET, "/api/reminders?state=pending", null)
        .map(answer -> answer.status() == 200 ? ToolOutcome.ok(answer.body().toJsonObject()) : refusal(answer));
  }

  private Future<ToolOutcome> deleteTask(String id, boolean stopSeries) {
    return get(id).compose(found -> {
      if (found.isError()) {
        return Future.succeededFuture(found);
      }
      JsonObject task = found.json().getJsonObject("task");
      return send(TASK_SERVICE, HttpMethod.DELETE, "/api/tasks/" + id + (stopSeries ? "?series=stop" : ""), null)
          .map(answer -> answer.status() == 204
              ? ToolOutcome.ok(new JsonObject().put("deleted", new JsonObject().put("id", id)
                  .put("title", task.getString("title")).put("stoppedSeries", stopSeries && task.getValue("recurrence") != null)))
              : refusal(answer));
    });
  }

  /** Adds tags to those the task has, guarded by its version so that a concurrent change is not undone. */
  private Future<ToolOutcome> addTags(String id, JsonArray tags) {
    return get(id).compose(found -> {
      if (found.isError()) {
        return Future.succeededFuture(found);
      }
      JsonObject task = found.json().getJsonObject("task");
      Set<String> merged = new LinkedHashSet<>();
      task.getJsonArray("tags", new JsonArray()).forEach(t -> merged.add((String) t));
      tags.forEach(t -> merged.add(((String) t).strip().replaceFirst("^#", "").toLowerCase(java.util.Locale.ROOT)));
      var headers = HttpHeaders.headers().add(HttpHeaders.IF_MATCH, "\"" + task.getValue("version") + "\"");
      return send(TASK_SERVICE, HttpMethod.PATCH, "/api/tasks/" + id,
          new JsonObject().put("tags", new JsonArray(new ArrayList<>(merged))), headers)
          .map(answer -> answer.status() == 200 ? ToolOutcome.ok(new JsonObject().put("task", answer.body().toJsonObject()))
              : refusal(answer));
    });
  }

  private Future<ToolOutcome> get(String id) {
    return send(TASK_SERVICE, HttpMethod.GET, "/api/tasks/" + id, null)
        .map(answer -> answer.status() == 200 ? ToolOutcome.ok(new JsonObject().put("task", answer.body().toJsonObject()))
            : refusal(answer));
  }

  private Future<ToolOutcome> patch(String id, JsonObject fields) {
    return taskCall(HttpMethod.PATCH, "/api/tasks/" + id, fields);
  }

  private Future<ToolOutcome> taskCall(HttpMethod method, String path, JsonObject body) {
    return send(TASK_SERVICE, method, path, body)
        .map(answer -> answer.status() / 100 == 2
            ? ToolOutcome.ok(new JsonObject().put("task", answer.body().toJsonObject())) : refusal(answer));
  }

  private Future<ToolOutcome> list(StringJoiner query) {
    return send(TASK_SERVICE, HttpMethod.GET, "/api/tasks?" + query, null).map(answer -> {
      if (answer.status() != 200) {
        return refusal(answer);
      }
      JsonObject page = answer.body().toJsonObject();
      return ToolOutcome.ok(new JsonObject().put("items", page.getJsonArray("items", new JsonArray()))
          .put("more", page.getValue("nextCursor") != null));
    });
  }

  private StringJoiner filterQuery(JsonObject args) {
    var query = new StringJoiner("&");
    query.add("status=" + args.getString("status", args.getBoolean("overdue", false) ? "open"
        : args.containsKey("completedAfter") || args.containsKey("completedBefore") ? "completed" : "open"));
    JsonArray priorities = args.getJsonArray("priority");
    if (priorities != null) {
      query.add("priority=" + encode(String.join(",", priorities.stream().map(Object::toString).toList())));
    }
    JsonArray tags = args.getJsonArray("tags");
    if (tags != null) {
      tags.forEach(tag -> query.add("tag=" + encode(((String) tag).strip().replaceFirst("^#", ""))));
    }
    if (args.containsKey("tagMode")) {
      query.add("tagMode=" + args.getString("tagMode"));
    }
    for (String bound : List.of("dueAfter", "dueBefore", "completedAfter", "completedBefore")) {
      if (args.containsKey(bound)) {
        query.add(bound + "=" + encode(instantOrDate(args.getString(bound), bound)));
      }
    }
    if (args.getBoolean("overdue", false)) {
      query.add("overdue=true");
    }
    if (args.getString("query") != null && !args.getString("query").isBlank()) {
      query.add("q=" + encode(args.getString("query")));
    }
    if (args.containsKey("sort")) {
      query.add("sort=" + args.getString("sort"));
    }
    if (args.containsKey("order")) {
      query.add("order=" + args.getString("order"));
    }
    return query.add("limit=" + limit(args));
  }

  private StringJoiner sortQuery(JsonObject args) {
    var query = new StringJoiner("&").add("sort=" + args.getString("by")).add("status=" + args.getString("status", "open"));
    if (args.containsKey("order")) {
      query.add("order=" + args.getString("order"));
    }
    return query.add("limit=" + limit(args));
  }

  /** The REST fields among the arguments, with dates read in the user's zone. */
  private JsonObject taskFields(JsonObject args) {
    var body = new JsonObject();
    for (String field : TASK_FIELDS) {
      if (args.containsKey(field)) {
        body.put(field, args.getValue(field));
      }
    }
    if (body.getValue("dueAt") instanceof String due) {
      Due parsed = due(due, body.getString("timeZone"));
      body.put("dueAt", parsed.instant());
      if (!body.containsKey("allDay")) {
        // a due time on an all-day task would otherwise be cut back to the start of its day
        body.put("allDay", parsed.allDay());
      }
      if (!body.containsKey("timeZone") && parsed.allDay()) {
        body.put("timeZone", zone.getId());
      }
    }
    return body;
  }

  private JsonObject reminderBody(JsonObject reminder, String field) {
    var body = reminder.copy();
    if (body.getValue("at") instanceof String at) {
      String name = field.isEmpty() ? "at" : field + ".at";
      String instant = instantOrDate(at, name);
      if (!instant.contains("T")) {
        throw new BadArgument(name, "needs a time of day as well, such as \"" + instant + "T09:00\"");
      }
      body.put("at", instant);
    }
    return body;
  }

  private record Due(String instant, boolean allDay) {}

  /** "2026-12-01T15:00:00+01:00" as given; "2026-12-01T15:00" in the task's or user's zone; "2026-12-01" all day. */
  private Due due(String text, String taskZone) {
    ZoneId in = zone;
    if (taskZone != null) {
      try {
        in = ZoneId.of(taskZone);
      } catch (DateTimeException e) {
        throw new BadArgument("timeZone", "must be an IANA time zone name such as \"Europe/Paris\"");
      }
    }
    String value = text.strip();
    try {
      return new Due(OffsetDateTime.parse(value).toString(), false);
    } catch (DateTimeParseException notOffset) {
      try {
        return new Due(LocalDateTime.parse(value).atZone(in).toOffsetDateTime().toString(), false);
      } catch (DateTimeParseException notLocal) {
        try {
          return new Due(LocalDate.parse(value).atStartOfDay(in).toOffsetDateTime().toString(), true);
        } catch (DateTimeParseException notDate) {
          throw new BadArgument("dueAt", "must be an ISO-8601 date-time such as \"2026-12-01T15:00:00+01:00\", "
              + "\"2026-12-01T15:00\" (your time zone) or a date such as \"2026-12-01\", not \"" + text + "\"");
        }
      }
    }
  }

  /** An instant or date bound, as the task service takes it: with an offset, or a date. */
  private String instantOrDate(String text, String field) {
    String value = text.strip();
    try {
      return OffsetDateTime.parse(value).toString();
    } catch (DateTimeParseException notOffset) {
      try {
        return LocalDateTime.parse(value).atZone(zone).toOffsetDateTime().toString();
      } catch (DateTimeParseException notLocal) {
        try {
          return LocalDate.parse(value).toString();
        } catch (DateTimeParseException notDate) {
          throw new BadArgument(field, "must be an ISO-8601 date-time such as \"2026-12-01T15:00:00+01:00\" or a date "
              + "such as \"2026-12-01\", not \"" + text + "\"");
        }
      }
    }
  }

  private static int limit(JsonObject args) {
    return args.getInteger("limit", DEFAULT_LIMIT);
  }

  private Future<ServiceResponse> send(String appId, HttpMethod method, String path, JsonObject body) {
    return send(appId, method, path, body, HttpHeaders.headers());
  }

  private Future<ServiceResponse> send(String appId, HttpMethod method, String path, JsonObject body,
      MultiMap headers) {
    headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + serviceTokens.issueForService(user, APP_ID));
    if (method != HttpMethod.GET) {
      // one key per tool call: the sidecar's retry of a call whose answer it lost is answered, not done twice
      headers.set("Idempotency-Key", java.util.UUID.randomUUID().toString());
    }
    Buffer payload = null;
    if (body != null) {
      headers.set(HttpHeaders.CONTENT_TYPE, "application/json");
      payload = body.toBuffer();
    }
    return services.invoke(appId, method, path, headers, payload).compose(answer -> {
      if (answer.status() >= 500 && !Problem.CONTENT_TYPE.equals(answer.headers().get(HttpHeaders.CONTENT_TYPE))) {
        return Future.failedFuture(appId + " answered " + answer.status());
      }
      return Future.succeededFuture(answer);
    });
  }

  /**
   * A problem document as a tool error: its detail, and each field's reason. 404 is worded for a model
   * that passed an id it did not get from a tool (or another user's: the same answer).
   */
  private static ToolOutcome refusal(ServiceResponse answer) {
    JsonObject problem;
    try {
      problem = answer.body().toJsonObject();
    } catch (DecodeException | IllegalArgumentException e) {
      problem = new JsonObject();
    }
    if (answer.status() == 404) {
      return ToolOutcome.error("No such task: the id does not name one of your tasks. Find it first with "
          + "search_tasks or list_tasks and use the id they return.");
    }
    var fields = new JsonObject();
    JsonArray errors = problem.getJsonArray("errors", new JsonArray());
    for (int i = 0; i < errors.size(); i++) {
      JsonObject error = errors.getJsonObject(i);
      fields.put(error.getString("field"), error.getString("message"));
    }
    String detail = problem.getString("detail", problem.getString("title", "The task service refused it ("
        + answer.status() + ")."));
    var message = new StringBuilder(detail);
    fields.forEach(e -> message.append(message.charAt(message.length() - 1) == '.' ? " " : "; ")
        .append(e.getKey()).append(": ").append(e.getValue()).append('.'));
    return ToolOutcome.error(message.toString(), fields);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static ZoneId zoneOf(Principal user) {
    try {
      return ZoneId.of(user.timeZone());
    } catch (DateTimeException | NullPointerException e) {
      return ZoneId.of("UTC");
    }
  }

  /** An argument the schema lets through but that cannot be read (a date in a form nobody writes). */
  private static final class BadArgument extends RuntimeException {
    final String field;
    final String reason;

    BadArgument(String field, String reason) {
      super("The argument " + field + " " + reason + ".", null, false, false);
      this.field = field;
      this.reason = reason;
    }
  }
}
