package dev.todochatbot.devsidecar;

import com.google.protobuf.Empty;
import dev.todochatbot.platform.AppPort;
import io.dapr.v1.DaprProtos.PublishEventRequest;
import io.dapr.v1.DaprProtos.SubscribeTopicEventsRequestAlpha1;
import io.dapr.v1.DaprProtos.SubscribeTopicEventsResponseAlpha1;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of daprd's gRPC API ({@code dapr.proto.runtime.v1.Dapr}, Dapr's own 1.16 protos) that the services
 * call, on loopback: {@code PublishEvent}, and {@code SubscribeTopicEventsAlpha1} ({@link StreamSubscription}). It answers as daprd's gRPC API does (pkg/api/grpc and
 * pkg/api/errors of 1.16): the same cloud event on the broker as an HTTP publish, and each refusal with
 * the gRPC code daprd gives it ({@code InvalidArgument} for an unknown pub/sub, an empty topic or bad
 * metadata, {@code PermissionDenied} for a topic out of scope, {@code Internal} when the broker fails,
 * {@code Unauthenticated} "Unauthorized" without the API token). Any other method is {@code Unimplemented}.
 */
final class GrpcApi extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(GrpcApi.class);
  static final ServiceName DAPR = ServiceName.create("dapr.proto.runtime.v1", "Dapr");
  static final ServiceMethod<PublishEventRequest, Empty> PUBLISH_EVENT = ServiceMethod.server(DAPR, "PublishEvent",
      GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(PublishEventRequest.getDefaultInstance()));

  static final ServiceMethod<SubscribeTopicEventsRequestAlpha1, SubscribeTopicEventsResponseAlpha1> SUBSCRIBE =
      ServiceMethod.server(DAPR, "SubscribeTopicEventsAlpha1", GrpcMessageEncoder.encoder(),
          GrpcMessageDecoder.decoder(SubscribeTopicEventsRequestAlpha1.getDefaultInstance()));

  private final DevSidecar sidecar;
  private final int port;
  private final Optional<byte[]> apiToken;
  private HttpServer server;

  GrpcApi(DevSidecar sidecar, int port) {
    this.sidecar = sidecar;
    this.port = port;
    this.apiToken = sidecar.apiToken().map(token -> token.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public Future<?> start() {
    var grpc = GrpcServer.server(vertx);
    grpc.callHandler(PUBLISH_EVENT, this::publish);
    grpc.callHandler(SUBSCRIBE, this::subscribe);
    // h2c with prior knowledge, as gRPC clients speak
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port)
        .setHttp2ClearTextEnabled(true));
    return server.requestHandler(grpc).listen()
        .recover(failure -> Future.failedFuture(new IllegalStateException("The devsidecar of " + sidecar.appId()
            + " cannot serve Dapr's gRPC API on 127.0.0.1:" + port + ": " + failure.getMessage(), failure)));
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** {@code SubscribeTopicEventsAlpha1}: a streaming subscription, on this verticle's event loop. */
  private void subscribe(GrpcServerRequest<SubscribeTopicEventsRequestAlpha1, SubscribeTopicEventsResponseAlpha1> call) {
    if (!authenticated(call)) {
      return;
    }
    sidecar.opened(new StreamSubscription(sidecar, call, vertx.getOrCreateContext())).start();
  }

  int actualPort() {
    return server.actualPort();
  }

  private void publish(GrpcServerRequest<PublishEventRequest, Empty> call) {
    if (!authenticated(call)) {
      return;
    }
    call.last().onSuccess(in -> {
      Optional<DaprError> refused = check(in);
      if (refused.isPresent()) {
        refuse(call, refused.get());
        return;
      }
      var metadata = new LinkedHashMap<>(in.getMetadataMap());
      KafkaPubSub pubsub = sidecar.pubsub(in.getPubsubName()).orElseThrow();
      byte[] value;
      if (SidecarApi.rawPayload(metadata).orElseThrow()) {
        value = in.getData().toByteArray();
      } else {
        try {
          value = CloudEvents.envelope(sidecar.appId(), in.getPubsubName(), in.getTopic(),
              in.getDataContentType().isEmpty() ? null : in.getDataContentType(),
              Buffer.buffer(in.getData().toByteArray()), metadata,
              TraceContext.childOf(call.headers().get("traceparent")),
              Optional.ofNullable(call.headers().get("tracestate")).orElse(""));
        } catch (CloudEvents.InvalidEnvelope e) {
          log.debug("gRPC publish to {}/{}: cannot create the cloud event: {}", in.getPubsubName(), in.getTopic(),
              e.getMessage());
          refuse(call, DaprError.cloudEvent());
          return;
        }
      }
      pubsub.publish(vertx.getOrCreateContext(), in.getTopic(), value, metadata).onComplete(result -> {
        if (result.succeeded()) {
          call.response().end(Empty.getDefaultInstance());
        } else {
          refuse(call, DaprError.publish(in.getPubsubName(), in.getTopic(), String.valueOf(result.cause().getMessage())));
        }
      });
    });
  }

  /** validateAndGetPubsubAndTopic, then the scopes, in daprd's order. */
  private Optional<DaprError> check(PublishEventRequest in) {
    if (in.getPubsubName().isEmpty()) {
      return Optional.of(new DaprError(404, "ERR_PUBSUB_EMPTY", "pubsub name is empty"));
    }
    if (sidecar.pubsub(in.getPubsubName()).isEmpty()) {
      return Optional.of(DaprError.pubsubNotFound(in.getPubsubName()));
    }
    if (in.getTopic().isEmpty()) {
      return Optional.of(new DaprError(404, "ERR_TOPIC_NAME_EMPTY", "topic is empty in pubsub " + in.getPubsubName()));
    }
    Map<String, String> metadata = in.getMetadataMap();
    if (SidecarApi.rawPayload(metadata).isEmpty()) {
      return Optional.of(DaprError.metadata("rawPayload value must be a valid boolean: actual is '"
          + metadata.get("rawPayload") + "'"));
    }
    KafkaPubSub pubsub = sidecar.pubsub(in.getPubsubName()).orElseThrow();
    if (!pubsub.publishAllowed(in.getTopic())) {
      return Optional.of(DaprError.forbidden(in.getTopic(), sidecar.appId()));
    }
    return Optional.empty();
  }

  /** daprd's APITokenAuthMiddleware on gRPC: Unauthenticated, the token missing or another one. */
  private boolean authenticated(GrpcServerRequest<?, ?> call) {
    if (apiToken.isEmpty()) {
      return true;
    }
    String sent = call.headers().get(AppPort.TOKEN_HEADER);
    if (sent == null || !AppPort.matches(apiToken.get(), sent)) {
      // daprd logs why (missing, or another token) and answers only the HTTP status text
      call.response().status(GrpcStatus.UNAUTHENTICATED).statusMessage("Unauthorized").end();
      return false;
    }
    return true;
  }

  private static void refuse(GrpcServerRequest<PublishEventRequest, Empty> call, DaprError error) {
    call.response().status(grpcCode(error)).statusMessage(error.message()).end();
  }

  /** The gRPC code daprd's pkg/api/errors gives each of these errors beside its HTTP status. */
  static GrpcStatus grpcCode(DaprError error) {
    return switch (error.errorCode()) {
      case "ERR_PUBSUB_FORBIDDEN" -> GrpcStatus.PERMISSION_DENIED;
      case "ERR_PUBSUB_PUBLISH_MESSAGE" -> GrpcStatus.INTERNAL;
      case "ERR_PUBSUB_NOT_CONFIGURED" -> GrpcStatus.FAILED_PRECONDITION;
      default -> GrpcStatus.INVALID_ARGUMENT;
    };
  }
}
