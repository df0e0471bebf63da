package dev.todochatbot.chat.engine;

import static dev.todochatbot.chat.engine.Phrase.words;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one message into a {@link Plan}, on the person's clock and with what earlier turns left
 * ({@link Context}). A pure function: no tools, no clock of its own, the same answer for the same
 * input, which is what the phrasing corpus measures.
 *
 * <p>The order of the checks is the order of precedence: an answer to a pending question, small
 * talk, a refused bulk deletion, a change to existing tasks, a question about tasks, a new task;
 * what is none of these is asked back, never guessed.
 */
final class Interpreter {

  static final String HELP = """
      I keep your tasks. Say things like:
      • add call the dentist tomorrow at 3pm, high priority #health
      • water the plants every Monday at 8, remind me 30 minutes before
      • pay rent on the 1st of every month
      • what's due today? · anything overdue? · show work tasks due this week
      • mark the dentist one done · done with 2 · delete 3
      • move it to Friday · make it urgent · rename 2 to Buy oat milk · tag it home
      • what did I finish yesterday?""";
  static final String GREETING = "Hi! What can I do for you? Add a task (\"call the dentist tomorrow at 3pm\"), "
      + "ask \"what's due today?\", or say \"help\" for more.";
  static final String NOT_UNDERSTOOD = "Sorry, I didn't get that. You can add a task (\"buy milk tomorrow\"), "
      + "ask \"what's due today?\", or say \"help\" for examples.";

  /**
   * Words before the request that carry no request: politeness, and the fillers of speech ("actually",
   * "um", "scratch that,", "no, make it Friday"). The ones that could begin a task ("wait for the plumber") only count
   * with a comma or the like after them, and "no" only with more after it ("no." answers a question).
   */
  private static final Pattern POLITE = words("^(?:(?:please|pls|plz|can\\s+you|could\\s+you|would\\s+you|will\\s+you|kindly|ok|okay"
      + "|now|and|also|then|hey|hi|so|alright|right|great|thanks|actually|oh|um+|uh+|erm|hmm+|btw|i\\s+want\\s+you\\s+to"
      + "|i'd\\s+like\\s+you\\s+to)[\\s,!]+"
      + "|(?:scratch\\s+that|sorry|wait|oops|on\\s+second\\s+thoughts?|by\\s+the\\s+way|hang\\s+on|hold\\s+on|my\\s+bad"
      + "|when\\s+you\\s+(?:can|get\\s+a\\s+(?:chance|minute|sec(?:ond)?))|if\\s+you\\s+can|if\\s+possible"
      + "|never\\s*mind|no\\s+wait)\\s*[,!.;:-]+\\s*"
      + "|(?:no|nope|nah)\\s*[,;:-]+\\s*(?=\\S))+");
  private static final Pattern TRAILING_POLITE = words("[\\s,]+(?:please|pls|thanks|thank\\s+you|thx)[.!]*$");
  /** Words after the request that add nothing to it: "ok that's done now", "make it Friday then", "make that Monday instead". */
  private static final Pattern TRAILING_FILLER = words("(?:[\\s,]+(?:please|pls|thanks|thank\\s+you|thx|(?:right\\s+|for\\s+)?now|then"
      + "|actually|already|for\\s+me|instead|rather))+[.!]*$");
  /** A task by its place in the list shown: "#3", "number 3", "the second one". */
  private static final String PLACE = "#\\d{1,3}|(?:number|no\\.?|item|task)\\s*\\d{1,3}|\\d{1,3}"
      + "|the\\s+(?:\\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|last|top|bottom)(?:\\s+one)?";
  /**
   * A clause that comments on the task the request is about ("it's not that important, make it low",
   * "that was wrong, delete it", "#3 isn't actually done, reopen it"): the other clause is the request, and
   * a task the remark names by its place is the one its "it" means.
   */
  private static final Pattern REMARK = words("^(it|that|this|that\\s+one|this\\s+one|" + PLACE + ")(?:'s|\\s+is|\\s+was"
      + "|\\s+isn't|\\s+wasn't|\\s+can|\\s+can't|\\s+doesn't|\\s+does\\s+not|\\s+won't|'ll|\\s+will|\\s+should)\\b.*"
      + "|^(?:oops|sorry|my\\s+bad|wait|hmm+|on\\s+second\\s+thoughts?|scratch\\s+that|wrong\\s+one|(?:i\\s+)?changed\\s+my\\s+mind"
      + "|i\\s+was\\s+wrong|my\\s+mistake|never\\s*mind)$");
  private static final Pattern CLAUSE_BREAK = Pattern.compile("\\s*[,;]\\s+|[.!]\\s+|\\s+[-\u2014]+\\s+");
  /** "what about the other one?": a follow-up whose task only the earlier turns could tell. */
  private static final Pattern FOLLOW_UP = words("^(?:what|how)\\s+about\\s+(.+?)[\\s?!.]*$");
  /** "remind me tomorrow to call the garage", "remind me every Friday to ...": the when said before the task, read after it. */
  private static final Pattern REMIND_WHEN_TO = words("^(?:please\\s+)?(?:" + Reminders.REMIND_ME + ")\\s+(.+?)\\s+(to|about|that)\\s+(.+)$");
  /** A change verb aimed at a task already there ("make it", "move that"): such words never add a task unasked. */
  private static final Pattern CHANGE_ON_REFERENCE = words("\\b(?:make|move|set|change|delete|remove|mark|push|rename|tag|complete"
      + "|cancel|reschedule|postpone|update|edit|drop)\\s+(?:it|that|this|them|that\\s+one|this\\s+one|the\\s+last\\s+one)\\b");
  /** A question about tasks ("which tasks are due before Friday?"): never read as a change, however it goes on. */
  private static final Pattern ASKING = words("^(?:which|what|what's|whats|when(?:'s|\\s+(?:is|are|was|were|do|does|did|will))"
      + "|do\\s+i|did\\s+i|have\\s+i|are\\s+there|is\\s+there|how\\s+many)\\b");
  /** "#3" with a word of changing it: about the item of the list shown, never a task tagged 3. */
  private static final Pattern NUMBERED_CHANGE = words("(?=.*(?:^|\\s)#\\d{1,3}\\b).*\\b(?:done|finish\\w*|complet\\w*|re-?open\\w*|undo"
      + "|undone|delet\\w*|remov\\w*|cancel\\w*|drop\\w*|mov\\w*|renam\\w*)\\b");
  /** A verb and then a task already there: "change it", "update 2", "move #3", "set the dentist one". */
  private static final Pattern REFERENCE_AFTER_VERB = words("^\\S+\\s+(?:it|that|this|them|those|these|#?\\d|(?:number|no\\.?|item)\\s*\\d"
      + "|the\\s+(?:first|second|third|fourth|fifth|last|top|bottom|\\d{1,2}(?:st|nd|rd|th)|\\S+\\s+one)\\b)");
  /** In a new task's words, "make it urgent" is the task being added: the words go, the urgency stays. */
  private static final Pattern SELF_REFERENCE = words("(?:\\s*,\\s*|\\s)(?:and\\s+)?(?:make|set|mark)\\s+(?:it|that)(?:\\s+(?:as|to))?(?=\\s)");
  private static final Pattern GREETING_WORDS = words("^(?:hi|hello|hey|hiya|howdy|yo|hallo|greetings|good\\s+(?:morning|afternoon"
      + "|evening|day))(?:\\s+there)?(?:\\s+\\w+)?[\\s!.]*$");
  private static final Pattern THANKS = words("^(?:thanks|thank\\s+you|thx|ty|cheers|great|perfect|nice|cool|awesome|got\\s+it"
      + "|ok|okay|good|excellent|wonderful)(?:\\s+(?:so\\s+much|a\\s+lot|very\\s+much))?[\\s!.]*$");
  /** The end of a conversation: "that's all", "nothing else". */
  private static final Pattern CLOSING = words("^(?:that's|that\\s+is|that\\s+was)\\s+(?:all|it|everything)"
      + "|^(?:nothing\\s+else|all\\s+good|no\\s+more|i'm\\s+good)");
  private static final Pattern HELP_WORDS = words("^(?:help|\\?|what\\s+can\\s+you\\s+do|how\\s+does\\s+(?:this|it)\\s+work|commands"
      + "|what\\s+do\\s+you\\s+understand|how\\s+do\\s+i\\s+use\\s+(?:this|you)|what\\s+are\\s+you|who\\s+are\\s+you|usage"
      + "|examples?|what\\s+can\\s+i\\s+(?:say|ask))[\\s?!.]*$");
  private static final Pattern YES = words("^(?:yes|yeah|yep|yup|sure|ok|okay|please\\s+do|do\\s+it|go\\s+ahead|y|yes\\s+please"
      + "|correct|right|add\\s+it)[\\s!.]*$");
  private static final Pattern NO = words("^(?:no|nope|nah|n|cancel|never\\s*mind|forget\\s+it|don't|do\\s+not|stop)[\\s!.]*$");
  /** Deletions of many tasks at once, refused whatever else the message says. */
  private static final Pattern BULK = words("(?:^|[,.;:!]\\s*|\\b(?:and|then|please|now|just|you\\s+must|must)\\s+)"
      + "(?:delete|remove|clear|erase|wipe|purge|drop|cancel|nuke|destroy)"
      + "\\s+(?:out\\s+)?(?:all|every|everything|each|the\\s+(?:whole|entire)\\s+list|my\\s+(?:whole\\s+|entire\\s+)?(?:list|to-?do\\s+list)"
      + "|(?:all\\s+)?(?:my\\s+|the\\s+)?tasks\\b|them\\s+all|all\\s+of\\s+them)(?!\\s+(?:future|later|coming|the\\s+future"
      + "|occurrences|repeats|instances))");
  /** There is no other user to speak of: the tools act for the person signed in and nobody else. */
  private static final Pattern OTHER_USER = words("\\b(?:tasks?|data|account|list)\\s+(?:of|for|from)\\s+(?:user|another|other|someone)"
      + "|\\b(?:other|another|all)\\s+users?\\b|\\buser\\s+[\\w@.]+'s\\b|\\bas\\s+(?:an?\\s+)?admin\\b");
  private static final Pattern BULK_COMPLETE = words("^(?:mark|complete|finish|check\\s+off|tick\\s+off)\\s+(?:all|every|everything"
      + "|them\\s+all|all\\s+of\\s+them)\\b");
  private static final Pattern FIND_START = words("^(?:show|list|display|view|see|get\\s+me|give\\s+me|what|what's|whats|which"
      + "|when|find|search|look\\s+(?:for|up)|where|any|anything|do\\s+i\\s+have|have\\s+i|is\\s+there|are\\s+there|sort|order"
      + "|how\\s+many|my\\s+(?:tasks|todos|list|day|week|agenda|reminders)|tasks|todos|overdue|due|upcoming|agenda|next\\s+up"
      + "|check\\s+my|tell\\s+me|open\\s+tasks|completed\\s+tasks|finished\\s+tasks|done\\s+tasks|everything|all\\s+tasks"
      + "|reminders|high|urgent|low|am\\s+i|is\\s+any(?:thing)?|are\\s+any|did\\s+i\\s+(?:finish|complete|do|get|tick|check)"
      + "|(?:in\\s+)?(?:alphabetical|a-z|priority|date|due\\s+date|deadline)\\s+order|alphabetical(?:ly)?|in\\s+order\\s+of"
      + "|top\\s+(?:\\d{1,2}|three|five|ten)|(?:" + Queries.RANKING + ")(?=\\s+(?:tasks?|todos?|to-dos?|ones?|items?|stuff|things"
      + "|first)\\b|[\\s?!.]*$))\\b");
  /**
   * Words that shape a query, wherever they stand: "top 5", "most important", "newest first", "what's left",
   * "anything", "nothing's due today". A message without a verb of adding that has them is asked about, never added unasked.
   */
  private static final Pattern QUERY_SHAPED = words("\\b(?:" + Queries.RANKING + "|what's\\s+left|what\\s+is\\s+left|anything|nothing"
      + "|any\\s+(?:tasks|todos)|my\\s+(?:tasks|todos|list))\\b");
  /** "put", "pop", "stick": words of placing, which add a task only with where it goes ("on my list", "down for Sunday"). */
  private static final String PLACING = "(?:put|pop|stick|chuck|throw|bung|whack|slap)";
  /**
   * "put 'call grandma' down for Sunday", "pop the dentist down for Friday at 2": "down for" and a title in quotes or a
   * day. "put the kids down for a nap" is the task itself.
   */
  private static final String PUT_DOWN_FOR = "\\s+(?<quote>['\"]).+?\\k<quote>\\s+down\\s+(?:for|on)\\s|(?:\\s.*?)?\\sdown\\s+(?:for|on)\\s+(?:today|tonight"
      + "|tomorrow|tmrw|next|this|the\\s+\\d|\\d|" + Numbers.WEEKDAY_ANY + "\\b|" + Numbers.MONTH + "\\b)";
  private static final Pattern DOWN_FOR = words("\\s+down(?=\\s+(?:for|on)\\s)");
  private static final Pattern PLACING_VERB = words("^(?:please\\s+)?" + PLACING + "\\b");
  /**
   * The words that ask for a new task. "put", "pop" and "stick" only with the list it goes on ("put milk on my list"): "put the bins out"
   * is the task itself, as are "take ... out" and "bring ... in".
   */
  private static final Pattern ADD = words("^(?:(?:please\\s+)?(?:add|create|new|schedule|" + PLACING + "(?=(?:\\s.*?)?\\s(?:on|in|onto|to)\\s+(?:my|the)\\s+"
      + "(?:[\\w-]+\\s+)?(?:list|tasks|todos?|to-dos?|calendar|agenda|schedule)\\b|" + PUT_DOWN_FOR + ")|set\\s+up|jot\\s+down|note\\s+down|note"
      + "|i\\s+need\\s+to|i\\s+have\\s+to|i've\\s+got\\s+to|i\\s+gotta|i\\s+must|i\\s+should|need\\s+to|have\\s+to|gotta|must"
      + "|don't\\s+forget\\s+to|do\\s+not\\s+forget\\s+to|remember\\s+to|don't\\s+let\\s+me\\s+forget\\s+to|todo|to-do|task"
      + "|(?:" + Reminders.REMIND_ME + ")\\s+(?:to|about)|remind\\s+me\\s+that\\s+i\\s+(?:need|have)\\s+to)\\b)"
      + "(?:\\s+(?:a|an|new|the|one|another|more))*(?:\\s+(?:task|todo|to-do|item|reminder|entry))?(?:\\s*:)?(?:\\s+(?:to|that))?(?=\\s|$)");
  private static final Pattern REMIND_TO = words("^(?:please\\s+)?(?:" + Reminders.REMIND_ME + ")\\s+(?:to|about|that)\\b");
  private static final Pattern DESCRIPTION = words("\\s(?:[-—:,;(]+\\s*)?(?:notes?|description|details?|desc|info)\\s*[:\\-—]\\s*(.+?)\\)?\\s*$"
      + "|\\s[—-]{1,2}\\s+(.+)$");
  /**
   * A title in quotes right after the verb ("add 'call the electrician' for Monday", "a task called \"Q3 plan\""):
   * the words inside are the title as written; the rest is read for when, how important and so on.
   */
  private static final Pattern QUOTED_TITLE = words("^\\s*(?:(?:a\\s+|the\\s+)?(?:task|todo|to-do|reminder|item)\\s+)?"
      + "(?:(?:called|named|titled|saying)\\s+)?(['\"])(\\S(?:.*?\\S)?)\\1(?=[\\s,.!?;:]|$)");
  private static final Pattern QUESTION = words("^(?:why|how|who|whom|whose|is|are|can|could|would|should|does|do|did|will)\\b");

  Plan interpret(String message, Instant now, ZoneId zone, Context context) {
    String text = Phrase.normalize(message == null ? "" : message);
    try {
      return read(text, now.atZone(zone), context);
    } catch (Unclear unclear) {
      return new Plan.Clarify(unclear.question(), null);
    }
  }

  private Plan read(String text, ZonedDateTime now, Context context) {
    String polite = TRAILING_POLITE.matcher(" " + text).replaceAll("").strip();
    String core = GREETING_WORDS.matcher(polite).matches() ? polite : stripFiller(polite);
    if (context.pending() != null && !core.isEmpty()) {
      Optional<Plan> answer = answer(core, context);
      if (answer.isPresent()) {
        return answer.get();
      }
    }
    if (THANKS.matcher(text).matches() || core.isEmpty() && TRAILING_POLITE.matcher(" " + text).find()
        || CLOSING.matcher(core.replaceAll("[\\s!.]+$", "")).matches()) {
      return new Plan.Talk("thanks", "You're welcome!");
    }
    if (core.isEmpty() || core.matches("[\\p{Punct}\\s]*") && !core.equals("?")) {
      return new Plan.Clarify(NOT_UNDERSTOOD, null);
    }
    if (GREETING_WORDS.matcher(core).matches()) {
      return new Plan.Talk("greeting", GREETING);
    }
    if (HELP_WORDS.matcher(core).matches()) {
      return new Plan.Talk("help", HELP);
    }
    if (OTHER_USER.matcher(core).find() && !BULK.matcher(core).find()) {
      return new Plan.Talk("refuse", "I can only see and change your own tasks.");
    }
    if (BULK.matcher(core).find() || BULK_COMPLETE.matcher(core).find()) {
      return new Plan.Talk("refuse", oneAtATime(core, context));
    }
    if (References.isSelection(core)) {
      return context.lastList().isEmpty()
          ? new Plan.Clarify("What should I do with it? Show your tasks first (\"show my tasks\"), then say "
              + "\"done with 2\" or \"delete 2\".", null)
          : new Plan.Clarify("What should I do with it: mark it done, delete it, move it? Say, for example, \"done with "
              + placeSaid(core, context.lastList()) + "\".", null);
    }
    Optional<Plan> change = ASKING.matcher(core).find() ? Optional.empty() : readChange(core, now, context);
    if (change.isPresent()) {
      return change.get() instanceof Plan.Clarify c && c.pending() == null && isNewRepeatingTask(core, now)
          ? add(core, now, false) : change.get();
    }
    Matcher followUp = FOLLOW_UP.matcher(core);
    if (followUp.matches() && References.isVague(followUp.group(1))) {
      return new Plan.Clarify("Which task do you mean? Say a word of its title, or its number in the list I showed.", null);
    }
    if (FIND_START.matcher(core).find() && !ADD.matcher(core).find()) {
      return Queries.read(core, now);
    }
    Matcher remindWhen = REMIND_WHEN_TO.matcher(core);
    String request = remindWhen.matches() && isOnlyWhen(remindWhen.group(1), now)
        ? "remind me " + remindWhen.group(2) + " " + remindWhen.group(3) + " " + remindWhen.group(1) : core;
    Matcher add = ADD.matcher(request);
    if (add.find()) {
      String rest = request.substring(add.end());
      if (PLACING_VERB.matcher(add.group()).find()) {
        rest = DOWN_FOR.matcher(rest).replaceFirst("");
      }
      Plan.Add plan = add(rest, now, REMIND_TO.matcher(request).find());
      return plan.arguments().getString("title").isEmpty()
          ? new Plan.Clarify("What should the task be? Say, for example, \"add call the dentist tomorrow at 3pm\".", null)
          : plan;
    }
    if (core.endsWith("?") || QUESTION.matcher(core).find()) {
      return new Plan.Clarify("I'm not sure what you're asking. I can tell you what's due (\"what's due today?\"), "
          + "find a task (\"find the dentist one\") or add one. Say \"help\" for more.", null);
    }
    if (!context.lastList().isEmpty() && NUMBERED_CHANGE.matcher(core).find()) {
      return new Plan.Clarify("What should I do with it, and with which task? Say, for example, \"reopen 3\" or "
          + "\"done with 3\".", null);
    }
    return guessAdd(core, now);
  }

  /**
   * The change the message asks for. When the whole message only finds words to look up, but one clause of it
   * names a known task and the others are remarks ("make it low priority, it can wait"), that clause is the change.
   */
  private static Optional<Plan> readChange(String core, ZonedDateTime now, Context context) {
    Optional<Plan> whole = Changes.read(core, now, context);
    if (whole.isPresent() && !onlyWordsToLookUp(whole.get())) {
      return whole;
    }
    Optional<Plan> clause = changeAmongRemarks(core, now, context);
    return whole.isEmpty() ? clause
        : clause.filter(p -> p instanceof Plan.Change && !onlyWordsToLookUp(p)).or(() -> whole);
  }

  /** A change none of whose targets is a task known yet: only words of a title, still to look up. */
  private static boolean onlyWordsToLookUp(Plan plan) {
    return plan instanceof Plan.Change change && change.targets().stream().noneMatch(t -> t instanceof Plan.Known);
  }

  /**
   * "change the water filter every 2 months": a change verb that changes nothing known, with a rule of repeating,
   * is a new repeating task; with "it" or a number it stays a question about the task meant.
   */
  private static boolean isNewRepeatingTask(String core, ZonedDateTime now) {
    return !REFERENCE_AFTER_VERB.matcher(core).find() && Recurrences.take(new Phrase(core), now).isPresent();
  }

  /** The number in the list of the task "the second one", "#2" or "2" names; its digits when it is not in the list. */
  private static String placeSaid(String selection, List<Plan.TaskRef> list) {
    String digits = selection.replaceAll("\\D", "");
    return References.selection(selection, list).map(task -> String.valueOf(list.indexOf(task) + 1))
        .orElse(digits.isEmpty() ? "1" : digits);
  }

  /** The request without the filler around it: "ok actually, make it low please" is "make it low". */
  private static String stripFiller(String text) {
    String core = TRAILING_FILLER.matcher(" " + text.strip()).replaceAll("").strip();
    return POLITE.matcher(core).replaceAll("").strip();
  }

  /**
   * "it's not that important, make it low", "oops, that was wrong - delete it": one clause changes a
   * task, the others only remark on it. With more than one clause that is no remark, this reads
   * nothing: two requests in one message are not guessed apart.
   */
  private static Optional<Plan> changeAmongRemarks(String core, ZonedDateTime now, Context context) {
    String[] clauses = CLAUSE_BREAK.split(core);
    if (clauses.length < 2) {
      return Optional.empty();
    }
    String request = null;
    Context about = context;
    for (String clause : clauses) {
      String words = stripFiller(clause);
      Matcher remark = REMARK.matcher(words);
      if (words.isEmpty() || remark.matches()) {
        if (!words.isEmpty() && remark.group(1) != null) {
          about = aboutTask(remark.group(1), about);
        }
        continue;
      }
      if (request != null) {
        return Optional.empty();
      }
      request = words;
    }
    return request == null ? Optional.empty() : Changes.read(request, now, about);
  }

  /** The context with the task a remark names by its place ("#3 isn't done") as the one "it" means. */
  private static Context aboutTask(String subject, Context context) {
    if (subject.matches("(?i)(?:it|that|this)(?:\\s+one)?")) {
      return context; // the task already meant
    }
    References.Resolved named = References.resolve(subject, context);
    return named.targets().size() == 1 && named.targets().get(0) instanceof Plan.Known known
        ? new Context(context.lastList(), known.task(), context.pending()) : context;
  }

  /** Whether {@code words} say when or how often and nothing else ("tomorrow", "on Friday at 3", "every Friday at 5"). */
  private static boolean isOnlyWhen(String words, ZonedDateTime now) {
    var phrase = new Phrase(words);
    JsonObject rule = Recurrences.take(phrase, now).orElse(null);
    return Dates.take(phrase, now, rule).isPresent() && Titles.clean(phrase.text()).isEmpty();
  }

  /** The refusal of a bulk change, with the way to do it one task at a time. */
  private static String oneAtATime(String core, Context context) {
    String verb = core.toLowerCase(Locale.ROOT).matches("(?s).*\\b(?:delete|remove|clear|erase|wipe|purge|drop"
        + "|cancel|nuke|destroy)\\b.*") ? "delete" : "done with";
    int shown = context.lastList().size();
    if (shown >= 2) {
      return "I don't change or delete many tasks at once. Say them one at a time: \"" + verb + " 1\", then \""
          + verb + " 2\", and so on up to " + shown + ".";
    }
    return "I don't change or delete many tasks at once. Tell me one at a time, such as \"" + verb
        + " 2\" after I've shown you a list, or \"" + verb + " the dentist one\".";
  }

  /** The answer to a question the last reply asked: "yes", "no", or which task of the list. */
  private Optional<Plan> answer(String core, Context context) {
    Plan pending = context.pending();
    if (NO.matcher(core).matches()) {
      return Optional.of(new Plan.Talk("cancel", "Okay, I've left everything as it was."));
    }
    if (pending instanceof Plan.Change change) {
      Optional<Plan.TaskRef> chosen = References.selection(core, context.lastList());
      if (chosen.isPresent()) {
        return Optional.of(change.on(List.of(new Plan.Known(chosen.get()))));
      }
      if (References.isSelection(core)) {
        return Optional.of(new Plan.Clarify("That number isn't in the list I showed; which one do you mean?", null));
      }
      return Optional.empty();
    }
    return YES.matcher(core).matches() ? Optional.of(pending) : Optional.empty();
  }

  /**
   * Words that are no command: a task when it says when, how often or how important; otherwise
   * asked ("Should I add 'Buy milk'?") so a stray sentence never becomes a task unasked.
   */
  private Plan guessAdd(String core, ZonedDateTime now) {
    Plan.Add plan = add(core, now, false);
    JsonObject args = plan.arguments();
    String title = args.getString("title");
    if (title.isEmpty()) {
      return new Plan.Clarify(NOT_UNDERSTOOD, null);
    }
    if (QUERY_SHAPED.matcher(core).find()) {
      // "top 5 most important tasks" has a priority but is a question: never added unasked
      return new Plan.Clarify("Should I add \"" + title + "\" as a task? To see your tasks, ask, for example, "
          + "\"what are my most important tasks?\"", plan);
    }
    if (CHANGE_ON_REFERENCE.matcher(core).find()) {
      // "buy milk, make it urgent" may be about a task already there: asked, never added unasked
      return new Plan.Clarify("Should I add \"" + title + "\" as a new task? If you meant a task you already have, "
          + "say which, such as \"make the dentist one urgent\".", plan);
    }
    boolean taskLike = args.containsKey("dueAt") || args.containsKey("recurrence") || args.containsKey("priority")
        || args.containsKey("tags") || args.containsKey("reminders");
    if (taskLike) {
      return plan;
    }
    if (title.split("\\s+").length <= 8) {
      return new Plan.Clarify("Should I add \"" + title + "\" as a task?", plan);
    }
    return new Plan.Clarify(NOT_UNDERSTOOD, null);
  }

  /** A new task from the words after the verb ("add", "remind me to", ...). */
  Plan.Add add(String text, ZonedDateTime now, boolean remindAtDue) {
    var phrase = new Phrase(text);
    String quoted = phrase.take(QUOTED_TITLE).map(m -> m.group(2)).orElse(null);
    String description = phrase.take(DESCRIPTION)
        .map(m -> (m.group(1) != null ? m.group(1) : m.group(2)).strip()).orElse(null);
    // "add call mom, make it urgent": "it" is the task being added
    phrase.take(SELF_REFERENCE);
    List<Reminders.Reminder> reminders = Reminders.takeClauses(phrase, now);
    JsonObject rule = Recurrences.take(phrase, now).orElse(null);
    When due = Dates.take(phrase, now, rule).orElse(null);
    String priority = Priorities.take(phrase).orElse(null);
    List<String> tags = Tags.take(phrase);
    // with the title quoted, what the readers leave ("called", "it's") is no part of it
    var args = new JsonObject().put("title", quoted != null ? Queries.capital(quoted.strip()) : Titles.clean(phrase.text()));
    if (description != null && !description.isEmpty()) {
      args.put("description", description);
    }
    if (due != null) {
      args.put("dueAt", due.json()).put("timeZone", now.getZone().getId());
    }
    if (priority != null) {
      args.put("priority", priority);
    }
    if (!tags.isEmpty()) {
      args.put("tags", new JsonArray(List.copyOf(tags)));
    }
    if (rule != null) {
      args.put("recurrence", rule);
    }
    var reminderJson = new JsonArray();
    reminders.forEach(r -> reminderJson.add(r.toJson(due, now)));
    if (reminderJson.isEmpty() && remindAtDue && due != null) {
      // "remind me to call mom at 5": the reminder is the due time itself
      reminderJson.add(new JsonObject().put("at", due.allDay()
          ? new When(null, due.date().atTime(9, 0).atZone(now.getZone())).json() : due.json()));
    }
    if (!reminderJson.isEmpty()) {
      args.put("reminders", reminderJson);
    }
    return new Plan.Add(args);
  }
}
