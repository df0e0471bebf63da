package dev.todochatbot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The buckets behind the sign-up and sign-in limits, on a clock the test moves, and which address a request is counted under. */
class SignInLimitsTest {

  private final AtomicLong nanos = new AtomicLong();

  @Test
  void aBucketLetsItsBurstThroughThenOneAttemptPerRefillStep() {
    var buckets = new TokenBuckets(3, Duration.ofMinutes(3), 100, nanos::get);
    for (int i = 0; i < 3; i++) {
      assertThat(buckets.take("a")).as("attempt %d", i + 1).isEmpty();
    }
    Optional<Duration> refused = buckets.take("a");
    assertThat(refused).as("the fourth").isPresent();
    assertThat(refused.get()).isEqualTo(Duration.ofMinutes(1));
    assertThat(buckets.take("b")).as("another key has its own bucket").isEmpty();

    nanos.addAndGet(Duration.ofSeconds(59).toNanos());
    assertThat(buckets.take("a")).as("a second before the step").contains(Duration.ofSeconds(1));
    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(buckets.take("a")).as("one back after a third of the refill time").isEmpty();
    assertThat(buckets.take("a")).isPresent();
  }

  @Test
  void aTokenGivenBackCanBeTakenAgainButTheBucketNeverHoldsMoreThanItsBurst() {
    var buckets = new TokenBuckets(2, Duration.ofHours(1), 100, nanos::get);
    assertThat(buckets.take("a")).isEmpty();
    buckets.giveBack("a");
    buckets.giveBack("a");
    assertThat(buckets.take("a")).isEmpty();
    assertThat(buckets.take("a")).isEmpty();
    assertThat(buckets.take("a")).as("two at most").isPresent();
  }

  @Test
  void aLimitOfZeroIsOff() {
    var buckets = new TokenBuckets(0, Duration.ofHours(1), 100, nanos::get);
    for (int i = 0; i < 1000; i++) {
      assertThat(buckets.take("a")).isEmpty();
    }
  }

  @Test
  void theBucketsKeepABoundedNumberOfKeys() {
    var buckets = new TokenBuckets(1, Duration.ofHours(1), 10, nanos::get);
    for (int i = 0; i < 1000; i++) {
      buckets.take("key-" + i);
    }
    assertThat(buckets.size()).isLessThanOrEqualTo(10);
  }

  @ParameterizedTest(name = "hops {0}, remote {1}, X-Forwarded-For {2} -> {3}")
  @CsvSource(delimiter = '|', nullValues = "none", textBlock = """
      0 | 198.51.100.7   | 203.0.113.9               | 198.51.100.7
      0 | 198.51.100.7   | none                      | 198.51.100.7
      1 | 10.0.0.5       | 203.0.113.9               | 203.0.113.9
      1 | 10.0.0.5       | 192.0.2.66, 203.0.113.9   | 203.0.113.9
      2 | 10.0.0.5       | 192.0.2.66, 203.0.113.9   | 192.0.2.66
      2 | 10.0.0.5       | 203.0.113.9               | 203.0.113.9
      1 | 10.0.0.5       | none                      | 10.0.0.5
      1 | 10.0.0.5       | not-an-address            | 10.0.0.5
      1 | 10.0.0.5       | evil.example.com          | 10.0.0.5
      0 | 2001:db8:1:2::1 | none                     | 2001:db8:1:2::/64
      1 | 10.0.0.5       | 2001:db8:1:2:aaaa:bbbb:cccc:dddd | 2001:db8:1:2::/64
      1 | 10.0.0.5       | [2001:db8:9::1]:4711      | 2001:db8:9:0::/64
      1 | 10.0.0.5       | 203.0.113.9:4711          | 203.0.113.9
      0 | ::ffff:198.51.100.7 | none                 | 198.51.100.7
      """)
  void theAddressCountedIsTheRemoteOneUnlessTrustedProxiesSaidWhoCame(int hops, String remote, String forwardedFor,
      String counted) {
    assertThat(SignInLimits.clientAddress(hops, remote, forwardedFor)).isEqualTo(counted);
  }
}
