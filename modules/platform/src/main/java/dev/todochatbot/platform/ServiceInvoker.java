package dev.todochatbot.platform;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/**
 * Calls another service by its app id: the one seam between services. {@link Sidecar} implements it
 * with Dapr's {@code /v1.0/invoke/{appId}/method/{path}}.
 */
public interface ServiceInvoker {

  record ServiceResponse(int status, MultiMap headers, Buffer body) {}

  /**
   * @param path the callee's path with its query string, starting with '/'
   * @return the callee's answer whatever its status; fails only when the callee could not be reached
   */
  Future<ServiceResponse> invoke(String appId, HttpMethod method, String path, MultiMap headers, Buffer body);
}
