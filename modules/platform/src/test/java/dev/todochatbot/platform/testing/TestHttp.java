package dev.todochatbot.platform.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Real HTTP from tests: java.net.http against a server on localhost, with JSON helpers. */
public final class TestHttp {

  /**
   * HTTP/1.1 only: by default the JDK client offers every new connection an upgrade to HTTP/2 (h2c),
   * and a large first answer (a /metrics page) then came back as a broken HTTP/2 frame.
   */
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private final String base;

  public TestHttp(int port) {
    this.base = "http://localhost:" + port;
  }

  /** An answer: status, headers and the body as text, with typed views of it. */
  public record Answer(int status, java.net.http.HttpHeaders headers, String body) {

    public JsonObject json() {
      return new JsonObject(body);
    }

    public JsonArray items() {
      return json().getJsonArray("items");
    }

    public Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    public String contentType() {
      return header("content-type").orElse("");
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  public Answer get(String path, String token) {
    return send("GET", path, token, null, Map.of());
  }

  public Answer post(String path, String token, Object body) {
    return send("POST", path, token, body, Map.of());
  }

  public Answer patch(String path, String token, Object body) {
    return send("PATCH", path, token, body, Map.of());
  }

  public Answer delete(String path, String token) {
    return send("DELETE", path, token, null, Map.of());
  }

  /**
   * Sends {@code body} as JSON when it is a JsonObject/JsonArray, verbatim when it is a String
   * (for malformed input), and no body when null.
   */
  public Answer send(String method, String path, String token, Object body, Map<String, String> headers) {
    var request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    String text = body == null ? null : body instanceof String s ? s : body.toString();
    if (text != null && headers.keySet().stream().noneMatch("content-type"::equalsIgnoreCase)) {
      request.header("Content-Type", "application/json");
    }
    headers.forEach(request::header);
    request.method(method, text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
    try {
      HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.headers(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A port nothing listens on right now. */
  public static int freePort() {
    try (var socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
