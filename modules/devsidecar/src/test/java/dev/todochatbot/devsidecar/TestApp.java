package dev.todochatbot.devsidecar;

import dev.todochatbot.platform.testing.Await;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A tiny app behind a sidecar: answers {@code GET /dapr/subscribe} with what the test set, records
 * every request, and answers each path as the test scripted. It can stop and start again on the same
 * port, like a restarting service.
 */
final class TestApp implements AutoCloseable {

  /** A request as the app saw it; {@code attempt} counts requests to the same path with the same event id. */
  record Received(HttpMethod method, String path, String query, MultiMap headers, String body) {

    JsonObject json() {
      return new JsonObject(body);
    }

    String header(String name) {
      return headers.get(name);
    }

    String eventId() {
      return json().getString("id");
    }
  }

  /** The answer to give, after {@code delay} (a slow app). */
  record Answer(int status, String body, Map<String, String> headers, Duration delay) {
    Answer(int status, String body, Map<String, String> headers) {
      this(status, body, headers, Duration.ZERO);
    }

    Answer after(Duration wait) {
      return new Answer(status, body, headers, wait);
    }

    static Answer status(int status, String body) {
      return new Answer(status, body, Map.of());
    }

    static Answer ok(String body) {
      return new Answer(200, body, Map.of());
    }
  }

  private final Vertx vertx;
  private final Map<String, Function<Received, Answer>> routes = new ConcurrentHashMap<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  /** OPTIONS requests (a sidecar's probe of a binding's route), kept apart from the calls the app serves */
  private final List<Received> probes = new CopyOnWriteArrayList<>();
  private volatile JsonArray subscriptions;
  private HttpServer server;
  private int port;

  TestApp(Vertx vertx) {
    this.vertx = vertx;
  }

  TestApp subscriptions(JsonArray subscriptions) {
    this.subscriptions = subscriptions;
    return this;
  }

  TestApp on(String path, Function<Received, Answer> behaviour) {
    routes.put(path, behaviour);
    return this;
  }

  TestApp start() {
    return listen(0);
  }

  /** Starts on a port chosen beforehand, for a sidecar that was started first. */
  TestApp startOn(int onPort) {
    return listen(onPort);
  }

  private TestApp listen(int onPort) {
    server = Await.result(vertx.createHttpServer().requestHandler(this::handle).listen(onPort, "127.0.0.1"));
    port = server.actualPort();
    return this;
  }

  /** Stops listening; {@link #restart()} listens again on the same port. */
  void stop() {
    Await.result(server.close());
  }

  void restart() {
    listen(port);
  }

  int port() {
    return port;
  }

  List<Received> received(String path) {
    return received.stream().filter(r -> r.path().equals(path)).toList();
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  /** The OPTIONS requests the app got. */
  List<Received> probes() {
    return List.copyOf(probes);
  }

  /** Waits until the path got at least {@code count} requests, and returns them. */
  List<Received> await(String path, int count, Duration timeout) {
    Await.until(timeout, () -> received(path).size() >= count,
        () -> path + ": expected " + count + " requests, got " + received(path).size());
    return received(path);
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      String path = request.path();
      if (request.method() == HttpMethod.GET && path.equals("/dapr/subscribe")) {
        received.add(new Received(request.method(), path, request.query(), MultiMap.caseInsensitiveMultiMap()
            .addAll(request.headers()), body.toString()));
        if (subscriptions == null) {
          request.response().setStatusCode(404).end();
        } else {
          request.response().putHeader("Content-Type", "application/json").end(subscriptions.toBuffer());
        }
        return;
      }
      Function<Received, Answer> behaviour = routes.get(path);
      if (request.method() == HttpMethod.OPTIONS) {
        probes.add(new Received(request.method(), path, request.query(), MultiMap.caseInsensitiveMultiMap()
            .addAll(request.headers()), body.toString()));
        request.response().setStatusCode(behaviour == null ? 404 : 405).end();
        return;
      }
      var r = new Received(request.method(), path, request.query(), MultiMap.caseInsensitiveMultiMap()
          .addAll(request.headers()), body.toString());
      received.add(r);
      if (behaviour == null) {
        request.response().setStatusCode(404).end();
        return;
      }
      Answer answer = behaviour.apply(r);
      if (answer.delay().isZero()) {
        answer(request, answer);
      } else {
        vertx.setTimer(answer.delay().toMillis(), id -> answer(request, answer));
      }
    });
  }

  private static void answer(HttpServerRequest request, Answer answer) {
    if (request.response().closed()) {
      return;
    }
    var response = request.response().setStatusCode(answer.status());
    answer.headers().forEach(response::putHeader);
    response.end(answer.body() == null ? Buffer.buffer() : Buffer.buffer(answer.body()));
  }

  @Override
  public void close() {
    if (server != null) {
      Await.result(server.close());
    }
  }
}
