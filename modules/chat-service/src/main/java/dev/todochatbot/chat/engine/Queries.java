package dev.todochatbot.chat.engine;

import static dev.todochatbot.chat.engine.Phrase.words;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Questions about tasks, turned into one call of a finding tool: "what's due today", "show high
 * priority work tasks due this week", "anything overdue?", "find the dentist one", "sort by
 * priority", "what did I finish yesterday", "what's next". Days are whole days of the person's
 * zone, written with their offset ({@code dueBefore} is exclusive, as the tools read it).
 */
final class Queries {

  private static final Pattern SEARCH = words("^\\s*(?:find|search(?:\\s+for)?|look\\s+(?:for|up)|where(?:'s|\\s+is|\\s+are)"
      + "|do\\s+i\\s+have\\s+(?:a|any)\\s+(?:task|todo)s?\\s+(?:about|for|with|called)|(?:show|list)\\s+(?:me\\s+)?"
      + "(?:the\\s+)?(?:tasks?|todos?|anything|everything)\\s+(?:about|with|mentioning|called|named|for)"
      + "|(?:(?:do\\s+i\\s+have|is\\s+there|have\\s+i\\s+got|got)\\s+)?(?:anything|something|any\\s+tasks?|any\\s+todos?)\\s+"
      + "(?:about|regarding|concerning|mentioning|involving|related\\s+to|to\\s+do\\s+with))\\s+(.+)$"
      + "|^\\s*when(?:'s|\\s+is|\\s+are|\\s+was)\\s+(?:my\\s+|the\\s+)?(.+?)(?:\\s+(?:due|happening|scheduled|on))?[\\s?!.]*$");
  /**
   * "do I have anything with the dentist?", "anything for the landlord?", "anything on the car?": a search, unless
   * the words are a day, a priority or a tag ("anything for tomorrow?", "anything on Friday?"), which filter instead.
   */
  private static final Pattern LOOSE_SEARCH = words("^\\s*(?:(?:do\\s+i\\s+have|is\\s+there|have\\s+i\\s+got|got)\\s+)?(?:anything"
      + "|something|any\\s+tasks?|any\\s+todos?)\\s+(?:with|for|on|at)\\s+(.+)$");
  /** "find tasks mentioning invoice": the words before the ones searched for. */
  private static final Pattern SEARCH_LEAD = words("^(?:(?:all|my|the|any)\\s+)*(?:tasks?|todos?|to-dos?|items?|anything|everything"
      + "|ones?)?\\s*(?:that\\s+|which\\s+)?(?:are\\s+)?(?:about|mentioning|mention|mentions|containing|contain|contains"
      + "|with\\s+the\\s+words?|with|called|named|titled|matching|including|that\\s+say|saying|on|for)\\s+");
  private static final Pattern ABOUT = words("\\s(?:about|mentioning|containing|called|named)\\s+(.+)$");
  private static final Pattern REMINDERS = words("\\breminders?\\b");
  private static final Pattern SORT = words("\\s(?:sort(?:ed)?|order(?:ed)?|arrange[d]?|rank(?:ed)?)?\\s*(?:them\\s+|my\\s+tasks\\s+|tasks\\s+|"
      + "everything\\s+|the\\s+list\\s+)?(?:by|on)\\s+(priority|importance|due\\s*dates?|due|dates?|deadlines?|titles?|names?"
      + "|creation|created|newest|oldest|last\\s+changed|updated|recent(?:ly\\s+changed)?)\\b"
      + "|\\s(?:sort(?:ed)?\\s+|order(?:ed)?\\s+|)(alphabetically)\\b"
      + "|\\s(?:in\\s+)?(alphabetical|a-z|a\\s+to\\s+z)(?:\\s+(?:list|listing|view))?(?=\\s|$)"
      + "|\\s(?:(?:sort(?:ed)?|order(?:ed)?|put|list|show)\\s+(?:them\\s+|my\\s+tasks\\s+|tasks\\s+|everything\\s+)?)?(?:in\\s+)?"
      + "(alphabetical|a-z|priority|date|due\\s+date|deadline)\\s+order\\b"
      + "|\\s(?:(?:sort(?:ed)?|order(?:ed)?|put|list|show)\\s+(?:them\\s+|my\\s+tasks\\s+|tasks\\s+)?)?in\\s+order\\s+of\\s+"
      + "(priority|importance|due\\s+dates?|dates?|deadlines?|titles?|names?)\\b");
  private static final Pattern COMPLETED = words("\\s(?:did\\s+i\\s+(?:finish|complete|do|get\\s+done|tick\\s+off|check\\s+off)"
      + "|i(?:'ve|\\s+have)?\\s+(?:finished|completed|done|did)|(?:have\\s+i\\s+)?(?:finished|completed|done|accomplished|"
      + "checked\\s+off|closed)|have\\s+i\\s+(?:finished|done|completed))\\b");
  /** "everything including completed ones", "all tasks plus the done ones", "..., done ones too": open and done together. */
  private static final Pattern INCLUDING_DONE = words("\\s(?:including|incl\\.?|with|plus|and|also|even)\\s+(?:also\\s+|even\\s+)?"
      + "(?:the\\s+|my\\s+)?(?:done|completed|finished|closed|ticked\\s+off)(?:\\s+(?:ones|tasks|todos|items|too|as\\s+well))*\\b"
      + "|[\\s,]+(?:the\\s+)?(?:done|completed|finished|closed)\\s+(?:ones|tasks|todos|items)\\s+(?:too|as\\s+well)\\b");
  private static final Pattern ALL = words("\\s(?:including\\s+(?:the\\s+)?(?:done|completed|finished)(?:\\s+ones)?|all\\s+(?:my\\s+)?tasks"
      + "|everything|open\\s+and\\s+(?:done|completed))\\b");
  /** "only high priority", "just the high priority ones": that level and no other. */
  private static final Pattern ONLY = words("\\s(?:only|just)(?:\\s+the)?(?=\\s+(?:urgent|high|medium|normal|low)\\b)");
  private static final Pattern OVERDUE = words("\\s(?:overdue|late|past\\s+due|missed|behind|past\\s+their\\s+due\\s+dates?)\\b");
  private static final Pattern NEXT = words("\\s(?:what(?:'s|\\s+is|s)\\s+next|next\\s+up|what\\s+should\\s+i\\s+do(?:\\s+next|\\s+now)?"
      + "|what(?:'s|\\s+is)\\s+coming\\s+up)\\b");
  private static final Pattern LIMIT = words("\\s(top|first|next)\\s+(\\d{1,2}|three|five|ten)\\b");
  /** Words that rank tasks, for the interpreter to tell a query from a task: "top 5", "most important", "newest". */
  static final String RANKING = "top\\s+(?:\\d{1,2}|three|five|ten)|(?:most|least)\\s+(?:important|urgent|pressing|recent)"
      + "|(?:highest|lowest)[-\\s]priority|newest|oldest|latest|recently\\s+(?:added|created)";
  /**
   * "the most important tasks", "least urgent first", "newest first", "oldest ones first": an order, each with its
   * direction (groups: most important, least important, newest, oldest). After a sort key ("by due date, newest
   * first") only the direction counts.
   */
  private static final Pattern RANK = words("[\\s,]+(?:the\\s+)?(?:(most\\s+(?:important|urgent|pressing)|highest[-\\s]priority)"
      + "|(least\\s+(?:important|urgent|pressing)|lowest[-\\s]priority)|(newest|latest|most\\s+recent(?:ly\\s+(?:added|created))?"
      + "|recently\\s+(?:added|created))|(oldest))(?:\\s+(?:tasks?|todos?|to-dos?|ones?|items?|stuff|things))?(?:\\s+first)?\\b");
  /** "before Friday" ends as Friday starts; "by Friday", "until Friday" take Friday in. */
  private static final Pattern BEFORE = words("\\s(before|by|until|till)(?=\\s)");
  private static final Pattern THIS_WEEK = words("\\s(?:for\\s+|due\\s+)?(?:this|the\\s+current|the)\\s+week\\b");
  private static final Pattern NEXT_WEEK = words("\\s(?:for\\s+|due\\s+)?next\\s+week\\b");
  private static final Pattern LAST_WEEK = words("\\s(?:last|past)\\s+week\\b");
  private static final Pattern THIS_MONTH = words("\\s(?:for\\s+|due\\s+)?this\\s+month\\b");
  private static final Pattern NEXT_MONTH = words("\\s(?:for\\s+|due\\s+)?next\\s+month\\b");
  private static final Pattern UPCOMING = words("\\s(?:(?:in\\s+the\\s+)?(?:next|coming)\\s+(?:7|seven|few)\\s+days|upcoming|coming\\s+up"
      + "|soon)\\b");
  private static final Pattern WEEKEND = words("\\s(?:this\\s+|the\\s+)?weekend\\b");
  private static final Pattern KIND_OF_TASKS = words("\\s([\\p{L}][\\p{L}\\p{N}_-]*)\\s+(?:tasks|todos|stuff|items|things|to-dos)\\b");
  private static final Set<String> NOT_TAGS = Set.of("my", "all", "the", "open", "completed", "done", "finished",
      "overdue", "late", "urgent", "important", "priority", "today's", "tomorrow's", "these", "those", "any", "some",
      "which", "what", "other", "remaining", "pending", "upcoming", "recurring", "repeating", "new", "old", "due",
      "next", "of", "your", "our", "current", "outstanding", "unfinished", "many", "high", "low", "medium", "week's",
      "weekend", "are", "is", "have", "show", "list", "more", "less", "few", "most", "every", "no", "much", "only", "just",
      "me", "us", "them", "give", "get", "find", "see", "display", "view", "top", "newest", "oldest", "latest", "first", "least");
  private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

  private Queries() {}

  static Plan.Find read(String text, ZonedDateTime now) {
    Matcher search = SEARCH.matcher(text);
    if (search.matches()) {
      Optional<Plan.Find> found = search(search.group(1) != null ? search.group(1) : search.group(2));
      if (found.isPresent()) {
        return found.get();
      }
    }
    Plan.Find filtered = filter(text, now);
    Matcher loose = LOOSE_SEARCH.matcher(text);
    boolean nothingFilters = filtered.tool().equals("list_tasks") && filtered.arguments().isEmpty();
    if (loose.matches() && nothingFilters) {
      return search(loose.group(1)).orElse(filtered);
    }
    return filtered;
  }

  /** "find invoice", "search for invoice, including done ones": words of a title, done tasks too when asked. */
  private static Optional<Plan.Find> search(String said) {
    var phrase = new Phrase(said.replaceAll("[?!.]+$", ""));
    boolean withDone = phrase.take(INCLUDING_DONE).isPresent();
    String sought = SEARCH_LEAD.matcher(phrase.text()).replaceFirst("");
    String words = References.stripFiller(sought);
    if (words.isEmpty()) {
      return Optional.empty();
    }
    var args = new JsonObject().put("query", words);
    if (withDone) {
      args.put("status", "all");
    }
    return Optional.of(new Plan.Find("search_tasks", args, "Matching \"" + words + "\"" + (withDone ? ", done ones too" : "")));
  }

  private static Plan.Find filter(String text, ZonedDateTime now) {
    var phrase = new Phrase(text);
    if (phrase.has(REMINDERS)) {
      return new Plan.Find("list_reminders", new JsonObject(), "Your reminders to come");
    }
    var args = new JsonObject();
    var heading = new ArrayList<String>();
    String sort = phrase.take(SORT).map(Queries::sortKey).orElse(null);
    String order = null;
    Optional<MatchResult> rank = phrase.take(RANK);
    if (rank.isPresent()) {
      boolean byPriority = rank.get().group(1) != null || rank.get().group(2) != null;
      sort = sort != null ? sort : byPriority ? "priority" : "createdAt";
      order = rank.get().group(1) != null || rank.get().group(3) != null ? "desc" : "asc";
    }
    // "including completed ones" first: its "completed" does not ask for the completed ones alone
    boolean including = phrase.take(INCLUDING_DONE).isPresent();
    boolean completed = !including && phrase.take(COMPLETED).isPresent();
    boolean all = !completed && phrase.take(ALL).isPresent() || including;
    if (completed) {
      args.put("status", "completed");
    } else if (all) {
      args.put("status", "all");
    }
    boolean next = phrase.take(NEXT).isPresent();
    Optional<MatchResult> limited = phrase.take(LIMIT);
    Integer limit = limited.map(m -> Numbers.count(m.group(2).replace("three", "3").replace("five", "5")
        .replace("ten", "10"))).orElse(next ? 5 : null);
    if (sort == null && limited.isPresent() && limited.get().group(1).equalsIgnoreCase("top")) {
      sort = "priority"; // "top 5" are the five that matter most
    }
    if (!completed && phrase.take(OVERDUE).isPresent()) {
      args.put("overdue", true);
      heading.add("Overdue");
    }
    boolean only = phrase.take(ONLY).isPresent();
    Priorities.take(phrase).ifPresent(level -> {
      args.put("priority", only ? new JsonArray().add(level) : levels(level));
      heading.add(level.equals("none") ? "Without priority" : capital(level) + " priority");
    });
    List<String> tags = new ArrayList<>(Tags.take(phrase));
    Matcher kind = KIND_OF_TASKS.matcher(phrase.padded());
    if (kind.find() && !NOT_TAGS.contains(kind.group(1).toLowerCase(Locale.ROOT))) {
      tags.add(kind.group(1).toLowerCase(Locale.ROOT));
    }
    if (!tags.isEmpty()) {
      args.put("tags", new JsonArray(new ArrayList<>(tags)));
      heading.add("tagged " + String.join(", ", tags));
    }
    window(phrase, now, completed, args, heading);
    Optional<MatchResult> about = phrase.take(ABOUT);
    about.map(m -> References.stripFiller(m.group(1).replaceAll("[?!.]+$", ""))).filter(w -> !w.isEmpty())
        .ifPresent(words -> {
          args.put("query", words);
          heading.add("matching \"" + words + "\"");
        });
    boolean filtered = args.containsKey("overdue") || args.containsKey("priority") || args.containsKey("tags")
        || args.containsKey("dueAfter") || args.containsKey("dueBefore") || args.containsKey("completedAfter");
    if (completed && !args.containsKey("completedAfter")) {
      heading.add(0, "Completed");
    }
    if (filtered || args.containsKey("query") && args.size() > 1) {
      if (sort != null) {
        args.put("sort", sort);
      }
      if (order != null) {
        args.put("order", order);
      }
      putLimit(args, limit);
      return new Plan.Find("filter_tasks", args, sentence(heading, "Your tasks"));
    }
    if (args.containsKey("query")) {
      return new Plan.Find("search_tasks", args, sentence(heading, "Matching"));
    }
    if (sort != null) {
      var sorted = new JsonObject().put("by", sort);
      if (order != null) {
        sorted.put("order", order);
      }
      if (args.containsKey("status")) {
        sorted.put("status", args.getString("status"));
      }
      putLimit(sorted, limit);
      return new Plan.Find("sort_tasks", sorted, sortHeading(sort, order));
    }
    putLimit(args, limit);
    return new Plan.Find("list_tasks", args, next ? "Next up" : sentence(heading, all ? "All your tasks" : "Your open tasks"));
  }

  /** Reads a due (or, for completed tasks, completion) window into {@code args}. */
  private static void window(Phrase phrase, ZonedDateTime now, boolean completed, JsonObject args, List<String> heading) {
    LocalDate today = now.toLocalDate();
    LocalDate monday = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    String after = completed ? "completedAfter" : "dueAfter";
    String before = completed ? "completedBefore" : "dueBefore";
    String verb = completed ? "completed " : "due ";
    if (phrase.take(THIS_WEEK).isPresent()) {
      range(args, after, before, monday, monday.plusWeeks(1), now);
      heading.add(verb + "this week");
    } else if (phrase.take(NEXT_WEEK).isPresent()) {
      range(args, after, before, monday.plusWeeks(1), monday.plusWeeks(2), now);
      heading.add(verb + "next week");
    } else if (phrase.take(LAST_WEEK).isPresent()) {
      range(args, after, before, monday.minusWeeks(1), monday, now);
      heading.add(verb + "last week");
    } else if (phrase.take(THIS_MONTH).isPresent()) {
      range(args, after, before, today.withDayOfMonth(1), today.withDayOfMonth(1).plusMonths(1), now);
      heading.add(verb + "this month");
    } else if (phrase.take(NEXT_MONTH).isPresent()) {
      LocalDate first = today.withDayOfMonth(1).plusMonths(1);
      range(args, after, before, first, first.plusMonths(1), now);
      heading.add(verb + "next month");
    } else if (phrase.take(UPCOMING).isPresent()) {
      range(args, after, before, today, today.plusDays(7), now);
      heading.add(verb + "in the next 7 days");
    } else if (phrase.take(WEEKEND).isPresent()) {
      LocalDate saturday = today.getDayOfWeek() == DayOfWeek.SUNDAY ? today.minusDays(1)
          : today.with(TemporalAdjusters.nextOrSame(DayOfWeek.SATURDAY));
      range(args, after, before, saturday, saturday.plusDays(2), now);
      heading.add(verb + "this weekend");
    } else {
      String until = phrase.take(BEFORE).map(m -> m.group(1).toLowerCase(Locale.ROOT)).orElse(null);
      Optional<LocalDate> day = Dates.takeDay(phrase, now);
      if (day.isEmpty()) {
        return;
      }
      if (until != null) {
        boolean strictly = until.equals("before");
        args.put(before, start(strictly ? day.get() : day.get().plusDays(1), now));
        heading.add(verb + (strictly ? "before " : "by ") + Replies.day(day.get(), today));
      } else {
        range(args, after, before, day.get(), day.get().plusDays(1), now);
        heading.add(verb + Replies.day(day.get(), today));
      }
    }
  }

  private static void range(JsonObject args, String after, String before, LocalDate from, LocalDate to, ZonedDateTime now) {
    args.put(after, start(from, now)).put(before, start(to, now));
  }

  private static String start(LocalDate day, ZonedDateTime now) {
    return ISO.format(day.atStartOfDay(now.getZone()).toOffsetDateTime());
  }

  /**
   * "high priority" asks for the important ones, so urgent tasks come along: urgent is higher than high, and a
   * person who asks for what matters most and is not shown the urgent ones misses the tasks that matter most of
   * all. One who wants the high ones alone says so ("only high priority"), which {@link #ONLY} reads.
   */
  private static JsonArray levels(String level) {
    return switch (level) {
      case "urgent" -> new JsonArray().add("urgent");
      case "high" -> new JsonArray().add("urgent").add("high");
      default -> new JsonArray().add(level);
    };
  }

  private static String sortKey(MatchResult m) {
    String key = "";
    for (int group = 1; group <= m.groupCount(); group++) {
      if (m.group(group) != null) {
        key = m.group(group).toLowerCase(Locale.ROOT);
        break;
      }
    }
    if (key.startsWith("prior") || key.startsWith("import")) {
      return "priority";
    }
    if (key.startsWith("due") || key.startsWith("date") || key.startsWith("deadline")) {
      return "dueAt";
    }
    if (key.startsWith("title") || key.startsWith("name") || key.matches("alpha.*|a-z|a\\s+to\\s+z")) {
      return "title";
    }
    if (key.startsWith("creat") || key.startsWith("newest") || key.startsWith("oldest")) {
      return "createdAt";
    }
    return "updatedAt";
  }

  /** "Your tasks by priority", "Your newest tasks first", "Your tasks by due date, latest first". */
  private static String sortHeading(String key, String order) {
    boolean ascendingByDefault = key.equals("dueAt") || key.equals("title");
    if (order == null || order.equals("asc") == ascendingByDefault) {
      return key.equals("createdAt") ? "Your newest tasks first" : "Your tasks by " + sortName(key);
    }
    return switch (key) {
      case "createdAt" -> "Your oldest tasks first";
      case "priority" -> "Your tasks by priority, lowest first";
      case "title" -> "Your tasks by title, z-a";
      default -> "Your tasks by " + sortName(key) + ", latest first";
    };
  }

  private static String sortName(String key) {
    return switch (key) {
      case "dueAt" -> "due date";
      case "createdAt" -> "creation";
      case "updatedAt" -> "last change";
      default -> key;
    };
  }

  private static void putLimit(JsonObject args, Integer limit) {
    if (limit != null) {
      args.put("limit", Math.min(50, Math.max(1, limit)));
    }
  }

  private static String sentence(List<String> parts, String otherwise) {
    return parts.isEmpty() ? otherwise : capital(String.join(", ", parts));
  }

  static String capital(String text) {
    return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }
}
