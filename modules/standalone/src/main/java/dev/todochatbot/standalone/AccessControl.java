package dev.todochatbot.standalone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Who may invoke whom, the service-invocation access-control list each app's sidecar enforces under
 * {@code SIDECAR=daprd} with mTLS: the same lists as the Helm chart's {@code services.<app>.invokedBy}
 * ({@code AccessControlTest} holds the two equal), rendered as the chart renders them (deny by default, allow
 * each caller named).
 *
 * <p>Self-hosted, Sentry gives every sidecar the identity {@code spiffe://public/ns/default/<app-id>}: trust
 * domain {@code public} because daprd asks for none (Sentry's default), namespace {@code default} because no
 * {@code NAMESPACE} is set. In the cluster the namespace is the release's.
 *
 * <p>Whole apps only, no {@code operations}: the pinned 1.16.5 lacks 1.16.14's fix of the path-traversal bypass
 * of operation rules (dapr/dapr#9803: {@code admin%2F..%2Fpublic} judged as {@code public}), which cannot reach
 * a list that allows or refuses a caller whatever the path.
 */
final class AccessControl {

  static final String TRUST_DOMAIN = "public";
  static final String NAMESPACE = "default";

  /** Each app id and the apps that call it by service invocation (charts/todo-chatbot/values.yaml). */
  static final Map<String, List<String>> CALLERS = Map.of(
      Main.EDGE, List.of(),
      Main.TASK_SERVICE, List.of(Main.EDGE, Main.CHAT_SERVICE, Main.RECURRENCE_SERVICE),
      Main.AUDIT_SERVICE, List.of(Main.EDGE),
      Main.CHAT_SERVICE, List.of(Main.EDGE),
      Main.RECURRENCE_SERVICE, List.of(),
      Main.NOTIFICATION_SERVICE, List.of(Main.EDGE, Main.CHAT_SERVICE));

  private AccessControl() {}

  /** A Configuration holding only {@code appId}'s list, for daprd to read over the shared one (a second --config). */
  static String configuration(String appId) {
    List<String> callers = CALLERS.get(appId);
    if (callers == null) {
      throw new IllegalArgumentException("No access-control list for " + appId);
    }
    var yaml = new StringBuilder("""
        # written by the launcher (dev.todochatbot.standalone.AccessControl) on every start
        apiVersion: dapr.io/v1alpha1
        kind: Configuration
        metadata:
          name: %s-access-control
        spec:
          accessControl:
            defaultAction: deny
            trustDomain: %s
        """.formatted(appId, TRUST_DOMAIN));
    if (callers.isEmpty()) {
      yaml.append("    policies: []\n");
    } else {
      yaml.append("    policies:\n");
      for (String caller : callers) {
        yaml.append("""
                  - appId: %s
                    defaultAction: allow
                    trustDomain: %s
                    namespace: %s
            """.formatted(caller, TRUST_DOMAIN, NAMESPACE));
      }
    }
    return yaml.toString();
  }

  /** Writes {@code appId}'s list into {@code dir} and says where. */
  static Path write(Path dir, String appId) {
    Path file = dir.resolve(appId + "-access-control.yaml");
    try {
      Files.createDirectories(dir);
      Files.writeString(file, configuration(appId));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write " + file + ": " + e.getMessage(), e);
    }
  }
}
