package dev.todochatbot.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The traceparent of a request is the trace of everything done for it, also after an async step. */
class TraceTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN_ID = "00f067aa0ba902b7";
  private static Vertx vertx;
  private static TestHttp http;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    // answers the trace seen after a timer and a second request's worth of work on the event loop
    router.get("/trace").handler(ctx -> vertx.setTimer(20, id -> ctx.response().end(
        Trace.current().map(trace -> trace.traceId() + " " + trace.spanId()).orElse("none"))));
    int port = TestHttp.freePort();
    Await.result(HttpServers.listen(vertx, router, "127.0.0.1", port, "PORT"));
    http = new TestHttp(port);
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  @Test
  void theTraceOfARequestIsKeptAcrossAnAsyncStep() {
    var answer = http.send("GET", "/trace", null, null, Map.of("traceparent", "00-" + TRACE_ID + "-" + SPAN_ID + "-01"));
    assertThat(answer.body()).isEqualTo(TRACE_ID + " " + SPAN_ID);
  }

  @Test
  void aRequestWithoutTraceparentHasNoTraceEvenAfterOneWithIt() {
    http.send("GET", "/trace", null, null, Map.of("traceparent", "00-" + TRACE_ID + "-" + SPAN_ID + "-01"));
    assertThat(http.get("/trace", null).body()).isEqualTo("none");
  }

  @Test
  void onlyValidTraceparentsAreTaken() {
    assertThat(Trace.parse("00-" + TRACE_ID + "-" + SPAN_ID + "-01")).contains(new Trace(TRACE_ID, SPAN_ID));
    assertThat(Trace.parse("ff-" + TRACE_ID + "-" + SPAN_ID + "-01")).isEmpty();
    assertThat(Trace.parse("00-" + "0".repeat(32) + "-" + SPAN_ID + "-01")).isEmpty();
    assertThat(Trace.parse("00-" + TRACE_ID + "-" + "0".repeat(16) + "-01")).isEmpty();
    assertThat(Trace.parse("00-" + TRACE_ID.toUpperCase() + "-" + SPAN_ID + "-01")).isEmpty();
    assertThat(Trace.parse("garbage")).isEmpty();
    assertThat(Trace.parse(null)).isEmpty();
  }
}
