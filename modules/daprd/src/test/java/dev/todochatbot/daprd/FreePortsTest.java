package dev.todochatbot.daprd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FreePortsTest {

  private static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

  @Test
  void aPortIsTakenBelowTheRangeTheKernelGivesOutgoingConnections() {
    assumeTrue(Files.isReadable(RANGE), "no " + RANGE + " (not Linux)");

    assertThat(FreePorts.ephemeralLow()).isGreaterThan(10_000);
    for (int i = 0; i < 20; i++) {
      assertThat(FreePorts.take()).isBetween(10_000, FreePorts.ephemeralLow() - 1);
    }
  }
}
