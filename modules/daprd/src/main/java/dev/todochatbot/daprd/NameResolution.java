package dev.todochatbot.daprd;

import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.List;
import java.util.Optional;

/**
 * Whether self-hosted daprd can find the other sidecars. Its default name resolution there is mDNS, which
 * announces and asks on every network interface that is up and multicast-capable; on a host with none (a
 * container or network namespace with only loopback, whose {@code lo} has no MULTICAST flag by default) every
 * service invocation fails with "failed to initialize resolver after attempting IPv4+IPv6, IPv4-only, and
 * IPv6-only". Giving loopback multicast and a route for it makes it work on loopback alone (tried in a network
 * namespace with only {@code lo}: the invocation and access-control scenarios pass).
 */
public final class NameResolution {

  /** What daprd's mDNS looks at in an interface. */
  public record Interface(String name, boolean up, boolean multicast) {}

  static final String FIX = "give loopback multicast: sudo ip link set lo multicast on && sudo ip route add 224.0.0.0/4 dev lo";

  private NameResolution() {}

  /** Why mDNS cannot work on this machine's interfaces, in words a person can act on; empty when it can. */
  public static Optional<String> whyMdnsCannotWork() {
    return whyMdnsCannotWork(interfaces());
  }

  static Optional<String> whyMdnsCannotWork(List<Interface> interfaces) {
    if (interfaces.stream().anyMatch(i -> i.up() && i.multicast())) {
      return Optional.empty();
    }
    String seen = interfaces.isEmpty() ? "none" : String.join(", ", interfaces.stream()
        .map(i -> i.name() + (i.up() ? "" : " (down)") + (i.multicast() ? "" : " (no multicast)")).toList());
    return Optional.of("The sidecars find each other by mDNS, which needs a network interface that is up and"
        + " multicast-capable, and this machine has none (interfaces: " + seen + "); " + FIX);
  }

  private static List<Interface> interfaces() {
    try {
      return NetworkInterface.networkInterfaces().map(i -> {
        try {
          return new Interface(i.getName(), i.isUp(), i.supportsMulticast());
        } catch (SocketException e) {
          return new Interface(i.getName(), false, false);
        }
      }).toList();
    } catch (SocketException e) {
      return List.of();
    }
  }
}
