package dev.todochatbot.chat.openai;

import com.openai.client.OpenAIClientAsync;
import com.openai.client.okhttp.OpenAIOkHttpClientAsync;
import com.openai.core.Timeout;
import com.openai.models.chat.completions.ChatCompletionTool;
import dev.todochatbot.chat.agent.Agent;
import dev.todochatbot.chat.agent.Listener;
import dev.todochatbot.chat.agent.Reply;
import dev.todochatbot.chat.agent.Turn;
import dev.todochatbot.chat.tools.ToolSpec;
import dev.todochatbot.chat.tools.Tools;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * The agent backed by an OpenAI-compatible model: Chat Completions with the task tools as functions,
 * streamed, so text reaches the person as the model writes it. The model's tool calls are run through
 * {@link Tools} (acting for the turn's user only) and their results fed back, for at most
 * {@link ModelConfig#maxToolRounds()} rounds a turn. See {@link ModelTurn} for one turn's course and how
 * each failure of the model is answered.
 *
 * <p>The HTTP calls are the SDK's asynchronous ones (OkHttp threads); nothing here blocks an event loop.
 */
public final class ModelAgent implements Agent, AutoCloseable {

  /**
   * The whole of one model call may take this many times {@link ModelConfig#timeout()}, which bounds
   * silence: a model that keeps streaming slowly is still cut off in the end.
   */
  private static final int CALL_TIMEOUTS = 4;

  private final Vertx vertx;
  private final ModelConfig config;
  private final OpenAIClientAsync client;
  private volatile Offered offered = new Offered(List.of(), List.of());

  private record Offered(List<ToolSpec> specs, List<ChatCompletionTool> tools) {}

  public ModelAgent(Vertx vertx, ModelConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.client = OpenAIOkHttpClientAsync.builder()
        .apiKey(config.apiKey())
        .baseUrl(config.baseUrl())
        .timeout(Timeout.builder().connect(config.timeout()).read(config.timeout()).write(config.timeout())
            .request(config.timeout().multipliedBy(CALL_TIMEOUTS)).build())
        // the person is waiting: a retry after a back-off would double the wait before the sentence that
        // says the model is busy or away, and asking again is one click for them
        .maxRetries(0)
        .build();
  }

  @Override
  public String name() {
    return "model";
  }

  @Override
  public Future<Reply> respond(Turn turn, Tools tools, Listener listener) {
    // the caller's context, or a new one when called from outside Vert.x: listener and tools are called there
    var context = vertx.getOrCreateContext();
    return new ModelTurn(client, config, context, turn, tools, listener, offeredTools(tools.specs())).run();
  }

  /** The functions for these specs, made once: the catalog does not change while the service runs. */
  private List<ChatCompletionTool> offeredTools(List<ToolSpec> specs) {
    Offered current = offered;
    if (!current.specs().equals(specs)) {
      current = new Offered(List.copyOf(specs), ModelPrompt.tools(specs));
      offered = current;
    }
    return current.tools();
  }

  @Override
  public void close() {
    client.close();
  }
}
