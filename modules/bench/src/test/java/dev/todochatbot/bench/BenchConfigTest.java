package dev.todochatbot.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchConfigTest {

  private static final String WHY = "no daprd 1.16.5 at /x/daprd: run `make daprd`";

  @Test
  void bothSidecarsAreMeasuredByDefaultWhenDaprdIsBuilt() {
    assertThat(BenchConfig.sidecars(null, true, WHY)).containsExactly("devsidecar", "daprd");
    assertThat(BenchConfig.sidecars(" ", true, WHY)).containsExactly("devsidecar", "daprd");
  }

  @Test
  void theDevsidecarAloneIsMeasuredByDefaultWithoutDaprd() {
    assertThat(BenchConfig.sidecars(null, false, WHY)).containsExactly("devsidecar");
  }

  @Test
  void benchSidecarChoosesTheSidecarsAndTheirOrder() {
    assertThat(BenchConfig.sidecars("daprd", true, WHY)).containsExactly("daprd");
    assertThat(BenchConfig.sidecars("daprd, DevSidecar,daprd", true, WHY)).containsExactly("daprd", "devsidecar");
  }

  @Test
  void askingForDaprdWithoutItBuiltSaysHowToBuildIt() {
    assertThatThrownBy(() -> BenchConfig.sidecars("devsidecar,daprd", false, WHY))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("make daprd");
  }

  @Test
  void anUnknownSidecarIsRefused() {
    assertThatThrownBy(() -> BenchConfig.sidecars("dapr", true, WHY))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BENCH_SIDECAR");
  }

  @Test
  void theDefaultWithoutDaprdCarriesANote() {
    var config = BenchConfig.fromEnv(java.util.Map.of("DAPRD", "/nonexistent/daprd"));
    assertThat(config.sidecars()).isEqualTo(List.of("devsidecar"));
    assertThat(config.sidecarNote()).hasValueSatisfying(note -> assertThat(note).contains("/nonexistent/daprd"));
  }
}
