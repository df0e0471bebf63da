package dev.todochatbot.chat;

import dev.todochatbot.chat.agent.Action;
import dev.todochatbot.chat.agent.Agent;
import dev.todochatbot.chat.agent.ChatMessage;
import dev.todochatbot.chat.agent.Listener;
import dev.todochatbot.chat.agent.Reply;
import dev.todochatbot.chat.agent.Turn;
import dev.todochatbot.chat.tools.Tools;
import dev.todochatbot.platform.Database;
import dev.todochatbot.platform.FieldErrors;
import dev.todochatbot.platform.HttpProblems;
import dev.todochatbot.platform.HttpServers;
import dev.todochatbot.platform.InputRules;
import dev.todochatbot.platform.Observability;
import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.Problem;
import dev.todochatbot.platform.Sidecar;
import dev.todochatbot.platform.Tokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat API over HTTP: a message in, the agent's reply and the tool actions it took out, as one
 * JSON answer or as a stream of server-sent events ({@code Accept: text/event-stream}); the person's
 * conversations; and the MCP server at {@code /mcp} (mounted by {@link ChatService}).
 *
 * <p>Stateless: every message loads its conversation's recent history from PostgreSQL and stores the
 * person's message before the agent runs and the reply after it, so any replica answers any message.
 */
public final class ChatApiVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(ChatApiVerticle.class);

  static final long MAX_BODY_BYTES = 64 * 1024;
  static final int MAX_MESSAGE_CHARS = 4000;
  /** How much of a conversation an agent reads: enough for "it", "2" and the last list shown. */
  static final int HISTORY_MESSAGES = 40;
  static final int MAX_CONVERSATIONS = 100;
  private static final Set<String> CHAT_FIELDS = Set.of("message", "conversationId");

  private final ChatServiceConfig config;
  private final Agent agent;
  private final Function<Principal, Tools> toolsFor;
  private final BiConsumer<Router, Handler<RoutingContext>> mountMore;
  private Pool pool;
  /** asked by /readyz only: the agent's tools reach the task service through a sidecar client of their own */
  private Sidecar sidecar;
  private Conversations conversations;
  private Router router;
  private HttpServer server;
  private Timer replies;
  private Counter failedReplies;

  /**
   * @param toolsFor the tools of a signed-in user
   * @param mountMore adds further routes (the MCP endpoint), given the sign-in check to put first
   */
  ChatApiVerticle(ChatServiceConfig config, Agent agent, Function<Principal, Tools> toolsFor,
      BiConsumer<Router, Handler<RoutingContext>> mountMore) {
    this.config = config;
    this.agent = agent;
    this.toolsFor = toolsFor;
    this.mountMore = mountMore;
  }

  private Handler<RoutingContext> signedIn;

  @Override
  public Future<?> start() {
    pool = Database.pool(vertx, config.database(), config.poolSizePerInstance(), "chat");
    conversations = new Conversations(pool);
    signedIn = Tokens.create(vertx, config.jwtSecret(), config.tokenTtl()).requireUser();
    var metrics = Observability.registry();
    replies = Timer.builder("chat.replies").tag("agent", agent.name())
        .description("Time from a chat message to the agent's full reply, tool calls included").register(metrics);
    failedReplies = Counter.builder("chat.replies.failed").tag("agent", agent.name())
        .description("Chat messages whose reply could not be stored or made (the person saw an error)")
        .register(metrics);

    router = Router.router(vertx);
    sidecar = new Sidecar(vertx, config.sidecar());
    Observability.mountHealthAndMetrics(router, () -> pool.query("SELECT 1").execute().compose(rows -> sidecar.ready()));
    Handler<RoutingContext> body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
    router.post("/api/chat").handler(body).handler(signedIn).handler(this::chat);
    router.get("/api/conversations").handler(signedIn).handler(this::listConversations);
    router.get("/api/conversations/:id/messages").handler(signedIn).handler(this::messages);
    router.delete("/api/conversations/:id").handler(signedIn).handler(this::deleteConversation);
    mountMore.accept(router, signedIn);
    HttpProblems.install(router);
    return HttpServers.listen(vertx, router, config.appPort().host(), config.port(), "CHAT_SERVICE_PORT").onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = sidecar == null ? Future.succeededFuture() : sidecar.close();
    return closed.eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  public Router router() {
    return router;
  }

  public int port() {
    return server.actualPort();
  }

  private record ChatRequest(String message, UUID conversationId) {}

  private static ChatRequest chatRequest(JsonObject json) {
    var errors = new FieldErrors();
    for (String name : json.fieldNames()) {
      if (!CHAT_FIELDS.contains(name)) {
        errors.add(name, "is not part of a chat message; send message and, to continue a conversation, conversationId");
      }
    }
    String message = null;
    if (!(json.getValue("message") instanceof String text) || text.isBlank()) {
      errors.add("message", "is required: what you want to say, such as \"add call the dentist tomorrow at 3pm\"");
    } else if (text.codePointCount(0, text.length()) > MAX_MESSAGE_CHARS) {
      errors.add("message", "must be at most " + MAX_MESSAGE_CHARS + " characters");
    } else if (InputRules.hasControlCharacters(text)) {
      errors.add("message", InputRules.CONTROL_MESSAGE + " (line breaks are fine)");
    } else {
      message = text.strip();
    }
    UUID conversationId = null;
    Object id = json.getValue("conversationId");
    if (id != null) {
      try {
        conversationId = UUID.fromString((String) id);
      } catch (ClassCastException | IllegalArgumentException e) {
        errors.add("conversationId", "must be the id of one of your conversations (a UUID), or left out to start one");
      }
    }
    errors.throwIfInvalidBody();
    return new ChatRequest(message, conversationId);
  }

  private void chat(RoutingContext ctx) {
    Principal user = Principal.of(ctx);
    ChatRequest request = chatRequest(HttpProblems.jsonObjectBody(ctx));
    boolean stream = wantsStream(ctx);
    Instant now = Instant.now();
    ChatMessage said = ChatMessage.user(request.message(), now);
    Timer.Sample started = Timer.start();

    // the history first (404 when the conversation is not the person's), then their message is stored,
    // so that it is kept even if the agent or the database fails later
    Future<Opened> opened = request.conversationId() == null
        ? conversations.start(user.userId(), said).map(id -> new Opened(id, List.of()))
        : conversations.recent(user.userId(), request.conversationId(), HISTORY_MESSAGES)
            .compose(history -> conversations.append(user.userId(), request.conversationId(), said)
                .map(new Opened(request.conversationId(), history)));
    opened.onFailure(ctx::fail).onSuccess(conversation -> {
      EventStream events = stream ? EventStream.open(vertx, ctx.response()) : null;
      if (events != null) {
        events.send("conversation", new JsonObject().put("conversationId", conversation.id().toString()));
      }
      // every action is kept, also when the agent fails halfway: the stored reply must show what was done
      var actions = new java.util.ArrayList<Action>();
      Listener listener = new Listener() {
        @Override
        public void text(String delta) {
          if (events != null) {
            events.send("token", new JsonObject().put("text", delta));
          }
        }

        @Override
        public void action(Action action) {
          actions.add(action);
          if (events != null) {
            events.send("action", action.toJson());
          }
        }
      };
      var turn = new Turn(user, zoneOf(user), now, conversation.history(), request.message());
      Future<Reply> reply;
      try {
        reply = agent.respond(turn, toolsFor.apply(user), listener);
      } catch (RuntimeException e) {
        reply = Future.failedFuture(e);
      }
      reply
          .recover(failure -> {
            // an agent reports its own trouble in its reply; this is a fault of ours, said plainly
            log.error("The {} agent failed on a message of user {}", agent.name(), user.userId(), failure);
            failedReplies.increment();
            return Future.succeededFuture(new Reply("Sorry, something went wrong on our side and I could not "
                + "finish that" + (actions.isEmpty() ? "" : " (the steps above were done)")
                + ". Nothing more will happen for this message; please try again.", actions));
          })
          .onSuccess(answer -> {
            ChatMessage answered = ChatMessage.assistant(storable(answer.text()), answer.actions(), Instant.now());
            conversations.append(user.userId(), conversation.id(), answered).onComplete(stored -> {
              started.stop(replies);
              if (stored.failed()) {
                // the tools have acted: the person must still see the reply and what was done, and that it
                // is not in the conversation, rather than an error that invites doing it all again
                failedReplies.increment();
                log.error("The reply to a message of user {} could not be stored in conversation {}", user.userId(),
                    conversation.id(), stored.cause());
              }
              JsonObject json = answerJson(conversation.id(), answered).put("saved", stored.succeeded());
              if (events != null) {
                events.send("done", json);
                events.end();
              } else {
                sendJson(ctx, 200, json);
              }
            });
          });
    });
  }

  /** PostgreSQL's text and jsonb refuse the NUL character; a model can write one. */
  private static String storable(String text) {
    return text == null ? "" : text.replace("\u0000", "");
  }

  private record Opened(UUID id, List<ChatMessage> history) {}

  private static JsonObject answerJson(UUID conversationId, ChatMessage answered) {
    var actions = new JsonArray();
    answered.actions().forEach(a -> actions.add(a.toJson()));
    return new JsonObject().put("conversationId", conversationId.toString()).put("messageId", answered.id().toString())
        .put("reply", answered.content()).put("actions", actions);
  }

  private void listConversations(RoutingContext ctx) {
    conversations.list(Principal.of(ctx).userId(), MAX_CONVERSATIONS)
        .onSuccess(list -> {
          var items = new JsonArray();
          list.forEach(c -> items.add(c.toJson()));
          sendJson(ctx, 200, new JsonObject().put("items", items));
        })
        .onFailure(ctx::fail);
  }

  private void messages(RoutingContext ctx) {
    UUID id = conversationId(ctx);
    conversations.recent(Principal.of(ctx).userId(), id, 1000)
        .onSuccess(list -> {
          var items = new JsonArray();
          list.forEach(m -> items.add(m.toJson()));
          sendJson(ctx, 200, new JsonObject().put("conversationId", id.toString()).put("items", items));
        })
        .onFailure(ctx::fail);
  }

  private void deleteConversation(RoutingContext ctx) {
    conversations.delete(Principal.of(ctx).userId(), conversationId(ctx))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private static UUID conversationId(RoutingContext ctx) {
    try {
      return UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw Problem.notFound("You have no conversation " + ctx.pathParam("id") + ": conversation ids are UUIDs.")
          .exception();
    }
  }

  private static boolean wantsStream(RoutingContext ctx) {
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    return accept != null && accept.contains("text/event-stream");
  }

  private static ZoneId zoneOf(Principal user) {
    try {
      return ZoneId.of(user.timeZone());
    } catch (DateTimeException | NullPointerException e) {
      return ZoneId.of("UTC");
    }
  }

  private static void sendJson(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.toBuffer());
  }

  /**
   * Server-sent events on a response: {@code event: <name>} and one {@code data:} line of JSON each.
   * Writes after the client went away are dropped (the reply is still stored).
   */
  static final class EventStream {
    /**
     * A comment line this often while nothing else is sent: a model thinking for a minute must not look
     * like a dead connection to the edge (idle timeout) or a proxy (ingress-nginx reads time out at 60 s).
     */
    static final long HEARTBEAT_MILLIS = 15_000;

    private final io.vertx.core.Vertx vertx;
    private final HttpServerResponse response;
    private final long heartbeat;
    private long lastWrite = System.nanoTime();

    private EventStream(io.vertx.core.Vertx vertx, HttpServerResponse response) {
      this.vertx = vertx;
      this.response = response;
      this.heartbeat = vertx.setPeriodic(HEARTBEAT_MILLIS, id -> {
        if (System.nanoTime() - lastWrite >= HEARTBEAT_MILLIS * 1_000_000 / 2) {
          write(": still working\n\n");
        }
      });
      response.closeHandler(closed -> vertx.cancelTimer(heartbeat));
    }

    static EventStream open(io.vertx.core.Vertx vertx, HttpServerResponse response) {
      response.setStatusCode(200).setChunked(true)
          .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
          // proxies that buffer (nginx) would hold the tokens back until the end
          .putHeader("X-Accel-Buffering", "no");
      return new EventStream(vertx, response);
    }

    void send(String event, JsonObject data) {
      write("event: " + event + "\ndata: " + data.encode() + "\n\n");
    }

    private void write(String text) {
      if (!response.closed() && !response.ended()) {
        lastWrite = System.nanoTime();
        response.write(text);
      }
    }

    void end() {
      vertx.cancelTimer(heartbeat);
      if (!response.closed() && !response.ended()) {
        response.end();
      }
    }
  }
}
