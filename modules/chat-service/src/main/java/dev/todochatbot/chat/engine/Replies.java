package dev.todochatbot.chat.engine;

import java.time.Month;
import java.time.format.TextStyle;
import java.util.Locale;

/** The sentences the engine answers with. */
final class Replies {

  private Replies() {}

  static String monthName(Month month) {
    return month.getDisplayName(TextStyle.FULL, Locale.ENGLISH);
  }
}
