package dev.todochatbot.tasks;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Full-text search that is case- and accent-insensitive: the document and the query are folded the
 * same way here (lower case, accents removed, split into letters and digits), and PostgreSQL stores
 * and matches the resulting words as they are ({@code array_to_tsvector}, {@code ::tsquery}).
 *
 * <p>Every word is prefixed with a key of its owner (the first 8 hex digits of the user id), so
 * the GIN index's postings for a word, and for a prefix ("rep" of "report"), are one user's own:
 * a search reads that user's matches, not every user's. The key only narrows the index; the query
 * still filters on user_id, so two users sharing a key see only their own tasks.
 */
final class SearchText {

  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");
  static final int MAX_QUERY_WORDS = 16;
  /** Longer "words" (a pasted URL or hash) are not searchable; PostgreSQL also caps lexemes at 2 KB. */
  static final int MAX_WORD = 100;

  private SearchText() {}

  static List<String> words(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    String folded = MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFKD)).replaceAll("")
        .toLowerCase(Locale.ROOT);
    var words = new ArrayList<String>();
    for (String word : NOT_WORD.split(folded)) {
      if (!word.isEmpty() && word.length() <= MAX_WORD) {
        words.add(word);
      }
    }
    return words;
  }

  static String userKey(UUID userId) {
    return userId.toString().substring(0, 8);
  }

  /** The lexemes stored for a task ({@code array_to_tsvector}): each distinct word, keyed by its owner. */
  static String[] document(UUID userId, String title, String description, List<String> tags) {
    String key = userKey(userId);
    var lexemes = new LinkedHashSet<String>();
    words(title).forEach(w -> lexemes.add(key + w));
    words(description).forEach(w -> lexemes.add(key + w));
    tags.forEach(tag -> words(tag).forEach(w -> lexemes.add(key + w)));
    return lexemes.toArray(String[]::new);
  }

  /**
   * A tsquery: every word must match, in any order, and the last one may be a prefix ("rep" finds
   * "report"). Words hold only letters and digits, so nothing typed can become tsquery syntax.
   * Empty when the query has no words.
   */
  static String query(UUID userId, String q) {
    List<String> words = words(q);
    if (words.isEmpty()) {
      return "";
    }
    if (words.size() > MAX_QUERY_WORDS) {
      words = words.subList(0, MAX_QUERY_WORDS);
    }
    String key = userKey(userId);
    var query = new StringBuilder();
    for (int i = 0; i < words.size(); i++) {
      query.append(i == 0 ? "" : " & ").append('\'').append(key).append(words.get(i)).append('\'');
      if (i == words.size() - 1) {
        query.append(":*");
      }
    }
    return query.toString();
  }
}
