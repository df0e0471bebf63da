package dev.todochatbot.platform.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The event schemas in {@code schemas/events/} at the repository root, for tests that check that
 * what a service publishes or accepts is what the schema documents. Formats (uuid, date-time) are
 * asserted, not just annotated.
 */
public final class EventSchemas {

  public static final String TASK_EVENT = "task-event.v1.schema.json";
  public static final String TASK_UPDATE = "task-update.v1.schema.json";

  private static final String ID_PREFIX = "https://todo-chatbot.dev/schemas/events/";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();

  private EventSchemas() {}

  /** The violations of {@code event} against the named schema; empty when it conforms. */
  public static List<String> violations(String schemaFile, JsonObject event) {
    JsonSchema schema = SCHEMAS.computeIfAbsent(schemaFile, EventSchemas::load);
    try {
      return schema.validate(MAPPER.readTree(event.encode())).stream().map(Object::toString).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonSchema load(String file) {
    Path dir = directory();
    var factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, builder -> builder
        .schemaMappers(mappers -> mappers.mapPrefix(ID_PREFIX, dir.toUri().toString())));
    var config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    return factory.getSchema(com.networknt.schema.SchemaLocation.of(ID_PREFIX + file), config);
  }

  /** schemas/events from a module directory (Maven runs tests there) or from the repository root. */
  private static Path directory() {
    for (Path candidate : List.of(Path.of("../../schemas/events"), Path.of("schemas/events"))) {
      if (Files.isDirectory(candidate)) {
        return candidate.toAbsolutePath().normalize();
      }
    }
    throw new IllegalStateException("schemas/events not found from " + Path.of("").toAbsolutePath());
  }
}
