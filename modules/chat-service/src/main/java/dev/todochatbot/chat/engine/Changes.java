package dev.todochatbot.chat.engine;

import static dev.todochatbot.chat.engine.Phrase.words;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Changes to existing tasks: "mark the dentist one done", "done with 2", "delete 2", "move the
 * report to Friday", "make it urgent", "rename 3 to Buy oat milk", "tag it home", "remind me about
 * it 1 hour before", "stop repeating the plants one". Each rule splits the message into the words
 * that point at the task(s), read by {@link References}, and the edit.
 */
final class Changes {

  private static final Pattern RENAME = words("^(?:rename|retitle|re-title)\\s+(.+?)\\s+(?:to|as|into)\\s+(.+)$"
      + "|^change\\s+(?:the\\s+)?(?:title|name)\\s+of\\s+(.+?)\\s+to\\s+(.+)$|^call\\s+(it|that|this|\\d{1,2})\\s+(.+)$");
  private static final Pattern DESCRIBE = words("^(?:add\\s+(?:a\\s+)?(?:note|description|details?)\\s+to|describe)\\s+(.+?)\\s*:\\s*(.+)$");
  private static final Pattern CLEAR_DUE = words("^(?:remove|clear|delete|drop|unset|take\\s+off)\\s+(?:the\\s+)?(?:due\\s+date|deadline"
      + "|date|due\\s+time)\\s+(?:from|of|on|for)\\s+(.+)$");
  private static final Pattern STOP_REPEATING = words("^(?:stop|quit|end)\\s+(?:repeating|recurring|the\\s+repetition\\s+of"
      + "|the\\s+recurrence\\s+of|repeating\\s+of)\\s+(.+)$|^(?:don't|do\\s+not|no\\s+longer)\\s+repeat\\s+(.+)$"
      + "|^stop\\s+(.+?)\\s+from\\s+repeating$|^make\\s+(.+?)\\s+(?:a\\s+)?(?:one-?off|one\\s+time|non-?recurring|not\\s+repeat)$"
      + "|^(.+?)\\s+(?:should\\s+)?(?:stop|no\\s+longer|doesn't\\s+need\\s+to|does\\s+not\\s+need\\s+to)\\s+repeat(?:ing)?(?:\\s+anymore)?$");
  private static final Pattern DELETE = words("^(?:delete|remove|drop|cancel|trash|erase|scrap|scratch(?=\\s+(?:that|this|it)\\b)|bin|get\\s+rid\\s+of"
      + "|forget(?:\\s+about)?|kill|skip)\\s+(.+)$");
  private static final Pattern SERIES = words("\\s(?:and\\s+)?(?:stop\\s+(?:the\\s+)?(?:series|repeating|repetition|it\\s+repeating)"
      + "|(?:and\\s+)?all\\s+(?:the\\s+)?(?:future|later|coming)\\s*(?:ones|occurrences|repeats)?|(?:the\\s+)?whole\\s+series"
      + "|for\\s+good|(?:and\\s+)?(?:the\\s+)?series|altogether|entirely|completely)(?=\\s)");
  /** "delete the dentist one from my list": where the task is, no word of it. */
  private static final Pattern OFF_THE_LIST = words("\\s(?:from|off)\\s+(?:my|the)\\s+(?:to-?do\\s+|task\\s+)?(?:list|tasks|todos?)(?=\\s)");
  private static final Pattern SERIES_OF = words("^\\s*(?:all\\s+)?(?:the\\s+)?(?:future\\s+|coming\\s+)?(?:occurrences|repeats"
      + "|instances|repetitions)\\s+of\\s+|^\\s*the\\s+(?:whole\\s+)?series\\s+(?:of\\s+)?");
  /**
   * Where a sentence says something of a task ("the rent is paid", "2 is urgent"), the subject is no question word
   * ("which tasks are due Friday?") and no verb adding a task ("add Q3 planning, it is urgent").
   */
  private static final String SUBJECT = "^(?!(?:what|which|who|how|where|when|why|add|create|new\\s+(?:task|todo|to-do|item|reminder)|remind|schedule"
      + "|nothing|anything|something|everything|there|here)\\b)";
  private static final Pattern REOPEN = words("^(?:reopen|re-open|uncomplete|unmark|undo|restore)(?:\\s+(.+))?$"
      + "|^mark\\s+(.+?)\\s+(?:as\\s+)?(?:not\\s+done|undone|open|incomplete|not\\s+complete[d]?|unfinished|to\\s*do)$"
      + "|" + SUBJECT + "(.+?)(?:\\s+is|\\s+was|'s)?\\s+(?:not|isn't|wasn't)\\s+(?:actually\\s+|really\\s+|quite\\s+)?(?:done|finished"
      + "|complete[d]?)(?:\\s+(?:yet|after\\s+all|actually))?$");
  /** What "is ..." says of a task that needs doing no more: "the rent is paid", "that's taken care of". */
  private static final String DONE = "(?:now\\s+|all\\s+|already\\s+|finally\\s+)?(?:done|finished|complete|completed|paid"
      + "|sorted(?:\\s+out)?|handled|taken\\s+care\\s+of|dealt\\s+with|out\\s+of\\s+the\\s+way|ticked\\s+off|checked\\s+off)";
  /** A task by its place in the last list: "3", "#3", "number 3", "item 3". */
  private static final String PLACE = "(?:#|no\\.?\\s*|number\\s+|item\\s+|task\\s+)?\\d";
  private static final Pattern COMPLETE = words("^(?:mark|set|check|tick|cross)\\s+(.+?)\\s+(?:as\\s+)?(?:done|complete|completed"
      + "|finished|checked(?:\\s+off)?|ticked(?:\\s+off)?|off)$"
      + "|^(?:complete|finish|close|check\\s+off|tick\\s+off|cross\\s+off)\\s+(.+)$"
      + "|^(?:(?:just|already|finally)\\s+)*(?:done|finished|completed)\\s+(with\\s+.+|" + PLACE + ".*|it|that|this|the\\s+.+)$"
      + "|^i(?:'ve|\\s+have)?(?:\\s+(?:just|already|finally|also))*\\s+(?:finished|completed|did|done)\\s+(.+)$"
      + "|^i'?m\\s+(?:all\\s+)?(?:done|finished)\\s+with\\s+(.+)$"
      + "|" + SUBJECT + "(.+?)\\s+(?:is|are|was|has\\s+been|have\\s+been)\\s+" + DONE + "$"
      + "|" + SUBJECT + "(.+?)'s\\s+" + DONE + "$"
      + "|^(" + PLACE + ".*|it|that|this|the\\s+.+)\\s+(?:done|finished|completed)$|^(?:got|get)\\s+(.+?)\\s+done$");
  /**
   * "i already paid the rent", "just called mom": a thing done, said in the past tense. Without "I" an
   * "already", "just" or "finally" must say it; the object is what names the task ("rent", "mom").
   */
  private static final Pattern DID = words("^(?:i(?:'ve|\\s+have)?(?:\\s+(?:just|already|finally|also))*|(?:just|already|finally)"
      + "(?:\\s+(?:just|already|finally))*)\\s+(\\p{L}+)\\s+(.+)$");
  private static final Set<String> DID_IRREGULAR = Set.of("paid", "bought", "sent", "took", "did", "made",
      "got", "wrote", "gave", "brought", "met", "sold", "found", "drove", "ate", "hung", "swept", "fed", "built", "spent",
      "caught", "told", "rang", "drew", "read", "ran", "put", "shut", "cut", "won", "went");
  /** Past tenses that do not say a task is done ("i wanted to", "i moved it", "i needed milk"). */
  private static final Set<String> DID_NOT = Set.of("wanted", "needed", "started", "tried", "planned",
      "decided", "added", "created", "scheduled", "moved", "changed", "rescheduled", "postponed", "delayed", "skipped",
      "failed", "used", "liked", "loved", "hated", "hoped", "expected", "wondered", "missed", "noticed", "realized",
      "realised", "remembered", "learned", "renamed", "tagged", "marked", "reopened", "considered", "wished",
      "dreamed", "ignored", "snoozed");
  private static final Pattern NOT_AN_OBJECT = words("^(?:to|that|if|whether|how|what|when|why|where|about|for|so|because)\\b");
  /** A task let go of in so many words: "the last one can go", "the meeting is cancelled", "i don't need it anymore". */
  private static final Pattern DISMISS = words("^(.+?)\\s+(?:can|could|should|may)\\s+(?:go(?:\\s+away)?|be\\s+(?:deleted|removed"
      + "|dropped|cancell?ed|scrapped|binned|trashed|forgotten))$"
      + "|^(.+?)(?:\\s+is|\\s+are|\\s+was|'s)\\s+(?:no\\s+longer\\s+(?:needed|necessary|happening|relevant)"
      + "|not\\s+(?:needed|necessary|happening|relevant)(?:\\s+any\\s*more)?|cancell?ed|obsolete|irrelevant)$"
      + "|^(?:i\\s+)?(?:don't|do\\s+not|no\\s+longer)\\s+need\\s+(?:to\\s+)?(.+?)(?:\\s+any\\s*more|\\s+after\\s+all)?$"
      + "|^no\\s+need\\s+(?:for|to)\\s+(.+?)(?:\\s+any\\s*more)?$");
  /** "remind me about it 1 hour before"; "remind me 30 min before" is about the last task ("it" unsaid). */
  private static final Pattern REMIND = words("^(?:" + Reminders.REMIND_ME + "|set\\s+(?:a\\s+)?reminder|add\\s+(?:a\\s+)?reminder)"
      + "\\s+(?:(?:about|for|of|on|to)\\s+)?(.+)$");
  private static final Pattern TAG = words("^(?:tag|label)\\s+(.+?)\\s+(?:with|as)\\s+(.+)$"
      + "|^(?:tag|label)\\s+(it|that|this|them|[\\d,\\s&]+(?:and\\s+\\d+)?|the\\s+.+?\\s+one)\\s+(.+)$"
      + "|^add\\s+(?:the\\s+)?(?:tags?|labels?)\\s+(.+?)\\s+to\\s+(.+)$|^add\\s+(#.+?)\\s+to\\s+(.+)$");
  /** "make" moves only a task named by "it" or its number ("make it tomorrow at noon"); "make dinner tomorrow" is a task. */
  private static final Pattern MOVE = words("^(move|reschedule|postpone|push|shift|delay|bump|snooze|change|set|update|make)\\s+(.+)$");
  private static final Pattern MAKE = words("^(?:make|set|mark|flag|prioriti[sz]e|change|bump|raise|lower|update)\\s+(.+)$");
  private static final Pattern IS_PRIORITY = words(SUBJECT + "(.+?)\\s+(?:is|are)\\s+(?:now\\s+|very\\s+|really\\s+)?(?:urgent|important|"
      + "(?:high|low|medium)\\s+priority)$");
  /** "the report is due Friday", "it's due at 5 now" (the "now" gone with the filler). */
  private static final Pattern IS_DUE = words(SUBJECT + "(.+?)(?:\\s+is|\\s+are|'s)\\s+(?:now\\s+)?due\\s+(.+)$");
  private static final Pattern DATE_FIELD = words("\\s(?:the\\s+)?(?:due\\s+date|deadline|date|due\\s+time|time)\\s+(?:of|for|on)\\s+");
  private static final Pattern PRIORITY_FIELD = words("\\s(?:the\\s+)?(?:priority)\\s+(?:of|for|on)\\s+");
  /** "bump it up to high", "push the report back to Friday": the particle says nothing the value after it does not. */
  private static final Pattern PARTICLE = words("\\s(?:up|down|back|forward|ahead|over)(?=\\s+(?:to|till|until|in|on)\\s)");
  /**
   * After a verb that deletes, "to" and a value alone ("drop the rates one to low priority", "bin 3 down to low", "cancel
   * it till Friday"): the task's words and what they are to become. Such a message changes the task, never deletes it.
   */
  private static final Pattern TO_VALUE = words("^(.+?)\\s+(?:(?:up|down|back|forward)\\s+)?(?:to|till|until)\\s+(.+)$");
  private static final Pattern RELATIVE_MOVE = words("\\s(?:back\\s+)?(?:by\\s+)?(?:a|an|one|\\d+)\\s+(?:days?|weeks?|hours?)(?:\\s+later)?\\s*$");
  private static final Pattern TAG_SPLIT = Pattern.compile("\\s*(?:,|\\band\\b|&|\\s)\\s*");
  private static final Pattern GENERIC = words("^(?:all\\s+)?(?:my\\s+)?(?:tasks|todos|ones|items|things|everything|today|yesterday|this\\s+week)$");

  private static final String[] UNFINISHED = {
      "^(?:delete|remove|drop|cancel|trash|erase)[\\s.!?]*$",
      "Which task should I delete? Say its number in the list, or a word of its title.",
      "^(?:complete|finish|done|mark\\s+(?:as\\s+)?done|check\\s+off|mark)[\\s.!?]*$",
      "Which task is done? Say its number in the list, or a word of its title.",
      "^(?:move|reschedule|postpone|push|shift|delay|snooze)\\b",
      "When should it be due? Say, for example, \"move the report to Friday\" or \"move it to tomorrow 9am\".",
      "^(?:rename|retitle|re-title)\\b",
      "What should the new title be? Say, for example, \"rename 2 to Buy oat milk\".",
      "^(?:tag|label)\\b",
      "Which tag should I add? Say, for example, \"tag it home\".",
      "^(?:change|edit|update|modify)\\b",
      "What should I change: the date, the priority, the title or the tags? Say, for example, \"move it to Friday\" "
          + "or \"make it urgent\".",
      "^remind\\s+me[\\s.!?]*$|^remind\\s+me\\s+(?:about|of|for)\\b",
      "When should I remind you, and of which task? Say, for example, \"remind me about it 1 hour before\"."};

  private static final List<Pattern> UNFINISHED_PATTERNS = java.util.stream.IntStream.range(0, UNFINISHED.length / 2)
      .mapToObj(i -> words(UNFINISHED[2 * i])).toList();

  private Changes() {}

  static Optional<Plan> read(String text, ZonedDateTime now, Context context) {
    Matcher m = RENAME.matcher(text);
    if (m.matches()) {
      String target = first(m, 1, 3, 5);
      String title = Titles.clean(first(m, 2, 4, 6));
      return Optional.of(title.isEmpty() ? clarify("What should the new title be?")
          : change(target, edit("rename").put("title", title), context));
    }
    m = DESCRIBE.matcher(text);
    if (m.matches()) {
      return Optional.of(change(m.group(1), edit("describe").put("description", m.group(2).strip()), context));
    }
    m = CLEAR_DUE.matcher(text);
    if (m.matches()) {
      return Optional.of(change(m.group(1), edit("reschedule").putNull("dueAt"), context));
    }
    m = STOP_REPEATING.matcher(text);
    if (m.matches()) {
      return Optional.of(change(first(m, 1, 2, 3, 4, 5), edit("stopRepeating"), context));
    }
    m = DELETE.matcher(text);
    if (m.matches()) {
      Matcher toValue = TO_VALUE.matcher(m.group(1));
      if (toValue.matches()) {
        Optional<Plan> changed = setDueOrPriority(toValue.group(1), toValue.group(2), now, context);
        if (changed.isPresent()) {
          return changed;
        }
      }
      var rest = new Phrase(m.group(1));
      rest.take(OFF_THE_LIST);
      boolean series = rest.take(SERIES_OF).isPresent() | rest.take(SERIES).isPresent();
      JsonObject edit = edit("delete");
      if (series) {
        edit.put("stopSeries", true);
      }
      return Optional.of(delete(rest.text(), edit, now, context));
    }
    m = REOPEN.matcher(text);
    if (m.matches()) {
      // "reopen" alone is the task just spoken of
      return Optional.of(change(m.group(1) == null && m.group(2) == null && m.group(3) == null ? "it"
          : first(m, 1, 2, 3), edit("reopen"), context));
    }
    m = COMPLETE.matcher(text);
    if (m.matches()) {
      String target = first(m, 1, 2, 3, 4, 5, 6, 7, 8, 9).replaceFirst("(?i)^with\\s+", "");
      if (!GENERIC.matcher(target.strip()).matches()) {
        return Optional.of(change(target, edit("complete"), context));
      }
    }
    m = DID.matcher(text);
    if (m.matches() && isPastTense(m.group(1)) && (!NOT_AN_OBJECT.matcher(m.group(2)).find()
        || m.group(1).equalsIgnoreCase("went"))) {
      var object = new Phrase(m.group(2).replaceFirst("(?i)^to\\s+", ""));
      // "i paid the rent yesterday" is done; "i promised mom to call her tomorrow" is still to do
      boolean ahead = Dates.take(object, now).map(due -> due.date().isAfter(now.toLocalDate())).orElse(false);
      if (!ahead && !GENERIC.matcher(object.text()).matches()) {
        return Optional.of(change(object.text(), edit("complete"), context));
      }
    }
    m = DISMISS.matcher(text);
    if (m.matches()) {
      return Optional.of(delete(first(m, 1, 2, 3, 4), edit("delete"), now, context));
    }
    m = REMIND.matcher(text);
    if (m.matches()) {
      Optional<Plan> remind = remind(m.group(1), now, context);
      if (remind.isPresent()) {
        return remind;
      }
    }
    m = TAG.matcher(text);
    if (m.matches()) {
      boolean swapped = m.group(5) != null || m.group(7) != null;
      String target = swapped ? first(m, 6, 8) : first(m, 1, 3);
      JsonArray tags = tags(swapped ? first(m, 5, 7) : first(m, 2, 4));
      return Optional.of(tags.isEmpty() ? clarify("Which tag should I add?")
          : change(target, edit("tag").put("tags", tags), context));
    }
    m = IS_PRIORITY.matcher(text);
    if (m.matches()) {
      String target = m.group(1);
      var rest = new Phrase(text.substring(m.end(1)));
      return Priorities.take(rest).map(level -> change(target, edit("priority").put("priority", level), context));
    }
    m = IS_DUE.matcher(text);
    if (m.matches()) {
      var rest = new Phrase(m.group(2));
      Optional<When> due = Dates.take(rest, now);
      if (due.isPresent()) {
        return Optional.of(change(m.group(1), reschedule(due.get(), now), context));
      }
    }
    return move(text, now, context).or(() -> make(text, context)).or(() -> unfinished(text));
  }

  /** A change verb without what to change or on which task: ask for the part that is missing. */
  private static Optional<Plan> unfinished(String text) {
    for (int i = 0; i < UNFINISHED.length; i += 2) {
      if (UNFINISHED_PATTERNS.get(i / 2).matcher(text).find()) {
        return Optional.of(clarify(UNFINISHED[i + 1]));
      }
    }
    return Optional.empty();
  }

  /** "move the report to Friday", "push it to tomorrow 9am", "set the due date of 2 to next Monday". */
  private static Optional<Plan> move(String text, ZonedDateTime now, Context context) {
    Matcher m = MOVE.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    String verb = m.group(1).toLowerCase(Locale.ROOT);
    var rest = new Phrase(m.group(2));
    rest.take(PARTICLE);
    rest.take(DATE_FIELD);
    rest.take(PRIORITY_FIELD);
    if (rest.has(RELATIVE_MOVE)) {
      return Optional.of(clarify("To which day should I move it? Say a day, such as \"move it to Friday\"."));
    }
    Optional<String> level = verb.equals("move") ? Optional.empty() : Priorities.takeAll(rest);
    Optional<When> due = Dates.take(rest, now);
    if (due.isEmpty() && level.isEmpty() || verb.equals("make") && !References.isReference(rest.text())) {
      return Optional.empty();
    }
    JsonObject edit;
    if (due.isPresent() && level.isPresent()) {
      edit = edit("update").put("priority", level.get()).put("dueAt", due.get().json())
          .put("allDay", due.get().allDay()).put("timeZone", now.getZone().getId());
    } else if (due.isPresent()) {
      edit = reschedule(due.get(), now);
    } else {
      edit = edit("priority").put("priority", level.get());
    }
    return Optional.of(change(rest.text(), edit, context));
  }

  /** "make it urgent", "set 2 to high priority", "flag the report as important", "lower 3 to low". */
  private static Optional<Plan> make(String text, Context context) {
    Matcher m = MAKE.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    var rest = new Phrase(m.group(1));
    rest.take(PARTICLE);
    rest.take(PRIORITY_FIELD);
    return Priorities.takeLevel(rest).map(level -> change(rest.text(), edit("priority").put("priority", level), context));
  }

  /**
   * "to low priority", "to Friday" after a verb that deletes: the level or day the task is to have, when the words
   * after "to" say nothing else.
   */
  private static Optional<Plan> setDueOrPriority(String taskWords, String value, ZonedDateTime now, Context context) {
    var phrase = new Phrase(value);
    Optional<String> level = Priorities.takeLevel(phrase);
    Optional<When> due = level.isPresent() ? Optional.empty() : Dates.take(phrase, now);
    if (level.isEmpty() && due.isEmpty() || !Titles.clean(phrase.text()).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(change(taskWords, level.isPresent() ? edit("priority").put("priority", level.get())
        : reschedule(due.get(), now), context));
  }

  /**
   * A deletion, unless the words also carry a value a task could be changed to (a priority, a day, a tag): "cancel
   * the dentist tomorrow", "bin the high priority one" may mean to change it, and a task deleted by a misreading is
   * gone. Such words are asked back, unless they are all words of one title in the list shown ("delete the Friday
   * meeting" when "Friday meeting" is on it).
   */
  private static Plan delete(String taskWords, JsonObject edit, ZonedDateTime now, Context context) {
    var phrase = new Phrase(taskWords);
    boolean carriesValue;
    try {
      carriesValue = Priorities.take(phrase).isPresent() | Dates.take(phrase, now).isPresent()
          | !Tags.take(phrase).isEmpty();
    } catch (Unclear unreadable) {
      carriesValue = true;
    }
    boolean aTitleShown = References.uniqueTitleMatch(References.stripFiller(taskWords), context.lastList()).isPresent();
    if (carriesValue && !aTitleShown && !References.isReference(taskWords)) {
      return clarify("Should I delete it, or change it? To delete, name the task alone (\"delete the dentist one\", "
          + "\"delete 2\"); to change it, say, for example, \"move it to Friday\" or \"make it low priority\".");
    }
    return change(taskWords, edit, context);
  }

  /** "remind me about it 1 hour before", "remind me about 2 tomorrow at 8". */
  private static Optional<Plan> remind(String rest, ZonedDateTime now, Context context) {
    var phrase = new Phrase(rest);
    Optional<Reminders.Reminder> reminder = Reminders.takeAnywhere(phrase, now);
    if (reminder.isEmpty()) {
      return Optional.empty();
    }
    boolean relative = reminder.get().before() != null;
    // "remind me 30 min before": before the due time of the task just spoken of
    String target = relative && Titles.clean(phrase.text()).isEmpty() ? "it" : phrase.text();
    References.Resolved resolved = References.resolve(target, context);
    boolean named = resolved.question() != null || resolved.targets().stream().anyMatch(t -> t instanceof Plan.Known);
    if (!relative && !named) {
      // "remind me about the meeting tomorrow at 9": more likely a new task than an old one
      return Optional.empty();
    }
    JsonObject edit = edit("remind").put("reminder", reminder.get().toJson(null, now));
    return Optional.of(resolved.question() != null ? clarify(resolved.question())
        : new Plan.Change(resolved.targets(), edit));
  }

  /** "paid", "called", "took": a past tense that can say a task is done. */
  private static boolean isPastTense(String word) {
    String w = word.toLowerCase(Locale.ROOT);
    if (DID_IRREGULAR.contains(w)) {
      return true;
    }
    // "need", "feed" and "bed" end the same way and are no past tense
    return w.length() > 4 && w.endsWith("ed") && !w.endsWith("eed") && !DID_NOT.contains(w);
  }

  private static JsonObject reschedule(When due, ZonedDateTime now) {
    return edit("reschedule").put("dueAt", due.json()).put("allDay", due.allDay()).put("timeZone", now.getZone().getId());
  }

  private static Plan change(String targetWords, JsonObject edit, Context context) {
    References.Resolved resolved = References.resolve(targetWords, context);
    return resolved.question() != null ? clarify(resolved.question()) : new Plan.Change(resolved.targets(), edit);
  }

  private static JsonArray tags(String text) {
    var tags = new JsonArray();
    for (String tag : TAG_SPLIT.split(text.strip())) {
      String t = tag.replaceAll("^#|[.!?]+$", "").toLowerCase(Locale.ROOT);
      if (!t.isEmpty() && !List.of("and", "the", "tag", "tags", "a").contains(t) && !tags.contains(t)) {
        tags.add(t);
      }
    }
    return tags;
  }

  private static JsonObject edit(String kind) {
    return new JsonObject().put("kind", kind);
  }

  private static Plan clarify(String question) {
    return new Plan.Clarify(question, null);
  }

  private static String first(Matcher m, int... groups) {
    for (int group : groups) {
      if (m.group(group) != null) {
        return m.group(group);
      }
    }
    return "";
  }
}
