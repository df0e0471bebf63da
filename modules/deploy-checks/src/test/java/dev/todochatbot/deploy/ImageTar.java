package dev.todochatbot.deploy;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import tools.jackson.databind.json.JsonMapper;

/**
 * An image as Jib's buildTar writes it (the layout of `docker save`: manifest.json naming the config
 * and the layers, one .tar.gz per layer), loaded the way a container runtime loads it: the layers
 * unpacked in order into one root filesystem, each layer's uncompressed digest computed for the
 * config's diff_ids to be checked against.
 */
record ImageTar(List<String> repoTags, Map<String, Object> config, List<Layer> layers, Path root) {

  record Entry(String name, int mode, long uid, long gid, Instant modified, boolean directory) {}

  record Layer(String file, String diffId, List<Entry> entries) {}

  @SuppressWarnings("unchecked")
  static ImageTar unpack(Path tar, Path root) throws IOException {
    var files = new HashMap<String, byte[]>();
    try (var in = new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(tar)))) {
      for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        if (entry.isFile()) {
          files.put(entry.getName(), in.readAllBytes());
        }
      }
    }
    var manifest = ((List<Map<String, Object>>) json(files, "manifest.json")).get(0);
    var config = (Map<String, Object>) json(files, (String) manifest.get("Config"));
    var layers = new ArrayList<Layer>();
    for (String file : (List<String>) manifest.get("Layers")) {
      layers.add(unpackLayer(file, files.get(file), root));
    }
    return new ImageTar((List<String>) manifest.get("RepoTags"), config, List.copyOf(layers), root);
  }

  /** The config's "config" object: User, Entrypoint, Env, ExposedPorts, Labels. */
  @SuppressWarnings("unchecked")
  Map<String, Object> runConfig() {
    return (Map<String, Object>) config.get("config");
  }

  @SuppressWarnings("unchecked")
  List<String> entrypoint() {
    return (List<String>) runConfig().get("Entrypoint");
  }

  @SuppressWarnings("unchecked")
  Map<String, String> labels() {
    return (Map<String, String>) runConfig().getOrDefault("Labels", Map.of());
  }

  @SuppressWarnings("unchecked")
  List<String> diffIds() {
    return (List<String>) ((Map<String, Object>) config.get("rootfs")).get("diff_ids");
  }

  private static Object json(Map<String, byte[]> files, String name) {
    byte[] bytes = files.get(name);
    if (bytes == null) {
      throw new IllegalStateException("the image tar has no " + name + "; it holds " + files.keySet());
    }
    return JsonMapper.shared().readValue(bytes, Object.class);
  }

  private static Layer unpackLayer(String file, byte[] gzipped, Path root) throws IOException {
    if (gzipped == null) {
      throw new IllegalStateException("the manifest names layer " + file + ", which the tar does not hold");
    }
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    var entries = new ArrayList<Entry>();
    try (InputStream uncompressed = new DigestInputStream(new GZIPInputStream(new ByteArrayInputStream(gzipped)), sha256);
        var in = new TarArchiveInputStream(uncompressed)) {
      for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        entries.add(new Entry(entry.getName(), entry.getMode(), entry.getLongUserId(), entry.getLongGroupId(),
            entry.getModTime().toInstant(), entry.isDirectory()));
        Path target = root.resolve(entry.getName()).normalize();
        if (!target.startsWith(root)) {
          throw new IllegalStateException("layer " + file + " writes outside the root: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      // the digest covers the whole uncompressed layer, end-of-archive blocks included
      uncompressed.transferTo(OutputStream.nullOutputStream());
    }
    return new Layer(file, "sha256:" + HexFormat.of().formatHex(sha256.digest()), List.copyOf(entries));
  }
}
