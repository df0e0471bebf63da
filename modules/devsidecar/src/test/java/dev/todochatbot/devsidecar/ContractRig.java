package dev.todochatbot.devsidecar;

import dev.todochatbot.daprd.Daprd;
import dev.todochatbot.daprd.DaprdBinary;
import dev.todochatbot.devsidecar.TestApp.Answer;
import dev.todochatbot.devsidecar.TestApp.Received;
import dev.todochatbot.embedded.testing.TestKafka;
import dev.todochatbot.platform.Env;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The contract suite's two apps and their two sidecars, all of one kind: the devsidecar in this JVM, or
 * real daprd processes. The caller's sidecar loads {@code src/test/resources/contract/caller} (two Kafka
 * pub/subs, two secret stores, a cron binding, a Resiliency) and guards its API with a token; the callee's
 * loads nothing, has no API token, and shows its app a token of its own. The caller's app subscribes to
 * one topic per {@link Scenario}, made for this rig, and answers each delivery as the event's data
 * scripts it.
 */
final class ContractRig implements AutoCloseable {

  enum Kind { DEVSIDECAR, DAPRD }

  static final String CALLER_API_TOKEN = "contract-caller-api-token";
  static final String CALLER_APP_TOKEN = "contract-caller-app-token";
  static final String CALLEE_APP_TOKEN = "contract-callee-app-token";
  static final Duration START = Duration.ofSeconds(60);

  /**
   * A subscription of the caller's app: its own topic on the pub/sub named, delivered to
   * {@code /deliver/<route>}, with a dead-letter topic or raw payloads when it says so.
   */
  enum Scenario {
    ENVELOPE("pubsub", false, false),
    ANSWERS("pubsub", false, false),
    DEAD_LETTERED("pubsub", true, false),
    RESILIENT("resilient", false, false),
    RESILIENT_DEAD_LETTERED("resilient", true, false),
    RAW("pubsub", false, true),
    ROUTED("pubsub", false, false);

    final String pubsub;
    final boolean deadLetter;
    final boolean raw;

    Scenario(String pubsub, boolean deadLetter, boolean raw) {
      this.pubsub = pubsub;
      this.deadLetter = deadLetter;
      this.raw = raw;
    }

    String route() {
      return "/deliver/" + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /** One sidecar as a test sees it. */
  record Sidecar(String appId, int httpPort, int grpcPort, Optional<String> apiToken) {

    TestHttp http() {
      return new TestHttp(httpPort);
    }

    /** This service-side client of the sidecar, its event plane on the gRPC API (DAPR_API=grpc). */
    dev.todochatbot.platform.Sidecar grpcClient(io.vertx.core.Vertx vertx, Optional<String> token) {
      return new dev.todochatbot.platform.Sidecar(vertx, new dev.todochatbot.platform.SidecarConfig("127.0.0.1", httpPort,
          "pubsub", "secretstore", token).withApi(dev.todochatbot.platform.SidecarConfig.Api.GRPC,
          dev.todochatbot.platform.SidecarConfig.Subscribe.STREAM, grpcPort));
    }

    /** Headers that carry its API token, if it has one, beside {@code more}. */
    Map<String, String> authorized(Map<String, String> more) {
      var headers = new java.util.HashMap<>(more);
      apiToken.ifPresent(token -> headers.put("dapr-api-token", token));
      return headers;
    }

    TestHttp.Answer send(String method, String path, String body, Map<String, String> headers) {
      return http().send(method, path, null, body, authorized(headers));
    }
  }

  final Kind kind;
  final TestApp callerApp;
  final TestApp calleeApp;
  final Sidecar caller;
  final Sidecar callee;
  private final Map<Scenario, String> topics;
  private final Map<Scenario, String> deadLetters;
  private final List<AutoCloseable> running;
  private final List<Daprd> daprds;

  private ContractRig(Kind kind, TestApp callerApp, TestApp calleeApp, Sidecar caller, Sidecar callee,
      Map<Scenario, String> topics, Map<Scenario, String> deadLetters, List<AutoCloseable> running, List<Daprd> daprds) {
    this.kind = kind;
    this.callerApp = callerApp;
    this.calleeApp = calleeApp;
    this.caller = caller;
    this.callee = callee;
    this.topics = topics;
    this.deadLetters = deadLetters;
    this.running = running;
    this.daprds = daprds;
  }

  String topic(Scenario scenario) {
    return topics.get(scenario);
  }

  String deadLetterTopic(Scenario scenario) {
    return Optional.ofNullable(deadLetters.get(scenario)).orElseThrow();
  }

  /** The last lines of each daprd's log, for a failure message; empty for the devsidecar. */
  String logs() {
    var text = new StringBuilder();
    daprds.forEach(d -> text.append("\n--- ").append(d.appId()).append("'s daprd:\n").append(d.logTail(40)));
    return text.toString();
  }

  static ContractRig start(Kind kind, Vertx vertx, Path dir, Env env) {
    String tag = (kind == Kind.DAPRD ? "daprd-" : "dev-") + ProcessHandle.current().pid();
    String callerId = "contract-caller-" + tag;
    String calleeId = "contract-callee-" + tag;
    var topics = new EnumMap<Scenario, String>(Scenario.class);
    var deadLetters = new EnumMap<Scenario, String>(Scenario.class);
    for (Scenario s : Scenario.values()) {
      topics.put(s, TestKafka.newTopic("contract-" + kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + s.route()
          .substring("/deliver/".length())));
      if (s.deadLetter) {
        deadLetters.put(s, TestKafka.newTopic("contract-dlq-" + s.route().substring("/deliver/".length())));
      }
    }
    Path callerResources = copyResources(dir.resolve("caller-resources"), calleeId);
    Path calleeResources = directory(dir.resolve("callee-resources"));
    Path callerWork = directory(dir.resolve(callerId));
    Path calleeWork = directory(dir.resolve(calleeId));
    copy("secrets.json", callerWork.resolve("secrets.json"));

    var running = new ArrayList<AutoCloseable>();
    var daprds = new ArrayList<Daprd>();
    try {
      var scripted = new Scripted();
      var firstTick = new java.util.concurrent.atomic.AtomicBoolean(true);
      var callerApp = new TestApp(vertx).subscriptions(subscriptions(topics, deadLetters))
          .on("/healthz", r -> Answer.ok(""))
          // the first tick fails, to show that the binding goes on ticking
          .on("/tick", r -> firstTick.getAndSet(false) ? Answer.status(500, "not yet") : Answer.ok(""))
          .on("/self", r -> Answer.ok("caller answered"));
      for (Scenario s : Scenario.values()) {
        callerApp.on(s.route(), scripted::answer);
      }
      callerApp.on(Scenario.ROUTED.route() + "/created", scripted::answer).on(Scenario.ROUTED.route() + "/other",
          scripted::answer);
      var calleeApp = new TestApp(vertx).on("/healthz", r -> Answer.ok(""))
          .on("/invoked", r -> new Answer(201, "{\"created\":true}", Map.of("Content-Type", "application/json",
              "X-Answer", "yes")))
          .on("/by-header", r -> Answer.ok("by header"))
          .on("/missing", r -> new Answer(404, "{\"title\":\"Not found\"}",
              Map.of("Content-Type", "application/problem+json")))
          .on("/boom", r -> Answer.status(500, "boom"))
          .on("/unavailable", r -> Answer.status(503, "later"))
          .on("/nocontent", r -> Answer.status(204, ""))
          .on("/untyped", r -> Answer.ok("plain words"))
          .on("/hook", r -> Answer.status(202, "queued"));
      running.add(callerApp.start());
      running.add(calleeApp.start());

      Sidecar caller;
      Sidecar callee;
      var brokers = Map.of("KAFKA_BROKERS", TestKafka.bootstrapServers());
      if (kind == Kind.DEVSIDECAR) {
        var apps = new AppDirectory();
        DevSidecar callerSidecar = Await.result(DevSidecar.start(vertx, new DevSidecarConfig(callerId, 0, "127.0.0.1",
            callerApp.port(), List.of(callerResources), Optional.empty(), callerWork, Map.of(),
            Optional.of(CALLER_API_TOKEN), Optional.of(CALLER_APP_TOKEN)), apps, brokers::get));
        running.add(() -> Await.result(callerSidecar.close()));
        DevSidecar calleeSidecar = Await.result(DevSidecar.start(vertx, new DevSidecarConfig(calleeId, 0, "127.0.0.1",
            calleeApp.port(), List.of(calleeResources), Optional.empty(), calleeWork, Map.of(), Optional.empty(),
            Optional.of(CALLEE_APP_TOKEN)), apps, brokers::get));
        running.add(() -> Await.result(calleeSidecar.close()));
        Await.result(callerSidecar.subscribed());
        Await.result(calleeSidecar.subscribed());
        caller = new Sidecar(callerId, callerSidecar.httpPort(), callerSidecar.grpcPort(), Optional.of(CALLER_API_TOKEN));
        callee = new Sidecar(calleeId, calleeSidecar.httpPort(), calleeSidecar.grpcPort(), Optional.empty());
      } else {
        DaprdBinary binary = DaprdBinary.require(env);
        Path config = resource("config.yaml");
        Daprd callerDaprd = Daprd.start(binary, new Daprd.Options(callerId, callerApp.port(), List.of(callerResources),
            Optional.of(config), callerWork, brokers, Optional.of(CALLER_API_TOKEN), Optional.of(CALLER_APP_TOKEN),
            Optional.empty()));
        running.add(callerDaprd);
        daprds.add(callerDaprd);
        Daprd calleeDaprd = Daprd.start(binary, new Daprd.Options(calleeId, calleeApp.port(), List.of(calleeResources),
            Optional.of(config), calleeWork, brokers, Optional.empty(), Optional.of(CALLEE_APP_TOKEN),
            Optional.empty()));
        running.add(calleeDaprd);
        daprds.add(calleeDaprd);
        callerDaprd.awaitReady(START);
        calleeDaprd.awaitReady(START);
        caller = new Sidecar(callerId, callerDaprd.httpPort(), callerDaprd.grpcPort(), Optional.of(CALLER_API_TOKEN));
        callee = new Sidecar(calleeId, calleeDaprd.httpPort(), calleeDaprd.grpcPort(), Optional.empty());
      }
      return new ContractRig(kind, callerApp, calleeApp, caller, callee, topics, deadLetters, running, daprds);
    } catch (RuntimeException e) {
      closeAll(running);
      throw e;
    }
  }

  private static JsonArray subscriptions(Map<Scenario, String> topics, Map<Scenario, String> deadLetters) {
    var all = new JsonArray();
    for (Scenario s : Scenario.values()) {
      var subscription = new JsonObject().put("pubsubname", s.pubsub).put("topic", topics.get(s));
      if (s == Scenario.ROUTED) {
        subscription.put("routes", new JsonObject()
            .put("rules", new JsonArray().add(new JsonObject().put("match", "event.type == \"contract.created\"")
                .put("path", s.route() + "/created")))
            .put("default", s.route() + "/other"));
      } else {
        subscription.put("route", s.route());
      }
      if (s.deadLetter) {
        subscription.put("deadLetterTopic", deadLetters.get(s));
      }
      if (s.raw) {
        subscription.put("metadata", new JsonObject().put("rawPayload", "true"));
      }
      all.add(subscription);
    }
    return all;
  }

  /**
   * Answers a delivery as its event's data says: {@code "answers": [{"status", "body", "delayMs"}, ...]},
   * one per attempt (counted per route and event id), the last one repeated; 200 with an empty body when the
   * data scripts nothing.
   */
  private static final class Scripted {
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

    Answer answer(Received r) {
      JsonObject event;
      try {
        event = r.json();
      } catch (RuntimeException notJson) {
        return Answer.ok("");
      }
      JsonArray answers = event.getValue("data") instanceof JsonObject data ? data.getJsonArray("answers") : null;
      if (answers == null || answers.isEmpty()) {
        return Answer.ok("");
      }
      int attempt = attempts.computeIfAbsent(r.path() + " " + event.getString("id"), k -> new AtomicInteger())
          .getAndIncrement();
      JsonObject a = answers.getJsonObject(Math.min(attempt, answers.size() - 1));
      return new Answer(a.getInteger("status", 200), a.getString("body", ""), Map.of(),
          Duration.ofMillis(a.getLong("delayMs", 0L)));
    }
  }

  @Override
  public void close() {
    closeAll(running);
  }

  private static void closeAll(List<AutoCloseable> running) {
    for (int i = running.size() - 1; i >= 0; i--) {
      AutoCloseable c = running.get(i);
      try {
        c.close();
      } catch (Exception e) {
        System.err.println("Closing " + c + " failed: " + e);
      }
    }
  }

  /** {@code contract/caller} copied, its {@code ${CALLEE}} replaced by the callee's app id. */
  private static Path copyResources(Path target, String calleeId) {
    Path from = resource("caller");
    directory(target);
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : files.toList()) {
        Files.writeString(target.resolve(file.getFileName().toString()),
            Files.readString(file).replace("${CALLEE}", calleeId));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return target;
  }

  private static void copy(String name, Path target) {
    try {
      Files.copy(resource(name), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path resource(String name) {
    try {
      return Path.of(ContractRig.class.getResource("/contract/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path directory(Path path) {
    try {
      return Files.createDirectories(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
