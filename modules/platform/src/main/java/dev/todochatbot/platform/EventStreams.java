package dev.todochatbot.platform;

import dev.todochatbot.platform.events.EventStatus;
import io.dapr.v1.DaprAppCallbackProtos.TopicEventRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's streaming subscriptions ({@link TopicStream}), one set per process however many verticle
 * instances it runs: daprd's Kafka component keeps one handler per topic and sidecar, so a second stream on a
 * topic from the same app would take the first one's events, and its end would stop them for both. The first
 * instance to {@link #claim} opens the streams; every instance asks {@link #readiness} for {@code /readyz}.
 */
public final class EventStreams implements Shareable {

  private static final Logger log = LoggerFactory.getLogger(EventStreams.class);
  private static final String MAP = "todo-chatbot.event-streams";
  /** how long a service's start waits for its streams before it goes on and lets {@code /readyz} tell */
  static final Duration START_WAIT = Duration.ofSeconds(20);

  private final String service;
  private final AtomicBoolean claimed = new AtomicBoolean();
  private final List<TopicStream> streams = new CopyOnWriteArrayList<>();

  private EventStreams(String service) {
    this.service = service;
  }

  /** The streams of {@code service} in this Vert.x instance. */
  public static EventStreams of(Vertx vertx, String service) {
    LocalMap<String, EventStreams> map = vertx.sharedData().getLocalMap(MAP);
    return map.computeIfAbsent(service, EventStreams::new);
  }

  /** True for the one caller that should open the streams (the first verticle instance). */
  public boolean claim() {
    return claimed.compareAndSet(false, true);
  }

  /**
   * Opens a stream to {@code topic} on {@code pubsub} through {@code sidecar} (which must speak gRPC), its
   * events handed to {@code receiver} on the caller's context.
   */
  public TopicStream subscribe(Vertx vertx, Sidecar sidecar, String pubsub, String topic,
      Optional<String> deadLetterTopic, Map<String, String> metadata,
      Function<TopicEventRequest, Future<EventStatus>> receiver, MeterRegistry metrics) {
    var stream = new TopicStream(vertx, sidecar.grpc(), pubsub, topic, deadLetterTopic, metadata, receiver, service,
        metrics);
    streams.add(stream);
    return stream;
  }

  /**
   * Starts every stream; completes when all are open, or after {@link #START_WAIT} with a warning (they keep
   * trying, and {@link #readiness} says 503 meanwhile), so a sidecar that comes up later fails nothing.
   */
  public Future<Void> start() {
    var started = Future.all(streams.stream().map(TopicStream::start).toList());
    return started.timeout(START_WAIT.toMillis(), TimeUnit.MILLISECONDS).<Void>mapEmpty().recover(failure -> {
      log.warn("{}: not every stream to the sidecar is open after {} s ({}); they keep trying, /readyz says 503",
          service, START_WAIT.toSeconds(), streams.stream().filter(s -> !s.connected()).map(TopicStream::topic).toList());
      return Future.succeededFuture();
    });
  }

  /** Succeeds when every stream is open (or there are none); fails naming those that are not. */
  public Future<Void> readiness() {
    List<String> closed = streams.stream().filter(s -> !s.connected()).map(TopicStream::topic).toList();
    return closed.isEmpty() ? Future.succeededFuture()
        : Future.failedFuture(new IllegalStateException("no open stream from the sidecar for " + closed));
  }

  /** Closes the streams (their events in hand answered first) and forgets them, so a new deployment starts over. */
  public Future<Void> close(Vertx vertx) {
    LocalMap<String, EventStreams> map = vertx.sharedData().getLocalMap(MAP);
    map.remove(service, this);
    var toClose = List.copyOf(streams);
    streams.clear();
    return Future.join(toClose.stream().map(TopicStream::close).toList()).mapEmpty();
  }
}
