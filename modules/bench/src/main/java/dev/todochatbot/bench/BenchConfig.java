package dev.todochatbot.bench;

import java.nio.file.Path;
import java.util.Map;

/**
 * The benchmark's settings, from the environment. The defaults are the full-size run of
 * {@code make bench}; smaller values make a quick run while developing, for example
 * {@code BENCH_ACCOUNTS=10 BENCH_TASKS_PER_ACCOUNT=500 BENCH_USERS=50 BENCH_USERS_SECONDS=10
 * BENCH_CAPACITY_SECONDS=3}.
 *
 * @param systemJar the all-in-one jar to start ({@code BENCH_SYSTEM_JAR})
 * @param outputDir where summary.json, report.html, query-plans.md and the system's log go
 * @param accounts accounts signed up through the API ({@code BENCH_ACCOUNTS}, 100)
 * @param tasksPerAccount tasks seeded by SQL for each account ({@code BENCH_TASKS_PER_ACCOUNT}, 10,000)
 * @param users simulated signed-in users of the "users" scenario; user i signs in as account
 *     i mod accounts, so 1,000 users over 100 accounts are 10 sessions each ({@code BENCH_USERS}, 1,000)
 * @param usersSeconds measured duration of the "users" scenario ({@code BENCH_USERS_SECONDS}, 60)
 * @param usersWarmupSeconds not recorded, before it, people arriving over its first three quarters
 *     ({@code BENCH_USERS_WARMUP_SECONDS}, 30)
 * @param capacityConnections closed-loop connections of the "capacity" scenario
 *     ({@code BENCH_CAPACITY_CONNECTIONS}, 64)
 * @param capacitySeconds measured duration per request kind ({@code BENCH_CAPACITY_SECONDS}, 20)
 * @param capacityWarmupSeconds not recorded, before each kind ({@code BENCH_CAPACITY_WARMUP_SECONDS}, 5)
 */
record BenchConfig(Path systemJar, Path outputDir, int accounts, int tasksPerAccount, int users, int usersSeconds,
    int usersWarmupSeconds, int capacityConnections, int capacitySeconds, int capacityWarmupSeconds) {

  static BenchConfig fromEnv(Map<String, String> env) {
    return new BenchConfig(
        Path.of(env.getOrDefault("BENCH_SYSTEM_JAR", "modules/standalone/target/standalone-0.1.0-SNAPSHOT-all.jar")),
        Path.of(env.getOrDefault("BENCH_OUTPUT_DIR", "target/bench")),
        positive(env, "BENCH_ACCOUNTS", 100),
        positive(env, "BENCH_TASKS_PER_ACCOUNT", 10_000),
        positive(env, "BENCH_USERS", 1_000),
        positive(env, "BENCH_USERS_SECONDS", 60),
        positive(env, "BENCH_USERS_WARMUP_SECONDS", 30),
        positive(env, "BENCH_CAPACITY_CONNECTIONS", 64),
        positive(env, "BENCH_CAPACITY_SECONDS", 20),
        positive(env, "BENCH_CAPACITY_WARMUP_SECONDS", 5));
  }

  private static int positive(Map<String, String> env, String name, int fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.strip());
      if (parsed > 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a whole number above 0, not '" + value + "'");
  }
}
