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
      if (!rest.startsWith("/method")) {
        DaprError.directInvoke(appId, "invalid method name").send(request.response());
        return true;
      }
      String target = rest.substring("/method".length());
      forward(request, decode(appId), target.isEmpty() || target.charAt(0) != '/' ? "/" + target : target);
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
    headers.set("dapr-caller-app-id", callerAppId);
    if (!isUrl(appId)) {
      headers.set("dapr-callee-app-id", appId);
      // what the callee's own sidecar would add: its app token (never sent to an endpoint outside Dapr)
      apps.lookup(appId).flatMap(AppDirectory.AppAddress::appToken)
          .ifPresent(token -> headers.set(AppPort.TOKEN_HEADER, token));
    }
    if (!headers.contains("traceparent")) {
      headers.set("traceparent", TraceContext.newTraceparent());
    }
    options.setMethod(request.method()).setURI(pathAndQuery).setHeaders(headers).setIdleTimeout(120_000);
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
