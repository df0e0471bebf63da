package dev.todochatbot.chat.engine;

import java.util.Optional;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of a message not yet understood. Each reader (dates, priorities, tags, ...) takes the
 * words it recognises out of it; what nobody took is the task's title. Taking leaves a space so
 * that the words around a taken part never run together.
 */
final class Phrase {

  private static final Pattern SPACES = Pattern.compile("\\s+");
  private String text;

  Phrase(String message) {
    this.text = " " + normalize(message) + " ";
  }

  /** Curly quotes and dashes as people's keyboards type them, folded to the plain ones the patterns expect. */
  static String normalize(String message) {
    String plain = message.replace('\u2019', '\'').replace('\u2018', '\'').replace('\u201c', '"')
        .replace('\u201d', '"').replace('\u2013', '-').replace('\u00a0', ' ');
    return SPACES.matcher(plain).replaceAll(" ").strip();
  }

  /** Takes the first match of {@code pattern} out of the text. */
  Optional<MatchResult> take(Pattern pattern) {
    Matcher m = pattern.matcher(text);
    if (!m.find()) {
      return Optional.empty();
    }
    MatchResult match = m.toMatchResult();
    text = text.substring(0, m.start()) + " " + text.substring(m.end());
    return Optional.of(match);
  }

  /** Finds a match without taking it; {@link #cut} takes it once the caller has checked it. */
  Optional<MatchResult> peek(Pattern pattern) {
    Matcher m = pattern.matcher(text);
    return m.find() ? Optional.of(m.toMatchResult()) : Optional.empty();
  }

  void cut(MatchResult match) {
    cut(match.start(), match.end());
  }

  /** Cuts a stretch of {@link #padded()} found by hand. */
  void cut(int start, int end) {
    text = text.substring(0, start) + " " + text.substring(end);
  }

  /**
   * Takes {@code head} with what {@code reader} reads right after it ("until" and "March 1st"); nothing when the
   * reader finds nothing there, or finds it further on only.
   */
  <T> Optional<T> takeAfter(Pattern head, Function<Phrase, Optional<T>> reader) {
    Matcher m = head.matcher(text);
    while (m.find()) {
      String after = text.substring(m.end());
      var rest = new Phrase(after);
      Optional<T> read = reader.apply(rest);
      String all = normalize(after);
      String left = rest.text();
      if (read.isPresent() && all.endsWith(left)) {
        cut(m.start(), m.end() + originalLength(after, all.length() - left.length()));
        return read;
      }
    }
    return Optional.empty();
  }

  /** How many characters of {@code raw} make the first {@code normalized} characters of {@link #normalize}{@code (raw)}. */
  private static int originalLength(String raw, int normalized) {
    int i = 0;
    while (i < raw.length() && Character.isWhitespace(raw.charAt(i))) {
      i++;
    }
    for (int n = 0; n < normalized && i < raw.length(); n++) {
      if (Character.isWhitespace(raw.charAt(i))) {
        while (i < raw.length() && Character.isWhitespace(raw.charAt(i))) {
          i++;
        }
      } else {
        i++;
      }
    }
    return i;
  }

  boolean has(Pattern pattern) {
    return pattern.matcher(text).find();
  }

  String text() {
    return SPACES.matcher(text).replaceAll(" ").strip();
  }

  /** The text with a space at each end, so a pattern can ask for a word boundary with a space. */
  String padded() {
    return text;
  }

  static Pattern words(String regex) {
    return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
  }
}
