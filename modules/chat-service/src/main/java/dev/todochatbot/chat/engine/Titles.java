package dev.todochatbot.chat.engine;

import static dev.todochatbot.chat.engine.Phrase.words;

import java.util.regex.Pattern;

/**
 * What is left of a message once dates, priorities and tags are taken, made into a title: the
 * connecting words those parts leave behind ("... on", "due", "to my list") removed, the first
 * letter a capital. "add call the dentist tomorrow at 3pm, high priority" gives "Call the dentist".
 */
final class Titles {

  private static final Pattern LIST_WORDS = words("\\s(?:to|on|onto|in)\\s+(?:my|the)\\s+(?:to-?do\\s+|task\\s+|shopping\\s+)?"
      + "(?:list|tasks|todos?)\\b");
  private static final Pattern LEADING = words("^(?:(?:to|and|also|then|that|please|a|an|new|task|todo|to-do|:|-|,|;)\\s+)+");
  private static final Pattern TRAILING = words("(?:\\s+(?:on|at|by|for|due|with|and|to|every|from|starting|the|until|"
      + "before|please|also|then|of|as|,|-|:|;|priority|reminder|tagged|tag|it|is))+$");
  private static final Pattern PUNCT_RUNS = Pattern.compile("\\s*([,;])(?:\\s*[,;])+|\\s+([,;.!?])");
  private static final Pattern EDGES = Pattern.compile("^[\\s,;:.!?\"'-]+|[\\s,;:.!?\"'-]+$");

  private Titles() {}

  static String clean(String text) {
    String t = " " + text + " ";
    t = LIST_WORDS.matcher(t).replaceAll(" ");
    t = t.replaceAll("\\s+", " ");
    t = PUNCT_RUNS.matcher(t).replaceAll("$1$2");
    String before;
    do {
      before = t;
      t = EDGES.matcher(t).replaceAll("");
      t = LEADING.matcher(t).replaceAll("");
      t = TRAILING.matcher(t).replaceAll("");
    } while (!t.equals(before));
    return t.isEmpty() ? t : Character.toUpperCase(t.charAt(0)) + t.substring(1);
  }
}
