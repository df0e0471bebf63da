package dev.todochatbot.standalone;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.todochatbot.daprd.DaprdBinary;
import dev.todochatbot.platform.Env;

/**
 * {@link RecurrenceEndToEndTest} against real daprd 1.16 sidecars (one process per app and replica, self-hosted, found by
 * mDNS) instead of the devsidecar: the next occurrence after a completion, once, also with two recurrence-service replicas. Skipped, saying why, where {@code make daprd} has not built daprd.
 */
class RecurrenceOnDaprdTest extends RecurrenceEndToEndTest {

  @Override
  String sidecar() {
    assumeTrue(DaprdBinary.find(Env.system()).isPresent(), DaprdBinary.whyMissing(Env.system()));
    return Sidecars.DAPRD;
  }
}
