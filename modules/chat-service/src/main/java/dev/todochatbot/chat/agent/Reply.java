package dev.todochatbot.chat.agent;

import java.util.List;

/** An agent's answer to one message: the text the person reads and the tool actions taken, in order. */
public record Reply(String text, List<Action> actions) {

  public Reply {
    actions = List.copyOf(actions);
  }
}
