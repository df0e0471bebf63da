package dev.todochatbot.chat.agent;

import dev.todochatbot.platform.Principal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * What an agent gets to answer one message: who is asking (the only user its tools can act for),
 * their time zone and the current instant (every "tomorrow" and "at 5pm" is read on that clock), the
 * conversation so far (oldest first, without this message) and the message itself.
 */
public record Turn(Principal user, ZoneId zone, Instant now, List<ChatMessage> history, String message) {

  public Turn {
    history = List.copyOf(history);
  }
}
