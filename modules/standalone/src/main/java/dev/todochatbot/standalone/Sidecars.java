package dev.todochatbot.standalone;

import dev.todochatbot.daprd.AppIdLock;
import dev.todochatbot.daprd.Daprd;
import dev.todochatbot.daprd.DaprdBinary;
import dev.todochatbot.daprd.NameResolution;
import dev.todochatbot.daprd.Sentry;
import dev.todochatbot.devsidecar.AppDirectory;
import dev.todochatbot.devsidecar.DevSidecar;
import dev.todochatbot.devsidecar.DevSidecarConfig;
import dev.todochatbot.platform.Env;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the sidecar of each app {@link Main} runs: {@code SIDECAR=devsidecar} (the default, nothing to
 * install) or {@code SIDECAR=daprd} (the real runtime, built by {@code make daprd}). Each sidecar gets the two
 * tokens daprd would be given, made anew for each start and each app and never written anywhere.
 */
abstract sealed class Sidecars implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Sidecars.class);

  static final String DEVSIDECAR = "devsidecar";
  static final String DAPRD = "daprd";

  /** Which sidecar: {@code devsidecar} or {@code daprd}. */
  abstract String kind();

  /** One app's sidecar, delivering to {@code appPort}; completes when it can serve the app's calls. */
  abstract Future<AppSidecar> start(String appId, int appPort);

  /** Releases what the sidecars shared, after each was closed. */
  @Override
  public abstract void close();

  static Sidecars of(String kind, Vertx vertx, Env env, Path dataDir, List<Path> resources, Optional<String> brokers,
      Path secretsFile) {
    return switch (kind) {
      case DEVSIDECAR -> new Dev(vertx, env, resources, brokers, secretsFile);
      case DAPRD -> Real.start(vertx, env, dataDir, resources, brokers);
      default -> throw new IllegalArgumentException("SIDECAR is " + kind + ": it must be " + DEVSIDECAR
          + " (the in-JVM stand-in, the default) or " + DAPRD + " (real daprd processes, built by make daprd)");
    };
  }

  /**
   * Where the secret store of this kind of sidecar reads: the devsidecar is told the file; daprd loads
   * dapr/components/secretstore.yaml unchanged, whose {@code secretsFile} is {@code ../../../dapr/secrets.json}
   * relative to the sidecar's working directory, so each daprd runs in {@code DATA_DIR/daprd/modules/<app>/target}
   * (the layout of a checkout, as under {@code dapr run -f dapr/dapr.yaml}) and the file is
   * {@code DATA_DIR/daprd/dapr/secrets.json}.
   */
  static Path secretsFile(String kind, Path dataDir) {
    return switch (kind) {
      case DAPRD -> Real.root(dataDir).resolve("dapr").resolve("secrets.json");
      default -> dataDir.resolve("secrets.json");
    };
  }

  /** The in-JVM stand-in, one per app, finding each other through one directory. */
  static final class Dev extends Sidecars {

    private final Vertx vertx;
    private final Env env;
    private final List<Path> resources;
    private final Optional<String> brokers;
    private final Map<String, String> overrides;
    private final AppDirectory apps = new AppDirectory();
    /** The first sidecar's app of each app id, for the directories of replicas. */
    private final Map<String, AppDirectory.AppAddress> primaries = new java.util.concurrent.ConcurrentHashMap<>();

    Dev(Vertx vertx, Env env, List<Path> resources, Optional<String> brokers, Path secretsFile) {
      this.vertx = vertx;
      this.env = env;
      this.resources = resources;
      this.brokers = brokers;
      this.overrides = Map.of("secretstore.secretsFile", secretsFile.toAbsolutePath().toString());
    }

    @Override
    String kind() {
      return DEVSIDECAR;
    }

    @Override
    Future<AppSidecar> start(String appId, int appPort) {
      var config = DevSidecarConfig.of(appId, 0, appPort, resources, brokers, overrides)
          .withTokens(Optional.of(Main.randomToken()), Optional.of(Main.randomToken()));
      // a replica's sidecar registers its app in a directory of its own, so that the app id's first
      // address stays what the others invoke, also after the replica stops (and unregisters)
      AppDirectory directory = apps;
      if (primaries.putIfAbsent(appId, new AppDirectory.AppAddress("127.0.0.1", appPort, config.appToken())) != null) {
        directory = new AppDirectory();
        for (var primary : primaries.entrySet()) {
          directory.register(primary.getKey(), primary.getValue().host(), primary.getValue().port(),
              primary.getValue().appToken());
        }
      }
      return DevSidecar.start(vertx, config, directory, name -> env.optional(name).orElse(null))
          .map(AppSidecar.Dev::new);
    }

    @Override
    public void close() {}
  }

  /**
   * Real daprd processes in self-hosted mode, one per app (and per replica), loading the same
   * dapr/components, dapr/resiliency and dapr/config.yaml as {@code dapr run -f dapr/dapr.yaml}. The topology
   * holds the machine's {@link AppIdLock} while it runs: the sidecars find each other by mDNS.
   *
   * <p>With {@code DAPRD_MTLS} (on by default where tools/daprd/build-sentry.sh has built Sentry) a {@link Sentry}
   * gives every sidecar its identity, the sidecars speak mTLS to each other, and each enforces its app's
   * {@link AccessControl} list as the chart's Configurations do; without Sentry there is no identity a list could
   * name, so there is no list either, and any sidecar may invoke any app, as under {@code dapr run}.
   */
  static final class Real extends Sidecars {

    private static final Duration OUTBOUND = Duration.ofSeconds(60);
    private static final Duration SENTRY_READY = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final DaprdBinary binary;
    private final Path root;
    private final List<Path> resources;
    private final Optional<Path> config;
    private final Map<String, String> environment;
    private final Optional<Duration> blockShutdown;
    private final AppIdLock lock;
    private final Optional<Sentry> sentry;
    /** Each app's access-control Configuration, written once at start (replicas share their app's); none without mTLS. */
    private final Map<String, Path> accessControl;
    private final ConsumerGroups groups;
    private final Map<String, AtomicInteger> replicas = new java.util.concurrent.ConcurrentHashMap<>();

    private Real(Vertx vertx, DaprdBinary binary, Path root, List<Path> resources, Optional<Path> config,
        Map<String, String> environment, Optional<Duration> blockShutdown, AppIdLock lock, Optional<Sentry> sentry,
        Map<String, Path> accessControl, ConsumerGroups groups) {
      this.vertx = vertx;
      this.binary = binary;
      this.root = root;
      this.resources = resources;
      this.config = config;
      this.environment = environment;
      this.blockShutdown = blockShutdown;
      this.lock = lock;
      this.sentry = sentry;
      this.accessControl = Map.copyOf(accessControl);
      this.groups = groups;
    }

    static Path root(Path dataDir) {
      return dataDir.resolve("daprd").toAbsolutePath();
    }

    static Real start(Vertx vertx, Env env, Path dataDir, List<Path> resources, Optional<String> brokers) {
      DaprdBinary binary = DaprdBinary.require(env);
      String bootstrap = brokers.orElseThrow(() -> new IllegalStateException("SIDECAR=daprd needs a Kafka broker"));
      Optional<Path> config = Optional.of(Main.configFile(env, dataDir));
      // the components read the broker with envRef, as they do under dapr run -f
      Map<String, String> environment = Map.of("KAFKA_BROKERS", bootstrap);
      Optional<Duration> blockShutdown = Optional.ofNullable(env.getDuration("DAPRD_BLOCK_SHUTDOWN", null));
      Optional<Path> sentryBinary = mtlsSentry(env);
      NameResolution.whyMdnsCannotWork().ifPresent(why -> {
        throw new IllegalStateException(why);
      });
      AppIdLock lock = AppIdLock.acquire(env, env.getDuration("DAPRD_LOCK_PATIENCE", Duration.ofMinutes(10)));
      Optional<Sentry> sentry = Optional.empty();
      try {
        // under the lock: its directory is this topology's
        sentry = sentryBinary.map(path -> Sentry.start(path, root(dataDir).resolve("sentry"), SENTRY_READY));
        Map<String, Path> accessControl = sentry.isEmpty() ? Map.of() : AccessControl.CALLERS.keySet().stream()
            .collect(Collectors.toMap(appId -> appId, appId -> AccessControl.write(root(dataDir).resolve("config"), appId)));
        return new Real(vertx, binary, root(dataDir), resources, config, environment, blockShutdown, lock, sentry,
            accessControl, new ConsumerGroups(bootstrap));
      } catch (RuntimeException e) {
        sentry.ifPresent(Sentry::close);
        lock.close();
        throw e;
      }
    }

    /**
     * Sentry's executable when the sidecars are to speak mTLS: {@code DAPRD_MTLS=true} needs it, {@code false}
     * does without, unset uses it when it is built (and says so when it is not: no access control then).
     */
    static Optional<Path> mtlsSentry(Env env) {
      Optional<Path> found = Sentry.find(env);
      Optional<String> wanted = env.optional("DAPRD_MTLS");
      if (wanted.isEmpty()) {
        if (found.isEmpty()) {
          log.warn("The sidecars run without mTLS, so without access-control lists: any of them may invoke any app"
              + " ({}; DAPRD_MTLS=false says this is meant)", Sentry.whyMissing(env));
        }
        return found;
      }
      return switch (wanted.get()) {
        case "true" -> Optional.of(found.orElseThrow(() -> new IllegalStateException("DAPRD_MTLS=true: "
            + Sentry.whyMissing(env))));
        case "false" -> Optional.empty();
        default -> throw new IllegalArgumentException("DAPRD_MTLS is " + wanted.get() + ": it must be true or false");
      };
    }

    /** Whether the sidecars speak mTLS, with Sentry's identities and the access-control lists. */
    boolean mtls() {
      return sentry.isPresent();
    }

    @Override
    String kind() {
      return DAPRD;
    }

    @Override
    Future<AppSidecar> start(String appId, int appPort) {
      int replica = replicas.computeIfAbsent(appId, id -> new AtomicInteger()).getAndIncrement();
      Path workDir = root.resolve("modules").resolve(replica == 0 ? appId : appId + "-" + replica).resolve("target");
      var plain = new Daprd.Options(appId, appPort, resources, config, workDir, environment,
          Optional.of(Main.randomToken()), Optional.of(Main.randomToken()), blockShutdown);
      return vertx.executeBlocking(() -> {
        Daprd.Options options = sentry.map(ca -> plain.withMtls(ca.mtls().withAccessControl(
            Optional.ofNullable(accessControl.get(appId)).orElseThrow(() -> new IllegalArgumentException(
                "No access-control list for " + appId))))).orElse(plain);
        Daprd daprd = Daprd.start(binary, options);
        try {
          daprd.awaitOutbound(OUTBOUND);
        } catch (RuntimeException e) {
          daprd.close();
          throw e;
        }
        groups.add(daprd);
        return (AppSidecar) new AppSidecar.Real(vertx, daprd, groups);
      }, false);
    }

    @Override
    public void close() {
      groups.close();
      sentry.ifPresent(Sentry::close);
      lock.close();
    }
  }
}
