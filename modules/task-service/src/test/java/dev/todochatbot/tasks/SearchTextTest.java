package dev.todochatbot.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SearchTextTest {

  @Test
  void foldsCaseAndAccentsAndSplitsOnPunctuation() {
    assertThat(SearchText.words("Crème BRÛLÉE, e-mail  Zoë's café"))
        .containsExactly("creme", "brulee", "e", "mail", "zoe", "s", "cafe");
  }

  @Test
  void queryRequiresEveryWordAndTreatsTheLastAsAPrefix() {
    assertThat(SearchText.query("Quarterly  rep")).isEqualTo("quarterly & rep:*");
  }

  @Test
  void tsquerySyntaxTypedByAUserIsOnlyText() {
    assertThat(SearchText.query("a & !b | c:* <-> (d)")).isEqualTo("a & b & c & d:*");
    assertThat(SearchText.query("&|!():*")).isEmpty();
  }

  @Test
  void documentCoversTitleDescriptionAndTags() {
    assertThat(SearchText.document("Pay rent", "Before the 5th", List.of("home", "money/bills")))
        .isEqualTo("pay rent before the 5th home money bills");
  }
}
