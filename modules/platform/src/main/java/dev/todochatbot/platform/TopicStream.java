package dev.todochatbot.platform;

import dev.todochatbot.platform.events.EventStatus;
import io.dapr.v1.DaprAppCallbackProtos.TopicEventRequest;
import io.dapr.v1.DaprAppCallbackProtos.TopicEventResponse;
import io.dapr.v1.DaprAppCallbackProtos.TopicEventResponse.TopicEventResponseStatus;
import io.dapr.v1.DaprProtos.SubscribeTopicEventsRequestAlpha1;
import io.dapr.v1.DaprProtos.SubscribeTopicEventsRequestInitialAlpha1;
import io.dapr.v1.DaprProtos.SubscribeTopicEventsRequestProcessedAlpha1;
import io.dapr.v1.DaprProtos.SubscribeTopicEventsResponseAlpha1;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streaming subscription ({@code SubscribeTopicEventsAlpha1} of Dapr's gRPC API): the app dials its sidecar,
 * names the pub/sub, topic and dead-letter topic, and gets the topic's events on the stream, answering each with
 * SUCCESS, RETRY or DROP on the same stream, by the event's id. No {@code /dapr/subscribe}, no port the sidecar
 * calls. daprd 1.16 (pkg/runtime/pubsub/streamer) waits for the answer to each event before it settles the
 * record, so the broker's per-partition order holds as with HTTP delivery.
 *
 * <p>When the stream ends for any reason but {@link #close} (the sidecar restarts, the connection drops, daprd
 * refuses the subscription) it is opened again after a backoff (100 ms doubling to 5 s, with jitter), counted
 * in {@code <service>.event.streams.reconnects}; meanwhile {@link #connected()} is false, so {@code /readyz}
 * says 503. Events whose answer did not reach daprd are delivered again on the new stream (their handlers are
 * idempotent). At most {@value #MAX_IN_FLIGHT} events are handled at once; one beyond that is answered RETRY.
 */
public final class TopicStream {

  private static final Logger log = LoggerFactory.getLogger(TopicStream.class);
  static final ServiceMethod<SubscribeTopicEventsResponseAlpha1, SubscribeTopicEventsRequestAlpha1> SUBSCRIBE =
      ServiceMethod.client(DaprGrpc.DAPR, "SubscribeTopicEventsAlpha1", GrpcMessageEncoder.encoder(),
          GrpcMessageDecoder.decoder(SubscribeTopicEventsResponseAlpha1.getDefaultInstance()));
  /** daprd sends one event per partition at a time; this only bounds a sidecar that does not */
  static final int MAX_IN_FLIGHT = 1024;
  static final long FIRST_BACKOFF_MILLIS = 100;
  static final long MAX_BACKOFF_MILLIS = 5_000;
  /** how long the sidecar may take to confirm a subscription before the stream is dropped and opened again */
  static final long CONFIRM_MILLIS = 15_000;
  /** how long {@link #close} lets events being handled finish, so that their answers reach the sidecar */
  static final long DRAIN_MILLIS = 5_000;

  private final Vertx vertx;
  private final DaprGrpc grpc;
  private final String pubsub;
  private final String topic;
  private final Optional<String> deadLetterTopic;
  private final Map<String, String> metadata;
  private final Function<TopicEventRequest, Future<EventStatus>> receiver;
  private final Counter reconnects;
  private final Counter overflow;
  private final Promise<Void> firstConnected = Promise.promise();
  private Context context;
  /** all below on {@link #context} only */
  private GrpcClientRequest<SubscribeTopicEventsRequestAlpha1, SubscribeTopicEventsResponseAlpha1> current;
  private volatile boolean connected;
  private boolean closed;
  private int failures;
  private long timer = -1;
  private int inFlight;
  private Promise<Void> drained;

  TopicStream(Vertx vertx, DaprGrpc grpc, String pubsub, String topic, Optional<String> deadLetterTopic,
      Map<String, String> metadata, Function<TopicEventRequest, Future<EventStatus>> receiver, String service,
      MeterRegistry metrics) {
    this.vertx = vertx;
    this.grpc = grpc;
    this.pubsub = pubsub;
    this.topic = topic;
    this.deadLetterTopic = deadLetterTopic;
    this.metadata = Map.copyOf(metadata);
    this.receiver = receiver;
    this.reconnects = Counter.builder(service + ".event.streams.reconnects").tag("topic", topic)
        .description("Times a streaming subscription to the sidecar ended and was opened again").register(metrics);
    this.overflow = Counter.builder(service + ".event.streams.overflow").tag("topic", topic)
        .description("Events answered RETRY because " + MAX_IN_FLIGHT + " were being handled already")
        .register(metrics);
  }

  /**
   * Opens the stream on the caller's context (its handlers run there). Completes when the sidecar first
   * confirmed the subscription; it keeps trying until then, and after.
   */
  Future<Void> start() {
    context = vertx.getOrCreateContext();
    context.runOnContext(v -> connect());
    return firstConnected.future();
  }

  /** The sidecar confirmed the subscription and the stream is open now. */
  public boolean connected() {
    return connected;
  }

  public String topic() {
    return topic;
  }

  /**
   * Stops reconnecting, lets the events being handled answer (up to {@value #DRAIN_MILLIS} ms), then ends the
   * stream: daprd stops the subscription, and anything unanswered goes to whoever subscribes next.
   */
  public Future<Void> close() {
    if (context == null) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      closed = true;
      connected = false;
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
      var request = current;
      if (request == null) {
        done.complete();
        return;
      }
      drained = Promise.promise();
      if (inFlight == 0) {
        drained.tryComplete();
      }
      drained.future().timeout(DRAIN_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS).onComplete(ignored -> {
        current = null;
        request.end().onComplete(ended -> done.complete());
      });
    });
    return done.future();
  }

  private void connect() {
    timer = -1;
    if (closed) {
      return;
    }
    grpc.client().request(grpc.address(), SUBSCRIBE).onComplete(opened -> {
      if (opened.failed()) {
        ended(null, "the sidecar's gRPC API at " + grpc.address() + " could not be reached: "
            + opened.cause().getMessage());
        return;
      }
      var request = opened.result();
      if (closed) {
        request.cancel();
        return;
      }
      current = request;
      grpc.config().apiToken().ifPresent(token -> request.headers().set(AppPort.TOKEN_HEADER, token));
      var initial = SubscribeTopicEventsRequestInitialAlpha1.newBuilder().setPubsubName(pubsub).setTopic(topic)
          .putAllMetadata(metadata);
      deadLetterTopic.ifPresent(initial::setDeadLetterTopic);
      request.exceptionHandler(failure -> ended(request, failure.getMessage()));
      request.response().onComplete(answered -> {
        if (answered.failed()) {
          ended(request, answered.cause().getMessage());
          return;
        }
        GrpcClientResponse<SubscribeTopicEventsRequestAlpha1, SubscribeTopicEventsResponseAlpha1> response =
            answered.result();
        response.handler(message -> onMessage(request, message));
        response.invalidMessageHandler(invalid -> {
          // a message that is not one daprd's protos can read has no id to answer: start over
          log.error("Stream of {}/{}: the sidecar sent a message that cannot be read ({}); reopening the stream",
              pubsub, topic, invalid.getMessage());
          request.cancel();
          ended(request, "unreadable message");
        });
        response.exceptionHandler(failure -> ended(request, failure.getMessage()));
        response.endHandler(v -> ended(request, response.status() == null || response.status() == GrpcStatus.OK
            ? "the sidecar ended the stream"
            : response.status().name() + " " + DaprGrpc.message(response)));
      });
      request.write(SubscribeTopicEventsRequestAlpha1.newBuilder().setInitialRequest(initial).build())
          .onFailure(failure -> ended(request, failure.getMessage()));
      // every wait has a deadline: a subscription the sidecar never confirms is tried again
      vertx.setTimer(CONFIRM_MILLIS, id -> {
        if (request == current && !connected) {
          ended(request, "the sidecar did not confirm the subscription within " + CONFIRM_MILLIS + " ms");
        }
      });
    });
  }

  private void onMessage(GrpcClientRequest<SubscribeTopicEventsRequestAlpha1, SubscribeTopicEventsResponseAlpha1> request,
      SubscribeTopicEventsResponseAlpha1 message) {
    if (request != current) {
      return;
    }
    if (message.hasInitialResponse()) {
      connected = true;
      if (failures > 0) {
        log.info("Stream of {}/{} open again after {} attempt(s)", pubsub, topic, failures);
      } else {
        log.info("Subscribed to {}/{} over a gRPC stream", pubsub, topic);
      }
      failures = 0;
      firstConnected.tryComplete();
      return;
    }
    if (!message.hasEventMessage() || closed) {
      return; // closing: unanswered, so daprd hands it to the next subscriber
    }
    TopicEventRequest event = message.getEventMessage();
    if (inFlight >= MAX_IN_FLIGHT) {
      overflow.increment();
      answer(request, event.getId(), EventStatus.RETRY);
      return;
    }
    inFlight++;
    Future<EventStatus> status;
    try {
      status = receiver.apply(event);
    } catch (RuntimeException e) {
      status = Future.failedFuture(e);
    }
    status.onComplete(result -> {
      inFlight--;
      if (result.failed()) {
        log.error("Event {} on {}/{} not handled; answered RETRY", event.getId(), pubsub, topic, result.cause());
      }
      answer(request, event.getId(), result.succeeded() ? result.result() : EventStatus.RETRY);
      if (inFlight == 0 && drained != null) {
        drained.tryComplete();
      }
    });
  }

  private void answer(GrpcClientRequest<SubscribeTopicEventsRequestAlpha1, SubscribeTopicEventsResponseAlpha1> request,
      String id, EventStatus status) {
    if (request != current) {
      return; // that stream is gone: daprd delivers the event again on the next
    }
    request.write(SubscribeTopicEventsRequestAlpha1.newBuilder().setEventProcessed(
            SubscribeTopicEventsRequestProcessedAlpha1.newBuilder().setId(id)
                .setStatus(TopicEventResponse.newBuilder().setStatus(switch (status) {
                  case SUCCESS -> TopicEventResponseStatus.SUCCESS;
                  case RETRY -> TopicEventResponseStatus.RETRY;
                  case DROP -> TopicEventResponseStatus.DROP;
                })))
        .build());
  }

  /** The stream {@code request} is over: unless closing, open another after the backoff. */
  private void ended(GrpcClientRequest<SubscribeTopicEventsRequestAlpha1, SubscribeTopicEventsResponseAlpha1> request,
      String why) {
    if (request != null && request != current) {
      return; // already handled
    }
    current = null;
    connected = false;
    if (closed) {
      if (drained != null) {
        drained.tryComplete();
      }
      return;
    }
    if (request != null) {
      request.cancel();
    }
    failures++;
    reconnects.increment();
    long wait = Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(failures - 1, 10));
    wait = wait / 2 + ThreadLocalRandom.current().nextLong(wait / 2 + 1);
    if (failures == 1 || failures % 20 == 0) {
      log.warn("Stream of {}/{} ended ({}); opening it again in {} ms (attempt {})", pubsub, topic, why, wait,
          failures);
    } else {
      log.debug("Stream of {}/{} ended ({}); again in {} ms", pubsub, topic, why, wait);
    }
    timer = vertx.setTimer(wait, id -> connect());
  }
}
