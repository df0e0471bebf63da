package dev.todochatbot.platform.events;

/** Topic names, the same in the code, in dapr/ and in the docs. */
public final class Topics {

  /** Domain facts about tasks (schemas/events/task-event.v1.schema.json); key = user id. */
  public static final String TASK_EVENTS = "task-events";
  /** Events no consumer could ever process, with the reason logged where they were dropped. */
  public static final String TASK_EVENTS_DEADLETTER = "task-events-deadletter";
  /** What an open browser needs to redraw (schemas/events/task-update.v1.schema.json); key = user id. */
  public static final String TASK_UPDATES = "task-updates";
  /** A reminder is due. */
  public static final String REMINDERS = "reminders";

  private Topics() {}
}
