package dev.todochatbot.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The chat, as people use it, through the public port: each worker is one person (an account with its
 * seeded tasks) talking in one conversation in a closed loop, a script of everyday messages the
 * built-in language engine answers by calling its tools: adding with a due date and priority, finding
 * among the seeded tasks, changing what was just added by "it", completing it by its words. Each
 * message's round trip (edge, chat service, its tool calls to the task service, the conversation stored)
 * is recorded under its kind.
 */
final class ChatScenario {

  /** kind, message; {@code %s} is a word unique to the worker's current round. */
  private static final List<String[]> SCRIPT = List.of(
      new String[] {"add", "add call %s tomorrow at 3pm, high priority #bench"},
      new String[] {"find", "what's due tomorrow?"},
      new String[] {"change", "make it urgent"},
      new String[] {"find", "show high priority tasks due this week"},
      new String[] {"change", "mark the %s one done"});

  private final Vertx vertx;
  private final Api api;

  ChatScenario(Vertx vertx, Api api) {
    this.vertx = vertx;
    this.api = api;
  }

  Future<Recorder> run(List<Api.Session> people, int warmupSeconds, int seconds) {
    var recorder = new Recorder();
    long tick = vertx.setPeriodic(1_000, id -> recorder.tick());
    long stopAt = System.nanoTime() + (warmupSeconds + seconds) * 1_000_000_000L;
    vertx.setTimer(warmupSeconds * 1_000L, id -> recorder.begin());
    var workers = new ArrayList<Future<Void>>();
    for (int i = 0; i < people.size(); i++) {
      Promise<Void> done = Promise.promise();
      talk(recorder, people.get(i), i, 0, null, stopAt, done);
      workers.add(done.future());
    }
    return Future.join(workers).map(v -> {
      recorder.end();
      vertx.cancelTimer(tick);
      return recorder;
    });
  }

  private void talk(Recorder recorder, Api.Session person, int worker, int step, String conversation, long stopAt,
      Promise<Void> done) {
    if (System.nanoTime() >= stopAt) {
      done.complete();
      return;
    }
    String[] line = SCRIPT.get(step % SCRIPT.size());
    String word = String.format(Locale.ROOT, "w%dr%d", worker, step / SCRIPT.size());
    var body = new JsonObject().put("message", String.format(Locale.ROOT, line[1], word));
    if (conversation != null) {
      body.put("conversationId", conversation);
    }
    long sent = System.nanoTime();
    api.send(new Api.Call(HttpMethod.POST, "/api/chat", body), person.token()).onComplete(result -> {
      String next = conversation;
      if (result.succeeded() && result.result().ok()) {
        recorder.success("chat " + line[0], sent);
        next = result.result().json().getString("conversationId");
      } else {
        recorder.error("chat " + line[0], result.succeeded() ? result.result().problem() : result.cause().toString());
      }
      talk(recorder, person, worker, step + 1, next, stopAt, done);
    });
  }
}
