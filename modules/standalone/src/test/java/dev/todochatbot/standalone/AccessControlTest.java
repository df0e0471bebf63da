package dev.todochatbot.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lists {@code SIDECAR=daprd} enforces are the chart's, written as daprd reads them. */
class AccessControlTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void theCallersOfEachAppAreTheChartsInvokedBy() throws IOException {
    JsonNode services = YAML.readTree(Path.of("../../charts/todo-chatbot/values.yaml").toFile()).path("services");
    var chart = new HashMap<String, List<String>>();
    services.fields().forEachRemaining(service -> chart.put(service.getKey(), strings(service.getValue().path("invokedBy"))));

    assertThat(AccessControl.CALLERS).isEqualTo(chart);
  }

  @Test
  void anAppsListDeniesByDefaultAndAllowsEachCallerByItsSelfHostedIdentity() throws IOException {
    JsonNode acl = YAML.readTree(AccessControl.configuration(Main.TASK_SERVICE)).path("spec").path("accessControl");

    assertThat(acl.path("defaultAction").asText()).isEqualTo("deny");
    assertThat(acl.path("trustDomain").asText()).isEqualTo("public");
    var callers = new ArrayList<String>();
    for (JsonNode policy : acl.path("policies")) {
      assertThat(policy.path("defaultAction").asText()).isEqualTo("allow");
      assertThat(policy.path("trustDomain").asText()).isEqualTo("public");
      assertThat(policy.path("namespace").asText()).isEqualTo("default");
      assertThat(policy.has("operations")).isFalse();
      callers.add(policy.path("appId").asText());
    }
    assertThat(callers).containsExactly(Main.EDGE, Main.CHAT_SERVICE, Main.RECURRENCE_SERVICE);
  }

  @Test
  void anAppNobodyCallsDeniesEveryone() throws IOException {
    JsonNode acl = YAML.readTree(AccessControl.configuration(Main.RECURRENCE_SERVICE)).path("spec").path("accessControl");

    assertThat(acl.path("defaultAction").asText()).isEqualTo("deny");
    assertThat(acl.path("policies").isArray()).isTrue();
    assertThat(acl.path("policies")).isEmpty();
  }

  private static List<String> strings(JsonNode array) {
    var values = new ArrayList<String>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }
}
