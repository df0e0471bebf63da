package dev.todochatbot.standalone;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.todochatbot.daprd.DaprdBinary;
import dev.todochatbot.platform.Env;

/**
 * {@link EventsEndToEndTest} against real daprd 1.16 sidecars (one process per app and replica, self-hosted, found by
 * mDNS) instead of the devsidecar: every task operation reaches the audit trail exactly once, the broker stopped and restarted midway. Skipped, saying why, where {@code make daprd} has not built daprd.
 */
class EventsOnDaprdTest extends EventsEndToEndTest {

  @Override
  String sidecar() {
    assumeTrue(DaprdBinary.find(Env.system()).isPresent(), DaprdBinary.whyMissing(Env.system()));
    return Sidecars.DAPRD;
  }
}
