package dev.todochatbot.chat;

import dev.todochatbot.platform.AppPort;
import dev.todochatbot.chat.tools.TaskTools;
import dev.todochatbot.chat.tools.Tools;
import dev.todochatbot.platform.DatabaseConfig;
import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.ServiceInvoker;
import dev.todochatbot.platform.SidecarConfig;
import dev.todochatbot.platform.Tokens;
import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.TestHttp;
import dev.todochatbot.platform.testing.TestPostgres;
import dev.todochatbot.tasks.OutboxRelay;
import dev.todochatbot.tasks.TaskService;
import dev.todochatbot.tasks.TaskServiceConfig;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The real task service on a real PostgreSQL, started once per test JVM, and the real task tools
 * talking to it over HTTP. The one stand-in is the hop between services: {@link #invoker()} calls the
 * task service's port directly where the Dapr sidecar would relay the call (the end-to-end tests in
 * the standalone module go through the devsidecar). Each test makes users of its own.
 */
public final class ChatTestSystem {

  public static final String SECRET = "chat-test-secret-that-is-long-enough-for-hs256!";
  private static ChatTestSystem shared;

  private final Vertx vertx;
  private final int taskServicePort;
  private final Tokens userTokens;
  private final Tokens serviceTokens;
  private final ServiceInvoker invoker;

  private ChatTestSystem(Vertx vertx, int taskServicePort) {
    this.vertx = vertx;
    this.taskServicePort = taskServicePort;
    this.userTokens = Tokens.create(vertx, SECRET, Duration.ofHours(1));
    this.serviceTokens = Tokens.forServices(vertx, SECRET);
    this.invoker = new DirectInvoker(vertx, Map.of("task-service", taskServicePort));
  }

  /** The system every test of this JVM shares (users keep tests apart). */
  public static synchronized ChatTestSystem shared() {
    if (shared == null) {
      Vertx vertx = Vertx.vertx();
      DatabaseConfig database = TestPostgres.newDatabase("chat");
      int port = TestHttp.freePort();
      // no sidecar: task events wait in the outbox, which these tests do not need
      var sidecar = new SidecarConfig("127.0.0.1", TestHttp.freePort(), "pubsub", "secretstore");
      var config = new TaskServiceConfig(port, 1, 4, database, SECRET, Duration.ofHours(1), sidecar,
          OutboxRelay.Settings.DEFAULT, AppPort.loopback());
      Await.result(TaskService.deploy(vertx, config));
      shared = new ChatTestSystem(vertx, port);
    }
    return shared;
  }

  public Vertx vertx() {
    return vertx;
  }

  public String jwtSecret() {
    return SECRET;
  }

  public int taskServicePort() {
    return taskServicePort;
  }

  /** Calls services by app id straight at their ports (task-service). */
  public ServiceInvoker invoker() {
    return invoker;
  }

  /** A user of its own, in {@code zoneId}. */
  public Principal newUser(String zoneId) {
    UUID id = UUID.randomUUID();
    return new Principal(id, id + "@example.com", zoneId);
  }

  /** A bearer token for the user, as the edge issues at sign-in. */
  public String userToken(Principal user) {
    return userTokens.issue(user);
  }

  public Tools toolsFor(Principal user) {
    return toolsFactory().apply(user);
  }

  public Function<Principal, Tools> toolsFactory() {
    return TaskTools.factory(invoker, serviceTokens);
  }

  /** The task service's REST API as the user, for checking what the tools did. */
  public TestHttp taskService() {
    return new TestHttp(taskServicePort);
  }

  /** Service invocation without a sidecar: the request goes to the app's port as the sidecar would send it. */
  static final class DirectInvoker implements ServiceInvoker {
    private final HttpClient client;
    private final Map<String, Integer> ports;

    DirectInvoker(Vertx vertx, Map<String, Integer> ports) {
      this.client = vertx.createHttpClient();
      this.ports = ports;
    }

    @Override
    public Future<ServiceResponse> invoke(String appId, HttpMethod method, String path, MultiMap headers, Buffer body) {
      Integer port = ports.get(appId);
      if (port == null) {
        return Future.failedFuture("no app " + appId + " in this test system");
      }
      // as the sidecar client: a call that gets no answer fails after 30 s instead of hanging the test
      var options = new RequestOptions().setHost("127.0.0.1").setPort(port).setMethod(method).setURI(path)
          .setHeaders(headers).setIdleTimeout(30_000).setConnectTimeout(5_000);
      // the body asked for inside send's callback: chained after it from a test's thread, the body could come
      // before anyone asked for it and the call would never end (eclipse-vertx/vert.x#4705)
      return client.request(options).compose(request -> (body == null ? request.send() : request.send(body))
          .compose(response -> response.body().map(b -> new ServiceResponse(response.statusCode(), response.headers(), b))));
    }
  }
}
