package dev.todochatbot.devsidecar;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One sidecar, as {@code daprd} would be started for one app: {@code --app-id}, {@code --dapr-http-port},
 * {@code --app-port}, {@code --resources-path} (repeatable).
 *
 * @param appId the app this sidecar stands beside
 * @param httpPort the sidecar's HTTP port (Dapr's {@code DAPR_HTTP_PORT}); 0 picks a free one
 * @param appHost where the app listens, usually {@code 127.0.0.1}
 * @param appPort the app's HTTP port; 0 when the app serves nothing (no subscriptions, no bindings)
 * @param resourcesPaths the directories of component, subscription and resiliency YAML files, like
 *     daprd's repeated {@code --resources-path}; each is read one level deep, in order
 * @param kafkaBrokers replaces every {@code pubsub.kafka} component's {@code brokers} (the embedded broker)
 * @param workingDir what relative paths in components ({@code secretsFile}) resolve against, as daprd's
 *     working directory would
 * @param metadataOverrides component metadata to replace (or add) as components load, keyed
 *     {@code <componentName>.<metadataName>}, e.g. {@code secretstore.secretsFile} to an absolute path;
 *     each replaces the item whatever it was ({@code value}, {@code secretKeyRef}, {@code envRef}) as a plain
 *     {@code value}, or is added when the component has no such item
 * @param apiToken daprd's {@code DAPR_API_TOKEN}: when present, every call to the sidecar's API but its
 *     health checks must carry it in {@code dapr-api-token}, else 401
 * @param appToken daprd's {@code APP_API_TOKEN}: when present, sent as {@code dapr-api-token} on every call
 *     to the app (subscription discovery, deliveries, bindings, and invocations of it from other sidecars)
 */
public record DevSidecarConfig(String appId, int httpPort, String appHost, int appPort, List<Path> resourcesPaths,
    Optional<String> kafkaBrokers, Path workingDir, Map<String, String> metadataOverrides, Optional<String> apiToken,
    Optional<String> appToken) {

  public DevSidecarConfig {
    Objects.requireNonNull(appId, "appId");
    Objects.requireNonNull(resourcesPaths, "resourcesPaths");
    if (appId.isBlank()) {
      throw new IllegalArgumentException("appId must not be blank");
    }
    if (resourcesPaths.isEmpty()) {
      throw new IllegalArgumentException("at least one resources path is needed");
    }
    resourcesPaths = List.copyOf(resourcesPaths);
    appHost = appHost == null || appHost.isBlank() ? "127.0.0.1" : appHost;
    kafkaBrokers = kafkaBrokers == null ? Optional.empty() : kafkaBrokers;
    workingDir = workingDir == null ? Path.of("").toAbsolutePath() : workingDir.toAbsolutePath();
    metadataOverrides = metadataOverrides == null ? Map.of() : Map.copyOf(metadataOverrides);
    apiToken = apiToken == null ? Optional.empty() : apiToken.filter(token -> !token.isEmpty());
    appToken = appToken == null ? Optional.empty() : appToken.filter(token -> !token.isEmpty());
    for (String key : metadataOverrides.keySet()) {
      int dot = key.indexOf('.');
      if (dot <= 0 || dot == key.length() - 1) {
        throw new IllegalArgumentException("metadata override '" + key + "' must be <componentName>.<metadataName>");
      }
    }
  }

  /** One resources path, no metadata overrides (the original form). */
  public DevSidecarConfig(String appId, int httpPort, String appHost, int appPort, Path resourcesPath,
      Optional<String> kafkaBrokers, Path workingDir) {
    this(appId, httpPort, appHost, appPort, List.of(Objects.requireNonNull(resourcesPath, "resourcesPath")),
        kafkaBrokers, workingDir, Map.of(), Optional.empty(), Optional.empty());
  }

  /** The usual case: everything on localhost, relative paths against the process's working directory. */
  public static DevSidecarConfig of(String appId, int httpPort, int appPort, Path resourcesPath,
      Optional<String> kafkaBrokers) {
    return new DevSidecarConfig(appId, httpPort, "127.0.0.1", appPort, resourcesPath, kafkaBrokers, null);
  }

  /**
   * As {@link #of(String, int, int, Path, Optional)} with several resources paths (e.g. {@code dapr/components}
   * and {@code dapr/resiliency}, as {@code dapr/dapr.yaml} lists them) and metadata overrides.
   */
  public static DevSidecarConfig of(String appId, int httpPort, int appPort, List<Path> resourcesPaths,
      Optional<String> kafkaBrokers, Map<String, String> metadataOverrides) {
    return new DevSidecarConfig(appId, httpPort, "127.0.0.1", appPort, resourcesPaths, kafkaBrokers, null,
        metadataOverrides, Optional.empty(), Optional.empty());
  }

  /** The first resources path (the only one in the single-path form). */
  public Path resourcesPath() {
    return resourcesPaths.get(0);
  }

  /** This configuration with other resources paths. */
  public DevSidecarConfig withResourcesPaths(List<Path> paths) {
    return new DevSidecarConfig(appId, httpPort, appHost, appPort, paths, kafkaBrokers, workingDir, metadataOverrides,
        apiToken, appToken);
  }

  /** This configuration with other metadata overrides ({@code <componentName>.<metadataName>} to value). */
  public DevSidecarConfig withMetadataOverrides(Map<String, String> overrides) {
    return new DevSidecarConfig(appId, httpPort, appHost, appPort, resourcesPaths, kafkaBrokers, workingDir, overrides,
        apiToken, appToken);
  }

  /** This configuration with the two tokens daprd takes from its environment (empty: none asked or sent). */
  public DevSidecarConfig withTokens(Optional<String> newApiToken, Optional<String> newAppToken) {
    return new DevSidecarConfig(appId, httpPort, appHost, appPort, resourcesPaths, kafkaBrokers, workingDir,
        metadataOverrides, newApiToken, newAppToken);
  }
}
