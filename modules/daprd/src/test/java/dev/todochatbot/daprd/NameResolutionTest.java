package dev.todochatbot.daprd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.daprd.NameResolution.Interface;
import java.util.List;
import org.junit.jupiter.api.Test;

class NameResolutionTest {

  @Test
  void anInterfaceThatIsUpAndMulticastIsEnoughEvenIfItIsLoopback() {
    assertThat(NameResolution.whyMdnsCannotWork(List.of(new Interface("lo", true, true)))).isEmpty();
    assertThat(NameResolution.whyMdnsCannotWork(List.of(new Interface("lo", true, false),
        new Interface("eth0", true, true)))).isEmpty();
  }

  @Test
  void onlyLoopbackWithoutMulticastOrADownInterfaceIsRefusedNamingEachAndTheFix() {
    assertThat(NameResolution.whyMdnsCannotWork(List.of(new Interface("lo", true, false),
        new Interface("eth0", false, true))))
        .hasValueSatisfying(why -> assertThat(why)
            .contains("interfaces: lo (no multicast), eth0 (down)")
            .endsWith("sudo ip link set lo multicast on && sudo ip route add 224.0.0.0/4 dev lo"));
    assertThat(NameResolution.whyMdnsCannotWork(List.of())).hasValueSatisfying(why ->
        assertThat(why).contains("interfaces: none"));
  }
}
