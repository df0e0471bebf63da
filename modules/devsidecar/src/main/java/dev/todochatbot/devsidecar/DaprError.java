package dev.todochatbot.devsidecar;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** Dapr's error answer: a status and {@code {"errorCode","message"}}, with Dapr's codes. */
record DaprError(int status, String errorCode, String message) {

  static DaprError pubsubNotConfigured() {
    return new DaprError(400, "ERR_PUBSUB_NOT_CONFIGURED", "pubsub is not configured");
  }

  static DaprError pubsubEmpty() {
    return new DaprError(404, "ERR_PUBSUB_EMPTY", "pubsub name is empty");
  }

  static DaprError pubsubNotFound(String pubsub) {
    return new DaprError(404, "ERR_PUBSUB_NOT_FOUND", "pubsub " + pubsub + " not found");
  }

  static DaprError topicEmpty(String pubsub) {
    return new DaprError(404, "ERR_TOPIC_NAME_EMPTY", "topic is empty in pubsub " + pubsub);
  }

  static DaprError metadata(String detail) {
    return new DaprError(400, "ERR_PUBSUB_REQUEST_METADATA", "failed deserializing metadata. Error: " + detail);
  }

  static DaprError forbidden(String topic, String appId) {
    return new DaprError(403, "ERR_PUBSUB_FORBIDDEN", "topic " + topic + " is not allowed for app id " + appId);
  }

  static DaprError cloudEvent(String detail) {
    return new DaprError(500, "ERR_PUBSUB_CLOUD_EVENTS_SER", "cannot create cloudevent: " + detail);
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
