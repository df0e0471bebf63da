package dev.todochatbot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.Drain;
import dev.todochatbot.platform.testing.Await;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A draining edge tells its WebSockets to go elsewhere, rather than holding the drain until its timeout. */
class RealtimeDrainTest {

  private EdgeFixture edge;

  @BeforeEach
  void start() {
    edge = EdgeFixture.start("realtimedrain", false);
  }

  @AfterEach
  void stop() {
    edge.close();
  }

  @Test
  void openSocketsAreClosedGoingAwaySoThatBrowsersReconnectWithTheirCursorElsewhere() {
    String token = edge.newUser();
    var options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(edge.edgeConfig.port())
        .setURI("/ws?access_token=" + token);
    WebSocket socket = Await.result(edge.vertx.createWebSocketClient().connect(options));
    Promise<Short> closed = Promise.promise();
    socket.closeHandler(v -> closed.tryComplete(socket.closeStatusCode()));
    long started = System.nanoTime();

    Await.result(Drain.of(edge.vertx).start(new Drain.Settings(Duration.ZERO, Duration.ofSeconds(20))));

    assertThat(Await.result(closed.future())).as("close code").isEqualTo(Realtime.CLOSE_GOING_AWAY);
    assertThat(socket.closeReason()).contains("reconnect");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the drain did not wait for the socket's timeout")
        .isLessThan(Duration.ofSeconds(10));
  }
}
