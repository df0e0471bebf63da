package dev.todochatbot.recurrence;

import dev.todochatbot.platform.SidecarConfig;
import dev.todochatbot.platform.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The sidecar's invoke endpoint as the recurrence service sees it, recording every request exactly as
 * it arrived and answering for the task service what the test says: 201 (created) unless a test
 * chose another status for its series, and when the test releases it if it holds its series. Tests
 * each use a series of their own, so they never share an answer. For contract tests of what the service sends; the end-to-end tests use the devsidecar.
 */
final class RecordingSidecar implements AutoCloseable {

  record Request(String method, String path, MultiMap headers, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
  private final Map<String, Future<Void>> holds = new ConcurrentHashMap<>();
  private final HttpServer server;

  RecordingSidecar(Vertx vertx) {
    server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      var recorded = new Request(request.method().name(), request.path(),
          MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body.toString());
      requests.add(recorded);
      holds.getOrDefault(recorded.path(), Future.succeededFuture()).onComplete(released -> respond(request, recorded));
    }));
    Await.result(server.listen(0, "127.0.0.1"));
  }

  private void respond(HttpServerRequest request, Request recorded) {
    int status = statuses.getOrDefault(recorded.path(), 201);
    // what daprd passes through from the task service: a task when it succeeded, a problem when not
    String answer = status / 100 == 2 ? "{\"id\":\"" + UUID.randomUUID() + "\"}"
        : "{\"type\":\"about:blank\",\"status\":" + status + ",\"detail\":\"chosen by the test\"}";
    request.response().setStatusCode(status)
        .putHeader("content-type", status / 100 == 2 ? "application/json" : "application/problem+json")
        .end(answer);
  }

  /** Requests for occurrences of {@code seriesId} are answered only once {@code release} completes. */
  void holdUntil(UUID seriesId, Future<Void> release) {
    holds.put(invokePath(seriesId), release);
  }

  /** The status the task service answers for occurrences of {@code seriesId} from now on. */
  void answer(UUID seriesId, int status) {
    statuses.put(invokePath(seriesId), status);
  }

  /** The requests for occurrences of {@code seriesId}. */
  List<Request> requestsFor(UUID seriesId) {
    return requests.stream().filter(r -> r.path().equals(invokePath(seriesId))).toList();
  }

  /** Where the service must ask for an occurrence: Dapr's invoke API, app task-service. */
  static String invokePath(UUID seriesId) {
    return "/v1.0/invoke/task-service/method/internal/series/" + seriesId + "/occurrences";
  }

  SidecarConfig config() {
    return new SidecarConfig("127.0.0.1", server.actualPort(), "pubsub", "secretstore");
  }

  @Override
  public void close() {
    Await.result(server.close());
  }
}
