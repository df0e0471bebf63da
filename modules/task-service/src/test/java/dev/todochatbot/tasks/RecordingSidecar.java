package dev.todochatbot.tasks;

import dev.todochatbot.platform.SidecarConfig;
import dev.todochatbot.platform.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The sidecar's publish endpoint as the task service sees it, recording every request exactly as it
 * arrived, and answering what the test says (204 by default, as daprd does once Kafka has the
 * message), when the test says (at once, unless it holds the answers). For contract tests of what the service sends; the end-to-end tests use the devsidecar
 * and a real broker.
 */
final class RecordingSidecar implements AutoCloseable {

  record Request(String method, String path, MultiMap query, MultiMap headers, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    String topic() {
      return path.substring(path.lastIndexOf('/') + 1);
    }
  }

  final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile Function<Request, Integer> answer = request -> 204;
  private volatile Future<Void> hold = Future.succeededFuture();
  /** requests received, answered or not */
  final List<Request> arrived = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  RecordingSidecar(Vertx vertx) {
    server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      var recorded = new Request(request.method().name(), request.path(), MultiMap.caseInsensitiveMultiMap()
          .addAll(request.params()), MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body.toString());
      arrived.add(recorded);
      hold.onComplete(released -> {
        int status = answer.apply(recorded);
        if (status == 204) {
          requests.add(recorded);
          request.response().setStatusCode(204).end();
        } else {
          request.response().setStatusCode(status).putHeader("content-type", "application/json")
              .end("{\"errorCode\":\"ERR_PUBSUB_PUBLISH_MESSAGE\",\"message\":\"broker down in this test\"}");
        }
      });
    }));
    Await.result(server.listen(0, "127.0.0.1"));
  }

  /** How to answer from now on: a status per request (204 is recorded as published). */
  void answer(Function<Request, Integer> answer) {
    this.answer = answer;
  }

  /** Requests from now on are answered once {@code release} completes (a slow broker). */
  void holdUntil(Future<Void> release) {
    this.hold = release;
  }

  SidecarConfig config() {
    return new SidecarConfig("127.0.0.1", server.actualPort(), "pubsub", "secretstore");
  }

  List<Request> published(String topic) {
    return requests.stream().filter(r -> r.topic().equals(topic)).toList();
  }

  @Override
  public void close() {
    Await.result(server.close());
  }
}
