package dev.todochatbot.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The words tasks are made of, in the seeded table and in the requests alike, so that searches and tag
 * filters find what a person's real list would hold. Tags are skewed: the first few are common.
 */
final class Vocabulary {

  static final List<String> WORDS = List.of(
      "pay", "rent", "call", "mom", "dad", "book", "flight", "hotel", "dentist", "doctor", "appointment",
      "renew", "passport", "license", "insurance", "buy", "groceries", "milk", "bread", "coffee", "fix",
      "bike", "car", "oil", "change", "tires", "water", "plants", "garden", "clean", "kitchen", "garage",
      "laundry", "dishes", "vacuum", "email", "reply", "client", "invoice", "send", "report", "quarterly",
      "budget", "review", "draft", "proposal", "presentation", "slides", "meeting", "team", "schedule",
      "standup", "retro", "plan", "sprint", "deploy", "release", "backup", "server", "update", "laptop",
      "password", "reset", "order", "printer", "ink", "return", "package", "pick", "up", "kids", "school",
      "homework", "birthday", "gift", "party", "cake", "anniversary", "dinner", "reservation", "restaurant",
      "gym", "run", "yoga", "swim", "stretch", "read", "article", "chapter", "novel", "library", "learn",
      "spanish", "guitar", "practice", "piano", "lesson", "write", "blog", "post", "journal", "letter",
      "tax", "form", "receipts", "bank", "transfer", "savings", "bills", "electricity", "internet",
      "phone", "contract", "cancel", "subscription", "nurse", "prescription", "pharmacy", "vitamins", "walk",
      "dog", "vet", "cat", "food", "litter", "recycle", "trash", "donate", "clothes", "closet", "organize",
      "desk", "files", "photos", "album", "print", "frame", "paint", "fence", "roof", "gutter", "window",
      "repair", "plumber", "electrician", "quote", "offer", "sign", "lease", "landlord", "neighbor",
      "visit", "grandma", "trip", "pack", "suitcase", "tickets", "concert", "museum", "weekend", "holiday",
      "vacation", "camping", "tent", "hike", "map", "research", "compare", "prices", "warranty", "manual",
      "install", "shelf", "lamp", "bulb", "battery", "charger", "cable", "monitor", "keyboard", "mouse");

  static final List<String> TAGS = List.of(
      "work", "home", "personal", "errands", "family", "health", "finance", "shopping", "urgent", "someday",
      "admin", "travel", "vehicle", "garden", "study", "fitness", "friends", "kids", "projects", "waiting");

  static final List<String> PRIORITIES = List.of("none", "low", "medium", "high", "urgent");

  private Vocabulary() {}

  static String word() {
    return WORDS.get(random().nextInt(WORDS.size()));
  }

  /** 2 to 5 words. */
  static String title() {
    var title = new StringBuilder(capitalized(word()));
    int words = 2 + random().nextInt(4);
    for (int i = 1; i < words; i++) {
      title.append(' ').append(word());
    }
    return title.toString();
  }

  /** A tag, the first ones far more often than the last (the same skew as the seeded rows). */
  static String tag() {
    double r = random().nextDouble();
    return TAGS.get((int) (TAGS.size() * r * r));
  }

  /** 0 to 3 distinct tags. */
  static JsonArray tags() {
    var tags = new LinkedHashSet<String>();
    int count = random().nextInt(4);
    for (int i = 0; i < count; i++) {
      tags.add(tag());
    }
    return new JsonArray(List.copyOf(tags));
  }

  static String priority() {
    return PRIORITIES.get(random().nextInt(PRIORITIES.size()));
  }

  /** A due date within {@code days} days before or after now, to the minute. */
  static Instant dueWithin(int days) {
    long minutes = days * 24L * 60;
    return Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(random().nextLong(-minutes, minutes), ChronoUnit.MINUTES);
  }

  /** The body of POST /api/tasks, as the web UI would send it. */
  static JsonObject newTask() {
    var task = new JsonObject().put("title", title()).put("priority", priority()).put("tags", tags());
    if (random().nextDouble() < 0.3) {
      task.put("description", title() + " " + title().toLowerCase());
    }
    if (random().nextDouble() < 0.8) {
      task.put("dueAt", dueWithin(30).toString());
    }
    return task;
  }

  /** The body of a PATCH: one or two fields a person would change. */
  static JsonObject change() {
    return switch (random().nextInt(4)) {
      case 0 -> new JsonObject().put("priority", priority());
      case 1 -> new JsonObject().put("title", title());
      case 2 -> new JsonObject().put("tags", tags());
      default -> new JsonObject().put("dueAt", dueWithin(30).toString()).put("priority", priority());
    };
  }

  private static String capitalized(String word) {
    return Character.toUpperCase(word.charAt(0)) + word.substring(1);
  }

  static ThreadLocalRandom random() {
    return ThreadLocalRandom.current();
  }
}
