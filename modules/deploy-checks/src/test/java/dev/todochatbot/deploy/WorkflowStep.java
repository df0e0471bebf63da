package dev.todochatbot.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One step of a workflow in .github/workflows, run here as the runner runs it (bash -eo pipefail,
 * from the repository root, with the workflow's, the job's and the step's env), the ${{ }}
 * expressions of its env given by the test, and the tools it calls (mvn, helm) replaced by stubs
 * that record their arguments. What the step writes to $GITHUB_OUTPUT is its outputs.
 */
record WorkflowStep(String workflow, String job, Map<String, Object> step, Map<String, Object> env) {

  private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{\\s*(.+?)\\s*}}");

  /** What a run left: the step's outputs and, per stubbed tool, the arguments of its last call. */
  record Run(Map<String, String> outputs, Map<String, List<String>> calls) {

    List<String> call(String tool) {
      var arguments = calls.get(tool);
      if (arguments == null) {
        throw new AssertionError("the step never called " + tool);
      }
      return arguments;
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> workflow(String file) {
    return RenderedChart.yaml(ServiceImageTest.REPOSITORY.resolve(".github/workflows").resolve(file));
  }

  @SuppressWarnings("unchecked")
  static WorkflowStep named(String file, String job, String name) {
    Map<String, Object> workflow = workflow(file);
    var jobDefinition = (Map<String, Object>) ((Map<String, Object>) workflow.get("jobs")).get(job);
    var step = ((List<Map<String, Object>>) jobDefinition.get("steps")).stream()
        .filter(candidate -> name.equals(candidate.get("name"))).findFirst()
        .orElseThrow(() -> new AssertionError(file + " has no step '" + name + "' in job " + job));
    var env = new LinkedHashMap<String, Object>();
    for (var scope : List.of(workflow, jobDefinition, step)) {
      env.putAll((Map<String, Object>) scope.getOrDefault("env", Map.of()));
    }
    return new WorkflowStep(file, job, step, env);
  }

  /**
   * Runs the step's script. {@code expressions}: the value of each ${{ }} expression its env uses (one
   * the test does not give fails); {@code github}: the runner's GITHUB_* variables.
   */
  Run run(Map<String, String> expressions, Map<String, String> github, List<String> stubs, Path dir)
      throws IOException, InterruptedException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path calls = Files.createDirectories(dir.resolve("calls"));
    for (String tool : stubs) {
      Path stub = bin.resolve(tool);
      Files.writeString(stub, "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$STUB_CALLS/" + tool + "\"\n");
      Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Path output = dir.resolve("github-output");
    Files.writeString(output, "");

    var process = new ProcessBuilder("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", (String) step.get("run"))
        .directory(ServiceImageTest.REPOSITORY.toFile()).redirectErrorStream(true);
    var environment = process.environment();
    environment.putAll(github);
    env.forEach((name, value) -> environment.put(name, substitute(String.valueOf(value), expressions)));
    environment.put("GITHUB_OUTPUT", output.toString());
    environment.put("STUB_CALLS", calls.toString());
    environment.put("PATH", bin + ":" + System.getenv("PATH"));
    Process running = process.start();
    String printed = new String(running.getInputStream().readAllBytes());
    if (!running.waitFor(30, TimeUnit.SECONDS) || running.exitValue() != 0) {
      throw new AssertionError(workflow + " step '" + step.get("name") + "' failed:\n" + printed);
    }

    var outputs = new HashMap<String, String>();
    for (String line : Files.readAllLines(output)) {
      int equals = line.indexOf('=');
      if (equals > 0) {
        outputs.put(line.substring(0, equals), line.substring(equals + 1));
      }
    }
    var recorded = new HashMap<String, List<String>>();
    for (String tool : stubs) {
      Path call = calls.resolve(tool);
      if (Files.exists(call)) {
        recorded.put(tool, List.copyOf(Files.readAllLines(call)));
      }
    }
    return new Run(outputs, recorded);
  }

  private String substitute(String value, Map<String, String> expressions) {
    Matcher matcher = EXPRESSION.matcher(value);
    var out = new StringBuilder();
    while (matcher.find()) {
      String known = expressions.get(matcher.group(1));
      if (known == null) {
        throw new AssertionError(workflow + " step '" + step.get("name") + "' uses ${{ " + matcher.group(1)
            + " }}, which this test does not give a value");
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(known));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  /** The values of {@code -Dname=value} options among a tool's arguments. */
  static Map<String, String> systemProperties(List<String> arguments) {
    var properties = new LinkedHashMap<String, String>();
    arguments.stream().filter(argument -> argument.startsWith("-D") && argument.contains("="))
        .forEach(argument -> properties.put(argument.substring(2, argument.indexOf('=')), argument.substring(argument.indexOf('=') + 1)));
    return properties;
  }

  /** Every value following {@code option} among a tool's arguments ({@code --set a=b --set c=d}). */
  static List<String> optionValues(List<String> arguments, String option) {
    var values = new ArrayList<String>();
    for (int i = 0; i < arguments.size() - 1; i++) {
      if (arguments.get(i).equals(option)) {
        values.add(arguments.get(i + 1));
      }
    }
    return values;
  }
}
