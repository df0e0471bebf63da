package dev.todochatbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.testing.Await;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A service's container image as Jib builds it, checked without a registry or a Docker engine.
 * recurrence-service's build writes its image at package with the parent pom's Jib configuration,
 * which all six images share, on the empty base instead of the JRE (execution image-check in its
 * pom). Here the tar is loaded as a runtime loads it and held to the chart, then the entrypoint is
 * run from the unpacked layers with this machine's java, as the chart would run it.
 */
class ServiceImageTest {

  private static final String SERVICE = "recurrence-service";
  static final Path REPOSITORY = Path.of(System.getProperty("repository.dir", "../..")).toAbsolutePath().normalize();
  private static final Path TAR = REPOSITORY.resolve("modules/" + SERVICE + "/target/image-check/" + SERVICE + ".tar");

  @TempDir
  static Path root;
  private static ImageTar image;

  @BeforeAll
  static void loadTheImage() throws IOException {
    if (!Files.isRegularFile(TAR)) {
      throw new IllegalStateException(TAR + " does not exist: " + SERVICE + "'s build writes it at package unless"
          + " tests are skipped; run `mvn -pl modules/deploy-checks -am verify` (or make test)");
    }
    image = ImageTar.unpack(TAR, root);
  }

  private static Deployment deployment(String valuesFile) {
    return RenderedChart.of(valuesFile).deployments().stream()
        .filter(candidate -> candidate.getMetadata().getName().equals(SERVICE)).findFirst().orElseThrow();
  }

  private static Container container(String valuesFile) {
    return deployment(valuesFile).getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  @ParameterizedTest
  @MethodSource("dev.todochatbot.deploy.RenderedChart#valuesFiles")
  void runsAsTheNonRootUserOfTheChartsPodSecurityContext(String valuesFile) {
    var pod = deployment(valuesFile).getSpec().getTemplate().getSpec().getSecurityContext();

    assertThat(image.runConfig().get("User")).as("the image's user")
        .isEqualTo(pod.getRunAsUser() + ":" + pod.getRunAsGroup())
        .isNotIn("0", "0:0", "root");
  }

  @ParameterizedTest
  @MethodSource("dev.todochatbot.deploy.RenderedChart#valuesFiles")
  void exposesTheContainerPortsTheChartDeclares(String valuesFile) {
    @SuppressWarnings("unchecked")
    var exposed = ((Map<String, Object>) image.runConfig().getOrDefault("ExposedPorts", Map.of())).keySet();

    assertThat(exposed).as("the image's ExposedPorts").containsExactlyInAnyOrderElementsOf(container(valuesFile).getPorts()
        .stream().map(port -> port.getContainerPort() + "/" + port.getProtocol().toLowerCase(Locale.ROOT)).toList());
  }

  @Test
  void entrypointStartsAMainClassOfTheAppLayersWithJvmFlagsSizedForAContainer() {
    List<String> entrypoint = image.entrypoint();
    String mainClass = entrypoint.get(entrypoint.size() - 1);
    List<String> flags = entrypoint.subList(1, entrypoint.size()).stream().filter(arg -> arg.startsWith("-X") || arg.startsWith("-D"))
        .toList();

    assertThat(entrypoint.get(0)).isEqualTo("java");
    assertThat(root.resolve("app/classes/" + mainClass.replace('.', '/') + ".class"))
        .as("the entrypoint's main class in the image's classes layer").isRegularFile();
    assertThat(flags).as("the JVM flags").contains("-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp")
        .noneMatch(flag -> flag.startsWith("-Xmx") || flag.startsWith("-Xms"))
        .filteredOn(flag -> flag.startsWith("-XX:MaxRAMPercentage="))
        .singleElement().satisfies(flag -> assertThat(Double.parseDouble(flag.substring(flag.indexOf('=') + 1)))
            .as("heap share of the container's memory limit, leaving room for metaspace, threads, direct buffers")
            .isBetween(50.0, 80.0));
  }

  @ParameterizedTest
  @MethodSource("dev.todochatbot.deploy.RenderedChart#valuesFiles")
  void jvmFlagsLiveInTheImageAloneAndItsTmpdirIsWritableInThePod(String valuesFile) {
    var chart = RenderedChart.of(valuesFile);
    String tmpdir = image.entrypoint().stream().filter(arg -> arg.startsWith("-Djava.io.tmpdir="))
        .map(arg -> arg.substring(arg.indexOf('=') + 1)).findFirst().orElseThrow();

    var jvmFlagsInTheChart = chart.deployments().stream().flatMap(deployment -> deployment.getSpec().getTemplate().getSpec()
        .getContainers().get(0).getEnv().stream()
        .filter(variable -> variable.getValue() != null && (variable.getValue().contains("-XX:")
            || variable.getValue().contains("-Xmx") || variable.getValue().contains("java.io.tmpdir")))
        .map(variable -> deployment.getMetadata().getName() + ": " + variable.getName() + "=" + variable.getValue()))
        .toList();

    assertThat(jvmFlagsInTheChart).as("JVM flags the chart sets again (they are the image's)").isEmpty();
    assertThat(container(valuesFile).getVolumeMounts()).as("a volume at java.io.tmpdir (the root filesystem is read-only)")
        .anyMatch(mount -> mount.getMountPath().equals(tmpdir) && !Boolean.TRUE.equals(mount.getReadOnly()));
  }

  @Test
  void isNamedAsMinikubeValuesNameItAndLabelledWithItsSourceRevisionAndVersion() {
    String minikubeImage = container("values-minikube.yaml").getImage();
    var labels = image.labels();

    assertThat(image.repoTags()).as("the name `minikube image load` gives the image").containsExactly(minikubeImage);
    assertThat(labels).containsEntry("org.opencontainers.image.source", chartHome())
        .containsEntry("org.opencontainers.image.version", minikubeImage.substring(minikubeImage.lastIndexOf(':') + 1))
        .containsEntry("org.opencontainers.image.title", SERVICE)
        .hasEntrySatisfying("org.opencontainers.image.revision", revision -> assertThat(revision).isNotBlank());
  }

  @Test
  void layersAreReproducibleAndReadableByTheNonRootUser() {
    Instant epochPlusASecond = Instant.ofEpochSecond(1);

    assertThat(image.config().get("created")).as("the image's creation time").isEqualTo("1970-01-01T00:00:00Z");
    assertThat(image.layers()).extracting(ImageTar.Layer::diffId).as("the layers' digests, as the config lists them")
        .containsExactlyElementsOf(image.diffIds());
    var entries = image.layers().stream().flatMap(layer -> layer.entries().stream()).toList();
    assertThat(entries).isNotEmpty();
    assertThat(entries).filteredOn(entry -> !entry.modified().equals(epochPlusASecond))
        .extracting(entry -> entry.name() + " " + entry.modified()).as("entries not dated 1970-01-01T00:00:01Z").isEmpty();
    assertThat(entries).filteredOn(entry -> (entry.mode() & 0444) != 0444 || entry.directory() && (entry.mode() & 0111) != 0111)
        .extracting(entry -> entry.name() + " " + Integer.toOctalString(entry.mode())).as("entries user 10001 cannot read").isEmpty();
    assertThat(entries).filteredOn(entry -> (entry.mode() & 0022) != 0)
        .extracting(entry -> entry.name() + " " + Integer.toOctalString(entry.mode())).as("entries others may change").isEmpty();
  }

  @Test
  void entrypointRunFromTheUnpackedLayersAnswersHealthz() throws Exception {
    int port = freePort();
    var env = new HashMap<String, String>();
    for (Object variable : (List<?>) image.runConfig().getOrDefault("Env", List.of())) {
      String[] pair = ((String) variable).split("=", 2);
      env.put(pair[0], pair[1]);
    }
    Container container = container("values.yaml");
    container.getEnv().stream().filter(variable -> variable.getValue() != null)
        .forEach(variable -> env.put(variable.getName(), variable.getValue()));
    // what the kubelet fills in from the Secrets (Dapr's two tokens)
    container.getEnv().stream().filter(variable -> variable.getValueFrom() != null)
        .forEach(variable -> env.put(variable.getName(), UUID.randomUUID().toString()));
    String portEnv = container.getEnv().stream()
        .filter(variable -> String.valueOf(portOf(container, "http")).equals(variable.getValue()))
        .map(EnvVar::getName).findFirst().orElseThrow();
    env.put(portEnv, Integer.toString(port));
    env.put("JWT_SECRET", UUID.randomUUID() + "-" + UUID.randomUUID());

    Path log = Path.of("target", SERVICE + "-image.log").toAbsolutePath();
    Files.createDirectories(log.getParent());
    var builder = new ProcessBuilder(command(image.entrypoint())).directory(root.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    Process process = builder.start();
    try {
      var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).timeout(Duration.ofSeconds(2)).build();
      Await.until(Duration.ofSeconds(60), () -> {
        if (!process.isAlive()) {
          throw new AssertionError(SERVICE + " exited with " + process.exitValue() + "; " + builder.command() + "\n" + read(log));
        }
        try {
          return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notListeningYet) {
          return false;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }, () -> SERVICE + " did not answer GET /healthz on " + port + " within 60 s; " + builder.command() + "\n" + read(log));
    } finally {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /**
   * The image's entrypoint on this machine: its `java` is this JVM's, and the image's absolute paths
   * (the class path Jib writes to /app/jib-classpath-file) are taken inside the unpacked root.
   */
  private static List<String> command(List<String> entrypoint) throws IOException {
    var command = new ArrayList<String>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : entrypoint.subList(1, entrypoint.size())) {
      if (arg.startsWith("@/")) {
        Path argFile = Path.of("target", SERVICE + "-image-classpath.txt").toAbsolutePath();
        Files.writeString(argFile, rooted(Files.readString(inRoot(arg.substring(1))).strip()));
        command.add("@" + argFile);
      } else if (arg.startsWith("/app")) {
        command.add(rooted(arg));
      } else {
        command.add(arg);
      }
    }
    return command;
  }

  private static String rooted(String classPath) {
    return Arrays.stream(classPath.split(":")).map(element -> element.startsWith("/") ? inRoot(element).toString() : element)
        .collect(Collectors.joining(":"));
  }

  private static Path inRoot(String absolute) {
    return root.resolve(absolute.substring(1));
  }

  /** The repository the chart says it comes from (Chart.yaml's home). */
  static String chartHome() {
    return (String) RenderedChart.yaml(RenderedChart.CHART.resolve("Chart.yaml")).get("home");
  }

  private static int portOf(Container container, String name) {
    return container.getPorts().stream().filter(port -> name.equals(port.getName())).map(ContainerPort::getContainerPort)
        .findFirst().orElseThrow();
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
