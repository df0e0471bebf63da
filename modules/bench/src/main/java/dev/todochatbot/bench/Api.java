package dev.todochatbot.bench;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/**
 * The HTTP calls of the benchmark, to one port of 127.0.0.1 through one Vert.x client (a pool, or a
 * single connection in the closed-loop scenario). Answers are kept whole, whatever their status.
 */
final class Api {

  /** A request to send: method, path with query, optional JSON body. */
  record Call(HttpMethod method, String uri, JsonObject body) {
    static Call get(String uri) {
      return new Call(HttpMethod.GET, uri, null);
    }
  }

  /** A status and a body. */
  record Answer(int status, Buffer body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    JsonObject json() {
      return new JsonObject(body);
    }

    /** What went wrong, short enough for a report. */
    String problem() {
      String text = body.toString();
      return "HTTP " + status + ": " + (text.length() > 200 ? text.substring(0, 200) + "..." : text);
    }
  }

  /** A signed-in account: its bearer token and id. */
  record Session(String token, String userId) {}

  /** A request that gets no byte of an answer for this long fails (counted as an error). */
  private static final long IDLE_TIMEOUT_MS = 30_000;

  private final HttpClient client;
  private final int port;

  Api(HttpClient client, int port) {
    this.client = client;
    this.port = port;
  }

  Future<Answer> send(Call call, String token) {
    var options = new RequestOptions()
        .setMethod(call.method())
        .setHost("127.0.0.1")
        .setPort(port)
        .setURI(call.uri())
        .setIdleTimeout(IDLE_TIMEOUT_MS);
    if (token != null) {
      options.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token);
    }
    if (call.body() != null) {
      options.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    }
    // the body asked for inside send's callback, never chained after it (eclipse-vertx/vert.x#4705)
    return client.request(options)
        .compose(request -> (call.body() == null ? request.send() : request.send(call.body().toBuffer()))
            .compose(response -> response.body().map(body -> new Answer(response.statusCode(), body))));
  }

  /** Closes the client: for a single connection, the connection. */
  Future<Void> close() {
    return client.close();
  }

  Future<Session> signUp(String email, String password, String name) {
    var body = new JsonObject().put("email", email).put("password", password).put("name", name).put("timeZone", "UTC");
    return session(new Call(HttpMethod.POST, "/api/auth/signup", body));
  }

  Future<Session> logIn(String email, String password) {
    var body = new JsonObject().put("email", email).put("password", password);
    return session(new Call(HttpMethod.POST, "/api/auth/login", body));
  }

  private Future<Session> session(Call call) {
    return send(call, null).map(answer -> {
      if (!answer.ok()) {
        throw new IllegalStateException(call.method() + " " + call.uri() + " answered " + answer.problem());
      }
      JsonObject json = answer.json();
      return new Session(json.getString("token"), json.getJsonObject("user").getString("id"));
    });
  }
}
