package dev.todochatbot.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every service's main stops with Shutdown.drainOnSignal (the chat and recurrence mains are also
 * stopped for real in their modules' process tests). Read from the compiled class: a main that only
 * closes Vert.x on exit would drop the requests in flight of each pod a rollout replaces.
 */
class EveryMainDrainsTest {

  static List<Class<?>> mains() {
    return List.of(dev.todochatbot.edge.EdgeMain.class, dev.todochatbot.tasks.TaskServiceMain.class,
        dev.todochatbot.audit.AuditServiceMain.class, dev.todochatbot.chat.ChatServiceMain.class,
        dev.todochatbot.recurrence.RecurrenceServiceMain.class,
        dev.todochatbot.notification.NotificationServiceMain.class);
  }

  @ParameterizedTest
  @MethodSource("mains")
  void drainsOnSigterm(Class<?> main) throws IOException {
    try (InputStream in = main.getResourceAsStream(main.getSimpleName() + ".class")) {
      // the constant pool names every method the class calls
      String constants = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(constants).as("%s calls Shutdown.drainOnSignal", main.getName()).contains("drainOnSignal");
    }
  }
}
