package dev.todochatbot.tasks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Response bodies with tasks, streamed into the buffer that is sent. */
final class TaskJson {

  private static final JsonFactory FACTORY = new JsonFactory();

  private TaskJson() {}

  static Buffer one(Task task) {
    return write(256, json -> task.writeJson(json));
  }

  /** {@code {"items": [...], "nextCursor": ...}} */
  static Buffer page(List<Task> items, String nextCursor) {
    return write(64 + items.size() * 420, json -> {
      json.writeStartObject();
      json.writeArrayFieldStart("items");
      for (Task task : items) {
        task.writeJson(json);
      }
      json.writeEndArray();
      json.writeStringField("nextCursor", nextCursor);
      json.writeEndObject();
    });
  }

  /**
   * {@code {"items": [{"type", "taskId", "version", "cursor", "task"}], "nextCursor"}}: type
   * {@code task.changed} with the task as it is now, or {@code task.deleted} with task null.
   */
  static Buffer changes(List<TaskRepository.Change> changes, boolean more) {
    return write(64 + changes.size() * 480, json -> {
      json.writeStartObject();
      json.writeArrayFieldStart("items");
      for (TaskRepository.Change change : changes) {
        json.writeStartObject();
        json.writeStringField("type", change.task() == null ? "task.deleted" : "task.changed");
        json.writeStringField("taskId", change.taskId().toString());
        json.writeNumberField("version", change.version());
        json.writeStringField("cursor", change.cursor());
        json.writeFieldName("task");
        if (change.task() == null) {
          json.writeNull();
        } else {
          change.task().writeJson(json);
        }
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeStringField("nextCursor", more && !changes.isEmpty() ? changes.get(changes.size() - 1).cursor() : null);
      json.writeEndObject();
    });
  }

  private interface Writer {
    void write(JsonGenerator json) throws IOException;
  }

  private static Buffer write(int sizeHint, Writer writer) {
    var out = new ByteArrayOutputStream(sizeHint);
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      writer.write(json);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write task JSON", e);
    }
    return Buffer.buffer(out.toByteArray());
  }
}
