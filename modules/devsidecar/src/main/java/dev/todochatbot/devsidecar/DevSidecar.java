package dev.todochatbot.devsidecar;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-JVM stand-in for daprd, for the single-process mode and tests; deployments run the real
 * daprd. One instance per app id, each on its own HTTP port, configured from the same component YAML.
 * See the module's README for what it implements and where it differs.
 *
 * <p>Start-up follows daprd: components load first ({@code /v1.0/healthz/outbound} answers 204 as soon
 * as {@link #start} completes, so the app can publish and read secrets while it starts); then the
 * sidecar waits for the app to answer {@code GET /dapr/subscribe}, subscribes, starts the input
 * bindings, and only then does {@code /v1.0/healthz} answer 204.
 */
public final class DevSidecar {

  private static final Logger log = LoggerFactory.getLogger(DevSidecar.class);

  private final Vertx vertx;
  private final DevSidecarConfig config;
  private final AppDirectory apps;
  private final Resources.Loaded resources;
  private final Map<String, KafkaPubSub> pubsubs;
  private final Context context;
  private final AppChannel app;
  private final List<KafkaSubscriber> subscribers = new ArrayList<>();
  /** the consumers of the app's streaming subscriptions, and the streams, under the same lock as subscribers */
  private final List<KafkaSubscriber> streamConsumers = new ArrayList<>();
  private final List<StreamSubscription> streams = new ArrayList<>();
  private final List<CronBinding> bindings = new ArrayList<>();
  private final List<String> deployments = new ArrayList<>();
  private final Promise<Void> subscribed = Promise.promise();
  private volatile boolean ready;
  private volatile boolean closed;
  private int httpPort;
  private int grpcPort;

  private DevSidecar(Vertx vertx, Context context, DevSidecarConfig config, AppDirectory apps,
      Resources.Loaded resources, Map<String, KafkaPubSub> pubsubs) {
    this.vertx = vertx;
    this.config = config;
    this.apps = apps;
    this.resources = resources;
    this.pubsubs = pubsubs;
    this.context = context;
    this.app = new AppChannel(vertx, config.appHost(), config.appPort(), config.appToken());
  }

  /**
   * Loads the components, listens, and (in the background) discovers the app's subscriptions.
   * Fails with the reason when a component is invalid or the port is taken.
   */
  public static Future<DevSidecar> start(Vertx vertx, DevSidecarConfig config, AppDirectory apps) {
    return start(vertx, config, apps, System::getenv);
  }

  /** As {@link #start(Vertx, DevSidecarConfig, AppDirectory)}, with the environment {@code envRef} reads. */
  public static Future<DevSidecar> start(Vertx vertx, DevSidecarConfig config, AppDirectory apps,
      Function<String, String> environment) {
    // the event loop that runs deliveries and bindings: the caller's, or a new one
    Context context = vertx.getOrCreateContext();
    return vertx.executeBlocking(() -> {
      HostName.get();
      Resources.Loaded loaded = Resources.load(config, environment);
      var pubsubs = new LinkedHashMap<String, KafkaPubSub>();
      try {
        loaded.ofType("bindings.cron").forEach(CronBinding::validate);
        for (Component c : loaded.ofType("pubsub.kafka")) {
          pubsubs.put(c.name(), KafkaPubSub.create(c, config.appId(), config.kafkaBrokers()));
        }
      } catch (RuntimeException e) {
        pubsubs.values().forEach(KafkaPubSub::close);
        throw e;
      }
      return new DevSidecar(vertx, context, config, apps, loaded, Map.copyOf(pubsubs));
    }).compose(sidecar -> sidecar.listen()
        .map(sidecar)
        .recover(failure -> sidecar.close().transform(ignored -> Future.failedFuture(failure))))
        .onSuccess(DevSidecar::afterStart);
  }

  /**
   * Deploys the HTTP API on one event loop: proxying an invocation costs tens of microseconds, so one
   * loop carries far more than the benchmark's load, and the other loops stay free for the apps.
   */
  private Future<Void> listen() {
    var api = new SidecarApi(this, config.httpPort());
    // the gRPC API on a free loopback port: the services in this JVM are told it, as daprd tells DAPR_GRPC_PORT
    var grpc = new GrpcApi(this, 0);
    return vertx.deployVerticle(api).map(id -> {
      deployments.add(id);
      httpPort = api.actualPort();
      return null;
    }).compose(v -> vertx.deployVerticle(grpc)).map(id -> {
      deployments.add(id);
      grpcPort = grpc.actualPort();
      return null;
    });
  }

  private void afterStart() {
    if (config.appPort() > 0) {
      apps.register(config.appId(), config.appHost(), config.appPort(), config.appToken());
    }
    log.info("Dev sidecar of app {} listening on {} (app at {}:{}; components: {}; resiliency: {})", config.appId(),
        httpPort, config.appHost(), config.appPort(), resources.components().stream().map(Component::name).toList(),
        resources.resiliency().loaded());
    context.runOnContext(v -> discover(0));
  }

  /** The sidecar's HTTP port ({@code DAPR_HTTP_PORT} for the app). */
  public int httpPort() {
    return httpPort;
  }

  /** The sidecar's gRPC port ({@code DAPR_GRPC_PORT} for the app): Dapr's gRPC API, the calls {@link GrpcApi} serves. */
  public int grpcPort() {
    return grpcPort;
  }

  public String appId() {
    return config.appId();
  }

  /** The token its API asks for ({@code DAPR_API_TOKEN} for its app), if any. */
  public Optional<String> apiToken() {
    return config.apiToken();
  }

  /** The token it sends its app ({@code APP_API_TOKEN} for its app), if any. */
  public Optional<String> appToken() {
    return config.appToken();
  }

  /**
   * Completes once the app's subscriptions are known and every consumer has its first partitions:
   * from then on, a new consumer group with {@code initialOffset: newest} misses nothing published.
   */
  public Future<Void> subscribed() {
    return subscribed.future().compose(v -> {
      List<Future<Void>> assigned;
      synchronized (subscribers) {
        assigned = streamConsumers.stream().map(KafkaSubscriber::assigned).toList();
      }
      return Future.all(assigned).mapEmpty();
    });
  }

  /** A stream that ended. */
  void forget(StreamSubscription stream) {
    synchronized (subscribers) {
      streams.remove(stream);
    }
  }

  /** A stream the app opened on the gRPC API, to end when the sidecar closes. */
  StreamSubscription opened(StreamSubscription stream) {
    synchronized (subscribers) {
      streams.add(stream);
    }
    return stream;
  }

  /**
   * The consumer of a streaming subscription: in the app's group, with the component's inbound Resiliency
   * policy, its deliveries on {@code context} (the stream's).
   */
  Future<KafkaSubscriber> startStream(Context context, AppSubscription subscription, StreamSubscription stream) {
    return vertx.executeBlocking(() -> {
      var consumer = new KafkaSubscriber(context, pubsubs.get(subscription.pubsubName()), List.of(subscription), stream,
          resources.resiliency().pubsubInbound(subscription.pubsubName()));
      synchronized (subscribers) {
        if (closed) {
          throw new IllegalStateException("subscriber is closed");
        }
        streamConsumers.add(consumer);
        consumer.start();
      }
      return consumer;
    }, false);
  }

  /** Stops a stream's consumer (off the event loop: leaving the group waits for the broker). */
  void stopStream(KafkaSubscriber consumer) {
    synchronized (subscribers) {
      if (!streamConsumers.remove(consumer)) {
        return;
      }
    }
    vertx.executeBlocking(() -> {
      consumer.close();
      return null;
    }, false);
  }

  /** The topics this sidecar consumes for its app, by pub/sub name. */
  Map<String, java.util.Set<String>> subscribedTopics() {
    synchronized (subscribers) {
      var topics = new LinkedHashMap<String, java.util.Set<String>>();
      var all = new ArrayList<>(subscribers);
      all.addAll(streamConsumers);
      all.forEach(s -> topics.computeIfAbsent(s.pubsubName(), k -> new java.util.LinkedHashSet<>()).addAll(s.topics()));
      return topics;
    }
  }

  /** The inbound Resiliency policy this sidecar applies to deliveries from a pub/sub component. */
  Resiliency.InboundPolicy inboundPolicy(String pubsub) {
    return resources.resiliency().pubsubInbound(pubsub);
  }

  /** Failed delivery attempts waiting for a retry, across this sidecar's consumers. */
  long failedDeliveries() {
    synchronized (subscribers) {
      return subscribers.stream().mapToLong(KafkaSubscriber::failedAttempts).sum()
          + streamConsumers.stream().mapToLong(KafkaSubscriber::failedAttempts).sum();
    }
  }

  /** daprd's {@code /v1.0/healthz}: the app's subscriptions made, and every consumer polling (none failing now). */
  boolean ready() {
    return ready && consumersHealthy();
  }

  boolean consumersHealthy() {
    synchronized (subscribers) {
      return subscribers.stream().allMatch(KafkaSubscriber::healthy)
          && streamConsumers.stream().allMatch(KafkaSubscriber::healthy);
    }
  }

  /** The app's consumers from its subscriptions (HTTP), for tests. */
  List<KafkaSubscriber> consumers() {
    synchronized (subscribers) {
      return List.copyOf(subscribers);
    }
  }

  AppDirectory apps() {
    return apps;
  }

  Optional<KafkaPubSub> pubsub(String name) {
    return Optional.ofNullable(pubsubs.get(name));
  }

  Map<String, LocalFileSecretStore> secretStores() {
    return resources.secretStores();
  }

  /** Asks the app for its subscriptions until it answers (it may start after its sidecar). */
  private void discover(int attempt) {
    if (closed) {
      return;
    }
    if (config.appPort() <= 0) {
      subscribe(List.of());
      return;
    }
    // as daprd asks: its configuration first (the answer, for actors, means nothing here), then the
    // subscriptions, both as JSON and naming the app
    app.call(HttpMethod.GET, "/dapr/config", discoveryHeaders(), null)
        .compose(appConfig -> app.call(HttpMethod.GET, "/dapr/subscribe", discoveryHeaders(), null))
        .onComplete(result -> {
      if (closed) {
        return;
      }
      if (result.failed()) {
        if (attempt % 40 == 0) {
          log.info("Sidecar of app {}: waiting for the app on {}:{} ({})", config.appId(), config.appHost(),
              config.appPort(), result.cause().getMessage());
        }
        vertx.setTimer(250, id -> discover(attempt + 1));
        return;
      }
      subscribe(programmatic(result.result()));
    });
  }

  private MultiMap discoveryHeaders() {
    return MultiMap.caseInsensitiveMultiMap().set(HttpHeaders.CONTENT_TYPE, "application/json")
        .set("dapr-app-id", config.appId());
  }

  private List<AppSubscription> programmatic(AppChannel.Answer answer) {
    if (answer.status() == 404) {
      return List.of();
    }
    if (answer.status() != 200) {
      log.error("App {} answered GET /dapr/subscribe with {}: no programmatic subscriptions", config.appId(),
          answer.status());
      return List.of();
    }
    try {
      Object parsed = answer.body().length() == 0 ? new JsonArray() : Json.decodeValue(answer.body());
      if (!(parsed instanceof JsonArray array)) {
        throw new IllegalArgumentException("the answer is not a JSON array");
      }
      return AppSubscription.fromProgrammatic(array, config.appId());
    } catch (DecodeException | IllegalArgumentException e) {
      log.error("App {}: cannot read the answer to GET /dapr/subscribe: {}", config.appId(), e.getMessage());
      return List.of();
    }
  }

  private void subscribe(List<AppSubscription> fromApp) {
    var all = new ArrayList<>(fromApp);
    all.addAll(resources.subscriptions());
    var byPubsub = new LinkedHashMap<String, List<AppSubscription>>();
    for (AppSubscription s : all) {
      KafkaPubSub pubsub = pubsubs.get(s.pubsubName());
      if (pubsub == null) {
        log.warn("{}: pubsub {} is not loaded for app {}; subscription to {} ignored", s.source(), s.pubsubName(),
            config.appId(), s.topic());
      } else if (!pubsub.subscribeAllowed(s.topic())) {
        log.warn("{}: app {} may not subscribe to {} on {} (topic scopes); ignored", s.source(), config.appId(),
            s.topic(), s.pubsubName());
      } else if (byPubsub.computeIfAbsent(s.pubsubName(), k -> new ArrayList<>()).stream()
          .anyMatch(other -> other.topic().equals(s.topic()))) {
        log.warn("{}: app {} already subscribes to {} on {}; duplicate ignored", s.source(), config.appId(),
            s.topic(), s.pubsubName());
      } else {
        byPubsub.get(s.pubsubName()).add(s);
      }
    }
    vertx.executeBlocking(() -> {
      var started = new ArrayList<KafkaSubscriber>();
      byPubsub.forEach((name, subs) -> {
        if (!subs.isEmpty()) {
          started.add(new KafkaSubscriber(context, pubsubs.get(name), subs, app,
              resources.resiliency().pubsubInbound(name)));
        }
      });
      return started;
    }).onComplete(result -> {
      if (result.failed()) {
        log.error("Sidecar of app {}: cannot create the Kafka consumers: {}", config.appId(),
            result.cause().toString());
        subscribed.tryFail(result.cause());
        return;
      }
      synchronized (subscribers) {
        if (closed) {
          return;
        }
        subscribers.addAll(result.result());
        subscribers.forEach(KafkaSubscriber::start);
      }
      startBindings();
      ready = true;
      Future.all(result.result().stream().map(KafkaSubscriber::assigned).toList())
          .onComplete(done -> subscribed.tryComplete());
    });
  }

  private void startBindings() {
    if (config.appPort() <= 0) {
      return;
    }
    for (Component c : resources.ofType("bindings.cron")) {
      CronBinding binding = CronBinding.create(vertx, c, app, config.appId());
      synchronized (bindings) {
        bindings.add(binding);
      }
      binding.start();
    }
  }

  /** Stops the bindings and consumers, closes the producers and the HTTP server. */
  public Future<Void> close() {
    closed = true;
    ready = false;
    apps.unregister(config.appId());
    synchronized (bindings) {
      bindings.forEach(CronBinding::stop);
    }
    List<KafkaSubscriber> toStop;
    synchronized (subscribers) {
      var all = new ArrayList<>(subscribers);
      all.addAll(streamConsumers);
      toStop = List.copyOf(all);
      subscribers.clear();
      streamConsumers.clear();
      streams.forEach(StreamSubscription::close);
      streams.clear();
    }
    return vertx.executeBlocking(() -> {
      toStop.forEach(KafkaSubscriber::close);
      pubsubs.values().forEach(KafkaPubSub::close);
      return null;
    }).compose(v -> Future.join(deployments.stream().map(vertx::undeploy).toList()))
        .onComplete(done -> app.close())
        .mapEmpty();
  }
}
