package dev.todochatbot.devsidecar;

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
   * One cloud event ({@code envelope}, as JSON) to {@code path}, with the record's metadata as {@code headers};
   * {@code timeout} (a Resiliency timeout, null for none) turns a late answer into a RETRY.
   */
  Future<Outcome> deliver(String path, MultiMap headers, Buffer envelope, Duration timeout);
}
