package dev.todochatbot.platform;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.net.BindException;

/**
 * Starts a service's HTTP server, and says which setting to change when its port is taken. Every
 * server started here keeps the {@code traceparent} of each request for its log lines ({@link Trace})
 * and is drained on shutdown ({@link Drain}).
 */
public final class HttpServers {

  private HttpServers() {}

  public static Future<HttpServer> listen(Vertx vertx, Router router, int port, String portVariable) {
    return listen(vertx, new HttpServerOptions(), router, port, portVariable);
  }

  public static Future<HttpServer> listen(Vertx vertx, HttpServerOptions options, Router router, int port,
      String portVariable) {
    return vertx.createHttpServer(options)
        .requestHandler(request -> {
          Trace.capture(request);
          router.handle(request);
        })
        .listen(port)
        .onSuccess(server -> Drain.of(vertx).serve(server))
        .recover(failure -> Future.failedFuture(failure instanceof BindException
            ? new IllegalStateException("Port " + port + " is already in use: stop what listens there, or set "
                + portVariable + " to another port", failure)
            : failure));
  }
}
