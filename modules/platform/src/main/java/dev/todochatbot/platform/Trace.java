package dev.todochatbot.platform;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.VertxBootstrap;
import io.vertx.core.spi.VertxServiceProvider;
import io.vertx.core.spi.context.storage.ContextLocal;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The W3C trace context ({@code traceparent}) of the request or event being handled, kept on the
 * request's Vert.x context so that every line logged while handling it, also in its async
 * callbacks (database answers, calls through the sidecar), carries its ids ({@link TraceJsonProvider}).
 * Dapr sets {@code traceparent} on service invocations and event deliveries.
 *
 * <p>Vert.x 5 runs each request on a duplicated context of its own, which its callbacks inherit: a
 * context local is the request-scoped storage a thread local cannot be on an event loop. Context
 * locals must exist before the first Vert.x instance, hence the service provider
 * (META-INF/services/io.vertx.core.spi.VertxServiceProvider), which Vert.x loads as it starts.
 */
public record Trace(String traceId, String spanId) {

  /** version-traceid-parentid-flags; version ff and all-zero ids are invalid (W3C Trace Context, level 1). */
  private static final Pattern TRACEPARENT = Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}.*");
  private static final String ZERO_TRACE = "0".repeat(32);
  private static final String ZERO_SPAN = "0".repeat(16);

  /** Registers the context local as Vert.x starts (see the class comment). */
  public static final class Local implements VertxServiceProvider {
    static final ContextLocal<Trace> KEY = ContextLocal.registerLocal(Trace.class);

    @Override
    public void init(VertxBootstrap bootstrap) {
      // registering KEY, when this class is loaded, is all there is to do
    }
  }

  /** The trace of a {@code traceparent} header value, if it is a valid one. */
  public static Optional<Trace> parse(String traceparent) {
    if (traceparent == null) {
      return Optional.empty();
    }
    var match = TRACEPARENT.matcher(traceparent.strip());
    if (!match.matches() || match.group(1).equals("ff") || match.group(2).equals(ZERO_TRACE)
        || match.group(3).equals(ZERO_SPAN)) {
      return Optional.empty();
    }
    return Optional.of(new Trace(match.group(2), match.group(3)));
  }

  /** Keeps the request's trace on its context (the request handler runs on the request's own context). */
  static void capture(HttpServerRequest request) {
    Context context = Vertx.currentContext();
    if (context != null) {
      parse(request.getHeader("traceparent")).ifPresent(trace -> context.putLocal(Local.KEY, trace));
    }
  }

  /** The trace of what the current thread is handling, if any. */
  public static Optional<Trace> current() {
    Context context = Vertx.currentContext();
    return context == null ? Optional.empty() : Optional.ofNullable(context.getLocal(Local.KEY));
  }
}
