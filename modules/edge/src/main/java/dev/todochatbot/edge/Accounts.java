package dev.todochatbot.edge;

import dev.todochatbot.platform.Problem;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

/** The account table of schema identity. */
final class Accounts {

  private static final String COLUMNS = "id, email, password_hash, name, time_zone";
  private static final String INSERT = "INSERT INTO identity.account (" + COLUMNS + ", created_at, updated_at) "
      + "VALUES ($1, $2, $3, $4, $5, $6, $6)";
  private static final String BY_EMAIL = "SELECT " + COLUMNS + " FROM identity.account WHERE email = $1";
  private static final String BY_ID = "SELECT " + COLUMNS + " FROM identity.account WHERE id = $1";
  private static final String EXISTS = "SELECT 1 FROM identity.account WHERE id = $1";
  /** One statement: two profile changes at once each keep the other's field. */
  private static final String UPDATE_PROFILE = "UPDATE identity.account SET name = coalesce($2, name), "
      + "time_zone = coalesce($3, time_zone), updated_at = $4 WHERE id = $1 RETURNING " + COLUMNS;

  private final Pool pool;

  Accounts(Pool pool) {
    this.pool = pool;
  }

  Future<Account> create(Account account) {
    return pool.preparedQuery(INSERT)
        .execute(Tuple.of(account.id(), account.email(), account.passwordHash(), account.name(), account.timeZone(),
            OffsetDateTime.now(ZoneOffset.UTC)))
        .map(account)
        .recover(failure -> Future.failedFuture(failure instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? Problem.conflict("An account with this email already exists: sign in instead.").exception()
            : failure));
  }

  Future<Optional<Account>> byEmail(String email) {
    return pool.preparedQuery(BY_EMAIL).execute(Tuple.of(email))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(Account.fromRow(rows.iterator().next())));
  }

  Future<Account> byId(UUID id) {
    return pool.preparedQuery(BY_ID).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        throw Problem.unauthorized("This account no longer exists.").exception();
      }
      return Account.fromRow(rows.iterator().next());
    });
  }

  Future<Boolean> exists(UUID id) {
    return pool.preparedQuery(EXISTS).execute(Tuple.of(id)).map(rows -> rows.size() > 0);
  }

  /** Changes the fields that are not null. */
  Future<Account> updateProfile(UUID id, String name, String timeZone) {
    return pool.preparedQuery(UPDATE_PROFILE)
        .execute(Tuple.of(id, name, timeZone, OffsetDateTime.now(ZoneOffset.UTC)))
        .map(rows -> {
          if (rows.size() == 0) {
            throw Problem.unauthorized("This account no longer exists.").exception();
          }
          return Account.fromRow(rows.iterator().next());
        });
  }
}
