package dev.todochatbot.chat.openai;

import com.openai.models.chat.completions.ChatCompletionChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One streamed answer of the model put back together: its text, handed on piece by piece, and the tool
 * calls it asks for, which arrive as deltas keyed by index (the first with the call's id and function
 * name, the rest with pieces of the arguments' JSON text).
 */
final class StreamedAnswer {

  /** A tool call the model asked for; {@code arguments} is JSON text as the model wrote it, maybe not JSON. */
  record ToolCall(String id, String name, String arguments) {}

  private static final class PartialCall {
    String id;
    String name;
    final StringBuilder arguments = new StringBuilder();
  }

  private final String callIdPrefix;
  private final Map<Long, PartialCall> calls = new TreeMap<>();
  private final StringBuilder text = new StringBuilder();

  /** @param callIdPrefix makes ids for calls streamed without one (some OpenAI-compatible servers) */
  StreamedAnswer(String callIdPrefix) {
    this.callIdPrefix = callIdPrefix;
  }

  void accept(ChatCompletionChunk chunk, Consumer<String> text) {
    // n = 1: choice 0 is the answer; a last chunk with usage only has no choices
    for (ChatCompletionChunk.Choice choice : chunk.choices()) {
      if (choice.index() != 0) {
        continue;
      }
      ChatCompletionChunk.Choice.Delta delta = choice.delta();
      delta.content().filter(s -> !s.isEmpty()).ifPresent(piece -> say(piece, text));
      delta.refusal().filter(s -> !s.isEmpty()).ifPresent(piece -> say(piece, text));
      List<ChatCompletionChunk.Choice.Delta.ToolCall> toolCalls = delta.toolCalls().orElse(List.of());
      for (int i = 0; i < toolCalls.size(); i++) {
        var piece = toolCalls.get(i);
        // index is required by the API, yet some compatible servers leave it out when a call comes whole
        long index = piece._index().asKnown().orElse((long) calls.size() + i);
        PartialCall call = calls.computeIfAbsent(index, k -> new PartialCall());
        piece.id().filter(s -> !s.isEmpty()).ifPresent(id -> call.id = call.id == null ? id : call.id);
        piece.function().ifPresent(function -> {
          function.name().filter(s -> !s.isEmpty()).ifPresent(name -> call.name = call.name == null ? name : call.name);
          function.arguments().ifPresent(call.arguments::append);
        });
      }
    }
  }

  private void say(String piece, Consumer<String> listener) {
    text.append(piece);
    listener.accept(piece);
  }

  /** The text of this answer alone. */
  String text() {
    return text.toString();
  }

  /** The calls in the order the model gave them. */
  List<ToolCall> toolCalls() {
    var list = new ArrayList<ToolCall>(calls.size());
    int n = 0;
    for (PartialCall call : calls.values()) {
      String id = call.id != null ? call.id : callIdPrefix + n;
      list.add(new ToolCall(id, call.name == null ? "" : call.name, call.arguments.toString()));
      n++;
    }
    return list;
  }
}
