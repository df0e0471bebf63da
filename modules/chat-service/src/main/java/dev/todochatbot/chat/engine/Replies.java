package dev.todochatbot.chat.engine;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sentences the engine answers with, about tasks as the tools return them. Days are said the
 * way a person says them relative to now ("today", "tomorrow", "Friday", "Dec 24"), times on a
 * 24-hour clock, in the person's zone (or the task's own, when it has one).
 */
final class Replies {

  /** How many tasks a list shows; the tools return at most 20 unless asked. */
  static final int SHOWN = 20;
  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");
  private static final List<String> DAYS = List.of("MO", "TU", "WE", "TH", "FR", "SA", "SU");
  private static final List<String> ORDINALS = List.of("last", "", "first", "second", "third", "fourth", "fifth");
  private static final Map<String, String> VERBS = Map.of("complete", "mark done", "delete", "delete",
      "reschedule", "move", "priority", "change the priority of", "tag", "tag", "remind", "set a reminder for",
      "rename", "rename", "describe", "add the note to", "stopRepeating", "stop repeating", "reopen", "reopen");

  private final Instant now;
  private final ZoneId zone;

  Replies(Instant now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /** "Added "Call the dentist" for tomorrow 15:00, high priority, tagged health; I'll remind you 30 minutes before." */
  String added(JsonObject task) {
    var parts = new ArrayList<String>();
    String due = due(task);
    var sentence = new StringBuilder("Added \"").append(task.getString("title")).append('"');
    if (due != null) {
      sentence.append(" for ").append(due);
    }
    JsonObject recurrence = task.getJsonObject("recurrence");
    if (recurrence != null) {
      parts.add("repeating " + recurrence(recurrence));
    }
    String priority = task.getString("priority", "none");
    if (!priority.equals("none")) {
      parts.add(priority.equals("urgent") ? "urgent" : priority + " priority");
    }
    JsonArray tags = task.getJsonArray("tags", new JsonArray());
    if (!tags.isEmpty()) {
      parts.add("tagged " + String.join(", ", tags.stream().map(String::valueOf).toList()));
    }
    parts.forEach(p -> sentence.append(", ").append(p));
    JsonArray reminders = task.getJsonArray("reminders", new JsonArray());
    for (int i = 0; i < reminders.size(); i++) {
      sentence.append(i == 0 ? "; I'll remind you " : " and ").append(reminder(reminders.getJsonObject(i)));
    }
    return sentence.append('.').toString();
  }

  /** The sentence after a change went through. */
  String changed(String kind, Plan.TaskRef ref, JsonObject result, JsonObject edit) {
    JsonObject task = result.getJsonObject("task", new JsonObject());
    String title = "\"" + task.getString("title", ref.title()) + "\"";
    return switch (kind) {
      case "reopen" -> "Reopened " + title + ".";
      case "complete" -> "Marked " + title + " done." + (task.getJsonObject("recurrence") != null
          ? " It repeats, so the next one is on its way." : "");
      case "delete" -> "Deleted " + quoted(result.getJsonObject("deleted", new JsonObject()).getString("title", ref.title()))
          + (edit.getBoolean("stopSeries", false) ? " and stopped it repeating." : ".");
      case "reschedule" -> due(task) == null ? title + " has no due date now." : "Moved " + title + " to " + due(task) + ".";
      case "priority" -> title + (task.getString("priority", "").equals("none") ? " has no priority now."
          : " is now " + (task.getString("priority").equals("urgent") ? "urgent." : task.getString("priority") + " priority."));
      case "tag" -> "Tagged " + title + " " + String.join(", ", edit.getJsonArray("tags").stream().map(String::valueOf).toList()) + ".";
      case "remind" -> "I'll remind you about " + title + " " + reminder(result.getJsonObject("reminder",
          edit.getJsonObject("reminder"))) + ".";
      case "rename" -> "Renamed " + quoted(ref.title()) + " to " + title + ".";
      case "describe" -> "Added the note to " + title + ".";
      case "stopRepeating" -> title + " won't repeat any more.";
      default -> "Updated " + title + (due(task) != null ? ", due " + due(task) : "") + ", "
          + task.getString("priority", "no") + " priority.";
    };
  }

  /** A numbered list under a heading; the numbers are what "delete 2" refers to next. */
  String list(String heading, JsonArray items) {
    if (items.isEmpty()) {
      return heading.startsWith("Your") || heading.startsWith("All") || heading.startsWith("Next")
          ? "You have no open tasks." : "Nothing " + Character.toLowerCase(heading.charAt(0)) + heading.substring(1) + ".";
    }
    var out = new StringBuilder(heading).append(" (").append(items.size()).append("):");
    for (int i = 0; i < Math.min(SHOWN, items.size()); i++) {
      out.append('\n').append(i + 1).append(". ").append(line(items.getJsonObject(i)));
    }
    return out.toString();
  }

  /** The question when words fit several tasks; the answer ("2", "the second") picks one. */
  String whichOne(List<JsonObject> tasks) {
    var out = new StringBuilder("Which one do you mean?");
    for (int i = 0; i < tasks.size(); i++) {
      out.append('\n').append(i + 1).append(". ").append(line(tasks.get(i)));
    }
    return out.toString();
  }

  String reminders(JsonArray items) {
    if (items.isEmpty()) {
      return "You have no reminders to come.";
    }
    var out = new StringBuilder("Your reminders to come (").append(items.size()).append("):");
    for (int i = 0; i < items.size(); i++) {
      JsonObject r = items.getJsonObject(i);
      String title = r.getString("title", r.getJsonObject("task", new JsonObject()).getString("title"));
      out.append('\n').append(i + 1).append(". ").append(r.getString("at") == null ? "?" : instant(r.getString("at"), zone));
      if (title != null) {
        out.append(" — ").append(title);
      }
    }
    return out.toString();
  }

  /** "Call the dentist — tomorrow 15:00 · high · #health", "✓" before a finished one. */
  String line(JsonObject task) {
    var out = new StringBuilder();
    if ("completed".equals(task.getString("status"))) {
      out.append("✓ ");
    }
    out.append(task.getString("title"));
    var details = new ArrayList<String>();
    String due = due(task);
    if (due != null) {
      details.add(due);
    }
    String priority = task.getString("priority", "none");
    if (!priority.equals("none")) {
      details.add(priority);
    }
    task.getJsonArray("tags", new JsonArray()).forEach(t -> details.add("#" + t));
    if (task.getJsonObject("recurrence") != null) {
      details.add("repeats");
    }
    if (!details.isEmpty()) {
      out.append(" — ").append(String.join(" · ", details));
    }
    return out.toString();
  }

  /** When a task is due, or null: "tomorrow 15:00", "Friday", "Dec 24 12:00". */
  String due(JsonObject task) {
    String dueAt = task.getString("dueAt");
    if (dueAt == null) {
      return null;
    }
    ZoneId taskZone = task.getString("timeZone") != null ? ZoneId.of(task.getString("timeZone")) : zone;
    ZonedDateTime at = Instant.parse(dueAt).atZone(taskZone);
    String day = day(at.toLocalDate(), now.atZone(zone).toLocalDate());
    return task.getBoolean("allDay", false) ? day : day + " " + HH_MM.format(at);
  }

  private String instant(String iso, ZoneId in) {
    ZonedDateTime at = Instant.parse(iso).atZone(in);
    return day(at.toLocalDate(), now.atZone(zone).toLocalDate()) + " " + HH_MM.format(at);
  }

  /** "30 minutes before", "1 day before at 09:00", "tomorrow 08:00". */
  String reminder(JsonObject reminder) {
    if (reminder == null) {
      return "";
    }
    String before = reminder.getString("before");
    if (before == null) {
      return reminder.getString("at") == null ? "" : "on " + instant(reminder.getString("at"), zone);
    }
    String amount;
    if (before.startsWith("PT")) {
      Duration d = Duration.parse(before);
      amount = d.toMinutes() % 60 == 0 ? count(d.toHours(), "hour") : count(d.toMinutes(), "minute");
    } else {
      amount = count(Period.parse(before).getDays(), "day");
    }
    String time = reminder.getString("time");
    return amount + " before" + (time != null ? " at " + time : "");
  }

  /** A recurrence rule in words: "every Monday", "every 2 weeks", "on the second Tuesday of every month". */
  static String recurrence(JsonObject recurrence) {
    var parts = new java.util.HashMap<String, String>();
    for (String part : recurrence.getString("rule", "").split(";")) {
      String[] kv = part.split("=", 2);
      if (kv.length == 2) {
        parts.put(kv[0], kv[1]);
      }
    }
    String freq = parts.getOrDefault("FREQ", "DAILY");
    int interval = Integer.parseInt(parts.getOrDefault("INTERVAL", "1"));
    String byDay = parts.get("BYDAY");
    String byMonthDay = parts.get("BYMONTHDAY");
    String unit = switch (freq) {
      case "WEEKLY" -> "week";
      case "MONTHLY" -> "month";
      case "YEARLY" -> "year";
      default -> "day";
    };
    String every = interval == 1 ? "every " + unit : interval == 2 ? "every other " + unit : "every " + interval + " " + unit + "s";
    String text;
    if (freq.equals("WEEKLY") && "MO,TU,WE,TH,FR".equals(byDay) && interval == 1) {
      text = "every weekday";
    } else if (freq.equals("WEEKLY") && byDay != null) {
      text = (interval == 1 ? "every " : interval == 2 ? "every other " : "every " + interval + " weeks on ") + days(byDay);
    } else if (freq.equals("MONTHLY") && byDay != null && byDay.matches("[+-]?\\d.*")) {
      int n = Integer.parseInt(byDay.replaceAll("[A-Z]", ""));
      String day = days(byDay.replaceAll("[+-]?\\d", ""));
      text = "on the " + (n == -1 ? "last" : n > 0 && n < ORDINALS.size() - 1 ? ORDINALS.get(n + 1) : n + "th") + " " + day
          + " of " + every;
    } else if (freq.equals("MONTHLY") && byMonthDay != null) {
      text = "-1".equals(byMonthDay) ? "on the last day of " + every : every + " on the " + ordinal(Integer.parseInt(byMonthDay));
    } else {
      text = every;
    }
    if (recurrence.getString("mode", "fromDue").equals("fromCompletion")) {
      text += ", counted from when you finish it";
    }
    return text;
  }

  static String verb(String kind) {
    return VERBS.getOrDefault(kind, "change");
  }

  static String monthName(Month month) {
    return month.getDisplayName(TextStyle.FULL, Locale.ENGLISH);
  }

  /** A day as a person says it relative to today: "today", "tomorrow", "Friday", "Dec 24", "Jan 3, 2028". */
  static String day(LocalDate day, LocalDate today) {
    long ahead = ChronoUnit.DAYS.between(today, day);
    if (ahead == 0) {
      return "today";
    }
    if (ahead == 1) {
      return "tomorrow";
    }
    if (ahead == -1) {
      return "yesterday";
    }
    String weekday = day.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
    if (ahead > 1 && ahead < 7) {
      return weekday;
    }
    String date = day.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH) + " " + day.getDayOfMonth();
    if (ahead >= 7 && ahead < 14) {
      return weekday + ", " + date;
    }
    return day.getYear() == today.getYear() || ahead > 0 && ahead < 180 ? date : date + ", " + day.getYear();
  }

  private static String days(String byDay) {
    var names = new ArrayList<String>();
    for (String d : byDay.split(",")) {
      int index = DAYS.indexOf(d.replaceAll("[^A-Z]", ""));
      if (index >= 0) {
        names.add(java.time.DayOfWeek.of(index + 1).getDisplayName(TextStyle.FULL, Locale.ENGLISH));
      }
    }
    return names.size() <= 1 ? String.join("", names)
        : String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
  }

  private static String ordinal(int n) {
    String suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : switch (n % 10) {
      case 1 -> "st";
      case 2 -> "nd";
      case 3 -> "rd";
      default -> "th";
    };
    return n + suffix;
  }

  private static String count(long n, String unit) {
    return n + " " + unit + (n == 1 ? "" : "s");
  }

  private static String quoted(String title) {
    return "\"" + title + "\"";
  }
}
