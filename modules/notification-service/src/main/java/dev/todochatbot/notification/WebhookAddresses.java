package dev.todochatbot.notification;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Where a webhook may be called: only on public internet addresses, unless
 * {@code WEBHOOK_ALLOW_PRIVATE} says otherwise. A webhook's URL is the user's to choose and the service
 * calls it from inside the cluster, so without this anyone could make it POST to the cloud's metadata
 * endpoint (169.254.169.254), a sidecar's API on localhost or another service of the cluster.
 *
 * <p>The host is looked up with the system resolver (the cluster's search domains included) on
 * workers of its own, so that a slow name server holds neither an event loop nor the workers others
 * need, and refused if any of its addresses is not public: a name with one public and one private
 * address could be sent either way. This is a check before the call, not a guard around it: daprd
 * looks the name up again when it connects, so a name server that answers a public address to us and
 * a private one to daprd a moment later (DNS rebinding) gets past it. An egress NetworkPolicy on the
 * notification pods is what would close that.
 */
final class WebhookAddresses {

  /** Lookups at once, per verticle instance: a few slow name servers must not hold every delivery. */
  private static final int WORKERS = 4;

  /** Why a URL may not be called now. */
  record Refusal(Kind kind, String reason) {}

  enum Kind {
    /** One of the host's addresses is not public: trying again changes nothing. */
    NOT_PUBLIC,
    /** The name server answered that there is no such name (a misspelling, or a domain that lapsed). */
    NO_SUCH_HOST,
    /** No answer in time, or the name server failed: worth another try. */
    LOOKUP_FAILED
  }

  private final boolean allowPrivate;
  private final WorkerExecutor workers;

  WebhookAddresses(Vertx vertx, boolean allowPrivate) {
    this.allowPrivate = allowPrivate;
    this.workers = allowPrivate ? null : vertx.createSharedWorkerExecutor("webhook-lookups", WORKERS);
  }

  /** The host of a URL already checked by {@link Webhook#parse}: what a lookup is about. */
  static String host(String url) {
    return URI.create(url).getHost();
  }

  /**
   * Null when {@code host} may be called, else why not; a lookup not answered within {@code timeout}
   * is a refusal for now. Never fails.
   */
  Future<Refusal> refusal(String host, Duration timeout) {
    if (allowPrivate) {
      return Future.succeededFuture(null);
    }
    return workers.<InetAddress[]>executeBlocking(() -> InetAddress.getAllByName(host), false)
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .transform(resolved -> Future.succeededFuture(resolved.succeeded() ? refusal(resolved.result())
            : lookupFailed(host, resolved.cause())));
  }

  /** Frees the lookup workers (with the verticle). */
  Future<Void> close() {
    return workers == null ? Future.succeededFuture() : workers.close();
  }

  private static Refusal refusal(InetAddress[] addresses) {
    for (InetAddress address : addresses) {
      String kind = nonPublic(address);
      if (kind != null) {
        return new Refusal(Kind.NOT_PUBLIC, "points to " + address.getHostAddress() + ", " + kind
            + "; webhooks are only called on public internet addresses");
      }
    }
    return null;
  }

  private static Refusal lookupFailed(String host, Throwable failure) {
    // the JDK says "Temporary failure in name resolution" (EAI_AGAIN) when the name server did not
    // answer, "Name or service not known" when it answered that there is no such name
    if (failure instanceof UnknownHostException && !String.valueOf(failure.getMessage()).contains("Temporary failure")) {
      return new Refusal(Kind.NO_SUCH_HOST, "names a host that does not exist (" + host + "); check its spelling");
    }
    return new Refusal(Kind.LOOKUP_FAILED, "names a host that could not be looked up just now (" + host + ")");
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
    // IPv4 inside IPv6, which a client connects to over IPv4 or through a translator: IPv4-mapped
    // (::ffff:a.b.c.d, as a DNS AAAA record may hold it), IPv4-translated (::ffff:0:a.b.c.d),
    // IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16)
    if (startsWith(b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff) || startsWith(b, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0)
        || v6.isIPv4CompatibleAddress() || startsWith(b, 0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0)) {
      return nonPublicV4(Arrays.copyOfRange(b, 12, 16));
    }
    if (startsWith(b, 0x20, 0x02)) {
      return nonPublicV4(Arrays.copyOfRange(b, 2, 6));
    }
    if (startsWith(b, 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01)) {
      return "a local-use NAT64 address (64:ff9b:1::/48)";
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
