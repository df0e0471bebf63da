package dev.todochatbot.chat.openai;

import com.openai.client.OpenAIClientAsync;
import com.openai.core.http.AsyncStreamResponse;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import com.openai.models.chat.completions.ChatCompletionTool;
import dev.todochatbot.chat.agent.Action;
import dev.todochatbot.chat.agent.Listener;
import dev.todochatbot.chat.agent.Reply;
import dev.todochatbot.chat.agent.Turn;
import dev.todochatbot.chat.openai.StreamedAnswer.ToolCall;
import dev.todochatbot.chat.tools.ToolOutcome;
import dev.todochatbot.chat.tools.ToolSpec;
import dev.todochatbot.chat.tools.Tools;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One turn with the model: ask (streamed), run the tools it asks for, feed their results back, ask
 * again, until it answers without tools or the rounds run out. Everything here runs on the Vert.x
 * context that called {@link ModelAgent#respond}: the SDK delivers the stream on its own threads, and
 * each piece hops to that context before it touches this turn's state, the listener or the tools.
 *
 * <p>No failure of the model escapes: 401/403, 429, timeouts, refused connections and 5xx each end the
 * reply with a plain sentence, after the text and the actions the turn already had, and the list of
 * changes the tools had made by then.
 */
final class ModelTurn {

  private static final Logger LOG = LoggerFactory.getLogger(ModelTurn.class);
  /** Tools that only read: their actions are not changes worth repeating when a turn is cut short. */
  private static final Set<String> READING_TOOLS =
      Set.of("list_tasks", "search_tasks", "filter_tasks", "sort_tasks", "list_reminders");

  private final OpenAIClientAsync client;
  private final ModelConfig config;
  private final Context context;
  private final Tools tools;
  private final Listener listener;
  private final List<ChatCompletionTool> offered;
  private final Set<String> toolNames;
  private final List<ChatCompletionMessageParam> messages = new ArrayList<>();
  private final StringBuilder text = new StringBuilder();
  private final List<Action> actions = new ArrayList<>();
  private final Promise<Reply> reply = Promise.promise();
  private int asked;
  private AsyncStreamResponse<ChatCompletionChunk> stream;

  ModelTurn(OpenAIClientAsync client, ModelConfig config, Context context, Turn turn, Tools tools, Listener listener,
      List<ChatCompletionTool> offered) {
    this.client = client;
    this.config = config;
    this.context = context;
    this.tools = tools;
    this.listener = listener;
    this.offered = offered;
    this.toolNames = tools.specs().stream().map(ToolSpec::name).collect(Collectors.toSet());
    messages.add(ModelPrompt.system(ModelPrompt.systemPrompt(turn)));
    messages.addAll(ModelPrompt.history(turn.history(), config.historyLimit()));
    messages.add(ModelPrompt.user(turn.message()));
  }

  Future<Reply> run() {
    onContext(this::ask);
    return reply.future();
  }

  private void ask() {
    asked++;
    var answer = new StreamedAnswer("call_" + asked + "_");
    var params = ChatCompletionCreateParams.builder().model(config.model()).messages(messages).tools(offered).build();
    try {
      stream = client.chat().completions().createStreaming(params);
    } catch (RuntimeException e) {
      failed(e);
      return;
    }
    // subscribe without an executor of ours: the SDK runs its blocking read loop on the executor given,
    // so it must be the SDK's own, never the event loop; each piece is then handed to the context
    stream.subscribe(new AsyncStreamResponse.Handler<>() {
      @Override
      public void onNext(ChatCompletionChunk chunk) {
        onContext(() -> answer.accept(chunk, piece -> say(piece, answer)));
      }

      @Override
      public void onComplete(Optional<Throwable> error) {
        onContext(() -> error.ifPresentOrElse(ModelTurn.this::failed, () -> answered(answer)));
      }
    });
  }

  private void answered(StreamedAnswer answer) {
    List<ToolCall> calls = answer.toolCalls();
    if (calls.isEmpty()) {
      finish();
      return;
    }
    if (asked > config.maxToolRounds()) {
      LOG.warn("model {} still asked for tools after {} rounds; the turn ends there", config.model(),
          config.maxToolRounds());
      end("I stopped there: this needed more steps than I take for one message (" + config.maxToolRounds()
          + " rounds of tool calls). " + changesSoFar("Nothing was changed.", "So far I did this: "));
      return;
    }
    messages.add(ModelPrompt.assistantCalling(answer.text(), calls));
    // one after another, in the model's order: "add it, then tag it" depends on it
    Future<Void> done = Future.succeededFuture();
    for (ToolCall call : calls) {
      done = done.compose(v -> call(call));
    }
    done.onComplete(ar -> {
      if (ar.succeeded()) {
        onContext(this::ask);
      } else {
        reply.tryFail(ar.cause());
      }
    });
  }

  /** Runs one call and feeds its outcome back; unknown tools and arguments that are not JSON run nothing. */
  private Future<Void> call(ToolCall call) {
    Optional<JsonObject> parsed = parse(call.arguments());
    JsonObject arguments = parsed.orElseGet(() -> new JsonObject().put("unparsed", call.arguments()));
    Future<ToolOutcome> outcome;
    if (!toolNames.contains(call.name())) {
      outcome = Future.succeededFuture(ToolOutcome.error("There is no tool named \"" + call.name()
          + "\"; the tools are " + String.join(", ", tools.specs().stream().map(ToolSpec::name).toList()) + "."));
    } else if (parsed.isEmpty()) {
      outcome = Future.succeededFuture(ToolOutcome.error("The arguments of " + call.name()
          + " are not a JSON object; nothing was done. Send one JSON object that fits the tool's schema."));
    } else {
      outcome = onContext(callTool(call.name(), arguments));
    }
    return outcome.map(result -> {
      var action = new Action(call.name(), arguments, result.json());
      actions.add(action);
      messages.add(ModelPrompt.toolResult(call.id(), result.json().encode()));
      listener.action(action);
      return null;
    });
  }

  /** The tools promise never to fail; should they, the model hears of it as a tool error, the person as a sentence. */
  private Future<ToolOutcome> callTool(String name, JsonObject arguments) {
    Future<ToolOutcome> called;
    try {
      called = tools.call(name, arguments);
    } catch (RuntimeException e) {
      called = Future.failedFuture(e);
    }
    return called.recover(e -> {
      LOG.warn("tool {} failed instead of answering with an error: {}", name, e.toString());
      return Future.succeededFuture(ToolOutcome.error("The tool " + name + " failed; whether it changed anything "
          + "is not known. Check with a finding tool before trying again."));
    });
  }

  private void say(String piece, StreamedAnswer answer) {
    // a later round's text starts a paragraph of its own, not glued to the previous round's last word
    if (answer.text().length() == piece.length()) {
      newParagraph();
    }
    emit(piece);
  }

  private void newParagraph() {
    if (!text.isEmpty() && !Character.isWhitespace(text.charAt(text.length() - 1))) {
      emit("\n\n");
    }
  }

  private void emit(String piece) {
    text.append(piece);
    listener.text(piece);
  }

  private void finish() {
    if (text.toString().isBlank()) {
      end(changesSoFar("I have no answer to that; could you say it another way?", "Done: "));
    } else {
      reply.tryComplete(new Reply(text.toString(), actions));
    }
  }

  /** Ends the reply with one more sentence, set apart from any text before it. */
  private void end(String sentence) {
    newParagraph();
    emit(sentence);
    reply.tryComplete(new Reply(text.toString(), actions));
  }

  private void failed(Throwable error) {
    Throwable e = unwrap(error);
    String cause;
    if (e instanceof OpenAIServiceException refused) {
      int status = refused.statusCode();
      // the message is not logged: for 401 it quotes part of the key
      LOG.warn("model {} at {} answered HTTP {} (type {}, code {}) in round {}", config.model(), config.baseUrl(),
          status, refused.type().orElse("-"), refused.code().orElse("-"), asked);
      cause = switch (status) {
        case 401, 403 -> "The AI model refused our key, so I could not finish this; the service's administrator "
            + "needs to check it.";
        case 429 -> "The AI model is busy (rate-limited); try again in a minute.";
        // 5xx, and an error event in the middle of a stream that began with 200
        default -> status >= 400 && status < 500 ? "The AI model did not accept the request (HTTP " + status + ")."
            : "The AI model could not be reached.";
      };
    } else {
      LOG.warn("model {} at {} could not be reached in round {}: {}", config.model(), config.baseUrl(), asked,
          causes(e));
      cause = "The AI model could not be reached.";
    }
    end(cause + " " + changesSoFar("Nothing was changed.", "Nothing more was changed; before that I did this: "));
  }

  /** {@code none} when the tools changed nothing in this turn, else {@code lead} and the changes. */
  private String changesSoFar(String none, String lead) {
    List<String> changes = actions.stream()
        .filter(a -> !a.failed() && !READING_TOOLS.contains(a.tool()))
        .map(ModelTurn::describe)
        .toList();
    return changes.isEmpty() ? none : lead + String.join("; ", changes) + ".";
  }

  /** "add task “Buy milk”": the tool and the task's title as its result (or arguments) give it. */
  private static String describe(Action action) {
    JsonObject result = action.result() == null ? new JsonObject() : action.result();
    String title = Optional.ofNullable(result.getJsonObject("task"))
        .or(() -> Optional.ofNullable(result.getJsonObject("deleted")))
        .map(t -> t.getString("title"))
        .or(() -> Optional.ofNullable(action.arguments().getString("title")))
        .orElse(null);
    String what = action.tool().replace('_', ' ');
    return title == null ? what : what + " “" + title + "”";
  }

  /**
   * Runs {@code work} on the turn's context, unless the reply is already settled (what the stream still
   * delivers after a failure is dropped); a throw there is a programming error and fails the reply.
   */
  private void onContext(Runnable work) {
    context.runOnContext(v -> {
      if (reply.future().isComplete()) {
        return;
      }
      try {
        work.run();
      } catch (Throwable e) { // whatever it is, the reply must complete, or the chat waits forever
        LOG.error("model turn failed", e);
        if (stream != null) {
          stream.close();
        }
        reply.tryFail(e);
      }
    });
  }

  /** The outcome delivered on the turn's context, whichever context the tools completed it on. */
  private <T> Future<T> onContext(Future<T> future) {
    Promise<T> promise = Promise.promise();
    future.onComplete(ar -> context.runOnContext(v -> promise.handle(ar)));
    return promise.future();
  }

  /** The arguments' JSON text as an object; empty when it is not one. Blank counts as no arguments. */
  private static Optional<JsonObject> parse(String json) {
    try {
      return Optional.of(json.isBlank() ? new JsonObject() : new JsonObject(json));
    } catch (DecodeException | ClassCastException e) {
      return Optional.empty();
    }
  }

  private static Throwable unwrap(Throwable e) {
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  private static String causes(Throwable e) {
    var chain = new StringBuilder(e.getClass().getSimpleName() + ": " + e.getMessage());
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      chain.append(" <- ").append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
    }
    return chain.toString();
  }
}
