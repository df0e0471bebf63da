package dev.todochatbot.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.todochatbot.platform.testing.Await;
import dev.todochatbot.platform.testing.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A route only the sidecar may call is closed to a caller without the app token. */
class AppPortTest {

  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  private static TestHttp serve(AppPort appPort) {
    Router router = Router.router(vertx);
    // before the body handler, as on the services' routes (vertx-web refuses most handlers there)
    router.post("/events/orders").handler(appPort.sidecarOnly()).handler(io.vertx.ext.web.handler.BodyHandler.create())
        .handler(ctx -> ctx.response().end("stored"));
    HttpProblems.install(router);
    int port = TestHttp.freePort();
    Await.result(HttpServers.listen(vertx, router, appPort.host(), port, "PORT"));
    return new TestHttp(port);
  }

  @Test
  void aSidecarOnlyRouteAnswers401WithoutTheAppTokenAndRunsWithIt() {
    var http = serve(new AppPort("127.0.0.1", Optional.of("app-token-from-daprd")));

    for (var headers : java.util.List.<Map<String, String>>of(Map.of(), Map.of("dapr-api-token", "guess"),
        Map.of("dapr-api-token", "app-token-from-daprd-and-more"), Map.of("Authorization", "Bearer app-token-from-daprd"))) {
      var refused = http.send("POST", "/events/orders", null, "{}", headers);
      assertThat(refused.status()).as("%s", headers).isEqualTo(401);
      assertThat(refused.contentType()).isEqualTo(Problem.CONTENT_TYPE);
      assertThat(refused.json().getString("detail")).contains("dapr-api-token");
    }
    var accepted = http.send("POST", "/events/orders", null, "{}", Map.of("dapr-api-token", "app-token-from-daprd"));
    assertThat(accepted.status()).isEqualTo(200);
    assertThat(accepted.body()).isEqualTo("stored");
  }

  @Test
  void withoutAnAppTokenTheRouteIsOpenAndOnlyALoopbackAddressMayBeBound() {
    var http = serve(AppPort.loopback());
    assertThat(http.post("/events/orders", null, "{}").status()).isEqualTo(200);

    for (String host : new String[] {"0.0.0.0", "::", "192.0.2.2"}) {
      assertThatThrownBy(() -> new AppPort(host, Optional.empty())).as(host)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("APP_API_TOKEN");
    }
    assertThat(new AppPort("0.0.0.0", Optional.of("t")).host()).isEqualTo("0.0.0.0");
    assertThat(new AppPort("localhost", Optional.empty()).host()).isEqualTo("localhost");
    assertThat(new AppPort("::1", Optional.of("")).appToken()).isEmpty();
  }

  @Test
  void theSettingsComeFromTheEnvironmentLoopbackByDefault() {
    assertThat(AppPort.fromEnv(new Env(Map.of()))).isEqualTo(new AppPort("127.0.0.1", Optional.empty()));
    assertThat(AppPort.fromEnv(new Env(Map.of("INTERNAL_HOST", "0.0.0.0", "APP_API_TOKEN", "t"))))
        .isEqualTo(new AppPort("0.0.0.0", Optional.of("t")));
  }
}
