package dev.todochatbot.chat.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import com.openai.models.chat.completions.ChatCompletionSystemMessageParam;
import com.openai.models.chat.completions.ChatCompletionTool;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.chat.completions.ChatCompletionUserMessageParam;
import dev.todochatbot.chat.agent.Action;
import dev.todochatbot.chat.agent.ChatMessage;
import dev.todochatbot.chat.agent.Turn;
import dev.todochatbot.chat.openai.StreamedAnswer.ToolCall;
import dev.todochatbot.chat.tools.ToolSpec;
import java.io.UncheckedIOException;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Our conversation in the Chat Completions API's terms: the system prompt, the history, the tools offered. */
final class ModelPrompt {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final DateTimeFormatter NOW = DateTimeFormatter.ofPattern("EEEE, yyyy-MM-dd HH:mm", Locale.ENGLISH);
  private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("xxx", Locale.ROOT);
  /** A stored result longer than this is cut when the history is replayed: long lists cost tokens every turn. */
  private static final int HISTORY_RESULT_CHARS = 4_000;

  private ModelPrompt() {}

  static String systemPrompt(Turn turn) {
    ZonedDateTime now = turn.now().atZone(turn.zone());
    String offset = OFFSET.format(now);
    return String.join("\n",
        "You are the task assistant of a to-do app. You help the signed-in user keep their tasks: add, find, "
            + "change, complete and delete them, with due dates, priorities, tags, reminders and repeats.",
        "It is now " + NOW.format(now) + " in the user's time zone, " + turn.zone().getId() + " (UTC" + offset
            + "). Read \"today\", \"tomorrow\", \"next Monday\" and \"at 5pm\" on this clock.",
        "You act only through the tools. Never say that a task was added, changed, completed or deleted unless a "
            + "tool call in this conversation did it and did not answer with an error. When a tool answers with an "
            + "error, fix the arguments as its message says, or tell the user plainly what went wrong.",
        "Give dates and times to the tools as ISO-8601 with the offset, such as " + now.toLocalDate().plusDays(1)
            + "T17:00:00" + offset + "; a date alone (" + now.toLocalDate().plusDays(1)
            + ") for a task due on a day without a time.",
        "You can only ever see and change this user's tasks; no tool reaches anyone else's, whatever a message "
            + "says. Use task ids only as the tools gave them to you.",
        "Answer briefly, in the language the user writes in.");
  }

  /** The 14 tools as functions, their schemas without "$schema", which models do not expect. */
  static List<ChatCompletionTool> tools(List<ToolSpec> specs) {
    var tools = new ArrayList<ChatCompletionTool>(specs.size());
    for (ToolSpec spec : specs) {
      var schema = spec.inputSchema().copy();
      schema.remove("$schema");
      var parameters = FunctionParameters.builder().putAllAdditionalProperties(jsonObject(schema.encode()));
      tools.add(ChatCompletionTool.ofFunction(ChatCompletionFunctionTool.builder()
          .function(FunctionDefinition.builder().name(spec.name()).description(spec.description())
              .parameters(parameters.build()).build())
          .build()));
    }
    return tools;
  }

  static ChatCompletionMessageParam system(String content) {
    return ChatCompletionMessageParam.ofSystem(ChatCompletionSystemMessageParam.builder().content(content).build());
  }

  static ChatCompletionMessageParam user(String content) {
    return ChatCompletionMessageParam.ofUser(ChatCompletionUserMessageParam.builder().content(content).build());
  }

  static ChatCompletionMessageParam assistant(String content) {
    return ChatCompletionMessageParam.ofAssistant(ChatCompletionAssistantMessageParam.builder().content(content).build());
  }

  /** The model's turn that asked for tools, with whatever it said before asking. */
  static ChatCompletionMessageParam assistantCalling(String content, List<ToolCall> calls) {
    var message = ChatCompletionAssistantMessageParam.builder();
    if (!content.isEmpty()) {
      message.content(content);
    }
    for (ToolCall call : calls) {
      message.addToolCall(ChatCompletionMessageFunctionToolCall.builder().id(call.id())
          .function(ChatCompletionMessageFunctionToolCall.Function.builder().name(call.name())
              .arguments(call.arguments()).build())
          .build());
    }
    return ChatCompletionMessageParam.ofAssistant(message.build());
  }

  static ChatCompletionMessageParam toolResult(String callId, String content) {
    return ChatCompletionMessageParam.ofTool(
        ChatCompletionToolMessageParam.builder().toolCallId(callId).content(content).build());
  }

  /**
   * The last {@code limit} messages of the conversation. An assistant message's stored actions are
   * replayed as what they were, tool calls and their results (under made-up call ids), not as a summary:
   * the model then knows the ids of the tasks it made or found, so "move it to Friday" works in the next
   * message, and it sees its earlier errors as errors.
   */
  static List<ChatCompletionMessageParam> history(List<ChatMessage> history, int limit) {
    var messages = new ArrayList<ChatCompletionMessageParam>();
    int from = Math.max(0, history.size() - limit);
    for (int m = from; m < history.size(); m++) {
      ChatMessage message = history.get(m);
      if (message.role() == ChatMessage.Role.USER) {
        messages.add(user(message.content()));
        continue;
      }
      if (!message.actions().isEmpty()) {
        var calls = new ArrayList<ToolCall>();
        for (int a = 0; a < message.actions().size(); a++) {
          Action action = message.actions().get(a);
          calls.add(new ToolCall("call_h" + m + "_" + a, action.tool(), action.arguments().encode()));
        }
        messages.add(assistantCalling("", calls));
        for (int a = 0; a < calls.size(); a++) {
          var result = message.actions().get(a).result();
          messages.add(toolResult(calls.get(a).id(), cut(result == null ? "{}" : result.encode())));
        }
      }
      if (message.content() != null && !message.content().isBlank()) {
        messages.add(assistant(message.content()));
      }
    }
    return messages;
  }

  private static String cut(String result) {
    return result.length() <= HISTORY_RESULT_CHARS ? result
        : result.substring(0, HISTORY_RESULT_CHARS) + "... (cut; call the tool again for all of it)";
  }

  private static Map<String, JsonValue> jsonObject(String json) {
    try {
      var properties = new LinkedHashMap<String, JsonValue>();
      MAPPER.readTree(json).properties().forEach(e -> properties.put(e.getKey(), JsonValue.fromJsonNode(e.getValue())));
      return properties;
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
