package dev.todochatbot.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SearchTextTest {

  private static final UUID USER = UUID.fromString("1a2b3c4d-0000-4000-8000-000000000000");

  @Test
  void foldsCaseAndAccentsAndSplitsOnPunctuation() {
    assertThat(SearchText.words("Crème BRÛLÉE, e-mail  Zoë's café"))
        .containsExactly("creme", "brulee", "e", "mail", "zoe", "s", "cafe");
  }

  @Test
  void queryRequiresEveryWordOfTheUserAndTreatsTheLastAsAPrefix() {
    assertThat(SearchText.query(USER, "Quarterly  rep")).isEqualTo("'1a2b3c4dquarterly' & '1a2b3c4drep':*");
  }

  @Test
  void tsquerySyntaxTypedByAUserIsOnlyText() {
    assertThat(SearchText.query(USER, "a & !b | c:* <-> (d) 'e'"))
        .isEqualTo("'1a2b3c4da' & '1a2b3c4db' & '1a2b3c4dc' & '1a2b3c4dd' & '1a2b3c4de':*");
    assertThat(SearchText.query(USER, "&|!():*'")).isEmpty();
  }

  @Test
  void documentIsTheDistinctWordsOfTitleDescriptionAndTagsKeyedByTheUser() {
    assertThat(SearchText.document(USER, "Pay rent", "Rent before the 5th", List.of("home", "money/bills")))
        .containsExactly("1a2b3c4dpay", "1a2b3c4drent", "1a2b3c4dbefore", "1a2b3c4dthe", "1a2b3c4d5th",
            "1a2b3c4dhome", "1a2b3c4dmoney", "1a2b3c4dbills");
  }

  @Test
  void overlongWordsAreNotIndexed() {
    assertThat(SearchText.words("ok " + "x".repeat(101))).containsExactly("ok");
  }
}
