package dev.todochatbot.daprit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The files under dapr/ are what real daprd and the devsidecar load; a typo there surfaces only
 * when someone runs `dapr run` or deploys. This reads every one of them with a YAML parser and
 * checks what daprd 1.16 would reject or silently ignore. No Docker needed.
 */
class DaprFilesTest {

  private static final Path REAL_DAPR_DIR = DaprFiles.repositoryRoot().resolve("dapr");

  @TempDir
  Path copy;

  private Path dapr;

  @Test
  void everyFileUnderDaprIsWhatDapr116Accepts() throws IOException {
    DaprFiles files = DaprFiles.load(REAL_DAPR_DIR);

    assertThat(files.documents()).as("documents read from %s", REAL_DAPR_DIR).hasSizeGreaterThanOrEqualTo(9);
    assertThat(DaprChecks.problems(files)).as("problems in dapr/").isEmpty();
  }

  @Test
  void alternativesAreNotInAnyDirectoryDaprdLoads() throws IOException {
    DaprFiles files = DaprFiles.load(REAL_DAPR_DIR);

    assertThat(files.documents())
        .filteredOn(d -> d.file().getParent().getFileName().toString().equals("alternatives"))
        .extracting(d -> d.name() + " " + d.node().path("spec").path("type").asText())
        .containsExactlyInAnyOrder("pubsub pubsub.redis", "pubsub pubsub.rabbitmq", "pubsub pubsub.jetstream",
            "realtime pubsub.redis", "realtime pubsub.rabbitmq", "realtime pubsub.jetstream");
  }

  @BeforeEach
  void copyOfTheRealTree() throws IOException {
    dapr = copy.resolve("dapr");
    try (Stream<Path> walk = Files.walk(REAL_DAPR_DIR)) {
      for (Path source : walk.toList()) {
        Path target = dapr.resolve(REAL_DAPR_DIR.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    for (String module : DaprChecks.APP_IDS) {
      Path dir = Files.createDirectories(copy.resolve("modules").resolve(module));
      Files.writeString(dir.resolve("pom.xml"), "<project/>");
    }
  }

  @Test
  void anUntouchedCopyPassesSoEachBreakageBelowIsWhatFails() throws IOException {
    assertThat(DaprChecks.problems(DaprFiles.load(dapr))).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("breakages")
  void eachCheckFailsWithTheFileAndTheFix(Breakage breakage, String expectedFile, String expectedText)
      throws IOException {
    breakage.apply(dapr);

    List<String> problems = DaprChecks.problems(DaprFiles.load(dapr));

    assertThat(problems)
        .as("problems after the breakage")
        .anySatisfy(p -> assertThat(p).startsWith(expectedFile).contains(expectedText));
  }

  static Stream<Arguments> breakages() {
    return Stream.of(
        breaking("malformed YAML", "dapr/config.yaml", "not valid YAML",
            d -> append(d.resolve("config.yaml"), "\n  - [unclosed\n")),
        breaking("wrong apiVersion for the kind", "dapr/components/pubsub.yaml", "needs apiVersion dapr.io/v1alpha1",
            d -> replace(d.resolve("components/pubsub.yaml"), "apiVersion: dapr.io/v1alpha1", "apiVersion: dapr.io/v2alpha1")),
        breaking("unknown kind", "dapr/components/secretstore.yaml", "is not one this project uses",
            d -> replace(d.resolve("components/secretstore.yaml"), "kind: Component", "kind: Componet")),
        breaking("missing metadata.name", "dapr/components/reminder-sweep.yaml", "metadata.name is missing",
            d -> replace(d.resolve("components/reminder-sweep.yaml"), "  name: reminder-sweep", "  label: reminder-sweep")),
        breaking("unknown component type", "dapr/components/pubsub.yaml", "spec.type 'pubsub.kafkaa'",
            d -> replace(d.resolve("components/pubsub.yaml"), "type: pubsub.kafka", "type: pubsub.kafkaa")),
        breaking("component version other than v1", "dapr/components/secretstore.yaml", "spec.version must be v1",
            d -> replace(d.resolve("components/secretstore.yaml"), "version: v1", "version: v2")),
        breaking("required metadata missing", "dapr/components/reminder-sweep.yaml", "requires metadata 'schedule'",
            d -> replace(d.resolve("components/reminder-sweep.yaml"), "- name: schedule", "- name: scheduled")),
        breaking("metadata with two sources", "dapr/components/pubsub.yaml", "'brokers' has value and envRef",
            d -> replace(d.resolve("components/pubsub.yaml"), "      envRef: KAFKA_BROKERS",
                "      value: localhost:9092\n      envRef: KAFKA_BROKERS")),
        breaking("metadata without a source", "dapr/components/pubsub.yaml", "'brokers' has no value",
            d -> replace(d.resolve("components/pubsub.yaml"), "      envRef: KAFKA_BROKERS\n", "")),
        breaking("envRef daprd refuses", "dapr/components/pubsub.yaml", "envRef 'DAPR_KAFKA_BROKERS'",
            d -> replace(d.resolve("components/pubsub.yaml"), "envRef: KAFKA_BROKERS", "envRef: DAPR_KAFKA_BROKERS")),
        breaking("secretKeyRef to a key the example lacks", "dapr/components/alternatives/pubsub-redis.yaml",
            "does not list",
            d -> replace(d.resolve("components/alternatives/pubsub-redis.yaml"), "redis-password", "redis-pass")),
        breaking("secretKeyRef key different from name", "dapr/components/alternatives/pubsub-rabbitmq.yaml",
            "key must equal name",
            d -> replace(d.resolve("components/alternatives/pubsub-rabbitmq.yaml"), "key: rabbitmq-url", "key: url")),
        breaking("auth.secretStore naming no store", "dapr/components/alternatives/pubsub-redis.yaml",
            "auth.secretStore 'vault'",
            d -> replace(d.resolve("components/alternatives/pubsub-redis.yaml"), "secretStore: secretstore",
                "secretStore: vault")),
        breaking("secretKeyRef without auth.secretStore", "dapr/components/alternatives/pubsub-rabbitmq.yaml",
            "has no auth.secretStore",
            d -> replace(d.resolve("components/alternatives/pubsub-rabbitmq.yaml"), "auth:\n  secretStore: secretstore\n",
                "")),
        breaking("scope naming an unknown app", "dapr/components/reminder-sweep.yaml", "scopes names 'billing'",
            d -> replace(d.resolve("components/reminder-sweep.yaml"), "  - notification-service",
                "  - notification-service\n  - billing")),
        breaking("alternative under another name", "dapr/components/alternatives/pubsub-jetstream.yaml",
            "declares 'pubsub-nats'",
            d -> replace(d.resolve("components/alternatives/pubsub-jetstream.yaml"), "  name: pubsub\n",
                "  name: pubsub-nats\n")),
        breaking("alternative copied beside the main pubsub", "dapr/components/pubsub",
            "a second component named 'pubsub'",
            d -> Files.copy(d.resolve("components/alternatives/pubsub-redis.yaml"),
                d.resolve("components/pubsub-redis.yaml"))),
        breaking("component outside every resources path", "dapr/pubsub.yaml", "daprd never loads this component",
            d -> Files.move(d.resolve("components/pubsub.yaml"), d.resolve("pubsub.yaml"))),
        breaking("resiliency outside every resources path", "dapr/resiliency.yaml", "never loads this Resiliency",
            d -> Files.move(d.resolve("resiliency/resiliency.yaml"), d.resolve("resiliency.yaml"))),
        breaking("resiliency target naming an unknown app", "dapr/resiliency/resiliency.yaml",
            "targets.apps names 'task-servise'",
            d -> replace(d.resolve("resiliency/resiliency.yaml"), "      task-service:", "      task-servise:")),
        breaking("resiliency target naming no component", "dapr/resiliency/resiliency.yaml",
            "targets.components names 'kafka'",
            d -> replace(d.resolve("resiliency/resiliency.yaml"), "      pubsub:\n", "      kafka:\n")),
        breaking("resiliency target naming no policy", "dapr/resiliency/resiliency.yaml",
            "inbound.retry refers to 'deliveryy'",
            d -> replace(d.resolve("resiliency/resiliency.yaml"), "retry: delivery", "retry: deliveryy")),
        breaking("run file version", "dapr/dapr.yaml", "'version' must be 1",
            d -> replace(d.resolve("dapr.yaml"), "\nversion: 1\n", "\nversion: 2\n")),
        breaking("run file app outside any module", "dapr/dapr.yaml", "is not a module's target directory",
            d -> replace(d.resolve("dapr.yaml"), "../modules/task-service/target", "../modules/tasks/target")),
        breaking("run file command starting another jar", "dapr/dapr.yaml", "command should end with the module's fat jar",
            d -> replace(d.resolve("dapr.yaml"), "\"audit-service-0.1.0-SNAPSHOT-all.jar\"",
                "\"audit-service-0.1.0-SNAPSHOT.jar\"")),
        breaking("secret store file not found from where daprd runs", "dapr/components/secretstore.yaml",
            "is read from each sidecar's working directory",
            d -> replace(d.resolve("components/secretstore.yaml"), "value: \"../../../dapr/secrets.json\"",
                "value: \"dapr/secrets.json\"")),
        breaking("run file reusing a port", "dapr/dapr.yaml", "3500 is also app 'edge' daprHTTPPort",
            d -> replace(d.resolve("dapr.yaml"), "daprHTTPPort: 3501", "daprHTTPPort: 3500")),
        breaking("run file resources path that does not exist", "dapr/dapr.yaml", "'./resilience' is not a directory",
            d -> replace(d.resolve("dapr.yaml"), "- ./resiliency", "- ./resilience")),
        breaking("sampling rate out of range", "dapr/config.yaml", "samplingRate '10'",
            d -> replace(d.resolve("config.yaml"), "samplingRate: \"1\"", "samplingRate: \"10\"")));
  }

  /** Changes a copy of dapr/ in one way. */
  @FunctionalInterface
  interface Breakage {
    void apply(Path daprDir) throws IOException;
  }

  private static Arguments breaking(String what, String expectedFile, String expectedText, Breakage breakage) {
    return Arguments.of(Named.of(what, breakage), expectedFile, expectedText);
  }

  private static void replace(Path file, String from, String to) throws IOException {
    String text = Files.readString(file);
    if (!text.contains(from)) {
      throw new IllegalStateException(file + " no longer contains '" + from + "': update this breakage");
    }
    Files.writeString(file, text.replace(from, to));
  }

  private static void append(Path file, String text) throws IOException {
    Files.writeString(file, Files.readString(file) + text);
  }
}
