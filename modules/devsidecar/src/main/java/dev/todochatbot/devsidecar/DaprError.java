package dev.todochatbot.devsidecar;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** Dapr's error answer: a status and {@code {"errorCode","message"}}, with Dapr's codes. */
record DaprError(int status, String errorCode, String message) {

  static DaprError pubsubNotFound(String pubsub) {
    return new DaprError(404, "ERR_PUBSUB_NOT_FOUND", "pubsub " + pubsub + " is not found");
  }

  static DaprError metadata(String detail) {
    return new DaprError(400, "ERR_PUBSUB_REQUEST_METADATA", "failed deserializing metadata. Error: " + detail);
  }

  static DaprError forbidden(String topic, String appId) {
    return new DaprError(403, "ERR_PUBSUB_FORBIDDEN", "topic " + topic + " is not allowed for app id " + appId);
  }

  /** daprd says no more than this (the reason is in its {@code details}, which the devsidecar does not send). */
  static DaprError cloudEvent() {
    return new DaprError(500, "ERR_PUBSUB_CLOUD_EVENTS_SER", "cannot create cloudevent");
  }

  static DaprError eventsSer(String detail) {
    return new DaprError(400, "ERR_PUBSUB_EVENTS_SER", detail);
  }

  static DaprError publish(String pubsub, String topic, String detail) {
    return new DaprError(500, "ERR_PUBSUB_PUBLISH_MESSAGE",
        "error when publishing to topic " + topic + " in pubsub " + pubsub + ": " + detail);
  }

  static DaprError secretStoresNotConfigured() {
    return new DaprError(500, "ERR_SECRET_STORES_NOT_CONFIGURED", "secret store is not configured");
  }

  static DaprError secretStoreNotFound(String store) {
    return new DaprError(401, "ERR_SECRET_STORE_NOT_FOUND", "failed finding secret store with key " + store);
  }

  static DaprError secretGet(String key, String store, String detail) {
    return new DaprError(500, "ERR_SECRET_GET",
        "failed getting secret with key " + key + " from secret store " + store + ": " + detail);
  }

  /**
   * What daprd answers a request that names no app to invoke: also every path and verb its API has no
   * route for, as its router's fallback is service invocation by {@code dapr-app-id}.
   */
  static DaprError noAppId() {
    return new DaprError(404, "ERR_DIRECT_INVOKE", "failed getting app id either from the URL path or the header dapr-app-id");
  }

  static DaprError directInvoke(String appId, String detail) {
    return new DaprError(500, "ERR_DIRECT_INVOKE", "failed to invoke, id: " + appId + ", err: " + detail);
  }

  static DaprError notReady(String what) {
    return new DaprError(500, "ERR_HEALTH_NOT_READY", what);
  }

  JsonObject toJson() {
    return new JsonObject().put("errorCode", errorCode).put("message", message);
  }

  void send(HttpServerResponse response) {
    if (response.headWritten()) {
      response.reset();
      return;
    }
    response.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(toJson().toBuffer());
  }
}
