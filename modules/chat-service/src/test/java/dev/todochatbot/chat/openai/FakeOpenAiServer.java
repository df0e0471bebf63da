package dev.todochatbot.chat.openai;

import dev.todochatbot.platform.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for OpenAI's Chat Completions endpoint that speaks its wire format: {@code POST
 * /v1/chat/completions} (and {@code /chat/completions}, for base URLs without {@code /v1}), answering
 * a {@code chat.completion} object, or with {@code "stream": true} a {@code text/event-stream} of
 * {@code data: {chat.completion.chunk}} events ending in {@code data: [DONE]}, tool calls streamed as
 * deltas by index (id, type and name first, then the arguments' JSON text in pieces). Errors come in
 * OpenAI's shape, {@code {"error": {message, type, param, code}}}.
 *
 * <p>Each request takes the next scripted {@link Answer} ({@link #then}), or the standing one
 * ({@link #always}); every request body is kept for the test to read ({@link #requests()}). Like
 * OpenAI, it answers 400 to a conversation whose tool messages do not answer the tool calls just before.
 */
final class FakeOpenAiServer implements AutoCloseable {

  /** How the fake answers one request. */
  sealed interface Answer permits Message, Failure, Stall, Held {}

  /** The model's message: text (streamed piece by piece) and tool calls. */
  record Message(List<String> text, List<Call> calls) implements Answer {}

  /** An HTTP error with OpenAI's error body. */
  record Failure(int status, JsonObject error) implements Answer {}

  /** Streams {@code text} (maybe none), then says nothing more, until the client gives up. */
  record Stall(List<String> text) implements Answer {}

  /** {@code answer}, once {@code release} completes: a model that takes its time, as long as a test wants. */
  record Held(io.vertx.core.Future<Void> release, Answer answer) implements Answer {}

  /** A tool call as the model makes it; {@code arguments} is JSON text, or not, as a model may get it wrong. */
  record Call(String id, String name, String arguments) {}

  static Message say(String... pieces) {
    return new Message(List.of(pieces), List.of());
  }

  static Message callTools(Call... calls) {
    return new Message(List.of(), List.of(calls));
  }

  static Call call(String id, String name, JsonObject arguments) {
    return new Call(id, name, arguments.encode());
  }

  static Call callWithText(String id, String name, String arguments) {
    return new Call(id, name, arguments);
  }

  static Failure unauthorized() {
    return new Failure(401, error("Incorrect API key provided: test-***-key. You can find your API key at "
        + "https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key"));
  }

  static Failure rateLimited() {
    return new Failure(429, error("Rate limit reached for gpt-4o-mini in organization org-fake on requests per min "
        + "(RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.", "requests", "rate_limit_exceeded"));
  }

  static Failure serverError() {
    return new Failure(500, error("The server had an error while processing your request. Sorry about that!",
        "server_error", null));
  }

  static Stall stall(String... textFirst) {
    return new Stall(List.of(textFirst));
  }

  private static JsonObject error(String message, String type, String code) {
    return new JsonObject().put("error", new JsonObject().put("message", message).put("type", type)
        .putNull("param").put("code", code));
  }

  private final HttpServer server;
  private final Queue<Answer> script = new ConcurrentLinkedQueue<>();
  private final List<JsonObject> requests = new CopyOnWriteArrayList<>();
  private final List<String> paths = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final AtomicInteger completions = new AtomicInteger();
  private volatile Answer standing = new Failure(500, error("The fake has no scripted answer left.", "server_error",
      null));

  private FakeOpenAiServer(HttpServer server) {
    this.server = server;
  }

  static FakeOpenAiServer start(Vertx vertx) {
    var holder = new FakeOpenAiServer[1];
    HttpServer server = vertx.createHttpServer().requestHandler(request -> holder[0].handle(request));
    holder[0] = new FakeOpenAiServer(server);
    Await.result(server.listen(0, "127.0.0.1"));
    return holder[0];
  }

  /** As OPENAI_BASE_URL: {@code http://127.0.0.1:port/v1}. */
  String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/v1";
  }

  /** A base URL without {@code /v1}, as some OpenAI-compatible servers have. */
  String baseUrlWithoutV1() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** The next request gets {@code answers[0]}, the one after {@code answers[1]}, and so on. */
  FakeOpenAiServer then(Answer... answers) {
    script.addAll(Arrays.asList(answers));
    return this;
  }

  /** Every request once the script has run out. */
  FakeOpenAiServer always(Answer answer) {
    standing = answer;
    return this;
  }

  /** The request bodies, oldest first. */
  List<JsonObject> requests() {
    return List.copyOf(requests);
  }

  JsonObject request(int index) {
    return requests.get(index);
  }

  List<String> paths() {
    return List.copyOf(paths);
  }

  List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      String path = request.path();
      if (request.method().name().equals("POST") && (path.equals("/v1/chat/completions")
          || path.equals("/chat/completions"))) {
        paths.add(path);
        authorizations.add(String.valueOf(request.getHeader("Authorization")));
        JsonObject json = body.toJsonObject();
        requests.add(json);
        String problem = conversationProblem(json);
        Answer answer = problem != null ? new Failure(400, error(problem, "invalid_request_error", null)) : next();
        answer(request.response(), json, answer);
      } else {
        send(request.response(), new Failure(404, error("Invalid URL (" + request.method() + " " + path + ")",
            "invalid_request_error", null)));
      }
    });
  }

  private Answer next() {
    Answer answer = script.poll();
    return answer != null ? answer : standing;
  }

  private void answer(HttpServerResponse response, JsonObject request, Answer answer) {
    if (answer instanceof Held held) {
      held.release().onComplete(released -> answer(response, request, held.answer()));
      return;
    }
    String id = "chatcmpl-fake" + completions.incrementAndGet();
    String model = request.getString("model");
    if (answer instanceof Failure failure) {
      send(response, failure);
    } else if (answer instanceof Message message && request.getBoolean("stream", false)) {
      stream(response, new Chunks(id, model, includeUsage(request)), message);
    } else if (answer instanceof Message message) {
      response.putHeader("content-type", "application/json").end(completion(id, model, message).encode());
    } else if (answer instanceof Stall stall && !stall.text().isEmpty()) {
      var chunks = new Chunks(id, model, includeUsage(request));
      startStream(response);
      writeEvent(response, chunks.chunk(new JsonObject().put("role", "assistant").put("content", "")
          .putNull("refusal"), null));
      stall.text().forEach(piece -> writeEvent(response, chunks.chunk(new JsonObject().put("content", piece), null)));
    }
    // a stall says nothing more: the connection stays open until the client's timeout closes it
  }

  private static boolean includeUsage(JsonObject request) {
    JsonObject options = request.getJsonObject("stream_options");
    return options != null && options.getBoolean("include_usage", false);
  }

  private void send(HttpServerResponse response, Failure failure) {
    response.setStatusCode(failure.status()).putHeader("content-type", "application/json")
        .putHeader("x-request-id", "req_fake" + completions.incrementAndGet());
    if (failure.status() == 429) {
      response.putHeader("retry-after", "20");
    }
    response.end(failure.error().encode());
  }

  /** The whole message as one {@code chat.completion} object. */
  private static JsonObject completion(String id, String model, Message message) {
    var content = String.join("", message.text());
    var assistant = new JsonObject().put("role", "assistant").put("content", content.isEmpty() ? null : content)
        .putNull("refusal").put("annotations", new JsonArray());
    if (!message.calls().isEmpty()) {
      var calls = new JsonArray();
      message.calls().forEach(call -> calls.add(new JsonObject().put("id", call.id()).put("type", "function")
          .put("function", new JsonObject().put("name", call.name()).put("arguments", call.arguments()))));
      assistant.put("tool_calls", calls);
    }
    return new JsonObject().put("id", id).put("object", "chat.completion").put("created", now()).put("model", model)
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("message", assistant)
            .putNull("logprobs").put("finish_reason", message.calls().isEmpty() ? "stop" : "tool_calls")))
        .put("usage", usage(content.length())).put("service_tier", "default").put("system_fingerprint", "fp_fake");
  }

  /** The message as OpenAI streams it: one event per text piece, per call header, per piece of arguments. */
  private static void stream(HttpServerResponse response, Chunks chunks, Message message) {
    startStream(response);
    writeEvent(response, chunks.chunk(new JsonObject().put("role", "assistant")
        .put("content", message.text().isEmpty() ? null : "").putNull("refusal"), null));
    message.text().forEach(piece -> writeEvent(response, chunks.chunk(new JsonObject().put("content", piece), null)));
    for (int i = 0; i < message.calls().size(); i++) {
      Call call = message.calls().get(i);
      writeEvent(response, chunks.chunk(toolCallDelta(new JsonObject().put("index", i).put("id", call.id())
          .put("type", "function").put("function", new JsonObject().put("name", call.name()).put("arguments", ""))),
          null));
      for (String piece : pieces(call.arguments(), 8)) {
        writeEvent(response, chunks.chunk(toolCallDelta(new JsonObject().put("index", i)
            .put("function", new JsonObject().put("arguments", piece))), null));
      }
    }
    writeEvent(response, chunks.chunk(new JsonObject(), message.calls().isEmpty() ? "stop" : "tool_calls"));
    if (chunks.includeUsage()) {
      writeEvent(response, chunks.base().put("choices", new JsonArray())
          .put("usage", usage(String.join("", message.text()).length())));
    }
    response.end("data: [DONE]\n\n");
  }

  private static JsonObject toolCallDelta(JsonObject call) {
    return new JsonObject().put("tool_calls", new JsonArray().add(call));
  }

  private static void startStream(HttpServerResponse response) {
    response.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8")
        .putHeader("cache-control", "no-cache");
  }

  private static void writeEvent(HttpServerResponse response, JsonObject chunk) {
    response.write("data: " + chunk.encode() + "\n\n");
  }

  /** Makes the chunks of one streamed completion: same id, created and model on each. */
  private record Chunks(String id, String model, boolean includeUsage, long created) {
    Chunks(String id, String model, boolean includeUsage) {
      this(id, model, includeUsage, now());
    }

    JsonObject base() {
      return new JsonObject().put("id", id).put("object", "chat.completion.chunk").put("created", created)
          .put("model", model).put("service_tier", "default").put("system_fingerprint", "fp_fake");
    }

    JsonObject chunk(JsonObject delta, String finishReason) {
      var chunk = base().put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("delta", delta)
          .putNull("logprobs").put("finish_reason", finishReason)));
      return includeUsage ? chunk.putNull("usage") : chunk;
    }
  }

  private static JsonObject usage(int completionChars) {
    int completionTokens = Math.max(1, completionChars / 4);
    return new JsonObject().put("prompt_tokens", 100).put("completion_tokens", completionTokens)
        .put("total_tokens", 100 + completionTokens);
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  private static List<String> pieces(String text, int size) {
    var pieces = new ArrayList<String>();
    for (int i = 0; i < text.length(); i += size) {
      pieces.add(text.substring(i, Math.min(text.length(), i + size)));
    }
    return pieces;
  }

  /**
   * What OpenAI refuses with 400 in a conversation: a tool message that answers no call of the assistant
   * message before it, or an assistant's tool call left without its tool message.
   */
  private static String conversationProblem(JsonObject request) {
    JsonArray messages = request.getJsonArray("messages", new JsonArray());
    Set<String> open = new HashSet<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonObject message = messages.getJsonObject(i);
      String role = message.getString("role");
      if ("tool".equals(role)) {
        if (!open.remove(message.getString("tool_call_id"))) {
          return "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with "
              + "'tool_calls'.";
        }
        continue;
      }
      if (!open.isEmpty()) {
        return "An assistant message with 'tool_calls' must be followed by tool messages responding to each "
            + "'tool_call_id'. The following tool_call_ids did not have response messages: " + open;
      }
      JsonArray calls = message.getJsonArray("tool_calls");
      if ("assistant".equals(role) && calls != null) {
        calls.forEach(call -> open.add(((JsonObject) call).getString("id")));
      }
    }
    return null;
  }

  @Override
  public void close() {
    Await.result(server.close());
  }
}
