package dev.todochatbot.platform;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/**
 * Calls another service by its app id. This is the one seam between services: today it dials the
 * service directly ({@link DirectServiceInvoker}); with Dapr it becomes the sidecar's
 * {@code /v1.0/invoke/{appId}/method/{path}}, and no caller changes.
 */
public interface ServiceInvoker {

  record ServiceResponse(int status, MultiMap headers, Buffer body) {}

  /**
   * @param path the callee's path with its query string, starting with '/'
   * @return the callee's answer whatever its status; fails only when the callee could not be reached
   */
  Future<ServiceResponse> invoke(String appId, HttpMethod method, String path, MultiMap headers, Buffer body);
}
