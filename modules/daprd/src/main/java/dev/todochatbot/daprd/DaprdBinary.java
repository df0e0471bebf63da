package dev.todochatbot.daprd;

import dev.todochatbot.platform.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The daprd executable {@code make daprd} builds from the Go module proxy (tools/daprd), or the one
 * {@code DAPRD} names.
 *
 * @param path the executable
 * @param version the release it was built from, as pinned in tools/daprd/go.mod
 */
public record DaprdBinary(Path path, String version) {

  /** The pinned release: tools/daprd/go.mod requires github.com/dapr/dapr at this version (a test holds them equal). */
  public static final String VERSION = "1.16.5";

  /** The executable: {@code DAPRD} if set, else {@code $XDG_CACHE_HOME (or ~/.cache)/todo-chatbot/dapr-<version>/daprd}. */
  public static Path expectedPath(Env env) {
    return env.optional("DAPRD").map(Path::of).orElseGet(() -> cacheDir(env).resolve("daprd"));
  }

  /** Where make daprd puts the pinned release's binaries. */
  public static Path cacheDir(Env env) {
    Path cache = env.optional("XDG_CACHE_HOME").map(Path::of)
        .orElseGet(() -> Path.of(env.get("HOME", System.getProperty("user.home")), ".cache"));
    return cache.resolve("todo-chatbot").resolve("dapr-" + VERSION);
  }

  /** The binary when it is there and executable. */
  public static Optional<DaprdBinary> find(Env env) {
    Path path = expectedPath(env);
    return Files.isExecutable(path) ? Optional.of(new DaprdBinary(path, VERSION)) : Optional.empty();
  }

  /** Why {@link #find} comes back empty, in words a person can act on. */
  public static String whyMissing(Env env) {
    Path path = expectedPath(env);
    if (env.optional("DAPRD").isPresent()) {
      return "DAPRD names " + path + ", which is not an executable file";
    }
    return "no daprd " + VERSION + " at " + path + ": run `make daprd` (needs Go; it builds daprd from the Go module proxy)";
  }

  /** The binary, or an exception that says how to get it. */
  public static DaprdBinary require(Env env) {
    return find(env).orElseThrow(() -> new IllegalStateException(whyMissing(env)));
  }
}
