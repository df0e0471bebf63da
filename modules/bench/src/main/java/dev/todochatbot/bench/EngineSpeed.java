package dev.todochatbot.bench;

import dev.todochatbot.chat.agent.Listener;
import dev.todochatbot.chat.agent.Reply;
import dev.todochatbot.chat.agent.Turn;
import dev.todochatbot.chat.engine.LanguageEngine;
import dev.todochatbot.chat.tools.ToolCatalog;
import dev.todochatbot.chat.tools.ToolOutcome;
import dev.todochatbot.chat.tools.ToolSpec;
import dev.todochatbot.chat.tools.Tools;
import dev.todochatbot.platform.Principal;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.HdrHistogram.Histogram;

/**
 * How long the built-in language engine takes to answer a message, its own work only: every phrasing
 * of its corpora answered in turn, in process, with tools that answer at once (so the time is the
 * engine's understanding, its references and its reply, not the task service's). The target
 * is under 5 ms a message; the tools' round trips come on top (the chat scenario measures those).
 */
final class EngineSpeed {

  /** Where the corpora are (phrasings.jsonl and every phrasings-blind*.jsonl), from the repository root. */
  static final Path CORPORA = Path.of("modules/chat-service/src/test/resources/engine");
  private static final int ROUNDS = 20;

  private EngineSpeed() {}

  /** The figures, or a note why there are none (the corpora are read from the checkout). */
  static JsonObject measure(Vertx vertx) {
    var messages = new ArrayList<JsonObject>();
    List<Path> corpora;
    try (var files = Files.list(CORPORA)) {
      corpora = files.filter(f -> f.getFileName().toString().matches("phrasings.*\\.jsonl")).sorted().toList();
    } catch (IOException e) {
      return new JsonObject().put("skipped", CORPORA + " not found: run make bench from the repository root");
    }
    for (Path corpus : corpora) {
      try {
        for (String line : Files.readAllLines(corpus)) {
          if (!line.isBlank()) {
            messages.add(new JsonObject(line));
          }
        }
      } catch (IOException e) {
        return new JsonObject().put("skipped", "could not read " + corpus + ": " + e.getMessage());
      }
    }
    Promise<JsonObject> result = Promise.promise();
    // on a Vert.x context, as in the chat service; the tools' futures are complete, so each answer is too
    vertx.runOnContext(v -> result.complete(run(messages)));
    return result.future().toCompletionStage().toCompletableFuture().join();
  }

  private static JsonObject run(List<JsonObject> messages) {
    var engine = new LanguageEngine();
    Tools tools = new InstantTools();
    var histogram = new Histogram(3_600_000_000L, 3);
    int incomplete = 0;
    for (int round = 0; round < ROUNDS; round++) {
      boolean warmUp = round < ROUNDS / 4;
      for (JsonObject message : messages) {
        ZoneId zone = ZoneId.of(message.getString("zone", "UTC"));
        var user = new Principal(UUID.randomUUID(), "speed@example.com", zone.getId());
        var turn = new Turn(user, zone, Instant.parse(message.getString("now")), List.of(), message.getString("say"));
        long start = System.nanoTime();
        Future<Reply> reply = engine.respond(turn, tools, Listener.NONE);
        long nanos = System.nanoTime() - start;
        if (!reply.isComplete()) {
          incomplete++;
        } else if (!warmUp) {
          histogram.recordValue(Math.max(1, nanos / 1_000));
        }
      }
    }
    return new JsonObject()
        .put("messages", messages.size())
        .put("measuredAnswers", histogram.getTotalCount())
        .put("notAnsweredAtOnce", incomplete)
        .put("meanMicros", Math.round(histogram.getMean()))
        .put("p50Micros", histogram.getValueAtPercentile(50))
        .put("p99Micros", histogram.getValueAtPercentile(99))
        .put("maxMicros", histogram.getMaxValue())
        .put("target", "under 5 ms a message")
        .put("met", histogram.getValueAtPercentile(99) < 5_000);
  }

  /** As the task service writes it: an instant with an offset (a date alone is the start of that day). */
  private static String dueAt(JsonObject arguments) {
    if (!(arguments.getValue("dueAt") instanceof String due)) {
      return null;
    }
    if (due.length() == 10) {
      ZoneId zone = ZoneId.of(arguments.getString("timeZone", "UTC"));
      return java.time.LocalDate.parse(due).atStartOfDay(zone).toOffsetDateTime().toString();
    }
    return due.length() == 16 ? due + ":00Z" : due;
  }

  /** Tools that answer at once: a task for what adds or changes one, nothing for what searches. */
  private static final class InstantTools implements Tools {
    @Override
    public List<ToolSpec> specs() {
      return ToolCatalog.get().specs();
    }

    @Override
    public Future<ToolOutcome> call(String tool, JsonObject arguments) {
      if (tool.endsWith("_tasks") || tool.equals("list_reminders")) {
        return Future.succeededFuture(ToolOutcome.ok(new JsonObject().put("items", new JsonArray())));
      }
      var task = new JsonObject().put("id", arguments.getString("id", UUID.randomUUID().toString()))
          .put("title", arguments.getString("title", "A task")).put("status", "open")
          .put("priority", arguments.getString("priority", "none")).put("tags", arguments.getJsonArray("tags", new JsonArray()))
          .put("dueAt", dueAt(arguments)).put("timeZone", arguments.getString("timeZone", "UTC"))
          .put("allDay", arguments.getBoolean("allDay", false)).put("reminders", new JsonArray());
      return Future.succeededFuture(ToolOutcome.ok(new JsonObject().put("task", task)
          .put("deleted", new JsonObject().put("id", task.getString("id")).put("title", task.getString("title")))));
    }
  }
}
