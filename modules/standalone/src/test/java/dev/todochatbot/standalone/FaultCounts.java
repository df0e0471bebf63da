package dev.todochatbot.standalone;

import dev.todochatbot.embedded.testing.TestKafka;
import dev.todochatbot.platform.events.Topics;
import dev.todochatbot.platform.testing.TestHttp;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What became of a {@link WriteLoad}'s writes, read from the audit trail through the public port: each write is
 * matched to the events it made (a create by its unique title, an update by its task).
 *
 * @param acknowledged writes answered 2xx
 * @param unacknowledged writes answered otherwise, or not at all
 * @param audited events in the trail of the load's writers
 * @param lost acknowledged writes with no event in the trail
 * @param duplicateEventIds events stored more than once under one event id
 * @param appliedTwice writes whose change is in the trail under more than one event id (a request retried after it
 *     had been carried out: the same task created twice, say)
 * @param appliedUnacknowledged writes whose answer said failure (or never came) and whose change was made: the
 *     person retries and has it twice, but nothing was lost
 * @param unexplained events in the trail that no write of the load accounts for
 * @param brokerCopies records on task-events of these writers beyond one per event id: published or delivered again
 *     after the fault, and absorbed by the audit service's idempotent insert
 */
record FaultCounts(long acknowledged, long unacknowledged, long audited, long lost, long duplicateEventIds,
    long appliedTwice, long appliedUnacknowledged, long unexplained, long brokerCopies) {

  static final Path REPORT = Path.of("target", "fault-counts.json");

  /** Reads every writer's trail and counts; {@code brokerCopies} only when {@code withBroker} (it reads the topic). */
  static FaultCounts of(TestHttp http, WriteLoad load, boolean withBroker) {
    List<JsonObject> trail = new ArrayList<>();
    for (WriteLoad.Writer writer : load.writers()) {
      trail.addAll(trail(http, writer.token()));
    }
    // per write, the distinct event ids of the events it made
    Map<String, Set<String>> applied = new HashMap<>();
    Set<String> ids = new HashSet<>();
    long duplicateIds = 0;
    for (JsonObject event : trail) {
      String eventId = event.getString("eventId");
      if (!ids.add(eventId)) {
        duplicateIds++;
        continue;
      }
      applied.computeIfAbsent(key(event), k -> new HashSet<>()).add(eventId);
    }
    long lost = 0;
    long twice = 0;
    long unacknowledgedApplied = 0;
    long acknowledged = 0;
    Set<String> explained = new HashSet<>();
    List<WriteLoad.Attempt> attempts = load.attempts();
    for (WriteLoad.Attempt attempt : attempts) {
      String key = key(attempt);
      explained.add(key);
      int made = applied.getOrDefault(key, Set.of()).size();
      if (attempt.acknowledged()) {
        acknowledged++;
        if (made == 0) {
          lost++;
        }
      } else if (made > 0) {
        unacknowledgedApplied++;
      }
      twice += Math.max(0, made - 1);
    }
    long unexplained = applied.entrySet().stream().filter(e -> !explained.contains(e.getKey()))
        .mapToLong(e -> e.getValue().size()).sum();
    long copies = withBroker ? brokerCopies(load) : 0;
    return new FaultCounts(acknowledged, attempts.size() - acknowledged, trail.size(), lost, duplicateIds, twice,
        unacknowledgedApplied, unexplained, copies);
  }

  /** Zero of each: nothing acknowledged is missing, nothing is in the trail twice. */
  boolean exactlyOnce() {
    return lost == 0 && duplicateEventIds == 0 && appliedTwice == 0 && unexplained == 0;
  }

  JsonObject toJson() {
    return new JsonObject().put("acknowledged", acknowledged).put("unacknowledged", unacknowledged)
        .put("audited", audited).put("lost", lost).put("duplicateEventIds", duplicateEventIds)
        .put("appliedTwice", appliedTwice).put("appliedUnacknowledged", appliedUnacknowledged)
        .put("unexplained", unexplained).put("brokerCopies", brokerCopies);
  }

  /** Adds this case's counts to target/fault-counts.json (one entry per case, the latest run's). */
  synchronized void report(String faultCase, JsonObject context) {
    try {
      Files.createDirectories(REPORT.getParent());
      JsonObject all = Files.exists(REPORT) ? new JsonObject(Files.readString(REPORT)) : new JsonObject();
      all.put(faultCase, toJson().mergeIn(context));
      Files.writeString(REPORT, all.encodePrettily());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write " + REPORT + ": " + e.getMessage(), e);
    }
  }

  private static String key(JsonObject event) {
    String type = event.getString("type");
    String userId = event.getString("userId");
    return WriteLoad.CREATED.equals(type)
        ? userId + "|" + type + "|" + event.getJsonObject("task").getString("title")
        : userId + "|" + type + "|" + event.getString("taskId");
  }

  private static String key(WriteLoad.Attempt attempt) {
    return WriteLoad.CREATED.equals(attempt.type())
        ? attempt.userId() + "|" + attempt.type() + "|" + attempt.title()
        : attempt.userId() + "|" + attempt.type() + "|" + attempt.taskId();
  }

  /** One person's whole audit trail, every page. */
  static List<JsonObject> trail(TestHttp http, String token) {
    var events = new ArrayList<JsonObject>();
    String cursor = null;
    do {
      var page = http.get("/api/audit?limit=200" + (cursor == null ? "" : "&cursor=" + cursor), token);
      if (page.status() != 200) {
        throw new IllegalStateException("the audit trail answered " + page);
      }
      page.json().getJsonArray("items").forEach(item -> events.add((JsonObject) item));
      cursor = page.json().getString("nextCursor");
    } while (cursor != null);
    return events;
  }

  private static long brokerCopies(WriteLoad load) {
    Set<String> users = new HashSet<>();
    load.writers().forEach(writer -> users.add(writer.userId()));
    List<TestKafka.Received> records = TestKafka.readAll(Topics.TASK_EVENTS).stream()
        .filter(record -> users.contains(record.key())).toList();
    long distinct = records.stream().map(record -> new JsonObject(record.value()).getString("id")).distinct().count();
    return records.size() - distinct;
  }
}
