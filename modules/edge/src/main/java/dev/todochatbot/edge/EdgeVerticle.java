package dev.todochatbot.edge;

import dev.todochatbot.platform.Database;
import dev.todochatbot.platform.EventStreams;
import dev.todochatbot.platform.SidecarConfig;
import dev.todochatbot.platform.HttpProblems;
import dev.todochatbot.platform.HttpServers;
import dev.todochatbot.platform.Observability;
import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.Problem;
import dev.todochatbot.platform.ServiceInvoker;
import dev.todochatbot.platform.Sidecar;
import dev.todochatbot.platform.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public port: sign-up and sign-in, the signed-in user's profile, the task API and the audit trail
 * (forwarded by app id through the Dapr sidecar), the OpenAPI document and the web UI's files.
 */
public final class EdgeVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(EdgeVerticle.class);
  static final long MAX_BODY_BYTES = 1024 * 1024;
  static final String TASK_SERVICE = "task-service";
  static final String AUDIT_SERVICE = "audit-service";
  static final String NOTIFICATION_SERVICE = "notification-service";
  static final String CHAT_SERVICE = "chat-service";
  /** The longest pause allowed between two pieces of a streamed answer (a model thinking, a tool running). */
  static final long STREAM_IDLE_MILLIS = 120_000;
  private static final String EVENT_STREAM = "text/event-stream";
  /**
   * Put before an {@code Accept} that starts with {@code text/event-stream}. daprd 1.16 takes such a request
   * for server-sent events and, when the callee is behind another sidecar (always, here), answers 500
   * "no response received from stream": the callee's sidecar has no response of the caller's to stream
   * into (dapr/dapr#9013; seen with the real daprd in ChatOnDaprdTest). With another type first the request
   * takes the ordinary path: the chat service still answers with its event stream (it looks for the type
   * anywhere in the header), which daprd passes on whole when it ends rather than event by event.
   */
  static final String ACCEPT_THROUGH_DAPR = "application/json;q=0.1, ";
  private static final Problem WRONG_PASSWORD = Problem.unauthorized("The email or the password is wrong.");
  /** What MCP's streamable HTTP transport adds to a request and an answer. */
  private static final List<CharSequence> MCP_REQUEST_HEADERS = List.of("mcp-protocol-version", "mcp-session-id",
      "last-event-id");
  private static final List<CharSequence> STREAMED_RESPONSE_HEADERS = List.of(HttpHeaders.CONTENT_TYPE,
      HttpHeaders.CACHE_CONTROL, "X-Accel-Buffering", "mcp-session-id");
  /** Carried by every forwarded write: the client's, or one the edge makes (see {@link #forward}). */
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  private static final List<CharSequence> FORWARDED_REQUEST_HEADERS = List.of(HttpHeaders.AUTHORIZATION,
      HttpHeaders.CONTENT_TYPE, HttpHeaders.ACCEPT, HttpHeaders.IF_MATCH, IDEMPOTENCY_KEY, "traceparent", "tracestate");
  private static final List<CharSequence> FORWARDED_RESPONSE_HEADERS = List.of(HttpHeaders.CONTENT_TYPE,
      HttpHeaders.LOCATION, HttpHeaders.ETAG, "Idempotent-Replayed");

  private final EdgeConfig config;
  private final SignInLimits limits;
  private Pool pool;
  private Accounts accounts;
  private Passwords passwords;
  private Tokens tokens;
  private ServiceInvoker services;
  private Buffer openApi;
  private Router router;
  private Router eventsRouter;
  /** with DAPR_SUBSCRIBE=stream: the streams of task updates and reminders, opened by one instance for the process */
  private EventStreams streams;
  private Realtime realtime;

  EdgeVerticle(EdgeConfig config) {
    this(config, new SignInLimits(config.signInLimits()));
  }

  /** @param limits the sign-up and sign-in limits, one set shared by the verticles of a process */
  EdgeVerticle(EdgeConfig config, SignInLimits limits) {
    this.config = config;
    this.limits = limits;
  }

  @Override
  public Future<?> start() {
    pool = Database.pool(vertx, config.database(), config.poolSizePerInstance(), "identity");
    accounts = new Accounts(pool);
    passwords = new Passwords(vertx);
    CommonPasswords.get(vertx); // read now, on a worker, rather than at the first sign-up
    tokens = Tokens.create(vertx, config.jwtSecret(), config.tokenTtl());
    Sidecar sidecar = new Sidecar(vertx, config.sidecar());
    services = sidecar;
    // ready when its database and its sidecar answer (everything but the accounts goes through the sidecar)
    boolean streaming = config.sidecar().streaming();
    streams = streaming ? EventStreams.of(vertx, "edge") : null;
    Supplier<Future<?>> readiness = () -> pool.query("SELECT 1").execute().compose(rows -> sidecar.ready())
        .compose(ready -> streams == null ? Future.succeededFuture() : streams.readiness());

    router = Router.router(vertx);
    // the public port: health for probes, but /metrics only on the events port, which the network never reaches
    Observability.mountHealth(router, readiness);
    // body and token handlers sit on each route, so that a request matches one route (its metrics label)
    // uploads off: a multipart body would otherwise be written to disk (blocking), before the token check
    Handler<RoutingContext> body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
    // a valid token of an account that exists (KnownAccounts says why here): every public route that takes one
    KnownAccounts known = new KnownAccounts(vertx, accounts::exists);
    Handler<RoutingContext> signedIn = tokens.requireUser(known::admit);
    router.post("/api/auth/signup").handler(body).handler(this::signUp);
    router.post("/api/auth/login").handler(body).handler(this::signIn);
    router.get("/api/me").handler(signedIn).handler(this::me);
    router.patch("/api/me").handler(body).handler(signedIn).handler(this::updateMe);
    router.get("/api/tasks/:id/history").handler(signedIn).handler(ctx -> forward(ctx, AUDIT_SERVICE, "History"));
    router.get("/api/audit").handler(signedIn).handler(ctx -> forward(ctx, AUDIT_SERVICE, "History"));
    router.route("/api/tasks").handler(body).handler(signedIn).handler(ctx -> forward(ctx, TASK_SERVICE, "Tasks"));
    router.route("/api/tasks/*").handler(body).handler(signedIn).handler(ctx -> forward(ctx, TASK_SERVICE, "Tasks"));
    // the person's webhook for reminders, and its deliveries: the notification service's
    Handler<RoutingContext> toNotifications = ctx -> forward(ctx, NOTIFICATION_SERVICE, "Webhooks");
    router.put("/api/me/webhook").handler(body).handler(signedIn).handler(toNotifications);
    router.get("/api/me/webhook").handler(signedIn).handler(toNotifications);
    router.delete("/api/me/webhook").handler(signedIn).handler(toNotifications);
    router.get("/api/me/webhook/deliveries").handler(signedIn).handler(toNotifications);
    // which reminders fired, were missed or wait: the notification service's; changing one: the task service's
    router.get("/api/reminders").handler(signedIn).handler(ctx -> forward(ctx, NOTIFICATION_SERVICE, "Reminders"));
    router.route("/api/reminders/*").handler(body).handler(signedIn).handler(ctx -> forward(ctx, TASK_SERVICE, "Tasks"));
    // the chat and its conversations, and the same tools over MCP: the chat service's
    router.post("/api/chat").handler(body).handler(signedIn).handler(ctx -> forwardStreaming(ctx, CHAT_SERVICE, "Chat"));
    router.get("/api/conversations").handler(signedIn).handler(ctx -> forward(ctx, CHAT_SERVICE, "Chat"));
    router.get("/api/conversations/:id/messages").handler(signedIn).handler(ctx -> forward(ctx, CHAT_SERVICE, "Chat"));
    router.delete("/api/conversations/:id").handler(signedIn).handler(ctx -> forward(ctx, CHAT_SERVICE, "Chat"));
    router.post("/mcp").handler(body).handler(signedIn).handler(ctx -> forwardStreaming(ctx, CHAT_SERVICE, "MCP"));
    // GET (a server-to-client stream) and DELETE (end a session): the chat service's stateless server says 405
    router.route("/mcp").handler(signedIn).handler(ctx -> forward(ctx, CHAT_SERVICE, "MCP"));
    realtime = new Realtime(vertx, tokens, known::admit, services,
        new Realtime.Settings(config.heartbeat(), config.writeQueueBytes()));
    router.get("/ws").handler(realtime::accept);
    router.get("/openapi.yaml").handler(this::sendOpenApi);
    router.route("/*").handler(StaticHandler.create("webroot"));
    // the web UI's own paths (a task's page reloaded): its index page, so the app routes them itself
    // (any method here: a GET route would turn every other unknown request into 405)
    router.route("/*").handler(this::webUiPage);
    HttpProblems.install(router);

    // the port the sidecar delivers to: subscriptions, health and metrics, never exposed to the public
    eventsRouter = Router.router(vertx);
    Observability.mountHealthAndMetrics(eventsRouter, readiness);
    realtime.mountSubscription(eventsRouter, config.appPort().sidecarOnly(), streaming);

    HttpProblems.install(eventsRouter);

    var publicOptions = new io.vertx.core.http.HttpServerOptions()
        .setWebSocketSubProtocols(List.of(Realtime.BEARER_PROTOCOL));
    return vertx.fileSystem().readFile("openapi.yaml")
        .compose(document -> {
          openApi = document;
          return HttpServers.listen(vertx, eventsRouter, config.appPort().host(), config.eventsPort(), "EDGE_EVENTS_PORT");
        })
        // the events port first: daprd makes no subscription, streamed or not, before the app's port answers
        .compose(events -> {
          if (streaming && streams.claim()) {
            realtime.subscribe(streams, sidecar);
            return streams.start();
          }
          return Future.succeededFuture();
        })
        .compose(subscribed -> HttpServers.listen(vertx, publicOptions, router, config.host(), config.port(), "PORT"));
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = streams == null ? Future.succeededFuture() : streams.close(vertx);
    Future<Void> invoker = closed.eventually(() -> services instanceof Sidecar sidecar ? sidecar.close()
        : Future.succeededFuture());
    return invoker.eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  /** The routes, for the test that holds them against the OpenAPI document. */
  public Router router() {
    return router;
  }

  private void signUp(RoutingContext ctx) {
    if (SignInLimits.tooMany(ctx, limits.signUpFrom(ctx.request()), "sign-ups from your address")) {
      return;
    }
    JsonObject body = HttpProblems.jsonObjectBody(ctx);
    CommonPasswords.get(vertx)
        .map(common -> AccountInput.signUp(body, common))
        .compose(input -> passwords.hash(input.password()).compose(hash -> accounts.create(
            new Account(UUID.randomUUID(), input.email(), hash, input.name(), input.timeZone()))))
        .onSuccess(account -> {
          ctx.response().putHeader(HttpHeaders.LOCATION, "/api/me");
          sendSession(ctx, 201, account);
        })
        .onFailure(ctx::fail);
  }

  /**
   * Checks the password, within the limits: attempts per address, then failures per account, whose
   * allowance is held while the password is checked and given back unless it was wrong.
   */
  private void signIn(RoutingContext ctx) {
    if (SignInLimits.tooMany(ctx, limits.signInFrom(ctx.request()), "sign-in attempts from your address")) {
      return;
    }
    AccountInput.SignIn input = AccountInput.signIn(HttpProblems.jsonObjectBody(ctx));
    if (SignInLimits.tooMany(ctx, limits.signInAs(input.email()), "failed sign-ins for this account")) {
      return;
    }
    accounts.byEmail(input.email())
        .compose(found -> passwords.matches(input.password(), found.map(Account::passwordHash).orElse(null))
            .map(matches -> {
              if (!matches) {
                throw WRONG_PASSWORD.exception();
              }
              return found.orElseThrow();
            }))
        .onSuccess(account -> {
          limits.release(input.email());
          sendSession(ctx, 200, account);
        })
        .onFailure(failure -> {
          if (!(failure instanceof dev.todochatbot.platform.ProblemException wrong && wrong.problem() == WRONG_PASSWORD)) {
            limits.release(input.email()); // not a failed guess: the database, say
          }
          ctx.fail(failure);
        });
  }

  private void me(RoutingContext ctx) {
    accounts.byId(Principal.of(ctx).userId())
        .onSuccess(account -> sendJson(ctx, 200, new JsonObject().put("user", account.toJson())))
        .onFailure(ctx::fail);
  }

  /** Changes name or time zone, and answers a fresh token: tokens carry the zone that tasks default to. */
  private void updateMe(RoutingContext ctx) {
    AccountInput.ProfileChange change = AccountInput.profile(HttpProblems.jsonObjectBody(ctx));
    accounts.updateProfile(Principal.of(ctx).userId(), change.name(), change.timeZone())
        .onSuccess(account -> sendSession(ctx, 200, account))
        .onFailure(ctx::fail);
  }

  /**
   * Passes the request to a service by app id and its answer back. Our services answer errors as
   * problem documents; a 5xx in any other form is the sidecar saying the service could not be reached
   * (500 ERR_DIRECT_INVOKE), which the user sees as 503 with what to do, never the sidecar's text.
   *
   * <p>A write without an Idempotency-Key gets one here, once per public request: the sidecar retries
   * an invocation whose answer it lost (the callee's sidecar restarting, say), and the key is what lets
   * the service answer that retry instead of carrying the write out a second time.
   */
  private void forward(RoutingContext ctx, String appId, String what) {
    var headers = MultiMap.caseInsensitiveMultiMap();
    copy(ctx.request().headers(), headers, FORWARDED_REQUEST_HEADERS);
    HttpMethod method = ctx.request().method();
    if (!headers.contains(IDEMPOTENCY_KEY) && method != HttpMethod.GET && method != HttpMethod.HEAD
        && method != HttpMethod.OPTIONS) {
      headers.set(IDEMPOTENCY_KEY, java.util.UUID.randomUUID().toString());
    }
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    String query = ctx.request().query();
    String target = ctx.request().path() + (query == null ? "" : "?" + query);
    services.invoke(appId, ctx.request().method(), target, headers, body)
        .onSuccess(answer -> {
          if (answer.status() >= 500 && !Problem.CONTENT_TYPE.equals(answer.headers().get(HttpHeaders.CONTENT_TYPE))) {
            unavailable(ctx, appId, what, answer.status() + " " + answer.body());
            return;
          }
          copy(answer.headers(), ctx.response().headers(), FORWARDED_RESPONSE_HEADERS);
          ctx.response().setStatusCode(answer.status()).end(answer.body());
        })
        .onFailure(failure -> unavailable(ctx, appId, what, failure.toString()));
  }

  /**
   * Like {@link #forward}, but the answer's body is passed on as it arrives: a chat reply streamed as
   * server-sent events reaches the browser piece by piece, not when the agent is done.
   */
  private void forwardStreaming(RoutingContext ctx, String appId, String what) {
    var headers = MultiMap.caseInsensitiveMultiMap();
    copy(ctx.request().headers(), headers, FORWARDED_REQUEST_HEADERS);
    copy(ctx.request().headers(), headers, MCP_REQUEST_HEADERS);
    String accept = headers.get(HttpHeaders.ACCEPT);
    if (accept != null && accept.strip().startsWith(EVENT_STREAM)) {
      headers.set(HttpHeaders.ACCEPT, ACCEPT_THROUGH_DAPR + accept);
    }
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    String query = ctx.request().query();
    String target = ctx.request().path() + (query == null ? "" : "?" + query);
    if (!(services instanceof Sidecar sidecar)) {
      forward(ctx, appId, what);
      return;
    }
    sidecar.invokeStreaming(appId, ctx.request().method(), target, headers, body, STREAM_IDLE_MILLIS)
        .onSuccess(answer -> {
          if (answer.statusCode() >= 500 && !Problem.CONTENT_TYPE.equals(answer.getHeader(HttpHeaders.CONTENT_TYPE))) {
            answer.body().onComplete(text -> unavailable(ctx, appId, what,
                answer.statusCode() + " " + (text.succeeded() ? text.result() : "")));
            return;
          }
          var response = ctx.response().setStatusCode(answer.statusCode());
          copy(answer.headers(), response.headers(), STREAMED_RESPONSE_HEADERS);
          String length = answer.getHeader(HttpHeaders.CONTENT_LENGTH);
          if (length != null) {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, length);
          } else if (answer.statusCode() != 204 && answer.statusCode() != 304) {
            response.setChunked(true);
          }
          // the person went away: stop reading (the chat service still finishes and stores the reply)
          response.closeHandler(closed -> answer.request().reset());
          // cut short upstream: reset, so that the client sees a broken answer, never one that looks whole
          answer.pipe().endOnFailure(false).to(response).onFailure(cut -> {
            log.debug("{} answer to {} was cut short: {}", appId, ctx.request().path(), cut.toString());
            response.reset();
          });
        })
        .onFailure(failure -> unavailable(ctx, appId, what, failure.toString()));
  }

  private static void unavailable(RoutingContext ctx, String appId, String what, String reason) {
    log.warn("{} unreachable for {} {}: {}", appId, ctx.request().method(), ctx.request().path(), reason);
    boolean write = ctx.request().method() != io.vertx.core.http.HttpMethod.GET;
    HttpProblems.send(ctx, Problem.of(503, "service-unavailable", "Service unavailable",
        what + " cannot be reached right now. Try again in a moment"
            + (write ? "; if you were changing something, look whether it was saved first." : ".")));
  }

  /**
   * A GET that no route and no file answered: the web UI's page when a browser asks for a page outside
   * the API, else on to the 404 problem.
   */
  private void webUiPage(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    boolean api = path.startsWith("/api/") || path.equals("/api") || path.startsWith("/ws") || path.startsWith("/mcp")
        || path.startsWith("/internal/");
    if (ctx.request().method() != io.vertx.core.http.HttpMethod.GET || api || accept == null
        || !accept.contains("text/html") || path.lastIndexOf('.') > path.lastIndexOf('/')) {
      ctx.next();
      return;
    }
    ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
    ctx.response().sendFile("webroot/index.html").onFailure(failure -> ctx.next());
  }

  private void sendOpenApi(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml").end(openApi);
  }

  private void sendSession(RoutingContext ctx, int status, Account account) {
    Tokens.Issued issued = tokens.issueWithExpiry(account.principal());
    sendJson(ctx, status, new JsonObject()
        .put("token", issued.token())
        .put("expiresAt", issued.expiresAt().toString())
        .put("user", account.toJson()));
  }

  private static void copy(MultiMap from, MultiMap to, List<CharSequence> names) {
    for (CharSequence name : names) {
      String value = from.get(name);
      if (value != null) {
        to.set(name, value);
      }
    }
  }

  private static void sendJson(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body.toBuffer());
  }
}
