package dev.todochatbot.devsidecar;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.todochatbot.devsidecar.AppChannel.Outcome;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;

/**
 * Where a consumer hands its records: the app's HTTP port ({@link AppChannel}), or a streaming subscription the
 * app opened on the gRPC API ({@link StreamSubscription}). The outcome never fails: a failure is a RETRY.
 */
interface EventSink {

  /**
   * One cloud event to {@code path}: {@code envelope} its JSON as on the broker, {@code event} the same already
   * read (the consumer reads it once, to route it), the record's metadata as {@code headers}; {@code timeout} (a
   * Resiliency timeout, null for none) turns a late answer into a RETRY.
   */
  Future<Outcome> deliver(String path, MultiMap headers, Buffer envelope, ObjectNode event, Duration timeout);
}
