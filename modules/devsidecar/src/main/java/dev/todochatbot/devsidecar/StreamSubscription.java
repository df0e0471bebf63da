package dev.todochatbot.devsidecar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.todochatbot.devsidecar.AppChannel.Outcome;
import dev.todochatbot.devsidecar.AppChannel.Verdict;
import io.dapr.v1.DaprAppCallbackProtos.TopicEventRequest;
import io.dapr.v1.DaprProtos.SubscribeTopicEventsRequestAlpha1;
import io.dapr.v1.DaprProtos.SubscribeTopicEventsRequestInitialAlpha1;
import io.dapr.v1.DaprProtos.SubscribeTopicEventsResponseAlpha1;
import io.dapr.v1.DaprProtos.SubscribeTopicEventsResponseInitialAlpha1;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streaming subscription ({@code SubscribeTopicEventsAlpha1}) an app opened, as daprd 1.16 serves it
 * (pkg/api/grpc/subscribe.go, pkg/runtime/pubsub/streamer): the first message must be the initial request naming
 * pub/sub and topic (else the stream ends {@code Unknown} with daprd's words); the subscription is then made (a
 * consumer of its own in the app's group, from the same component, scopes and inbound Resiliency as HTTP
 * subscriptions) and confirmed with an initial response. Each record goes down the stream as daprd's
 * {@code TopicEventRequest} (the cloud event's fields, {@code data} as bytes, the rest as extensions) and waits for
 * the app's answer by event id; SUCCESS, RETRY and DROP settle it as an HTTP answer would. When the stream ends,
 * unanswered events are retried and the consumer leaves the group, so the next subscriber gets them.
 */
final class StreamSubscription implements EventSink {

  private static final Logger log = LoggerFactory.getLogger(StreamSubscription.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** the fields daprd puts in the envelope's own fields, not among the extensions (cloudEventDuplicateKeys) */
  private static final Set<String> OWN_FIELDS = Set.of("id", "source", "datacontenttype", "type", "specversion",
      "data", "data_base64");

  private final DevSidecar sidecar;
  private final GrpcServerRequest<SubscribeTopicEventsRequestAlpha1, SubscribeTopicEventsResponseAlpha1> call;
  private final Context context;
  /** on {@link #context} only */
  private final Map<String, Promise<Outcome>> pending = new HashMap<>();
  private boolean initialSeen;
  private boolean closed;
  private KafkaSubscriber consumer;
  private String pubsub = "";
  private String topic = "";

  StreamSubscription(DevSidecar sidecar,
      GrpcServerRequest<SubscribeTopicEventsRequestAlpha1, SubscribeTopicEventsResponseAlpha1> call, Context context) {
    this.sidecar = sidecar;
    this.call = call;
    this.context = context;
  }

  void start() {
    call.handler(this::onMessage);
    call.endHandler(v -> ended("the app ended the stream", true));
    call.exceptionHandler(failure -> ended("the stream failed: " + failure.getMessage(), false));
  }

  private void onMessage(SubscribeTopicEventsRequestAlpha1 message) {
    if (closed) {
      return;
    }
    if (!initialSeen) {
      initialSeen = true;
      if (!message.hasInitialRequest()) {
        refuse(GrpcStatus.UNKNOWN, "initial request is required");
        return;
      }
      subscribe(message.getInitialRequest());
      return;
    }
    if (!message.hasEventProcessed()) {
      refuse(GrpcStatus.UNKNOWN, "duplicate initial request received");
      return;
    }
    var processed = message.getEventProcessed();
    Promise<Outcome> waiting = pending.remove(processed.getId());
    if (waiting == null) {
      log.error("no client stream expecting publish response for id {} ({}/{})", processed.getId(), pubsub, topic);
      return;
    }
    waiting.tryComplete(switch (processed.getStatus().getStatus()) {
      case SUCCESS -> new Outcome(Verdict.SUCCESS, "SUCCESS");
      case RETRY -> new Outcome(Verdict.RETRY, "RETRY status returned from app");
      case DROP -> new Outcome(Verdict.DROP, "DROP status returned from app");
      default -> new Outcome(Verdict.RETRY, "unknown status returned from app: " + processed.getStatus());
    });
  }

  /** daprd's checks in its order, then the consumer, then the initial response. */
  private void subscribe(SubscribeTopicEventsRequestInitialAlpha1 request) {
    if (request.getPubsubName().isEmpty()) {
      refuse(GrpcStatus.UNKNOWN, "pubsubName is required");
      return;
    }
    if (request.getTopic().isEmpty()) {
      refuse(GrpcStatus.UNKNOWN, "topic is required");
      return;
    }
    pubsub = request.getPubsubName();
    topic = request.getTopic();
    Optional<KafkaPubSub> component = sidecar.pubsub(pubsub);
    if (component.isEmpty()) {
      DaprError error = DaprError.pubsubNotFound(pubsub);
      refuse(GrpcApi.grpcCode(error), error.message());
      return;
    }
    if (!component.get().subscribeAllowed(topic)) {
      refuse(GrpcStatus.UNKNOWN, "failed to create subscription for " + pubsub + ": subscription to topic '" + topic
          + "' on pubsub '" + pubsub + "' is not allowed");
      return;
    }
    var subscription = new AppSubscription(pubsub, topic, List.of(), Optional.of("/"),
        request.getDeadLetterTopic().isEmpty() ? Optional.empty() : Optional.of(request.getDeadLetterTopic()),
        Map.copyOf(request.getMetadataMap()), "stream of app " + sidecar.appId());
    sidecar.startStream(context, subscription, this).onComplete(started -> {
      if (started.failed()) {
        refuse(GrpcStatus.UNKNOWN, "failed to create subscription for " + pubsub + ": " + started.cause().getMessage());
        return;
      }
      consumer = started.result();
      if (closed) {
        sidecar.stopStream(consumer);
        return;
      }
      log.info("Subscribing to pubsub '{}' topic '{}' for app {} over a stream", pubsub, topic, sidecar.appId());
      call.response().write(SubscribeTopicEventsResponseAlpha1.newBuilder()
          .setInitialResponse(SubscribeTopicEventsResponseInitialAlpha1.getDefaultInstance()).build());
    });
  }

  @Override
  public Future<Outcome> deliver(String path, MultiMap headers, Buffer envelope, ObjectNode cloudEvent,
      Duration timeout) {
    if (closed) {
      return Future.succeededFuture(new Outcome(Verdict.RETRY, "stream closed"));
    }
    TopicEventRequest event;
    try {
      event = topicEvent(cloudEvent, path);
    } catch (IllegalArgumentException e) {
      // daprd: an envelope it cannot turn into the gRPC one is an error, so retried
      return Future.succeededFuture(new Outcome(Verdict.RETRY, "error returned from app while processing pub/sub "
          + "event: " + e.getMessage()));
    }
    Promise<Outcome> outcome = Promise.promise();
    Promise<Outcome> before = pending.put(event.getId(), outcome);
    if (before != null) {
      before.tryComplete(new Outcome(Verdict.RETRY, "another event with id " + event.getId() + " was sent"));
    }
    long timer = timeout == null ? -1 : context.owner().setTimer(Math.max(1, timeout.toMillis()), id -> {
      if (pending.remove(event.getId(), outcome)) {
        outcome.tryComplete(new Outcome(Verdict.RETRY, "no answer within the timeout of " + timeout.toMillis()
            + " ms"));
      }
    });
    call.response().write(SubscribeTopicEventsResponseAlpha1.newBuilder().setEventMessage(event).build())
        .onFailure(failure -> {
          pending.remove(event.getId(), outcome);
          outcome.tryComplete(new Outcome(Verdict.RETRY, "error returned from app while processing pub/sub event: "
              + failure.getMessage()));
        });
    return outcome.future().onComplete(done -> {
      if (timer >= 0) {
        context.owner().cancelTimer(timer);
      }
    });
  }

  /** pkg/runtime/pubsub's GRPCEnvelopeFromSubscriptionMessage. */
  private TopicEventRequest topicEvent(ObjectNode event, String path) {
    var envelope = TopicEventRequest.newBuilder()
        .setId(event.path("id").asText(""))
        .setSource(event.path("source").asText(""))
        .setDataContentType(event.path("datacontenttype").asText(""))
        .setType(event.path("type").asText(""))
        .setSpecVersion(event.path("specversion").asText(""))
        .setTopic(topic)
        .setPubsubName(pubsub)
        .setPath(path);
    JsonNode base64 = event.get("data_base64");
    JsonNode data = event.get("data");
    if (base64 != null && !base64.isNull()) {
      if (!base64.isTextual()) {
        throw new IllegalArgumentException("unexpected data in cloud event envelope");
      }
      envelope.setData(ByteString.copyFrom(Base64.getDecoder().decode(base64.asText())));
    } else if (data != null && !data.isNull()) {
      String type = CloudEvents.mediaType(envelope.getDataContentType());
      if (type.startsWith("text/") || type.equals("application/xml") || type.endsWith("+xml")) {
        if (!data.isTextual()) {
          throw new IllegalArgumentException("unexpected data in cloud event envelope");
        }
        envelope.setData(ByteString.copyFromUtf8(data.asText()));
      } else if (type.equals("application/json") || type.endsWith("+json")) {
        try {
          envelope.setData(ByteString.copyFrom(JSON.writeValueAsBytes(data)));
        } catch (IOException e) {
          throw new IllegalArgumentException(e.getMessage());
        }
      }
    }
    var extensions = Struct.newBuilder();
    event.fields().forEachRemaining(field -> {
      if (!OWN_FIELDS.contains(field.getKey())) {
        extensions.putFields(field.getKey(), value(field.getValue()));
      }
    });
    return envelope.setExtensions(extensions).build();
  }

  private static Value value(JsonNode node) {
    if (node.isObject()) {
      var struct = Struct.newBuilder();
      node.fields().forEachRemaining(field -> struct.putFields(field.getKey(), value(field.getValue())));
      return Value.newBuilder().setStructValue(struct).build();
    }
    if (node.isArray()) {
      var list = ListValue.newBuilder();
      node.forEach(item -> list.addValues(value(item)));
      return Value.newBuilder().setListValue(list).build();
    }
    if (node.isNumber()) {
      return Value.newBuilder().setNumberValue(node.asDouble()).build();
    }
    if (node.isBoolean()) {
      return Value.newBuilder().setBoolValue(node.asBoolean()).build();
    }
    if (node.isNull()) {
      return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
    }
    return Value.newBuilder().setStringValue(node.asText()).build();
  }

  private void refuse(GrpcStatus status, String message) {
    if (closed) {
      return;
    }
    log.debug("Stream of app {} refused: {} {}", sidecar.appId(), status, message);
    call.response().status(status).statusMessage(message).end();
    ended(message, false);
  }

  /** Unanswered events are retried; the consumer leaves the group. */
  private void ended(String why, boolean endResponse) {
    if (closed) {
      return;
    }
    closed = true;
    sidecar.forget(this);
    if (consumer != null) {
      log.info("Unsubscribed from pubsub '{}' topic '{}' for app {} ({})", pubsub, topic, sidecar.appId(), why);
    }
    var waiting = List.copyOf(pending.values());
    pending.clear();
    waiting.forEach(p -> p.tryComplete(new Outcome(Verdict.RETRY, "stream closed")));
    if (endResponse) {
      call.response().end();
    }
    if (consumer != null) {
      sidecar.stopStream(consumer);
    }
  }

  /** The sidecar is closing: the stream ends as daprd's does when its API server closes. */
  void close() {
    context.runOnContext(v -> {
      if (!closed) {
        call.response().status(GrpcStatus.UNAVAILABLE).statusMessage("api server closed").end();
        ended("the sidecar is closing", false);
      }
    });
  }
}
