package dev.todochatbot.standalone;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.todochatbot.daprd.DaprdBinary;
import dev.todochatbot.platform.Env;

/**
 * {@link RealtimeEndToEndTest} against real daprd 1.16 sidecars (one process per app and replica, self-hosted, found by
 * mDNS) instead of the devsidecar: live updates and reminders on two edge replicas, each with its own consumer group. Skipped, saying why, where {@code make daprd} has not built daprd.
 */
class RealtimeOnDaprdTest extends RealtimeEndToEndTest {

  @Override
  String sidecar() {
    assumeTrue(DaprdBinary.find(Env.system()).isPresent(), DaprdBinary.whyMissing(Env.system()));
    return Sidecars.DAPRD;
  }
}
