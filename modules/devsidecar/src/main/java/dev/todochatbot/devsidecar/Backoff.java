package dev.todochatbot.devsidecar;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The redelivery backoff of a pub/sub component (dapr/kit {@code retry.Config}): {@code backOffPolicy}
 * constant (default, {@code backOffDuration} 5s) or exponential ({@code backOffInitialInterval} 500ms,
 * {@code backOffMultiplier} 1.5, {@code backOffRandomizationFactor} 0.5, {@code backOffMaxInterval} 60s,
 * {@code backOffMaxElapsedTime} 15m), and {@code backOffMaxRetries} (-1, the default, is unlimited).
 */
record Backoff(boolean exponential, Duration duration, long maxRetries, Duration initialInterval,
    Duration maxInterval, double multiplier, double randomization, Duration maxElapsed) {

  static Backoff of(Component c) {
    String policy = c.get("backOffPolicy", "constant").toLowerCase(Locale.ROOT);
    if (!policy.equals("constant") && !policy.equals("exponential")) {
      throw c.invalid("backOffPolicy", policy, "constant or exponential");
    }
    return new Backoff(policy.equals("exponential"),
        duration(c, "backOffDuration", "5s"),
        number(c, "backOffMaxRetries", -1),
        duration(c, "backOffInitialInterval", "500ms"),
        duration(c, "backOffMaxInterval", "60s"),
        decimal(c, "backOffMultiplier", 1.5),
        decimal(c, "backOffRandomizationFactor", 0.5),
        duration(c, "backOffMaxElapsedTime", "15m"));
  }

  /**
   * The wait before retry number {@code failures} (1 after the first failed attempt), or empty when
   * the retries are used up.
   */
  Optional<Duration> next(int failures, Duration elapsed) {
    if (maxRetries >= 0 && failures > maxRetries) {
      return Optional.empty();
    }
    if (!exponential) {
      return Optional.of(duration);
    }
    if (!maxElapsed.isZero() && elapsed.compareTo(maxElapsed) > 0) {
      return Optional.empty();
    }
    double interval = Math.min(initialInterval.toMillis() * Math.pow(multiplier, failures - 1.0), maxInterval.toMillis());
    double delta = randomization * interval;
    double randomized = interval - delta + ThreadLocalRandom.current().nextDouble() * (2 * delta + 1);
    return Optional.of(Duration.ofMillis(Math.max(0, Math.round(randomized))));
  }

  private static Duration duration(Component c, String key, String defaultValue) {
    String value = c.get(key, defaultValue);
    try {
      return GoDuration.parse(value);
    } catch (IllegalArgumentException e) {
      throw c.invalid(key, value, "a Go duration such as 500ms, 5s or 1m");
    }
  }

  private static long number(Component c, String key, long defaultValue) {
    String value = c.get(key, String.valueOf(defaultValue));
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw c.invalid(key, value, "a whole number");
    }
  }

  private static double decimal(Component c, String key, double defaultValue) {
    String value = c.get(key, String.valueOf(defaultValue));
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw c.invalid(key, value, "a number");
    }
  }
}
