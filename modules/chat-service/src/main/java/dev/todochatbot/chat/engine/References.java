package dev.todochatbot.chat.engine;

import static dev.todochatbot.chat.engine.Phrase.words;

import dev.todochatbot.chat.engine.Plan.Known;
import dev.todochatbot.chat.engine.Plan.TaskRef;
import dev.todochatbot.chat.engine.Plan.Target;
import dev.todochatbot.chat.engine.Plan.Words;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which task(s) words point at: a number in the last list shown ("2", "the 3rd one", "1 and 3", "the top one"),
 * "it"/"that" (the last task referred to), or words of the title ("the dentist one"), which match
 * a title of the last list when exactly one fits, and are otherwise looked up by the engine.
 */
final class References {

  private static final Pattern IT = words("^(?:it|that|this|that\\s+one|this\\s+one|that\\s+task|this\\s+task"
      + "|the\\s+(?:last\\s+)?one\\s+i\\s+(?:just\\s+)?(?:added|created|made)|the\\s+(?:new|latest)\\s+one|them)$");
  private static final String ONE = "(?:#|no\\.?\\s*|number\\s+|task\\s+|item\\s+|the\\s+)?(\\d{1,3}(?:st|nd|rd|th)?|first|second|third"
      + "|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|top|bottom)(?:\\s+(?:one|task|item))?";
  private static final Pattern NUMBERS = words("^" + ONE + "((?:\\s*(?:,|and|&|\\+)\\s*" + ONE + ")*)$");
  private static final Pattern ONE_OF = words(ONE);
  private static final Pattern SELECTION = words("^(?:(?:i\\s+mean|i\\s+meant|it's|its|the)\\s+)*" + ONE + "(?:\\s+please)?$");
  private static final List<String> ORDINALS = List.of("first", "second", "third", "fourth", "fifth", "sixth",
      "seventh", "eighth", "ninth", "tenth");
  private static final Set<String> FILLER = Set.of("the", "a", "an", "my", "one", "task", "tasks", "todo", "to-do",
      "item", "called", "named", "titled", "about", "thing", "that", "this", "with", "for", "to", "on", "as",
      "from", "in", "at", "of", "into", "until", "by", "is", "please", "entry", "reminder", "and", "due");
  /** Words that point at some task without saying which: "the other one", "the rest", "that thing". */
  private static final Set<String> VAGUE = Set.of("other", "others", "rest", "stuff", "things", "else", "same", "them",
      "those", "these", "ones", "it");
  /** Prepositions a change leaves at the edges of the task's words ("move it to Friday" leaves "it to"). */
  private static final Pattern EDGE_WORDS = words("^(?:(?:to|for|as|on|at|by|from|with|into|due|about|of)\\s+)+"
      + "|(?:\\s+(?:to|for|as|on|at|by|from|with|into|due|until|about|of))+$");
  private static final Pattern EDGE_PUNCT = Pattern.compile("^[\\s\"'`.,:;!?-]+|[\\s\"'`.,:;!?-]+$");

  /** The targets, or the question to ask when the words do not point at a task clearly. */
  record Resolved(List<Target> targets, String question) {}

  private References() {}

  static Resolved resolve(String text, Context context) {
    String cleaned = EDGE_PUNCT.matcher(text.strip()).replaceAll("").replaceAll("\\s+", " ");
    cleaned = EDGE_WORDS.matcher(cleaned).replaceAll("").strip();
    String lower = cleaned.toLowerCase(Locale.ROOT);
    if (lower.isEmpty()) {
      return question("Which task do you mean? Say its number in the list, or a word of its title.");
    }
    if (IT.matcher(lower).matches()) {
      if (lower.equals("them") && !context.lastList().isEmpty()) {
        return question("Which ones? Say their numbers, such as \"1 and 3\".");
      }
      return context.lastTask() == null
          ? question("Which task do you mean? Say its number in the list, or a word of its title.")
          : new Resolved(List.of(new Known(context.lastTask())), null);
    }
    Matcher numbers = NUMBERS.matcher(lower);
    if (numbers.matches()) {
      return byNumbers(lower, context);
    }
    String words = stripFiller(cleaned);
    if (words.isEmpty() || isVague(words)) {
      return question("Which task do you mean? Say its number in the list, or a word of its title.");
    }
    Optional<TaskRef> inList = uniqueTitleMatch(words, context.lastList());
    return new Resolved(List.of(inList.<Target>map(Known::new).orElse(new Words(words))), null);
  }

  /** "2", "the second", "2nd one": one item of the last list, for answering "Which one?". */
  static Optional<TaskRef> selection(String text, List<TaskRef> list) {
    String lower = EDGE_PUNCT.matcher(text.strip().toLowerCase(Locale.ROOT)).replaceAll("");
    Matcher one = SELECTION.matcher(lower);
    if (one.matches()) {
      int index = index(one.group(1), list.size());
      return index >= 1 && index <= list.size() ? Optional.of(list.get(index - 1)) : Optional.empty();
    }
    String words = stripFiller(text);
    return words.isEmpty() ? Optional.empty() : uniqueTitleMatch(words, list);
  }

  /** Whether {@code text} points at a task without a word of its title or a number ("the other one", "the thing"). */
  static boolean isVague(String text) {
    String words = stripFiller(text.replaceAll("[?!.]+$", ""));
    return Arrays.stream(words.toLowerCase(Locale.ROOT).split("\\s+")).allMatch(w -> w.isEmpty() || VAGUE.contains(w));
  }

  /** Whether {@code text} names a task only by "it"/"that" or by its place in the last list ("2", "the last one"). */
  static boolean isReference(String text) {
    String lower = EDGE_WORDS.matcher(EDGE_PUNCT.matcher(text.strip()).replaceAll("").replaceAll("\\s+", " ")).replaceAll("")
        .strip().toLowerCase(Locale.ROOT);
    return IT.matcher(lower).matches() || NUMBERS.matcher(lower).matches();
  }

  static boolean isSelection(String text) {
    String lower = EDGE_PUNCT.matcher(text.strip().toLowerCase(Locale.ROOT)).replaceAll("");
    return SELECTION.matcher(lower).matches();
  }

  private static Resolved byNumbers(String lower, Context context) {
    if (context.lastList().isEmpty()) {
      return question("Which list do you mean? Ask me to show your tasks first, then say the number.");
    }
    var targets = new ArrayList<Target>();
    Matcher each = ONE_OF.matcher(lower);
    while (each.find()) {
      int index = index(each.group(1), context.lastList().size());
      if (index < 1 || index > context.lastList().size()) {
        int size = context.lastList().size();
        return question("The list I showed has " + (size == 1 ? "one task" : size + " tasks")
            + "; which one do you mean?");
      }
      Target target = new Known(context.lastList().get(index - 1));
      if (!targets.contains(target)) {
        targets.add(target);
      }
    }
    return new Resolved(targets, null);
  }

  private static int index(String token, int size) {
    String t = token.toLowerCase(Locale.ROOT);
    if (t.equals("last") || t.equals("bottom")) {
      return size;
    }
    if (t.equals("top")) {
      return 1;
    }
    int ordinal = ORDINALS.indexOf(t);
    return ordinal >= 0 ? ordinal + 1 : Integer.parseInt(t.replaceAll("\\D", ""));
  }

  /** The one title of {@code list} holding every word (as a word start); empty when none or several do. */
  static Optional<TaskRef> uniqueTitleMatch(String words, List<TaskRef> list) {
    List<String> wanted = Arrays.stream(words.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
        .filter(w -> !w.isEmpty()).toList();
    if (wanted.isEmpty()) {
      return Optional.empty();
    }
    TaskRef found = null;
    for (TaskRef task : list) {
      String title = " " + (task.title() == null ? "" : task.title().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " "));
      if (wanted.stream().allMatch(w -> title.contains(" " + w) || title.contains(" " + singular(w)))) {
        if (found != null) {
          return Optional.empty();
        }
        found = task;
      }
    }
    return Optional.ofNullable(found);
  }

  /** The words that name a task, without "the ... one" and the like; original case kept. */
  static String stripFiller(String text) {
    var kept = new ArrayList<String>();
    for (String word : EDGE_PUNCT.matcher(text).replaceAll("").split("\\s+")) {
      String w = EDGE_PUNCT.matcher(word).replaceAll("");
      if (!w.isEmpty() && !FILLER.contains(w.toLowerCase(Locale.ROOT))) {
        kept.add(w);
      }
    }
    return String.join(" ", kept);
  }

  static String singular(String word) {
    return word.length() > 3 && word.endsWith("s") && !word.endsWith("ss") ? word.substring(0, word.length() - 1) : word;
  }

  private static Resolved question(String question) {
    return new Resolved(List.of(), question);
  }
}
