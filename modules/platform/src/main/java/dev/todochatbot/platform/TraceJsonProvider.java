package dev.todochatbot.platform;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import net.logstash.logback.composite.AbstractJsonProvider;

/**
 * Adds {@code traceId} and {@code spanId} to a JSON log line written while a request or event with a
 * {@code traceparent} is handled (see {@link Trace}); nothing otherwise. Runs as the line is encoded,
 * on the thread that logs, which is why the appender must stay synchronous (no AsyncAppender).
 */
public final class TraceJsonProvider extends AbstractJsonProvider<ILoggingEvent> {

  public static final String TRACE_ID = "traceId";
  public static final String SPAN_ID = "spanId";

  @Override
  public void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException {
    var trace = Trace.current();
    if (trace.isPresent()) {
      generator.writeStringField(TRACE_ID, trace.get().traceId());
      generator.writeStringField(SPAN_ID, trace.get().spanId());
    }
  }
}
