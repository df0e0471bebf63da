package dev.todochatbot.devsidecar;

import dev.todochatbot.platform.AppPort;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** The sidecar's calls to its own app: subscription discovery, event delivery, binding triggers. */
final class AppChannel implements EventSink {

  /** What the app's answer to a delivered event means (DAPR-CONTRACT.md, the app's answer). */
  enum Verdict { SUCCESS, RETRY, DROP, NOT_FOUND }

  record Outcome(Verdict verdict, String detail) {}

  /** A plain answer: status and body. */
  record Answer(int status, Buffer body) {}

  private final Vertx vertx;
  private final HttpClient client;
  private final String host;
  private final int port;
  private final Optional<String> appToken;

  /** {@code appToken}: sent as {@code dapr-api-token} on every call, as daprd sends its {@code APP_API_TOKEN}. */
  AppChannel(Vertx vertx, String host, int port, Optional<String> appToken) {
    this.vertx = vertx;
    this.host = host;
    this.port = port;
    this.appToken = appToken;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(2_000),
        new PoolOptions().setHttp1MaxSize(16));
  }

  Future<Answer> call(HttpMethod method, String path, MultiMap headers, Buffer body) {
    var options = new RequestOptions().setMethod(method).setHost(host).setPort(port).setURI(path)
        .setIdleTimeout(60_000);
    if (headers != null) {
      options.setHeaders(headers);
    }
    authenticate(options);
    // the body asked for inside send's callback, never chained after it (eclipse-vertx/vert.x#4705)
    return client.request(options).compose(request -> (body == null ? request.send() : request.send(body))
        .compose(response -> response.body().map(b -> new Answer(response.statusCode(), b))));
  }

  /** POSTs an event and reads the app's answer; a connection failure is a retry. */
  Future<Outcome> deliver(String path, MultiMap headers, Buffer envelope) {
    return deliver(path, headers, envelope, null);
  }

  /**
   * As {@link #deliver(String, MultiMap, Buffer)}, bounded by {@code timeout} (a Resiliency timeout; null for
   * none): when it passes first, the request is reset and the outcome is a retry, as daprd's cancelled
   * context makes the delivery fail.
   */
  /** Over HTTP the envelope goes as it is: {@code event} is not needed. */
  @Override
  public Future<Outcome> deliver(String path, MultiMap headers, Buffer envelope,
      com.fasterxml.jackson.databind.node.ObjectNode event, Duration timeout) {
    return deliver(path, headers, envelope, timeout);
  }

  Future<Outcome> deliver(String path, MultiMap headers, Buffer envelope, Duration timeout) {
    var options = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port).setURI(path)
        .setIdleTimeout(60_000).setHeaders(headers);
    authenticate(options);
    Promise<Outcome> outcome = Promise.promise();
    var request = new AtomicReference<HttpClientRequest>();
    long timer = timeout == null ? -1 : vertx.setTimer(Math.max(1, timeout.toMillis()), id -> {
      if (outcome.tryComplete(new Outcome(Verdict.RETRY, "no answer within the timeout of " + timeout.toMillis()
          + " ms"))) {
        HttpClientRequest r = request.get();
        if (r != null) {
          r.reset();
        }
      }
    });
    client.request(options)
        .compose(r -> {
          request.set(r);
          return r.send(envelope).compose(response -> response.body().map(b -> new Answer(response.statusCode(), b)));
        })
        .map(AppChannel::verdict)
        .otherwise(failure -> new Outcome(Verdict.RETRY,
            "app not reachable at " + host + ":" + port + ": " + failure.getMessage()))
        .onComplete(result -> {
          if (timer >= 0) {
            vertx.cancelTimer(timer);
          }
          outcome.tryComplete(result.result());
        });
    return outcome.future();
  }

  private void authenticate(RequestOptions options) {
    appToken.ifPresent(token -> options.putHeader(AppPort.TOKEN_HEADER, token));
  }

  static Outcome verdict(Answer answer) {
    int status = answer.status();
    if (status >= 200 && status <= 299) {
      Object parsed;
      try {
        parsed = answer.body().length() == 0 ? null : Json.decodeValue(answer.body());
      } catch (DecodeException e) {
        return new Outcome(Verdict.SUCCESS, "non-JSON answer");
      }
      if (!(parsed instanceof JsonObject json) || !(json.getValue("status") instanceof String s)) {
        return new Outcome(Verdict.SUCCESS, "no status");
      }
      return switch (s) {
        case "", "SUCCESS" -> new Outcome(Verdict.SUCCESS, s);
        case "RETRY" -> new Outcome(Verdict.RETRY, "the app answered RETRY");
        case "DROP" -> new Outcome(Verdict.DROP, "the app answered DROP");
        default -> new Outcome(Verdict.RETRY, "unknown status '" + s + "' (statuses are case-sensitive)");
      };
    }
    String body = answer.body().length() > 200 ? answer.body().getString(0, 200) : answer.body().toString();
    if (status == 404) {
      return new Outcome(Verdict.NOT_FOUND, "404 " + body);
    }
    return new Outcome(Verdict.RETRY, "status " + status + " " + body);
  }

  void close() {
    client.close();
  }
}
