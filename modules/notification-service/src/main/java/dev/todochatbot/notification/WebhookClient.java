package dev.todochatbot.notification;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrustOptions;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;

/**
 * The service's own HTTP client for the users' webhooks, not the sidecar's: Dapr's invocation of an
 * endpoint outside Dapr sends that endpoint the caller's app token ({@code APP_API_TOKEN}, which
 * guards the routes only the sidecar may call) as {@code dapr-api-token}, and looks the host up again
 * after {@link WebhookAddresses} checked it. Here a POST goes to exactly the address that was checked
 * ({@link WebhookAddresses.Pinned}), with the URL's host in {@code Host}, in TLS's server name
 * indication and in the certificate's hostname verification (against the JVM's trust store), and
 * carries only the headers it is given, {@code Content-Length} and {@code User-Agent}: no token, no
 * {@code traceparent} (the receiver is outside; {@code X-Todo-Delivery} is what it quotes back to us).
 *
 * <p>Redirects are not followed (a 3xx is a failed attempt: following one would go to an address
 * nobody checked); an answer's body is kept up to {@link #MAX_ANSWER_BYTES} and the connection closed
 * past that, so that a receiver cannot make us read without end. HTTP/1.1 only, pooled per receiver
 * address and host.
 */
final class WebhookClient {

  /** What is read of an answer's body: more than last_error keeps, far less than a receiver could send. */
  static final int MAX_ANSWER_BYTES = 16 * 1024;
  static final String USER_AGENT = "todo-chatbot-webhooks/1";
  /** Connections at once to one receiver, per verticle instance; a poll's other deliveries to it wait their turn. */
  private static final int CONNECTIONS_PER_RECEIVER = 8;
  /** A kept-alive connection unused for this long is closed: receivers are many and mostly quiet. */
  private static final int KEEP_ALIVE_SECONDS = 30;

  /** A receiver's answer: its status and the first {@link #MAX_ANSWER_BYTES} of its body. */
  record Answer(int status, Buffer body) {}

  private final Vertx vertx;
  private final HttpClient client;

  WebhookClient(Vertx vertx) {
    this(vertx, null);
  }

  /** With {@code trust} instead of the JVM's trust store: a test's receiver with a certificate of its own. */
  WebhookClient(Vertx vertx, TrustOptions trust) {
    this.vertx = vertx;
    var options = new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_1_1)
        .setKeepAlive(true)
        .setKeepAliveTimeout(KEEP_ALIVE_SECONDS)
        .setDecompressionSupported(false)
        .setVerifyHost(true);
    if (trust != null) {
      options.setTrustOptions(trust);
    }
    // every delivery of a poll may wait for a connection (WebhookDeliveries.BATCH), no more
    client = vertx.createHttpClient(options,
        new PoolOptions().setHttp1MaxSize(CONNECTIONS_PER_RECEIVER).setMaxWaitQueueSize(WebhookDeliveries.BATCH));
  }

  /**
   * POSTs {@code body} to {@code url} at {@code address}, and answers once the answer has been read;
   * fails when it is not all done within {@code timeout} (connecting included), or on any transport
   * failure (refused, reset, a certificate not trusted or not the host's).
   */
  Future<Answer> post(String url, InetAddress address, MultiMap headers, Buffer body, Duration timeout) {
    URI parsed = URI.create(url);
    boolean https = parsed.getScheme().toLowerCase(Locale.ROOT).equals("https");
    int port = parsed.getPort() != -1 ? parsed.getPort() : https ? 443 : 80;
    // an IPv6 literal keeps its brackets in the URI; the certificate and the socket want it without them
    String host = parsed.getHost().startsWith("[") ? parsed.getHost().substring(1, parsed.getHost().length() - 1)
        : parsed.getHost();
    String path = parsed.getRawPath() == null || parsed.getRawPath().isEmpty() ? "/" : parsed.getRawPath();
    long deadline = System.nanoTime() + timeout.toNanos();
    var options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        // the literal: a SocketAddress holding the name would be looked up again as it connects
        .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
        .setHost(host)
        .setPort(port)
        .setSsl(https)
        .setURI(parsed.getRawQuery() == null ? path : path + "?" + parsed.getRawQuery())
        .setHeaders(MultiMap.caseInsensitiveMultiMap().addAll(headers)
            .set(HttpHeaders.HOST, parsed.getRawAuthority())
            .set(HttpHeaders.USER_AGENT, USER_AGENT))
        .setFollowRedirects(false)
        .setConnectTimeout(timeout.toMillis());
    return client.request(options).compose(request -> {
      // what the connection left of the attempt; past it the request is reset, its connection closed
      long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      long timer = vertx.setTimer(left, id -> request.reset(0, new TimeoutException("no answer within " + timeout)));
      return request.send(body).compose(WebhookClient::read).andThen(done -> vertx.cancelTimer(timer));
    }).recover(failure -> Future.failedFuture(explained(failure)));
  }

  /**
   * A failed TLS handshake in the JDK's words (a certificate not trusted, or for another name), which
   * the person reads in last_error: Vert.x says only "Failed to create SSL connection" and keeps them
   * in its cause.
   */
  private static Throwable explained(Throwable failure) {
    if (failure instanceof SSLHandshakeException && failure.getCause() != null) {
      var explained = new SSLHandshakeException("TLS handshake failed: " + failure.getCause().getMessage());
      explained.initCause(failure);
      return explained;
    }
    return failure;
  }

  /** Closes the pooled connections (with the verticle). */
  Future<Void> close() {
    return client.close();
  }

  /** The answer, its body cut at {@link #MAX_ANSWER_BYTES}: past that the stream is reset instead of read on. */
  private static Future<Answer> read(HttpClientResponse response) {
    Promise<Answer> answer = Promise.promise();
    Buffer kept = Buffer.buffer();
    response.exceptionHandler(answer::tryFail);
    response.handler(chunk -> {
      if (answer.future().isComplete()) {
        return;
      }
      int room = MAX_ANSWER_BYTES - kept.length();
      if (chunk.length() <= room) {
        kept.appendBuffer(chunk);
        return;
      }
      kept.appendBuffer(chunk, 0, room);
      answer.tryComplete(new Answer(response.statusCode(), kept));
      response.request().reset();
    });
    response.endHandler(end -> answer.tryComplete(new Answer(response.statusCode(), kept)));
    return answer.future();
  }
}
