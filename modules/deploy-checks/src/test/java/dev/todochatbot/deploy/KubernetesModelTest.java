package dev.todochatbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rendered Kubernetes object read into fabric8's typed model with nothing left over: a field
 * the model does not know (a misspelt {@code readinesProbe}, a field at the wrong depth) lands in
 * some object's additionalProperties, and the API server would drop or refuse it.
 */
class KubernetesModelTest {

  @ParameterizedTest
  @MethodSource("dev.todochatbot.deploy.RenderedChart#valuesFiles")
  void everyObjectHasATypedModel(String valuesFile) {
    assertThat(RenderedChart.of(valuesFile).objects())
        .isNotEmpty()
        .noneMatch(GenericKubernetesResource.class::isInstance);
  }

  @ParameterizedTest
  @MethodSource("dev.todochatbot.deploy.RenderedChart#valuesFiles")
  void noFieldIsUnknownToTheModel(String valuesFile) {
    var unknown = new ArrayList<String>();
    for (var object : RenderedChart.of(valuesFile).objects()) {
      collectUnknown(object, object.getKind() + "/" + object.getMetadata().getName(), unknown);
    }

    assertThat(unknown).as("fields outside the Kubernetes model").isEmpty();
  }

  /** Walks the model's fields; any non-empty additionalProperties is reported with its path. */
  static void collectUnknown(Object node, String path, List<String> out) {
    if (node instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        collectUnknown(item, path + "[" + i++ + "]", out);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      map.forEach((key, value) -> collectUnknown(value, path + "." + key, out));
      return;
    }
    if (node == null || node.getClass().isEnum() || !node.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Class<?> type = node.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers()) || field.isSynthetic()) {
          continue;
        }
        Object value = read(field, node);
        if (field.getName().equals("additionalProperties")) {
          if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
            out.add(path + " " + extra.keySet());
          }
        } else {
          collectUnknown(value, path + "." + field.getName(), out);
        }
      }
    }
  }

  private static Object read(Field field, Object owner) {
    try {
      field.setAccessible(true);
      return field.get(owner);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
