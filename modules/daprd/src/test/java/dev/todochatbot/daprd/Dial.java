package dev.todochatbot.daprd;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.util.Optional;

/** Dialling a port as a prober would: on loopback, or on the address other machines reach this one at. */
final class Dial {

  private Dial() {}

  static boolean accepts(InetAddress address, int port) {
    try (var socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 1000);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }

  /** This machine's first non-loopback IPv4 address, if it has one. */
  static Optional<InetAddress> networkAddress() throws IOException {
    return NetworkInterface.networkInterfaces()
        .filter(nic -> {
          try {
            return nic.isUp() && !nic.isLoopback();
          } catch (IOException e) {
            return false;
          }
        })
        .flatMap(NetworkInterface::inetAddresses)
        .filter(address -> address instanceof Inet4Address && !address.isLinkLocalAddress())
        .findFirst();
  }
}
