package dev.todochatbot.bench;

import dev.todochatbot.daprd.DaprdBinary;
import dev.todochatbot.platform.Env;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

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
 * @param sidecars the sidecars to measure the system beside, one fresh system each, in this order
 *     ({@code BENCH_SIDECAR}: {@code devsidecar}, {@code daprd} or both comma-separated; both when
 *     {@code make daprd} has built daprd, else the devsidecar alone); the first gets the whole benchmark,
 *     the others the scenarios compared side by side
 * @param sidecarNote why a sidecar of the default is missing, for the summary
 * @param writesPerSecond creates, updates and completions a second offered in the write window, where
 *     CPU per write is measured ({@code BENCH_WRITES_PER_SECOND}, 200)
 * @param writesSeconds how long the write window offers them ({@code BENCH_WRITES_SECONDS}, 20)
 * @param writesWarmupSeconds the same writes before it, not counted ({@code BENCH_WRITES_WARMUP_SECONDS}, 5)
 * @param writesIdleSeconds how long the CPU of the idle system is measured just before the window, to tell
 *     the writes' own cost from what it spends doing nothing ({@code BENCH_WRITES_IDLE_SECONDS}, 10)
 */
record BenchConfig(Path systemJar, Path outputDir, int accounts, int tasksPerAccount, int users, int usersSeconds,
    int usersWarmupSeconds, int capacityConnections, int capacitySeconds, int capacityWarmupSeconds,
    List<String> sidecars, Optional<String> sidecarNote, int writesPerSecond, int writesSeconds,
    int writesWarmupSeconds, int writesIdleSeconds) {

  static final String DEVSIDECAR = "devsidecar";
  static final String DAPRD = "daprd";

  static BenchConfig fromEnv(Map<String, String> env) {
    Optional<DaprdBinary> daprd = DaprdBinary.find(new Env(env));
    String whyNoDaprd = DaprdBinary.whyMissing(new Env(env));
    List<String> sidecars = sidecars(env.get("BENCH_SIDECAR"), daprd.isPresent(), whyNoDaprd);
    Optional<String> note = env.getOrDefault("BENCH_SIDECAR", "").isBlank() && daprd.isEmpty()
        ? Optional.of("devsidecar only: " + whyNoDaprd)
        : Optional.empty();
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
        positive(env, "BENCH_CAPACITY_WARMUP_SECONDS", 5),
        sidecars, note,
        positive(env, "BENCH_WRITES_PER_SECOND", 200),
        positive(env, "BENCH_WRITES_SECONDS", 20),
        positive(env, "BENCH_WRITES_WARMUP_SECONDS", 5),
        positive(env, "BENCH_WRITES_IDLE_SECONDS", 10));
  }

  /**
   * {@code BENCH_SIDECAR} read: unset, both sidecars when daprd is built and the devsidecar alone when not;
   * naming daprd without it built is an error that says how to build it.
   */
  static List<String> sidecars(String value, boolean daprdBuilt, String whyNoDaprd) {
    if (value == null || value.isBlank()) {
      return daprdBuilt ? List.of(DEVSIDECAR, DAPRD) : List.of(DEVSIDECAR);
    }
    var sidecars = new ArrayList<String>();
    for (String part : value.split(",")) {
      String sidecar = part.strip().toLowerCase(Locale.ROOT);
      if (!sidecar.equals(DEVSIDECAR) && !sidecar.equals(DAPRD)) {
        throw new IllegalArgumentException("BENCH_SIDECAR must be devsidecar, daprd or both comma-separated, not '"
            + value + "'");
      }
      if (!sidecars.contains(sidecar)) {
        sidecars.add(sidecar);
      }
    }
    if (sidecars.contains(DAPRD) && !daprdBuilt) {
      throw new IllegalStateException("BENCH_SIDECAR asks for daprd: " + whyNoDaprd);
    }
    return List.copyOf(sidecars);
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
