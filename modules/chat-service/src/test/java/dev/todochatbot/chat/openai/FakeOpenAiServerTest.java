package dev.todochatbot.chat.openai;

import static dev.todochatbot.chat.openai.FakeOpenAiServer.call;
import static dev.todochatbot.chat.openai.FakeOpenAiServer.rateLimited;
import static dev.todochatbot.chat.openai.FakeOpenAiServer.say;
import static dev.todochatbot.chat.openai.FakeOpenAiServer.serverError;
import static dev.todochatbot.chat.openai.FakeOpenAiServer.unauthorized;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.todochatbot.platform.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fake speaks the wire format the SDK expects: its answers pass the SDK's strict response
 * validation, its stream put together by the SDK's own accumulator is its plain answer, and its errors
 * become the SDK's exceptions for those statuses.
 */
class FakeOpenAiServerTest {

  private static Vertx vertx;
  private final FakeOpenAiServer fake = FakeOpenAiServer.start(vertx);
  private final OpenAIClient client = OpenAIOkHttpClient.builder().apiKey("test-key").baseUrl(fake.baseUrl())
      .responseValidation(true).maxRetries(0).build();

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    Await.result(vertx.close());
  }

  @AfterEach
  void stop() {
    client.close();
    fake.close();
  }

  private static ChatCompletionCreateParams params() {
    return ChatCompletionCreateParams.builder().model("gpt-4o-mini").addUserMessage("Add milk and bread").build();
  }

  private static final FakeOpenAiServer.Message TWO_CALLS = new FakeOpenAiServer.Message(List.of("On it", "."),
      List.of(call("call_1", "add_task", new JsonObject().put("title", "Milk")),
          call("call_2", "add_task", new JsonObject().put("title", "Bread").put("tags", new JsonArray().add("shop")))));

  @Test
  void aPlainCompletionCarriesTheTextAndTheToolCalls() {
    fake.then(TWO_CALLS);

    ChatCompletion completion = client.chat().completions().create(params());

    assertTwoCalls(completion);
    assertThat(completion.usage()).isPresent();
  }

  @Test
  void theStreamPutTogetherByTheSdkIsThePlainCompletion() {
    fake.then(TWO_CALLS);
    var accumulator = ChatCompletionAccumulator.create();

    var params = params().toBuilder().streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
        .build();
    List<ChatCompletionChunk> chunks;
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
      chunks = stream.stream().toList();
    }
    chunks.forEach(chunk -> accumulator.accumulate(chunk.validate()));

    assertTwoCalls(accumulator.chatCompletion());
    assertThat(chunks).as("role, 2 text pieces, 2 call heads, argument pieces, finish, usage").hasSizeGreaterThan(8);
    assertThat(chunks.get(chunks.size() - 1).choices()).isEmpty();
    assertThat(chunks.get(chunks.size() - 1).usage()).isPresent();
    assertThat(fake.request(0).getBoolean("stream")).isTrue();
  }

  private static void assertTwoCalls(ChatCompletion completion) {
    ChatCompletion.Choice choice = completion.validate().choices().get(0);
    assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    assertThat(choice.message().content()).contains("On it.");
    List<ChatCompletionMessageFunctionToolCall> calls = choice.message().toolCalls().orElseThrow().stream()
        .map(ChatCompletionMessageToolCall::asFunction).toList();
    assertThat(calls).extracting(ChatCompletionMessageFunctionToolCall::id).containsExactly("call_1", "call_2");
    assertThat(calls).extracting(c -> c.function().name()).containsExactly("add_task", "add_task");
    assertThat(new JsonObject(calls.get(1).function().arguments()))
        .isEqualTo(new JsonObject().put("title", "Bread").put("tags", new JsonArray().add("shop")));
  }

  @Test
  void errorsComeInOpenAisShapeAndBecomeTheSdksExceptions() {
    fake.then(unauthorized(), rateLimited(), serverError(), say("never sent"));

    assertThatThrownBy(() -> client.chat().completions().create(params())).isInstanceOfSatisfying(
        UnauthorizedException.class, e -> assertThat(e.code()).contains("invalid_api_key"));
    assertThatThrownBy(() -> client.chat().completions().create(params())).isInstanceOfSatisfying(
        RateLimitException.class, e -> assertThat(e.code()).contains("rate_limit_exceeded"));
    assertThatThrownBy(() -> client.chat().completions().create(params())).isInstanceOfSatisfying(
        InternalServerException.class, e -> assertThat(e.type()).contains("server_error"));
    assertThat(fake.requests()).hasSize(3);
  }

  @Test
  void aToolMessageThatAnswersNoCallIsRefusedAsOpenAiDoes() {
    var params = params().toBuilder().addMessage(ModelPrompt.toolResult("call_nobody_made", "{}")).build();

    assertThatThrownBy(() -> client.chat().completions().create(params)).isInstanceOf(BadRequestException.class)
        .hasMessageContaining("must be a response to a preceeding message with 'tool_calls'");
  }
}
