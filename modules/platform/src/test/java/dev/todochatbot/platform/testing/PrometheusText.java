package dev.todochatbot.platform.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code /metrics} answer in the Prometheus text format, read as its samples: what a test asserts
 * on is then the name and labels Prometheus stores, not the Micrometer meter behind them.
 */
public record PrometheusText(List<Sample> samples) {

  public record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\S+)?$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  public static PrometheusText parse(String text) {
    return new PrometheusText(text.lines()
        .filter(line -> !line.isBlank() && !line.startsWith("#"))
        .map(PrometheusText::sample)
        .toList());
  }

  private static Sample sample(String line) {
    Matcher matcher = LINE.matcher(line.strip());
    if (!matcher.matches()) {
      throw new IllegalArgumentException("not a Prometheus sample line: " + line);
    }
    var labels = new LinkedHashMap<String, String>();
    if (matcher.group(2) != null) {
      Matcher label = LABEL.matcher(matcher.group(2));
      while (label.find()) {
        labels.put(label.group(1), label.group(2));
      }
    }
    return new Sample(matcher.group(1), Map.copyOf(labels), Double.parseDouble(matcher.group(3)));
  }

  /** The value of the one sample with this name whose labels include {@code labels}. */
  public Optional<Double> value(String name, Map<String, String> labels) {
    return samples.stream()
        .filter(sample -> sample.name().equals(name) && sample.labels().entrySet().containsAll(labels.entrySet()))
        .map(Sample::value)
        .findFirst();
  }

  public Optional<Double> value(String name) {
    return value(name, Map.of());
  }

  /** Every metric family's sample names ({@code x_bucket}, {@code x_count}, ... each on its own). */
  public java.util.Set<String> names() {
    return samples.stream().map(Sample::name).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
  }
}
