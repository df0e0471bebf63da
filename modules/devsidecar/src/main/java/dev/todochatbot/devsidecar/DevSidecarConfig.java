package dev.todochatbot.devsidecar;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One sidecar, as {@code daprd} would be started for one app: {@code --app-id}, {@code --dapr-http-port},
 * {@code --app-port}, {@code --resources-path}.
 *
 * @param appId the app this sidecar stands beside
 * @param httpPort the sidecar's HTTP port (Dapr's {@code DAPR_HTTP_PORT}); 0 picks a free one
 * @param appHost where the app listens, usually {@code 127.0.0.1}
 * @param appPort the app's HTTP port; 0 when the app serves nothing (no subscriptions, no bindings)
 * @param resourcesPath the directory of component and subscription YAML files
 * @param kafkaBrokers replaces every {@code pubsub.kafka} component's {@code brokers} (the embedded broker)
 * @param workingDir what relative paths in components ({@code secretsFile}) resolve against, as daprd's
 *     working directory would
 */
public record DevSidecarConfig(String appId, int httpPort, String appHost, int appPort, Path resourcesPath,
    Optional<String> kafkaBrokers, Path workingDir) {

  public DevSidecarConfig {
    Objects.requireNonNull(appId, "appId");
    Objects.requireNonNull(resourcesPath, "resourcesPath");
    if (appId.isBlank()) {
      throw new IllegalArgumentException("appId must not be blank");
    }
    appHost = appHost == null || appHost.isBlank() ? "127.0.0.1" : appHost;
    kafkaBrokers = kafkaBrokers == null ? Optional.empty() : kafkaBrokers;
    workingDir = workingDir == null ? Path.of("").toAbsolutePath() : workingDir.toAbsolutePath();
  }

  /** The usual case: everything on localhost, relative paths against the process's working directory. */
  public static DevSidecarConfig of(String appId, int httpPort, int appPort, Path resourcesPath,
      Optional<String> kafkaBrokers) {
    return new DevSidecarConfig(appId, httpPort, "127.0.0.1", appPort, resourcesPath, kafkaBrokers, null);
  }
}
