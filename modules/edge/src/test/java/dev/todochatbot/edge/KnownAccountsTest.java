package dev.todochatbot.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.todochatbot.platform.Principal;
import dev.todochatbot.platform.ProblemException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The account check's memory, on a clock the test moves: how long an answer is kept, and what is not kept. */
class KnownAccountsTest {

  private static Vertx vertx;

  private final AtomicLong nanos = new AtomicLong();
  private final Map<UUID, Boolean> accounts = new ConcurrentHashMap<>();
  private final AtomicInteger lookups = new AtomicInteger();
  private final KnownAccounts known = new KnownAccounts(vertx, id -> {
    lookups.incrementAndGet();
    return Future.succeededFuture(accounts.getOrDefault(id, false));
  }, nanos::get);

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void aDeletedAccountIsRefusedOnceItsAnswerIsOlderThanTheTtl() {
    Principal ada = person();
    accounts.put(ada.userId(), true);
    assertThat(status(ada)).isZero();
    assertThat(status(ada)).isZero();
    assertThat(lookups).as("one lookup for both").hasValue(1);

    accounts.remove(ada.userId());
    later(KnownAccounts.TTL.minusSeconds(1));
    assertThat(status(ada)).as("still remembered as there").isZero();
    later(Duration.ofSeconds(2));
    assertThat(status(ada)).as("looked up again past the TTL").isEqualTo(401);
    assertThat(lookups).hasValue(2);
  }

  @Test
  void anAccountThatDoesNotExistIsRefusedAndThatIsRememberedToo() {
    Principal ghost = person();
    assertThat(status(ghost)).isEqualTo(401);
    assertThat(status(ghost)).isEqualTo(401);
    assertThat(lookups).hasValue(1);
  }

  @Test
  void aFailedLookupIs503AndIsNotRemembered() {
    Principal bo = person();
    AtomicInteger calls = new AtomicInteger();
    var flaky = new KnownAccounts(vertx, id -> calls.incrementAndGet() == 1
        ? Future.failedFuture(new IllegalStateException("the database is restarting"))
        : Future.succeededFuture(true), nanos::get);

    assertThat(status(flaky, bo)).isEqualTo(503);
    assertThat(status(flaky, bo)).as("asked again at once").isZero();
    assertThat(calls).hasValue(2);
  }

  @Test
  void requestsThatArriveDuringALookupShareIt() {
    Principal cy = person();
    Promise<Boolean> answer = Promise.promise();
    AtomicInteger calls = new AtomicInteger();
    var slow = new KnownAccounts(vertx, id -> {
      calls.incrementAndGet();
      return answer.future();
    }, nanos::get);

    Future<Void> first = slow.admit(cy);
    Future<Void> second = slow.admit(cy);
    answer.complete(true);

    Future.all(first, second).await();
    assertThat(calls).hasValue(1);
  }

  private void later(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }

  private int status(Principal user) {
    return status(known, user);
  }

  /** 0 when admitted, else the status of the problem it was refused with. */
  private static int status(KnownAccounts known, Principal user) {
    return known.admit(user).transform(result -> Future.succeededFuture(result.succeeded() ? 0
        : ((ProblemException) result.cause()).problem().status())).await();
  }

  private static Principal person() {
    UUID id = UUID.randomUUID();
    return new Principal(id, id + "@example.com", "UTC");
  }
}
