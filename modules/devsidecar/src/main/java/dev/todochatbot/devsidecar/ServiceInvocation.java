package dev.todochatbot.devsidecar;

import dev.todochatbot.platform.AppPort;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Service invocation over HTTP: {@code <VERB> /v1.0/invoke/{appId}/method/{path}} or any path with a
 * {@code dapr-app-id} header. The callee app is called directly at the address the {@link AppDirectory}
 * holds (daprd would go through the callee's sidecar), on a pooled keep-alive client; its status,
 * headers and body pass through. An app id that is a URL ({@code http://host:port} or
 * {@code https://host}, URL-encoded or not) names an endpoint outside Dapr, which is called directly,
 * as daprd 1.11+ does: TLS for https, trusting the JVM's default trust store.
 */
final class ServiceInvocation {

  private static final Logger log = LoggerFactory.getLogger(ServiceInvocation.class);
  private static final String PREFIX = "/v1.0/invoke/";
  /** daprd's self-hosted namespace */
  private static final String NAMESPACE = "default";
  /**
   * What daprd names as its host in Forwarded ({@code DAPR_HOST_IP}, which the launcher sets to loopback):
   * the devsidecar's API and every app it calls are on loopback.
   */
  private static final String HOST_ADDRESS = "127.0.0.1";
  /** hop-by-hop headers, and those the client sets itself */
  private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "proxy-connection", "te", "trailer", "trailers", "transfer-encoding", "upgrade", "host",
      "content-length", "dapr-app-id", AppPort.TOKEN_HEADER);

  private final String callerAppId;
  private final AppDirectory apps;
  private final HttpClient client;

  ServiceInvocation(Vertx vertx, String callerAppId, AppDirectory apps) {
    this.callerAppId = callerAppId;
    this.apps = apps;
    this.client = vertx.createHttpClient(
        new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(60).setConnectTimeout(5_000)
            .setTcpNoDelay(true)
            // https endpoints outside Dapr: SNI, host name checked, the JVM's default trust store
            .setForceSni(true).setVerifyHost(true),
        new PoolOptions().setHttp1MaxSize(128));
  }

  /** True when the request was an invocation and has been answered (or is being). */
  boolean handle(HttpServerRequest request) {
    String uri = request.uri();
    if (uri.startsWith(PREFIX)) {
      // a plain URL app id has slashes of its own: the path starts after its host
      int idFrom = isUrl(uri.substring(PREFIX.length())) ? uri.indexOf("//", PREFIX.length()) + 2 : PREFIX.length();
      int slash = uri.indexOf('/', idFrom);
      String appId = slash < 0 ? uri.substring(PREFIX.length()) : uri.substring(PREFIX.length(), slash);
      String rest = slash < 0 ? "" : uri.substring(slash);
      // daprd reads <appId>/method/<path> only, with both; anything else names no app
      if (appId.isEmpty() || !rest.startsWith("/method/")) {
        DaprError.noAppId().send(request.response());
        return true;
      }
      forward(request, decode(appId), rest.substring("/method".length()));
      return true;
    }
    String appId = request.getHeader("dapr-app-id");
    if (appId != null && !appId.isBlank()) {
      forward(request, appId.strip(), uri);
      return true;
    }
    return false;
  }

  private void forward(HttpServerRequest request, String appId, String pathAndQuery) {
    var options = isUrl(appId) ? external(appId) : app(appId);
    if (options == null) {
      DaprError.directInvoke(appId, "couldn't find service: " + appId).send(request.response());
      return;
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    request.headers().forEach((name, value) -> {
      if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
        headers.add(name, value);
      }
    });
    // the request's traceparent is the span the API made for this call (SidecarApi)
    String span = request.getHeader("traceparent");
    if (isUrl(appId) || appId.equals(callerAppId)) {
      // daprd calls an endpoint outside Dapr, and its own app, within the API's span and adds nothing of
      // service invocation's own (no caller ids, no Forwarded); nor does the devsidecar send a token outside
      headers.set("traceparent", span);
      if (appId.equals(callerAppId)) {
        apps.lookup(appId).flatMap(AppDirectory.AppAddress::appToken)
            .ifPresent(token -> headers.set(AppPort.TOKEN_HEADER, token));
      }
    } else {
      // what daprd's direct messaging adds on its way to the callee's sidecar, and that sidecar on its own
      // span: caller and callee ids, the caller's namespace, Forwarded, and the callee's app token
      headers.set("dapr-caller-app-id", callerAppId);
      headers.set("dapr-callee-app-id", appId);
      headers.set("dapr-caller-namespace", NAMESPACE);
      headers.add("X-Forwarded-For", HOST_ADDRESS);
      headers.add("X-Forwarded-Host", HostName.get());
      headers.add("Forwarded", "for=" + HOST_ADDRESS + ";by=" + HOST_ADDRESS + ";host=" + HostName.get());
      headers.set("traceparent", TraceContext.childOf(span));
      apps.lookup(appId).flatMap(AppDirectory.AppAddress::appToken)
          .ifPresent(token -> headers.set(AppPort.TOKEN_HEADER, token));
    }
    options.setMethod(request.method()).setURI(pathAndQuery).setHeaders(headers).setIdleTimeout(120_000);
    if (!isUrl(appId) && !appId.equals(callerAppId) && wantsEventStream(request)) {
      // daprd 1.16 sends such a request on to the callee's sidecar, which calls the app, reads its answer
      // into nowhere (it streams server-sent events only into a caller's response of its own) and fails
      // the call (dapr/dapr#9013): the callee has done the work, the caller gets a 500
      request.body()
          .compose(body -> client.request(options).compose(upstream -> body.length() == 0 && !hasBody(request)
              ? upstream.send() : upstream.send(body)))
          .compose(HttpClientResponse::body)
          .onComplete(done -> DaprError.directInvoke(appId,
                  done.succeeded() ? "rpc error: code = Internal desc = error invoking app channel: no response received"
                      + " from stream" : done.cause().getMessage())
              .send(request.response()));
      return;
    }
    request.body()
        .compose(body -> client.request(options).compose(upstream -> body.length() == 0 && !hasBody(request)
            ? upstream.send() : upstream.send(body)))
        .onSuccess(response -> relay(request, response))
        .onFailure(failure -> {
          log.debug("Invoking {} {} on app {} failed: {}", request.method(), pathAndQuery, appId, failure.toString());
          DaprError.directInvoke(appId, failure.getMessage()).send(request.response());
        });
  }

  /** A Dapr app, at the address the directory holds; null when unknown. */
  private RequestOptions app(String appId) {
    return apps.lookup(appId)
        .map(address -> new RequestOptions().setHost(address.host()).setPort(address.port()))
        .orElse(null);
  }

  /** An endpoint outside Dapr, named by its base URL; null when that is no URL with a host. */
  private static RequestOptions external(String baseUrl) {
    URI url;
    try {
      url = new URI(baseUrl);
    } catch (URISyntaxException e) {
      return null;
    }
    if (url.getHost() == null) {
      return null;
    }
    boolean tls = url.getScheme().equalsIgnoreCase("https");
    return new RequestOptions().setHost(url.getHost()).setPort(url.getPort() > 0 ? url.getPort() : tls ? 443 : 80)
        .setSsl(tls);
  }

  private static boolean isUrl(String appId) {
    String lower = appId.toLowerCase(Locale.ROOT);
    return lower.startsWith("http://") || lower.startsWith("https://");
  }

  /** What daprd takes for a request for server-sent events: an Accept that starts with their type. */
  private static boolean wantsEventStream(HttpServerRequest request) {
    String accept = request.getHeader("Accept");
    return accept != null && accept.startsWith("text/event-stream");
  }

  private static boolean hasBody(HttpServerRequest request) {
    return request.headers().contains("content-length") || request.headers().contains("transfer-encoding");
  }

  /**
   * The callee's status, headers and body, the body streamed as it comes (server-sent events reach the
   * caller piece by piece, as daprd 1.17 does; 1.16 holds an app's streamed answer back until it ends,
   * dapr/dapr#8761).
   */
  private static void relay(HttpServerRequest request, HttpClientResponse upstream) {
    var response = request.response();
    if (response.closed()) {
      upstream.request().reset();
      return;
    }
    response.setStatusCode(upstream.statusCode());
    if (upstream.statusMessage() != null) {
      response.setStatusMessage(upstream.statusMessage());
    }
    upstream.headers().forEach((name, value) -> {
      if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
        response.headers().add(name, value);
      }
    });
    String length = upstream.getHeader("content-length");
    int status = upstream.statusCode();
    // daprd answers an app's error (below 200, above 399) as its own, JSON unless the app said otherwise
    if ((status < 200 || status > 399) && upstream.getHeader("content-type") == null) {
      response.putHeader("content-type", "application/json");
    }
    if (length != null) {
      response.putHeader("content-length", length);
    } else if (status != 204 && status != 304 && request.method() != io.vertx.core.http.HttpMethod.HEAD) {
      response.setChunked(true);
    }
    response.closeHandler(closed -> upstream.request().reset());
    // cut short upstream: reset, so that the caller sees a broken answer, never one that looks whole
    upstream.pipe().endOnFailure(false).to(response).onFailure(failure -> {
      log.debug("Relaying the answer of {} was cut short: {}", request.uri(), failure.toString());
      response.reset();
    });
  }

  private static String decode(String segment) {
    return segment.indexOf('%') < 0 ? segment : java.net.URLDecoder.decode(segment, java.nio.charset.StandardCharsets.UTF_8);
  }

  void close() {
    client.close();
  }
}
