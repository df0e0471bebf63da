package dev.todochatbot.daprit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every YAML document under a {@code dapr/} directory, parsed, plus the files that could not be
 * parsed. The directory is a parameter so that tests can point it at a broken copy.
 */
final class DaprFiles {

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One YAML document (a file may hold several, separated by {@code ---}). */
  record Document(Path file, JsonNode node) {

    String kind() {
      return node.path("kind").asText("");
    }

    String name() {
      return node.path("metadata").path("name").asText("");
    }
  }

  private final Path daprDir;
  private final List<Document> documents;
  private final List<String> unreadable;

  private DaprFiles(Path daprDir, List<Document> documents, List<String> unreadable) {
    this.daprDir = daprDir;
    this.documents = documents;
    this.unreadable = unreadable;
  }

  /** Reads every {@code .yaml}/{@code .yml} file under {@code daprDir}, at any depth. */
  static DaprFiles load(Path daprDir) throws IOException {
    Path dir = daprDir.toAbsolutePath().normalize();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile)
          .filter(f -> f.getFileName().toString().endsWith(".yaml") || f.getFileName().toString().endsWith(".yml"))
          .sorted()
          .toList();
    }
    List<Document> documents = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    for (Path file : files) {
      List<Document> inFile = new ArrayList<>();
      try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
        while (docs.hasNextValue()) {
          JsonNode node = docs.nextValue();
          if (node != null && node.isObject()) {
            inFile.add(new Document(file, node));
          } else if (node != null && !node.isNull() && !node.isMissingNode()) {
            unreadable.add(relative(dir.getParent(), file) + ": a document is not a YAML mapping; each must be an object with"
                + " apiVersion/kind (or the run file's version/apps)");
          }
        }
        documents.addAll(inFile);
      } catch (IOException | RuntimeException e) {
        unreadable.add(relative(dir.getParent(), file) + ": not valid YAML (" + firstLine(e.getMessage()) + "); fix the syntax");
      }
    }
    return new DaprFiles(dir, List.copyOf(documents), List.copyOf(unreadable));
  }

  /** The repository root: the nearest directory above the working directory holding dapr/ and modules/. */
  static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isDirectory(dir.resolve("dapr")) && Files.isDirectory(dir.resolve("modules"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("no directory holding dapr/ and modules/ above " + Path.of("").toAbsolutePath());
  }

  Path daprDir() {
    return daprDir;
  }

  /** The directory that holds dapr/ (the repository root for the real tree). */
  Path root() {
    return daprDir.getParent();
  }

  List<Document> documents() {
    return documents;
  }

  List<String> unreadable() {
    return unreadable;
  }

  /** {@code path} as written in messages: relative to the directory that holds dapr/. */
  String show(Path path) {
    return relative(root(), path);
  }

  /** A JSON file under dapr/, or null when it does not exist or cannot be parsed. */
  JsonNode json(String name) {
    Path file = daprDir.resolve(name);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      return null;
    }
  }

  private static String relative(Path base, Path path) {
    return base.relativize(path.toAbsolutePath().normalize()).toString().replace('\\', '/');
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no detail";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
