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
import java.util.List;
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
 * address could be sent either way. What passes is {@link Pinned}: the address the delivery then
 * connects to ({@link WebhookClient}), with no second lookup in between, so that a name server that
 * answers a public address for the check and a private one a moment later (DNS rebinding) has nothing
 * to answer the second time. With {@code WEBHOOK_ALLOW_PRIVATE} the host is still looked up once and
 * pinned, only not judged.
 */
final class WebhookAddresses {

  /** Lookups at once, per verticle instance: a few slow name servers must not hold every delivery. */
  private static final int WORKERS = 4;

  /** What a lookup found: the address to call, or why the URL may not be called now. */
  sealed interface Lookup permits Pinned, Refusal {}

  /** The address the host was checked at, which a delivery connects to (the first the resolver gave). */
  record Pinned(InetAddress address) implements Lookup {}

  /** Why a URL may not be called now. */
  record Refusal(Kind kind, String reason) implements Lookup {}

  /** A host's addresses: the system resolver's, or a test's names. */
  @FunctionalInterface
  interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  enum Kind {
    /** One of the host's addresses is not public: trying again changes nothing. */
    NOT_PUBLIC,
    /** The name server answered that there is no such name (a misspelling, or a domain that lapsed). */
    NO_SUCH_HOST,
    /** No answer in time, or the name server failed: worth another try. */
    LOOKUP_FAILED
  }

  private final boolean allowPrivate;
  private final Resolver resolver;
  private final WorkerExecutor workers;

  WebhookAddresses(Vertx vertx, boolean allowPrivate) {
    this(vertx, allowPrivate, InetAddress::getAllByName);
  }

  WebhookAddresses(Vertx vertx, boolean allowPrivate, Resolver resolver) {
    this.allowPrivate = allowPrivate;
    this.resolver = resolver;
    this.workers = vertx.createSharedWorkerExecutor("webhook-lookups", WORKERS);
  }

  /** The host of a URL already checked by {@link Webhook#parse}: what a lookup is about. */
  static String host(String url) {
    return URI.create(url).getHost();
  }

  /**
   * Null when {@code host} may be set as a webhook's, else why not: looked up and judged as a delivery
   * is, but with {@code WEBHOOK_ALLOW_PRIVATE} taken without a lookup (a receiver on this machine may
   * not be running yet). Never fails.
   */
  Future<Refusal> refusal(String host, Duration timeout) {
    if (allowPrivate) {
      return Future.succeededFuture(null);
    }
    return lookup(host, timeout).map(lookup -> lookup instanceof Refusal refusal ? refusal : null);
  }

  /**
   * Where a delivery to {@code host} connects, or why it may not be sent; a lookup not answered within
   * {@code timeout} is a refusal for now. Never fails.
   */
  Future<Lookup> lookup(String host, Duration timeout) {
    return workers.<InetAddress[]>executeBlocking(() -> resolver.resolve(host), false)
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .transform(resolved -> Future.succeededFuture(resolved.succeeded() ? judge(host, resolved.result())
            : lookupFailed(host, resolved.cause())));
  }

  /** Frees the lookup workers (with the verticle). */
  Future<Void> close() {
    return workers.close();
  }

  private Lookup judge(String host, InetAddress[] addresses) {
    if (addresses.length == 0) {
      return lookupFailed(host, null);
    }
    if (!allowPrivate) {
      for (InetAddress address : addresses) {
        String kind = nonPublic(address);
        if (kind != null) {
          return new Refusal(Kind.NOT_PUBLIC, "points to " + address.getHostAddress() + ", " + kind
              + "; webhooks are only called on public internet addresses");
        }
      }
    }
    return new Pinned(addresses[0]);
  }

  private static Refusal lookupFailed(String host, Throwable failure) {
    // the JDK says "Temporary failure in name resolution" (EAI_AGAIN) when the name server did not
    // answer, "Name or service not known" when it answered that there is no such name
    if (failure instanceof UnknownHostException && !String.valueOf(failure.getMessage()).contains("Temporary failure")) {
      return new Refusal(Kind.NO_SUCH_HOST, "names a host that does not exist (" + host + "); check its spelling");
    }
    return new Refusal(Kind.LOOKUP_FAILED, "names a host that could not be looked up just now (" + host + ")");
  }

  /**
   * What kind of non-public address {@code address} is ("a loopback address"), or null when it is public:
   * the first block of {@link #IPV4} or {@link #IPV6} that holds it says, and an IPv6 address outside
   * them all must still be global unicast (2000::/3, where every allocation to the registries lies).
   */
  static String nonPublic(InetAddress address) {
    byte[] bytes = address.getAddress();
    for (Block block : address instanceof Inet4Address ? IPV4 : IPV6) {
      if (block.holds(bytes)) {
        return block.v4At() < 0 ? block.kind() : nonPublic(v4(Arrays.copyOfRange(bytes, block.v4At(), block.v4At() + 4)));
      }
    }
    return address instanceof Inet6Address && (bytes[0] & 0xe0) != 0x20 ? "not a global unicast address (2000::/3)" : null;
  }

  /**
   * A block of addresses: refused as {@code kind}, or, when {@code v4At} is not -1, judged by the IPv4
   * address it carries from that byte on (a client reaches that IPv4 address, through a translator or a
   * tunnel).
   */
  private record Block(byte[] prefix, int bits, String kind, int v4At) {
    static Block of(String cidr, String kind) {
      return new Block(literal(cidr.substring(0, cidr.indexOf('/'))), Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1)),
          kind, -1);
    }

    static Block carryingV4(String cidr, int v4At) {
      Block block = of(cidr, null);
      return new Block(block.prefix(), block.bits(), null, v4At);
    }

    boolean holds(byte[] address) {
      if (address.length != prefix.length) {
        return false;
      }
      for (int bit = 0; bit < bits; bit += 8) {
        int mask = bits - bit >= 8 ? 0xff : (0xff << (8 - (bits - bit))) & 0xff;
        if ((address[bit / 8] & mask) != (prefix[bit / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * IANA's IPv4 Special-Purpose Address Registry, the blocks that are not globally reachable, and
   * multicast. 192.0.0.0/24 is refused whole, its two anycast exceptions (192.0.0.9 and .10) with it:
   * no webhook lives there.
   */
  private static final List<Block> IPV4 = List.of(
      Block.of("0.0.0.0/8", "an address of this host's own network (0.0.0.0/8)"),
      Block.of("10.0.0.0/8", "a private address"),
      Block.of("100.64.0.0/10", "a shared address of a carrier-grade NAT (100.64.0.0/10)"),
      Block.of("127.0.0.0/8", "a loopback address"),
      Block.of("169.254.0.0/16", "a link-local address (where clouds serve their metadata)"),
      Block.of("172.16.0.0/12", "a private address"),
      Block.of("192.0.0.0/24", "an address reserved for protocol assignments (192.0.0.0/24)"),
      Block.of("192.0.2.0/24", "an address reserved for documentation (192.0.2.0/24)"),
      Block.of("192.88.99.0/24", "a former 6to4 relay anycast address (192.88.99.0/24)"),
      Block.of("192.168.0.0/16", "a private address"),
      Block.of("198.18.0.0/15", "an address reserved for benchmarking (198.18.0.0/15)"),
      Block.of("198.51.100.0/24", "an address reserved for documentation (198.51.100.0/24)"),
      Block.of("203.0.113.0/24", "an address reserved for documentation (203.0.113.0/24)"),
      Block.of("224.0.0.0/4", "a multicast address"),
      Block.of("255.255.255.255/32", "the limited broadcast address"),
      Block.of("240.0.0.0/4", "an address reserved for future use (240.0.0.0/4)"));

  /**
   * IANA's IPv6 Special-Purpose Address Registry, the blocks that are not globally reachable, and
   * multicast and the deprecated site-local block; the more specific first. IPv4 inside IPv6 is judged by
   * its IPv4 address: mapped (::ffff:a.b.c.d, as a DNS AAAA record may hold it), translated
   * (::ffff:0:a.b.c.d), compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
   * 2001::/23 is refused whole, its globally reachable exceptions (anycast for PCP, TURN and DNS-SD,
   * AMT, AS112, ORCHIDv2, drone tags) with it: none is where a webhook lives, and Teredo (2001::/32)
   * hides the IPv4 address it reaches.
   */
  private static final List<Block> IPV6 = List.of(
      Block.of("::/128", "the unspecified address"),
      Block.of("::1/128", "a loopback address"),
      Block.carryingV4("::ffff:0:0/96", 12),
      Block.carryingV4("::ffff:0:0:0/96", 12),
      Block.carryingV4("::/96", 12),
      Block.carryingV4("64:ff9b::/96", 12),
      Block.of("64:ff9b:1::/48", "a local-use NAT64 address (64:ff9b:1::/48)"),
      Block.of("100::/64", "a discard-only address (100::/64)"),
      Block.of("100:0:0:1::/64", "a dummy address (100:0:0:1::/64)"),
      Block.of("2001::/23", "an address reserved for protocol assignments (2001::/23, Teredo among them)"),
      Block.of("2001:db8::/32", "an address reserved for documentation (2001:db8::/32)"),
      Block.carryingV4("2002::/16", 2),
      Block.of("3fff::/20", "an address reserved for documentation (3fff::/20)"),
      Block.of("5f00::/16", "a segment routing identifier (5f00::/16)"),
      Block.of("fc00::/7", "a private address (unique local, fc00::/7)"),
      Block.of("fe80::/10", "a link-local address"),
      Block.of("fec0::/10", "a private address (site-local, fec0::/10)"),
      Block.of("ff00::/8", "a multicast address"));

  /** The 4 or 16 bytes of an address literal; mapped IPv6 literals kept IPv6 (InetAddress would make them IPv4). */
  private static byte[] literal(String text) {
    if (text.startsWith("::ffff:0:0")) {
      byte[] mapped = new byte[16];
      mapped[text.equals("::ffff:0:0") ? 10 : 8] = (byte) 0xff;
      mapped[text.equals("::ffff:0:0") ? 11 : 9] = (byte) 0xff;
      return mapped;
    }
    try {
      return InetAddress.getByName(text).getAddress(); // a literal: no lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  private static InetAddress v4(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e); // four bytes always make an address
    }
  }
}
