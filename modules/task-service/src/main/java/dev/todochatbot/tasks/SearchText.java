package dev.todochatbot.tasks;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Full-text search that is case- and accent-insensitive: the document and the query are folded the
 * same way here (lower case, accents removed, split into letters and digits) before PostgreSQL sees
 * them, so the 'simple' text-search configuration needs no extension and matches what was typed.
 */
final class SearchText {

  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");
  static final int MAX_QUERY_WORDS = 16;

  private SearchText() {}

  static List<String> words(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    String folded = MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFKD)).replaceAll("")
        .toLowerCase(Locale.ROOT);
    var words = new ArrayList<String>();
    for (String word : NOT_WORD.split(folded)) {
      if (!word.isEmpty()) {
        words.add(word);
      }
    }
    return words;
  }

  /** The text handed to {@code to_tsvector('simple', ...)} for a task. */
  static String document(String title, String description, List<String> tags) {
    var all = new ArrayList<>(words(title));
    all.addAll(words(description));
    tags.forEach(tag -> all.addAll(words(tag)));
    return String.join(" ", all);
  }

  /**
   * A {@code to_tsquery('simple', ...)} expression: every word must match, in any order, and the last
   * one may be a prefix ("rep" finds "report"). Words hold only letters and digits, so nothing typed
   * can become tsquery syntax. Empty when the query has no words.
   */
  static String query(String q) {
    List<String> words = words(q);
    if (words.isEmpty()) {
      return "";
    }
    if (words.size() > MAX_QUERY_WORDS) {
      words = words.subList(0, MAX_QUERY_WORDS);
    }
    var query = new StringBuilder();
    for (int i = 0; i < words.size(); i++) {
      if (i > 0) {
        query.append(" & ");
      }
      query.append(words.get(i));
      if (i == words.size() - 1) {
        query.append(":*");
      }
    }
    return query.toString();
  }
}
