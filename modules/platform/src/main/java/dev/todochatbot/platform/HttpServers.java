package dev.todochatbot.platform;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import java.net.BindException;

/**
 * Starts a service's HTTP server on the address it is given, and says which setting to change when its
 * port is taken. Every server started here keeps the {@code traceparent} of each request for its log
 * lines ({@link Trace}), answers requests it cannot even parse with a problem document, and is drained on
 * shutdown ({@link Drain}).
 */
public final class HttpServers {

  private HttpServers() {}

  public static Future<HttpServer> listen(Vertx vertx, Router router, String host, int port, String portVariable) {
    return listen(vertx, new HttpServerOptions(), router, host, port, portVariable);
  }

  public static Future<HttpServer> listen(Vertx vertx, HttpServerOptions options, Router router, String host, int port,
      String portVariable) {
    return vertx.createHttpServer(options)
        .requestHandler(request -> {
          Trace.capture(request);
          router.handle(request);
        })
        .invalidRequestHandler(HttpServers::unreadable)
        .listen(port, host)
        .onSuccess(server -> Drain.of(vertx).serve(server))
        .recover(failure -> Future.failedFuture(failure instanceof BindException
            ? new IllegalStateException("Port " + port + " on " + host + " is already in use: stop what listens there, "
                + "or set " + portVariable + " to another port", failure)
            : failure));
  }

  /**
   * What Netty could not decode never reaches the router: an over-long request line or header block, or
   * a request that is not HTTP. It gets the status Vert.x would give it, with a problem document, and
   * the connection is closed (what follows on it cannot be read either).
   */
  static void unreadable(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    Problem problem;
    if (cause instanceof TooLongHttpLineException) {
      problem = Problem.of(414, "uri-too-long", "Request line too long",
          "The request line (method, path and query) is over " + new HttpServerOptions().getMaxInitialLineLength()
              + " bytes; send long input in a request body.");
    } else if (cause instanceof TooLongHttpHeaderException) {
      problem = Problem.of(431, "headers-too-large", "Request headers too large",
          "The request headers are over " + new HttpServerOptions().getMaxHeaderSize() + " bytes together.");
    } else {
      problem = Problem.badRequest("The request is not valid HTTP/1.1"
          + (cause == null || cause.getMessage() == null ? "." : ": " + cause.getMessage()));
    }
    request.response()
        .setStatusCode(problem.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.CONTENT_TYPE)
        .putHeader(HttpHeaders.CONNECTION, "close")
        .end(problem.toJson().toBuffer());
  }
}
