package dev.todochatbot.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * What the poms say about the images: the Jib configuration of the parent pom, which modules build an
 * image (jib.skip false) and with which ports, and the image names they give with a given set of -D
 * properties, resolved as Maven resolves ${...} (the command line over the module over the parent).
 */
final class Poms {

  static final Path ROOT_POM = ServiceImageTest.REPOSITORY.resolve("pom.xml");
  private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");

  private Poms() {}

  /** The modules whose image Jib builds, by artifactId. */
  static List<String> imageModules() {
    try (Stream<Path> modules = Files.list(ServiceImageTest.REPOSITORY.resolve("modules"))) {
      return modules.map(module -> module.resolve("pom.xml")).filter(Files::isRegularFile)
          .filter(pom -> "false".equals(properties(pom).get("jib.skip")))
          .map(pom -> text(project(pom), "artifactId").orElseThrow()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The ports the module's Jib configuration exposes. */
  static List<Integer> ports(String module) {
    var ports = new ArrayList<Integer>();
    jibConfiguration(project(modulePom(module)), "plugins").flatMap(config -> child(config, "container"))
        .flatMap(container -> child(container, "ports"))
        .ifPresent(list -> children(list, "port").forEach(port -> ports.add(Integer.parseInt(port.getTextContent().strip()))));
    return ports;
  }

  /**
   * A value of the parent's Jib configuration (a path of element names under configuration, such as
   * "to", "image"), resolved for {@code module} with {@code commandLine} -D properties.
   */
  static String jibValue(String module, Map<String, String> commandLine, String... path) {
    Element element = jibConfiguration(project(ROOT_POM), "pluginManagement").orElseThrow(
        () -> new AssertionError("the parent pom has no jib-maven-plugin in pluginManagement"));
    for (String name : path) {
      element = child(element, name).orElseThrow(() -> new AssertionError("the parent's Jib configuration has no " + String.join("/", path)));
    }
    return resolve(element.getTextContent().strip(), properties(module, commandLine));
  }

  static Path modulePom(String module) {
    return ServiceImageTest.REPOSITORY.resolve("modules").resolve(module).resolve("pom.xml");
  }

  static Map<String, String> properties(String module, Map<String, String> commandLine) {
    var properties = new HashMap<>(properties(ROOT_POM));
    properties.putAll(properties(modulePom(module)));
    properties.put("project.artifactId", module);
    properties.put("project.version", text(project(ROOT_POM), "version").orElseThrow());
    properties.put("project.basedir", modulePom(module).getParent().toString());
    properties.put("project.build.directory", modulePom(module).getParent().resolve("target").toString());
    properties.putAll(commandLine);
    return properties;
  }

  static Map<String, String> properties(Path pom) {
    var properties = new HashMap<String, String>();
    child(project(pom), "properties").ifPresent(list -> {
      for (Node node = list.getFirstChild(); node != null; node = node.getNextSibling()) {
        if (node instanceof Element property) {
          properties.put(property.getLocalName(), property.getTextContent().strip());
        }
      }
    });
    return properties;
  }

  static String resolve(String template, Map<String, String> properties) {
    String resolved = template;
    for (int depth = 0; depth < 10 && resolved.contains("${"); depth++) {
      Matcher matcher = PROPERTY.matcher(resolved);
      var out = new StringBuilder();
      while (matcher.find()) {
        String value = properties.get(matcher.group(1));
        if (value == null) {
          throw new AssertionError("${" + matcher.group(1) + "} in '" + template + "' is defined nowhere");
        }
        matcher.appendReplacement(out, Matcher.quoteReplacement(value));
      }
      matcher.appendTail(out);
      resolved = out.toString();
    }
    return resolved;
  }

  private static Optional<Element> jibConfiguration(Element project, String section) {
    var build = child(project, "build");
    var plugins = section.equals("pluginManagement") ? build.flatMap(b -> child(b, "pluginManagement")).flatMap(m -> child(m, "plugins"))
        : build.flatMap(b -> child(b, "plugins"));
    return plugins.stream().flatMap(list -> children(list, "plugin").stream())
        .filter(plugin -> text(plugin, "artifactId").orElse("").equals("jib-maven-plugin")).findFirst()
        .flatMap(plugin -> child(plugin, "configuration"));
  }

  private static Element project(Path pom) {
    try {
      var factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      return factory.newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + pom, e);
    }
  }

  private static Optional<String> text(Element parent, String name) {
    return child(parent, name).map(element -> element.getTextContent().strip());
  }

  private static Optional<Element> child(Element parent, String name) {
    return children(parent, name).stream().findFirst();
  }

  private static List<Element> children(Element parent, String name) {
    var found = new ArrayList<Element>();
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element && name.equals(element.getLocalName())) {
        found.add(element);
      }
    }
    return found;
  }
}
