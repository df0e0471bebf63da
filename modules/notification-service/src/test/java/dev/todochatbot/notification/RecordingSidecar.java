package dev.todochatbot.notification;

import dev.todochatbot.platform.SidecarConfig;
import dev.todochatbot.platform.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The sidecar's publish endpoint as the notification service sees it, recording every request exactly
 * as it arrived (and when) and answering 204, as daprd does once Kafka has the record, unless a test
 * chose another status for a user's publications. Tests each use users of their own, so they never
 * share an answer. For contract tests of what the service sends. The service invokes nothing through
 * its sidecar: a service invocation is recorded apart ({@link #invocations}) and answered 500, so that a
 * webhook sent through the sidecar again (daprd would hand the receiver the app token) never arrives.
 */
final class RecordingSidecar implements AutoCloseable {

  /** Where the service must publish reminders: Dapr's publish API, component pubsub, topic reminders. */
  static final String PUBLISH_PATH = "/v1.0/publish/pubsub/reminders";
  /** The token the service sends with every call to this sidecar (not checked here). */
  static final String API_TOKEN = "dapr-api-token-the-service-sends-its-sidecar";
  private static final String INVOKE_PREFIX = "/v1.0/invoke/";
  /** The paths of every service invocation asked of this sidecar: there should be none. */
  final List<String> invocations = new CopyOnWriteArrayList<>();

  /**
   * @param query the decoded query parameters ({@code metadata.partitionKey}, ...)
   * @param receivedAt when the request arrived, by this JVM's clock
   * @param status what this sidecar answered
   */
  record Request(String method, String path, MultiMap query, MultiMap headers, String body, Instant receivedAt,
      int status) {

    JsonObject json() {
      return new JsonObject(body);
    }

    String partitionKey() {
      return query.get("metadata.partitionKey");
    }

    String cloudEventId() {
      return query.get("metadata.cloudevent.id");
    }

    boolean published() {
      return status == 204;
    }
  }

  final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
  private volatile Future<Void> hold = Future.succeededFuture();
  private final HttpServer server;

  RecordingSidecar(Vertx vertx) {
    server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      if (request.path().startsWith(INVOKE_PREFIX)) {
        invocations.add(request.uri());
        request.response().setStatusCode(500).putHeader("content-type", "application/json")
            .end("{\"errorCode\":\"ERR_DIRECT_INVOKE\",\"message\":\"the notification service invokes nothing\"}");
        return;
      }
      Instant receivedAt = Instant.now();
      MultiMap query = MultiMap.caseInsensitiveMultiMap().addAll(request.params());
      int status = statuses.getOrDefault(String.valueOf(query.get("metadata.partitionKey")), 204);
      requests.add(new Request(request.method().name(), request.path(), query,
          MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body.toString(), receivedAt, status));
      hold.onComplete(released -> {
        if (status == 204) {
          request.response().setStatusCode(204).end();
        } else {
          // daprd's error shape, as when Kafka refuses the record
          request.response().setStatusCode(status).putHeader("content-type", "application/json")
              .end("{\"errorCode\":\"ERR_PUBSUB_PUBLISH_MESSAGE\",\"message\":\"chosen by the test\"}");
        }
      });
    }));
    Await.result(server.listen(0, "127.0.0.1"));
  }

  /** The status the sidecar answers for publications of {@code userId}'s reminders from now on. */
  void answer(UUID userId, int status) {
    statuses.put(userId.toString(), status);
  }

  /** Publications are answered only once {@code release} completes (recorded as they arrive). */
  void holdUntil(Future<Void> release) {
    hold = release;
  }

  /** Every request for {@code userId}'s reminders, whatever was answered. */
  List<Request> requestsFor(UUID userId) {
    return requests.stream().filter(r -> userId.toString().equals(r.partitionKey())).toList();
  }

  /** The publications of {@code userId}'s reminders the sidecar accepted. */
  List<Request> publishedFor(UUID userId) {
    return requestsFor(userId).stream().filter(Request::published).toList();
  }

  /** Asking the service for an API token, as daprd does of its app (DAPR_API_TOKEN). */
  SidecarConfig config() {
    return new SidecarConfig("127.0.0.1", server.actualPort(), "pubsub", "secretstore", Optional.of(API_TOKEN));
  }

  @Override
  public void close() {
    Await.result(server.close());
  }
}
