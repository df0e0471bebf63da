package dev.todochatbot.chat.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The tools' names, descriptions and argument schemas, from {@code tools/catalog.json}: one list shared
 * by the chat agents and the MCP server, so a model and an MCP client are offered exactly the same
 * tools. {@link #check} holds arguments against a tool's schema and answers what to fix.
 */
public final class ToolCatalog {

  public static final String RESOURCE = "tools/catalog.json";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ToolCatalog INSTANCE = load();

  private final List<ToolSpec> specs;
  private final Map<String, JsonSchema> schemas;

  private ToolCatalog(List<ToolSpec> specs, Map<String, JsonSchema> schemas) {
    this.specs = List.copyOf(specs);
    this.schemas = Map.copyOf(schemas);
  }

  public static ToolCatalog get() {
    return INSTANCE;
  }

  public List<ToolSpec> specs() {
    return specs;
  }

  public Optional<ToolSpec> spec(String name) {
    return specs.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  public Set<String> names() {
    return schemas.keySet();
  }

  /**
   * Empty when {@code arguments} fit the tool's schema; else an error outcome naming each argument
   * that is wrong and why, in words a model or a person can act on.
   */
  public Optional<ToolOutcome> check(String tool, JsonObject arguments) {
    JsonSchema schema = schemas.get(tool);
    if (schema == null) {
      return Optional.of(ToolOutcome.error("There is no tool named \"" + tool + "\"; the tools are "
          + String.join(", ", specs.stream().map(ToolSpec::name).toList()) + "."));
    }
    Set<ValidationMessage> problems;
    try {
      problems = schema.validate(MAPPER.readTree(arguments.encode()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (problems.isEmpty()) {
      return Optional.empty();
    }
    var fields = new JsonObject();
    for (ValidationMessage problem : problems) {
      // the instance location is a JSON pointer ("/priority", "/reminders/0/at"; "" for the whole object);
      // a required or unknown argument is named by the message's property instead
      String where = problem.getInstanceLocation().toString().replaceFirst("^[$/]+", "").replace('/', '.');
      if (problem.getProperty() != null && (where.isEmpty() || "additionalProperties".equals(problem.getType())
          || "required".equals(problem.getType()))) {
        where = where.isEmpty() ? problem.getProperty() : where + "." + problem.getProperty();
      }
      String key = where.isEmpty() ? "arguments" : where;
      // the message repeats the location first ("/priority: does not have a value in the enumeration ...")
      String message = problem.getMessage().replaceFirst("^\\S*: ", "");
      fields.put(key, fields.containsKey(key) ? fields.getString(key) + "; " + message : message);
    }
    var summary = new ArrayList<String>();
    fields.forEach(e -> summary.add(e.getKey() + ": " + e.getValue()));
    return Optional.of(ToolOutcome.error("The arguments of " + tool + " are not right: " + String.join("; ", summary),
        fields));
  }

  private static ToolCatalog load() {
    JsonObject catalog;
    try (InputStream in = ToolCatalog.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path");
      }
      catalog = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    var factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    var config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    var specs = new ArrayList<ToolSpec>();
    var schemas = new LinkedHashMap<String, JsonSchema>();
    JsonArray tools = catalog.getJsonArray("tools");
    for (int i = 0; i < tools.size(); i++) {
      JsonObject tool = tools.getJsonObject(i);
      String name = tool.getString("name");
      JsonObject inputSchema = tool.getJsonObject("inputSchema");
      specs.add(new ToolSpec(name, tool.getString("description"), inputSchema));
      try {
        JsonNode node = MAPPER.readTree(inputSchema.encode());
        schemas.put(name, factory.getSchema(node, config));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new ToolCatalog(specs, schemas);
  }
}
