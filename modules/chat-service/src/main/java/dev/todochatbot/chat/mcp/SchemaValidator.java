package dev.todochatbot.chat.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The JSON Schema validator handed to the MCP SDK, on the json-schema-validator 1.x this module uses for
 * the tool catalog. The SDK's own (mcp-json-jackson3) is built on json-schema-validator 2.x, which is not
 * on the class path: left to find it, the SDK fails at start-up with NoClassDefFoundError. The server
 * validates tool arguments itself ({@code Tools.call}) and its tools declare no output schema, so this
 * is rarely asked anything; it answers correctly when it is.
 */
final class SchemaValidator implements JsonSchemaValidator {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private final Map<Map<String, Object>, JsonSchema> compiled = new ConcurrentHashMap<>();

  @Override
  public ValidationResponse validate(Map<String, Object> schema, Object content) {
    try {
      JsonNode value = content instanceof String text ? JSON.readTree(text) : JSON.valueToTree(content);
      var problems = compiled.computeIfAbsent(schema, s -> factory.getSchema(JSON.<JsonNode>valueToTree(s)))
          .validate(value);
      if (problems.isEmpty()) {
        return ValidationResponse.asValid(JSON.writeValueAsString(value));
      }
      return ValidationResponse.asInvalid("Validation failed: " + problems.stream()
          .map(ValidationMessage::getMessage).collect(Collectors.joining("; ")));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return ValidationResponse.asInvalid("Not JSON: " + e.getMessage());
    }
  }
}
