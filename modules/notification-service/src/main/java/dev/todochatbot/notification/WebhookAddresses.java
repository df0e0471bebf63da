package dev.todochatbot.notification;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Where a webhook may be called: only on public internet addresses, unless
 * {@code WEBHOOK_ALLOW_PRIVATE} says otherwise. A webhook's URL is the user's to choose and the service
 * calls it from inside the cluster, so without this anyone could make it POST to the cloud's metadata
 * endpoint (169.254.169.254), a sidecar's API on localhost or another service of the cluster.
 *
 * <p>The host is resolved as the sidecar will resolve it (the system resolver, with the cluster's
 * search domains), on a worker thread, and refused if any of its addresses is not public: a name
 * with one public and one private address could be sent either way.
 */
final class WebhookAddresses {

  /** Why a URL may not be called now; {@code lasting}: it will not change by trying again (a private address). */
  record Refusal(String reason, boolean lasting) {}

  private final Vertx vertx;
  private final boolean allowPrivate;

  WebhookAddresses(Vertx vertx, boolean allowPrivate) {
    this.vertx = vertx;
    this.allowPrivate = allowPrivate;
  }

  /** Null when {@code url} (already checked by {@link Webhook#parse}) may be called, else why not. Never fails. */
  Future<Refusal> refusal(String url) {
    if (allowPrivate) {
      return Future.succeededFuture(null);
    }
    String host = URI.create(url).getHost();
    return vertx.<InetAddress[]>executeBlocking(() -> InetAddress.getAllByName(host), false).transform(resolved -> {
      if (resolved.failed()) {
        return Future.succeededFuture(resolved.cause() instanceof UnknownHostException
            ? new Refusal("names a host that could not be found (" + host + "); check its spelling", false)
            : new Refusal("names a host that could not be looked up (" + host + "): " + resolved.cause().getMessage(),
                false));
      }
      return Future.succeededFuture(Arrays.stream(resolved.result())
          .map(address -> {
            String kind = nonPublic(address);
            return kind == null ? null : new Refusal("points to " + address.getHostAddress() + ", " + kind
                + "; webhooks are only called on public internet addresses", true);
          })
          .filter(refusal -> refusal != null)
          .findFirst().orElse(null));
    });
  }

  /** What kind of non-public address {@code address} is ("a loopback address"), or null when it is public. */
  static String nonPublic(InetAddress address) {
    if (address instanceof Inet4Address v4) {
      return nonPublicV4(v4.getAddress());
    }
    byte[] b = address.getAddress();
    Inet6Address v6 = (Inet6Address) address;
    if (v6.isAnyLocalAddress()) {
      return "the unspecified address";
    }
    if (v6.isLoopbackAddress()) {
      return "a loopback address";
    }
    if (v6.isLinkLocalAddress()) {
      return "a link-local address";
    }
    if (v6.isSiteLocalAddress() || (b[0] & 0xfe) == 0xfc) {
      return "a private address";
    }
    if (v6.isMulticastAddress()) {
      return "a multicast address";
    }
    // IPv4 inside IPv6: IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16) reach the IPv4 address
    if (v6.isIPv4CompatibleAddress() || startsWith(b, 0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0)) {
      return nonPublicV4(Arrays.copyOfRange(b, 12, 16));
    }
    if (startsWith(b, 0x20, 0x02)) {
      return nonPublicV4(Arrays.copyOfRange(b, 2, 6));
    }
    return null;
  }

  private static String nonPublicV4(byte[] b) {
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    if (first == 127) {
      return "a loopback address";
    }
    if (first == 0) {
      return "an address of this host's own network (0.0.0.0/8)";
    }
    if (first == 10 || (first == 172 && second >= 16 && second <= 31) || (first == 192 && second == 168)) {
      return "a private address";
    }
    if (first == 169 && second == 254) {
      return "a link-local address (where clouds serve their metadata)";
    }
    if (first == 100 && second >= 64 && second <= 127) {
      return "a shared address of a carrier-grade NAT (100.64.0.0/10)";
    }
    if (first == 192 && second == 0 && (b[2] & 0xff) == 0) {
      return "an address reserved for protocol assignments (192.0.0.0/24)";
    }
    if (first == 198 && (second == 18 || second == 19)) {
      return "an address reserved for benchmarking (198.18.0.0/15)";
    }
    if (first >= 224) {
      return first < 240 ? "a multicast address" : "a reserved address (240.0.0.0/4)";
    }
    return null;
  }

  private static boolean startsWith(byte[] address, int... prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if ((address[i] & 0xff) != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
