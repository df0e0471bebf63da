package dev.todochatbot.daprd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.todochatbot.platform.Env;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dapr's Sentry as this launcher runs it beside the sidecars: its own root, kept; every listener on loopback. */
class SentryTest {

  private static final Env ENV = Env.system();
  private static final Duration READY = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private Sentry sentry;

  @BeforeEach
  void needsSentry() {
    assumeTrue(Sentry.find(ENV).isPresent(), Sentry.whyMissing(ENV));
  }

  @AfterEach
  void stop() {
    if (sentry != null) {
      sentry.close();
    }
  }

  @Test
  void itMakesItsRootOnTheFirstStartAndKeepsItAfterwards() {
    sentry = Sentry.start(Sentry.find(ENV).orElseThrow(), dir, READY);
    String root = sentry.trustAnchors();
    assertThat(root).startsWith("-----BEGIN CERTIFICATE-----");
    sentry.close();

    sentry = Sentry.start(Sentry.find(ENV).orElseThrow(), dir, READY);

    assertThat(sentry.isAlive()).isTrue();
    assertThat(sentry.trustAnchors()).isEqualTo(root);
  }

  @Test
  void itSignsCertificatesAndAnswersItsReadinessOnLoopbackOnly() throws IOException {
    sentry = Sentry.start(Sentry.find(ENV).orElseThrow(), dir, READY);
    Optional<InetAddress> network = Dial.networkAddress();
    assumeTrue(network.isPresent(), "this machine has no non-loopback IPv4 address to dial");

    for (int port : new int[] {sentry.ports().grpc(), sentry.ports().healthz()}) {
      assertThat(Dial.accepts(InetAddress.getLoopbackAddress(), port)).as("loopback port %d", port).isTrue();
      assertThat(Dial.accepts(network.get(), port)).as("%s port %d", network.get(), port).isFalse();
    }
  }
}
