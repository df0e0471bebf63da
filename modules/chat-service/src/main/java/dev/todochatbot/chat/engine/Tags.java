package dev.todochatbot.chat.engine;

import static dev.todochatbot.chat.engine.Phrase.words;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Tags: "#work", "tag it home", "tagged errands", "with tags home and garden", "label: work". */
final class Tags {

  private static final String TAG = "([\\p{L}\\p{N}][\\p{L}\\p{N}_-]{0,39})";
  private static final Pattern HASH = Pattern.compile("(?<=\\s)#" + TAG + "\\b");
  private static final Pattern WORDED = words("(?:\\s*,\\s*|\\s)(?:and\\s+)?(?:tag(?:ged|s)?|label(?:led|ed)?|with\\s+(?:the\\s+)?tags?"
      + "|with\\s+(?:the\\s+)?labels?)(?:\\s+(?:it|them|this|that|as|with))*\\s*:?\\s+" + TAG
      + "((?:\\s*(?:,|and|&|\\+)\\s*" + TAG + ")*)(?=[\\s,.!?;]|$)");
  private static final Pattern LIST_ITEM = Pattern.compile(TAG);
  private static final List<String> NOT_TAGS = List.of("and", "or", "the", "a", "an", "it", "to", "for", "on", "at",
      "by", "due", "tomorrow", "today", "with", "as", "high", "low", "urgent", "priority", "remind", "every");

  private Tags() {}

  /** Every tag named in {@code phrase}, lower case, in the order given, each once. */
  static List<String> take(Phrase phrase) {
    var tags = new ArrayList<String>();
    Optional<MatchResult> m;
    while ((m = phrase.take(HASH)).isPresent()) {
      add(tags, m.get().group(1));
    }
    m = phrase.peek(WORDED);
    if (m.isPresent() && !NOT_TAGS.contains(m.get().group(1).toLowerCase(Locale.ROOT))) {
      phrase.cut(m.get());
      add(tags, m.get().group(1));
      Matcher more = LIST_ITEM.matcher(m.get().group(2) == null ? "" : m.get().group(2));
      while (more.find()) {
        if (!NOT_TAGS.contains(more.group(1).toLowerCase(Locale.ROOT))) {
          add(tags, more.group(1));
        }
      }
    }
    return tags;
  }

  private static void add(List<String> tags, String tag) {
    String t = tag.toLowerCase(Locale.ROOT);
    if (!tags.contains(t)) {
      tags.add(t);
    }
  }
}
