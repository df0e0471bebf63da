package dev.todochatbot.chat.engine;

import static dev.todochatbot.chat.engine.Phrase.words;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * Priorities as people mark them: "urgent", "high priority", "important", "p1" to "p4" (p1 the
 * highest, as in the to-do apps people come from), "!!!" and "!!".
 */
final class Priorities {

  static final String LEVEL = "(urgent|high|medium|normal|low|no|none)";
  private static final Pattern NAMED = words("(?:\\s*,\\s*|\\s)(?:(?:with|as|at|a|an|of|to|it's|its|it\\s+is|is)\\s+)*" + LEVEL
      + "[\\s-]+(?:priority|prio|pri)\\b|\\s(?:with\\s+|at\\s+)?(?:priority|prio)\\s*(?:is\\s+|to\\s+|of\\s+|:\\s*)?" + LEVEL + "\\b");
  private static final Pattern P_CODE = words("\\s(?:priority\\s+)?p([1-4])\\b");
  private static final Pattern URGENT = words("\\s(?:it's\\s+|it\\s+is\\s+|very\\s+)?(urgent|urgently|asap|critical)\\b");
  /** "not that important", "not urgent", "no rush": said of a task, it is a low one. */
  private static final Pattern UNIMPORTANT = words("\\s(?:it's\\s+|it\\s+is\\s+|it\\s+)?(?:not|isn't)\\s+(?:(?:very|that|so|too|really"
      + "|super|particularly|all\\s+that)\\s+)?(?:important|urgent)\\b|\\s(?:unimportant|no\\s+rush|no\\s+hurry)\\b");
  private static final Pattern IMPORTANT = words("\\s(?:it's\\s+|it\\s+is\\s+|very\\s+)?important\\b");
  private static final Pattern BANGS = Pattern.compile("(?<=\\s|\\w)(!{2,3})(?=\\s|$)");
  /** After "make it" / "set it to": the level alone ("make it high", "set 2 to low"). */
  private static final Pattern BARE_LEVEL = words("\\s(urgent|high|medium|normal|low)\\b");

  private Priorities() {}

  static Optional<String> take(Phrase phrase) {
    Optional<MatchResult> m = phrase.take(NAMED);
    if (m.isPresent()) {
      return Optional.of(level(m.get().group(1) != null ? m.get().group(1) : m.get().group(2)));
    }
    m = phrase.take(P_CODE);
    if (m.isPresent()) {
      return Optional.of(switch (m.get().group(1)) {
        case "1" -> "urgent";
        case "2" -> "high";
        case "3" -> "medium";
        default -> "low";
      });
    }
    m = phrase.take(BANGS);
    if (m.isPresent()) {
      return Optional.of(m.get().group(1).length() == 3 ? "urgent" : "high");
    }
    if (phrase.take(UNIMPORTANT).isPresent()) {
      return Optional.of("low");
    }
    if (phrase.take(URGENT).isPresent()) {
      return Optional.of("urgent");
    }
    if (phrase.take(IMPORTANT).isPresent()) {
      return Optional.of("high");
    }
    return Optional.empty();
  }

  /**
   * The first level named, with every further mention of a level taken too: "low priority, no rush" says it twice,
   * and the second saying is no part of the task's words.
   */
  static Optional<String> takeAll(Phrase phrase) {
    Optional<String> level = take(phrase);
    if (level.isPresent()) {
      while (take(phrase).isPresent()) {
        // said again; the first saying stands
      }
    }
    return level;
  }

  /** For changes, where the level may stand alone ("make it high") and may be said twice. */
  static Optional<String> takeLevel(Phrase phrase) {
    return takeAll(phrase).or(() -> phrase.take(BARE_LEVEL).map(m -> level(m.group(1))));
  }

  static String level(String word) {
    return switch (word.toLowerCase(Locale.ROOT)) {
      case "normal" -> "medium";
      case "no" -> "none";
      default -> word.toLowerCase(Locale.ROOT);
    };
  }
}
