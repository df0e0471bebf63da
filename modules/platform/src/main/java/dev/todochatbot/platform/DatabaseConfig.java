package dev.todochatbot.platform;

import io.vertx.pgclient.PgConnectOptions;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Where PostgreSQL is. Read from {@code DATABASE_URL} ({@code postgresql://user:password@host:port/db});
 * the single-process launcher fills it in for its embedded server.
 */
public record DatabaseConfig(String host, int port, String database, String user, String password, String sslMode) {

  private static final java.util.Set<String> SSL_MODES = java.util.Set.of("disable", "allow", "prefer", "require",
      "verify-ca", "verify-full");

  public static DatabaseConfig fromEnv(Env env) {
    String url = env.optional("DATABASE_URL").orElseThrow(() ->
        new IllegalArgumentException("DATABASE_URL is not set (postgresql://user:password@host:port/database)"));
    return fromUrl(url);
  }

  /** {@code postgresql://user:password@host:port/database}, optionally {@code ?sslmode=require} (or another mode). */
  public static DatabaseConfig fromUrl(String url) {
    URI uri;
    try {
      uri = URI.create(url.startsWith("jdbc:") ? url.substring(5) : url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("DATABASE_URL is not a URL: " + e.getMessage());
    }
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw new IllegalArgumentException("DATABASE_URL must start with postgresql://");
    }
    String user = "postgres";
    String password = "";
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : "";
    }
    String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    String sslMode = null;
    if (uri.getRawQuery() != null) {
      for (String parameter : uri.getRawQuery().split("&")) {
        String[] pair = parameter.split("=", 2);
        if (pair[0].equals("sslmode") && pair.length == 2 && SSL_MODES.contains(pair[1])) {
          sslMode = pair[1];
        } else {
          throw new IllegalArgumentException("DATABASE_URL may carry only ?sslmode=" + String.join("|", SSL_MODES)
              + "; got '" + parameter + "'");
        }
      }
    }
    return new DatabaseConfig(uri.getHost() == null ? "localhost" : uri.getHost(),
        uri.getPort() < 0 ? 5432 : uri.getPort(), path.isEmpty() ? "postgres" : path, user, password, sslMode);
  }

  public static String url(String host, int port, String database, String user, String password) {
    return "postgresql://" + enc(user) + (password.isEmpty() ? "" : ":" + enc(password)) + "@" + host + ":" + port + "/"
        + database;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database + (sslMode == null ? "" : "?sslmode=" + sslMode);
  }

  public PgConnectOptions connectOptions() {
    return new PgConnectOptions()
        .setHost(host)
        .setPort(port)
        .setDatabase(database)
        .setUser(user)
        .setPassword(password)
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(256)
        .setPipeliningLimit(256)
        .setSslMode(sslMode == null ? io.vertx.pgclient.SslMode.DISABLE : io.vertx.pgclient.SslMode.of(sslMode));
  }

  @Override
  public String toString() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }
}
