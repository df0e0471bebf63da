package dev.todochatbot.devsidecar;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each app listens, shared by all sidecars of one process: the stand-in for Dapr's name
 * resolution (mDNS locally, Kubernetes DNS in a cluster). A sidecar registers its own app when it
 * starts; service invocation looks the callee up here and calls the callee app directly (daprd would
 * call the callee's sidecar, which then calls the app).
 */
public final class AppDirectory {

  /** An app's HTTP address. */
  public record AppAddress(String host, int port) {}

  private final Map<String, AppAddress> apps = new ConcurrentHashMap<>();

  public void register(String appId, String host, int port) {
    apps.put(appId, new AppAddress(host, port));
  }

  public void unregister(String appId) {
    apps.remove(appId);
  }

  public Optional<AppAddress> lookup(String appId) {
    return Optional.ofNullable(apps.get(appId));
  }
}
