package dev.todochatbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One image name everywhere: what the poms build, what `make images` and release.yml build and
 * push, and what the chart (as deploy.yml installs it, as minikube loads it) runs. The workflow steps
 * and the Makefile are run, with mvn and helm replaced by stubs that record their arguments.
 */
class ImageNamesTest {

  private static final String OWNER_REPO = "Example-Fork/Todo-Chatbot";
  private static final String RELEASE_TAG = "v1.2.3";
  private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

  @TempDir
  Path dir;

  /** The services the chart deploys, in values.yaml. */
  private static List<String> chartServices() {
    @SuppressWarnings("unchecked")
    var services = (Map<String, Object>) RenderedChart.yaml(RenderedChart.CHART.resolve("values.yaml")).get("services");
    return services.keySet().stream().sorted().toList();
  }

  @SuppressWarnings("unchecked")
  private static List<String> releaseMatrix() {
    var job = (Map<String, Object>) ((Map<String, Object>) WorkflowStep.workflow("release.yml").get("jobs")).get("image");
    var matrix = (Map<String, Object>) ((Map<String, Object>) job.get("strategy")).get("matrix");
    return ((List<String>) matrix.get("service")).stream().sorted().toList();
  }

  private static Map<String, String> images(RenderedChart chart) {
    var images = new LinkedHashMap<String, String>();
    for (Deployment deployment : chart.deployments()) {
      images.put(deployment.getMetadata().getName(), deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    }
    return images;
  }

  /** The image Jib names for {@code module} with these -D properties: the parent pom's to.image. */
  private static String jibImage(String module, Map<String, String> commandLine) {
    return Poms.jibValue(module, commandLine, "to", "image");
  }

  @Test
  void everyServiceOfTheChartHasAnImageModuleAndAReleaseJobAndNothingElseHas() {
    assertThat(Poms.imageModules()).as("modules with jib.skip false").containsExactlyElementsOf(chartServices());
    assertThat(releaseMatrix()).as("release.yml's image matrix").containsExactlyElementsOf(chartServices());
  }

  @Test
  void eachImageExposesItsServicesContainerPorts() {
    var chart = RenderedChart.of("values.yaml");

    for (String service : chartServices()) {
      var container = chart.deployments().stream().filter(deployment -> deployment.getMetadata().getName().equals(service))
          .findFirst().orElseThrow().getSpec().getTemplate().getSpec().getContainers().get(0);
      assertThat(Poms.ports(service)).as("%s's Jib ports", service)
          .containsExactlyInAnyOrderElementsOf(container.getPorts().stream().map(ContainerPort::getContainerPort).toList());
    }
  }

  @Test
  void deployInstallsTheImagesReleasePushed() throws Exception {
    var pushed = new LinkedHashMap<String, String>();
    for (String service : releaseMatrix()) {
      Map<String, String> github = Map.of("GITHUB_REPOSITORY", OWNER_REPO, "GITHUB_REF_NAME", RELEASE_TAG,
          "GITHUB_SHA", SHA, "GITHUB_SERVER_URL", "https://github.com");
      var name = WorkflowStep.named("release.yml", "image", "Image name")
          .run(Map.of("matrix.service", service), github, List.of(), dir.resolve(service + "-name"));
      var build = WorkflowStep.named("release.yml", "image", "Build and push the image with Jib")
          .run(Map.of("matrix.service", service, "steps.image.outputs.registry", name.outputs().getOrDefault("registry", ""),
              "steps.image.outputs.name", name.outputs().getOrDefault("name", "")), github, List.of("mvn"), dir.resolve(service + "-build"));
      List<String> mvn = build.call("mvn");
      var properties = WorkflowStep.systemProperties(mvn);

      assertThat(mvn).as("release.yml's Maven call for %s", service).contains("jib:build")
          .containsSequence("-pl", "modules/" + service);
      assertThat(properties).as("release.yml's -D options").containsEntry("jib.to.tags", SHA);
      String image = jibImage(service, properties);
      assertThat(image).as("the image release.yml pushes").isEqualTo(name.outputs().get("name") + ":" + RELEASE_TAG)
          .as("registries refuse upper case in names").isEqualTo(image.toLowerCase(Locale.ROOT));
      pushed.put(service, image);
    }

    var helm = WorkflowStep.named("deploy.yml", "deploy", "helm upgrade --install")
        .run(Map.of("inputs.tag || github.event.release.tag_name", RELEASE_TAG, "vars.PUBLIC_URL", "https://todo.example.com"),
            Map.of("GITHUB_REPOSITORY", OWNER_REPO), List.of("helm"), dir.resolve("deploy")).call("helm");
    RenderedChart installed = renderAsHelmWasCalled(helm);

    assertThat(images(installed)).as("the images deploy.yml installs").containsExactlyInAnyOrderEntriesOf(pushed);
  }

  @Test
  void valuesYamlNamesTheImagesReleasePushesForTheChartsOwnRepository() throws Exception {
    String ownerRepo = ServiceImageTest.chartHome().replaceFirst("^https://github\\.com/", "");
    var name = WorkflowStep.named("release.yml", "image", "Image name")
        .run(Map.of("matrix.service", "edge"), Map.of("GITHUB_REPOSITORY", ownerRepo), List.of(), dir);

    assertThat(RenderedChart.yaml(RenderedChart.CHART.resolve("values.yaml")).get("imageRegistry"))
        .as("values.yaml's imageRegistry, for %s", ownerRepo).isEqualTo(name.outputs().get("registry"));
  }

  @Test
  void makeImagesBuildsTarsForMinikubeNamedAsValuesMinikubeNamesThem() throws Exception {
    List<String> mvn = makeImages("TAG=dev-1");
    var properties = WorkflowStep.systemProperties(mvn);
    var chart = RenderedChart.render("values-minikube.yaml", command -> command.set("imageTag", "dev-1"));

    assertThat(mvn).contains("jib:buildTar");
    assertThat(modules(mvn)).as("the modules make images builds").containsExactlyInAnyOrderElementsOf(chartServices());
    for (String service : chartServices()) {
      assertThat(jibImage(service, properties)).as("the image make images builds").isEqualTo(images(chart).get(service));
      assertThat(Path.of(Poms.jibValue(service, properties, "outputPaths", "tar")).normalize()).as("its tar, which minikube loads")
          .isEqualTo(ServiceImageTest.REPOSITORY.resolve("target/images/" + service + ".tar"));
    }
  }

  @Test
  void makeImagesWithARegistryPushesWhatTheChartInstallsFromThatRegistry() throws Exception {
    List<String> mvn = makeImages("REGISTRY=registry.example.com/team/todo", "TAG=2.0.0");
    var properties = WorkflowStep.systemProperties(mvn);
    var chart = RenderedChart.render("values.yaml", command -> command.set("imageRegistry", "registry.example.com/team/todo")
        .set("imageTag", "2.0.0"));

    assertThat(mvn).contains("jib:build").doesNotContain("jib:buildTar");
    for (String service : chartServices()) {
      assertThat(jibImage(service, properties)).as("the image make images pushes").isEqualTo(images(chart).get(service));
    }
  }

  @Test
  void schemaRefusesAnImageRegistryWithCapitalsWhichNoRegistryAccepts() {
    assertThatThrownBy(() -> RenderedChart.render("values.yaml", command -> command.set("imageRegistry", "ghcr.io/" + OWNER_REPO)))
        .hasMessageContaining("imageRegistry");
  }

  /** The Maven command `make -n images` prints (make's dry run), split into arguments. */
  private List<String> makeImages(String... variables) throws IOException, InterruptedException {
    var command = new ArrayList<>(List.of("make", "--no-print-directory", "-n", "images"));
    command.addAll(List.of(variables));
    var builder = new ProcessBuilder(command).directory(ServiceImageTest.REPOSITORY.toFile()).redirectErrorStream(true);
    // a make test that runs this must not pass its own flags (or -n) down
    builder.environment().keySet().removeAll(List.of("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "TAG", "REGISTRY", "PLATFORM"));
    Process make = builder.start();
    String printed = new String(make.getInputStream().readAllBytes());
    assertThat(make.waitFor(30, TimeUnit.SECONDS) && make.exitValue() == 0).as("make -n images:\n%s", printed).isTrue();
    String mavenLine = printed.replace("\\\n", " ").lines().filter(line -> line.contains("jib:")).findFirst()
        .orElseThrow(() -> new AssertionError("make -n images runs no Jib goal:\n" + printed));
    return Arrays.stream(mavenLine.strip().split("\\s+")).toList();
  }

  private static List<String> modules(List<String> mvn) {
    return Arrays.stream(mvn.get(mvn.indexOf("-pl") + 1).split(",")).map(module -> module.replaceFirst("^modules/", "")).toList();
  }

  /** The chart rendered with the values file and --set options helm was called with. */
  private static RenderedChart renderAsHelmWasCalled(List<String> helm) {
    assertThat(helm.subList(0, 2)).containsExactly("upgrade", "--install");
    List<String> valuesFiles = WorkflowStep.optionValues(helm, "--values");
    assertThat(valuesFiles).hasSize(1);
    String valuesFile = Path.of(valuesFiles.get(0)).getFileName().toString();
    UnaryOperator<TemplateCommand> sets = command -> {
      for (String option : List.of("--set", "--set-string")) {
        for (String assignment : WorkflowStep.optionValues(helm, option)) {
          command.set(assignment.substring(0, assignment.indexOf('=')), assignment.substring(assignment.indexOf('=') + 1));
        }
      }
      return command;
    };
    return RenderedChart.render(valuesFile, sets);
  }
}
