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

  /**
   * An app's HTTP address, and the app token its sidecar would send it (daprd's {@code APP_API_TOKEN}), which
   * an invocation of it carries since the devsidecar calls the callee app directly.
   */
  public record AppAddress(String host, int port, Optional<String> appToken) {}

  private final Map<String, AppAddress> apps = new ConcurrentHashMap<>();

  /** An app whose sidecar sends it no token. */
  public void register(String appId, String host, int port) {
    register(appId, host, port, Optional.empty());
  }

  public void register(String appId, String host, int port, Optional<String> appToken) {
    apps.put(appId, new AppAddress(host, port, appToken));
  }

  public void unregister(String appId) {
    apps.remove(appId);
  }

  public Optional<AppAddress> lookup(String appId) {
    return Optional.ofNullable(apps.get(appId));
  }
}
