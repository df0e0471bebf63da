package dev.todochatbot.chat.engine;

/**
 * Thrown by a reader that recognised what kind of thing was said but not its value ("Feb 30"); the
 * interpreter turns it into a question instead of guessing.
 */
final class Unclear extends RuntimeException {

  Unclear(String question) {
    super(question, null, false, false);
  }

  String question() {
    return getMessage();
  }
}
