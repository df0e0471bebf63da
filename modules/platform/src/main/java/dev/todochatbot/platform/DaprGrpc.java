package dev.todochatbot.platform;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.dapr.v1.DaprProtos.PublishEventRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The calls of Dapr's gRPC API ({@code dapr.proto.runtime.v1.Dapr}, from Dapr's own 1.16 protos) that
 * this service makes, over Vert.x's HTTP/2 client on the event loop: no grpc-java channel, no blocking
 * stub. One HTTP/2 connection to the sidecar carries every call. The API token goes as the
 * {@code dapr-api-token} metadata, as daprd asks of gRPC callers.
 */
final class DaprGrpc {

  static final ServiceName DAPR = ServiceName.create("dapr.proto.runtime.v1", "Dapr");
  static final ServiceMethod<Empty, PublishEventRequest> PUBLISH_EVENT = ServiceMethod.client(DAPR, "PublishEvent",
      GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(Empty.getDefaultInstance()));

  /** As long as the HTTP publish may take (its idle timeout): a broker that is down answers within it. */
  private static final long CALL_TIMEOUT_MILLIS = 15_000;

  private final SidecarConfig config;
  private final GrpcClient client;
  private final SocketAddress address;

  /**
   * Larger than anything the broker lets through (1 MiB records): a message over the client's limit would end the
   * whole stream, and daprd would send it again on the next; under this one, {@link TopicStream}'s receiver sees
   * it and drops it to the dead-letter topic by its own, smaller limit.
   */
  static final long MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  DaprGrpc(Vertx vertx, SidecarConfig config) {
    this.config = config;
    this.client = GrpcClient.client(vertx, new GrpcClientOptions().setMaxMessageSize(MAX_MESSAGE_BYTES),
        new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2)
        // h2c with prior knowledge, as gRPC clients speak to daprd
        .setHttp2ClearTextUpgrade(false)
        .setConnectTimeout(5_000)
        .setKeepAlive(true));
    this.address = SocketAddress.inetSocketAddress(config.grpcPort(), config.host());
  }

  /**
   * {@code PublishEvent}: the payload as it is, its content type, and metadata as on the HTTP query
   * ({@code partitionKey}, {@code cloudevent.id}). Completes once the sidecar has the broker's ack.
   */
  Future<Void> publish(String topic, Buffer data, String contentType, Map<String, String> metadata) {
    var request = PublishEventRequest.newBuilder()
        .setPubsubName(config.pubsubName())
        .setTopic(topic)
        .setData(ByteString.copyFrom(data.getBytes()))
        .setDataContentType(contentType)
        .putAllMetadata(metadata)
        .build();
    return client.request(address, PUBLISH_EVENT)
        .recover(failure -> Future.failedFuture(unreachable(failure)))
        .compose(call -> {
          config.apiToken().ifPresent(token -> call.headers().set(AppPort.TOKEN_HEADER, token));
          call.timeout(CALL_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
          return call.send(request)
              .recover(failure -> Future.failedFuture(unreachable(failure)))
              .compose(response -> settle(response, "publish to " + topic));
        });
  }

  Future<Void> close() {
    return client.close();
  }

  GrpcClient client() {
    return client;
  }

  SocketAddress address() {
    return address;
  }

  SidecarConfig config() {
    return config;
  }

  /** OK with its one message, or the status and message daprd answered as a {@link SidecarException}. */
  private static Future<Void> settle(GrpcClientResponse<PublishEventRequest, Empty> response, String what) {
    return response.last().<Void>mapEmpty().recover(failure -> {
      GrpcStatus status = response.status();
      if (status == null || status == GrpcStatus.OK) {
        return Future.failedFuture(new SidecarException(0, null, "the sidecar could not " + what + ": "
            + failure.getMessage()));
      }
      // gRPC answers carry no HTTP status: the exception holds the gRPC code, the message daprd's text
      return Future.failedFuture(new SidecarException(status.code, status.name(), "the sidecar could not " + what
          + ": " + status.name() + " " + message(response)));
    });
  }

  /**
   * The answer's grpc-message. daprd answers a refusal "trailers-only": status and message in the one
   * header block, where Vert.x 5.0's {@code statusMessage()} does not look, so the headers are read too.
   */
  static String message(GrpcClientResponse<?, ?> response) {
    String message = response.statusMessage();
    if (message == null) {
      String raw = response.trailers() == null ? null : response.trailers().get("grpc-message");
      raw = raw != null ? raw : response.headers().get("grpc-message");
      // percent-encoded on the wire (gRPC over HTTP/2 spec)
      message = raw == null ? "" : java.net.URLDecoder.decode(raw.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    }
    return message;
  }

  private SidecarException unreachable(Throwable failure) {
    return new SidecarException(0, null, "the Dapr sidecar's gRPC API at " + config.host() + ":" + config.grpcPort()
        + " could not be reached: " + failure.getMessage());
  }
}
