package dev.todochatbot.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a server cannot even parse still gets a problem document, not an empty body. */
class HttpServersTest {

  private static Vertx vertx;
  private static int port;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.get("/*").handler(ctx -> ctx.response().end("ok"));
    port = TestHttp.freePort();
    Await.result(HttpServers.listen(vertx, router, "127.0.0.1", port, "PORT"));
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  /** The raw answer to raw bytes: status line, headers, body. */
  private static String exchange(String request) throws IOException {
    try (var socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static JsonObject problem(String answer) {
    assertThat(answer.toLowerCase()).contains("content-type: application/problem+json");
    return new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
  }

  @Test
  void anOverLongRequestLineIs414WithAProblemDocument() throws IOException {
    String answer = exchange("GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(answer).matches("(?s)HTTP/1\\.[01] 414 .*");
    var problem = problem(answer);
    assertThat(problem.getInteger("status")).isEqualTo(414);
    assertThat(problem.getString("detail")).contains("request line").contains("4096");
  }

  @Test
  void overLargeHeadersAre431WithAProblemDocument() throws IOException {
    String answer = exchange("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n");
    assertThat(answer).matches("(?s)HTTP/1\\.[01] 431 .*");
    assertThat(problem(answer).getInteger("status")).isEqualTo(431);
  }

  @Test
  void aRequestThatIsNotHttpIs400WithAProblemDocument() throws IOException {
    String answer = exchange("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: many\r\n\r\n");
    assertThat(answer).matches("(?s)HTTP/1\\.[01] 400 .*");
    assertThat(problem(answer).getInteger("status")).isEqualTo(400);
  }

  @Test
  void aWellFormedRequestIsServed() throws IOException {
    assertThat(exchange("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 200")
        .endsWith("ok");
  }
}
