package dev.todochatbot.platform;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Map;

/** Invokes services at fixed base URLs (app id to {@code http://host:port}), without a sidecar. */
public final class DirectServiceInvoker implements ServiceInvoker {

  private final Map<String, String> baseUrls;
  private final HttpClient client;

  public DirectServiceInvoker(Vertx vertx, Map<String, String> baseUrls) {
    this.baseUrls = Map.copyOf(baseUrls);
    this.client = vertx.createHttpClient(
        new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5_000),
        new PoolOptions().setHttp1MaxSize(64));
  }

  @Override
  public Future<ServiceResponse> invoke(String appId, HttpMethod method, String path, MultiMap headers,
      Buffer body) {
    String base = baseUrls.get(appId);
    if (base == null) {
      return Future.failedFuture(new IllegalArgumentException("no address known for app id " + appId));
    }
    var options = new RequestOptions()
        .setMethod(method)
        .setAbsoluteURI(base + path)
        .setHeaders(headers)
        .setIdleTimeout(30_000);
    return client.request(options)
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(response -> response.body()
            .map(payload -> new ServiceResponse(response.statusCode(), response.headers(), payload)));
  }
}
