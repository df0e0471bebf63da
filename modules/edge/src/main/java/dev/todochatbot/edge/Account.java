package dev.todochatbot.edge;

import dev.todochatbot.platform.Principal;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.UUID;

/** A person's account. The password hash never leaves the edge. */
record Account(UUID id, String email, String passwordHash, String name, String timeZone) {

  static Account fromRow(Row row) {
    return new Account(row.getUUID("id"), row.getString("email"), row.getString("password_hash"),
        row.getString("name"), row.getString("time_zone"));
  }

  Principal principal() {
    return new Principal(id, email, timeZone);
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("email", email)
        .put("name", name)
        .put("timeZone", timeZone);
  }
}
