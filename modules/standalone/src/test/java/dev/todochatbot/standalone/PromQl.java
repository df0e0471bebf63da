package dev.todochatbot.standalone;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A PromQL parser for the expressions of the chart's alerts and dashboards: it accepts PromQL's
 * grammar (selectors, range and subquery brackets, offset and @, functions, aggregations with by or
 * without, binary operators with bool, on, ignoring and group modifiers) and fails with the position
 * of the first thing it cannot read, and it returns the metric names the expression selects. No
 * PromQL parser for Java is on the Maven mirror here; the chart's checks also run promtool in CI.
 *
 * <p>Grafana's variables are read as what they stand for: {@code $__rate_interval} and friends as a
 * duration, any other {@code $var} inside quotes as text.
 */
final class PromQl {

  /** Aggregation operators (they take by/without, and topk and the like a parameter). */
  static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar", "count",
      "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio");

  /** PromQL's functions (Prometheus 2.x/3.x); a name followed by '(' that is none of these is an error. */
  static final Set<String> FUNCTIONS = Set.of("abs", "absent", "absent_over_time", "ceil", "changes", "clamp",
      "clamp_max", "clamp_min", "day_of_month", "day_of_week", "day_of_year", "days_in_month", "delta", "deriv",
      "exp", "floor", "histogram_avg", "histogram_count", "histogram_fraction", "histogram_quantile",
      "histogram_stddev", "histogram_stdvar", "histogram_sum", "holt_winters", "double_exponential_smoothing",
      "hour", "idelta", "increase", "irate", "label_join", "label_replace", "ln", "log2", "log10", "minute", "month",
      "predict_linear", "rate", "resets", "round", "scalar", "sgn", "sort", "sort_desc", "sort_by_label",
      "sort_by_label_desc", "sqrt", "time", "timestamp", "vector", "year", "avg_over_time", "min_over_time",
      "max_over_time", "sum_over_time", "count_over_time", "quantile_over_time", "stddev_over_time",
      "stdvar_over_time", "last_over_time", "present_over_time", "mad_over_time", "acos", "acosh", "asin", "asinh",
      "atan", "atanh", "cos", "cosh", "sin", "sinh", "tan", "tanh", "deg", "rad", "pi");

  private static final Set<String> BINARY_WORDS = Set.of("and", "or", "unless", "atan2");
  private static final List<String> OPERATORS = List.of("==", "!=", ">=", "<=", "=~", "!~", "+", "-", "*", "/", "%",
      "^", ">", "<", "=", "(", ")", "{", "}", "[", "]", ",", ":", "@");

  private record Token(String kind, String text, int at) {}

  private final String expr;
  private final List<Token> tokens;
  private final Set<String> metrics = new TreeSet<>();
  private int next;

  private PromQl(String expr) {
    this.expr = expr;
    this.tokens = tokenize(expr);
  }

  /** The metric names {@code expr} selects; throws IllegalArgumentException saying where it is not PromQL. */
  static Set<String> metricNames(String expr) {
    var parser = new PromQl(grafanaVariablesReplaced(expr));
    parser.expression();
    if (parser.peek() != null) {
      throw parser.error("unexpected '" + parser.peek().text() + "'");
    }
    return parser.metrics;
  }

  static String grafanaVariablesReplaced(String expr) {
    return expr.replaceAll("\\$__(rate_interval|interval|range)\\b", "5m")
        .replaceAll("\\$\\{__(rate_interval|interval|range)}", "5m");
  }

  // expression := unary (binaryOperator modifiers unary)*
  private void expression() {
    unary();
    while (peek() != null && isBinaryOperator(peek())) {
      Token operator = take();
      if (isComparison(operator.text()) && peekWord("bool")) {
        take();
      }
      if (peekWord("on") || peekWord("ignoring")) {
        take();
        labelList();
        if (peekWord("group_left") || peekWord("group_right")) {
          take();
          if (peekText("(")) {
            labelList();
          }
        }
      }
      unary();
    }
  }

  private void unary() {
    if (peekText("-") || peekText("+")) {
      take();
    }
    postfix();
  }

  private void postfix() {
    primary();
    while (true) {
      if (peekText("[")) {
        take();
        duration();
        if (peekText(":")) {
          take();
          if (!peekText("]")) {
            duration();
          }
        }
        expect("]");
      } else if (peekWord("offset")) {
        take();
        if (peekText("-")) {
          take();
        }
        duration();
      } else if (peekText("@")) {
        take();
        if (peekWord("start") || peekWord("end")) {
          take();
          expect("(");
          expect(")");
        } else {
          expectKind("number");
        }
      } else {
        return;
      }
    }
  }

  private void primary() {
    Token token = peek();
    if (token == null) {
      throw error("the expression ends where a value was expected");
    }
    switch (token.kind()) {
      case "number", "string" -> take();
      case "duration" -> throw error("a duration '" + token.text() + "' where a value was expected");
      case "word" -> word(token);
      default -> {
        if (peekText("(")) {
          take();
          expression();
          expect(")");
        } else if (peekText("{")) {
          matchers(true);
        } else {
          throw error("unexpected '" + token.text() + "'");
        }
      }
    }
  }

  private void word(Token token) {
    String name = token.text();
    if (AGGREGATIONS.contains(name) && lookingAtAggregation()) {
      take();
      grouping();
      expect("(");
      expression();
      if (peekText(",")) {
        take();
        expression();
      }
      expect(")");
      grouping();
      return;
    }
    if (isNextText(1, "(")) {
      if (!FUNCTIONS.contains(name)) {
        throw error("'" + name + "' is not a PromQL function");
      }
      take();
      expect("(");
      if (!peekText(")")) {
        expression();
        while (peekText(",")) {
          take();
          expression();
        }
      }
      expect(")");
      return;
    }
    if (BINARY_WORDS.contains(name) || Set.of("by", "without", "on", "ignoring", "bool", "offset").contains(name)) {
      throw error("'" + name + "' where a value was expected");
    }
    take();
    if (name.equals("inf") || name.equals("nan") || name.equals("Inf") || name.equals("NaN")) {
      return;
    }
    metrics.add(name);
    if (peekText("{")) {
      matchers(false);
    }
  }

  private boolean lookingAtAggregation() {
    return isNextText(1, "(") || isNextWord(1, "by") || isNextWord(1, "without");
  }

  private void grouping() {
    if (peekWord("by") || peekWord("without")) {
      take();
      labelList();
    }
  }

  private void labelList() {
    expect("(");
    if (!peekText(")")) {
      expectKind("word");
      while (peekText(",")) {
        take();
        if (peekText(")")) {
          break;
        }
        expectKind("word");
      }
    }
    expect(")");
  }

  /** {@code {name op "value", ...}}; a selector without a metric name must match on something. */
  private void matchers(boolean nameless) {
    expect("{");
    boolean any = false;
    while (!peekText("}")) {
      Token label = expectKind("word");
      Token op = take();
      if (op == null || !Set.of("=", "!=", "=~", "!~").contains(op.text())) {
        throw error("label " + label.text() + " without a matcher (=, !=, =~, !~)");
      }
      Token value = expectKind("string");
      if (label.text().equals("__name__") && op.text().equals("=")) {
        metrics.add(value.text().substring(1, value.text().length() - 1));
      }
      any = true;
      if (peekText(",")) {
        take();
      } else {
        break;
      }
    }
    expect("}");
    if (nameless && !any) {
      throw error("a selector {} that selects nothing");
    }
  }

  private void duration() {
    Token token = take();
    if (token == null || !(token.kind().equals("duration") || token.kind().equals("number"))) {
      throw error("a duration (1m, 30s) expected" + (token == null ? "" : ", found '" + token.text() + "'"));
    }
  }

  private static boolean isComparison(String op) {
    return Set.of("==", "!=", ">", "<", ">=", "<=").contains(op);
  }

  private static boolean isBinaryOperator(Token token) {
    return token.kind().equals("operator") && Set.of("==", "!=", ">=", "<=", "+", "-", "*", "/", "%", "^", ">", "<")
        .contains(token.text()) || token.kind().equals("word") && BINARY_WORDS.contains(token.text());
  }

  private Token peek() {
    return next < tokens.size() ? tokens.get(next) : null;
  }

  private boolean peekText(String text) {
    return isNextText(0, text);
  }

  private boolean peekWord(String word) {
    return isNextWord(0, word);
  }

  private boolean isNextText(int ahead, String text) {
    return next + ahead < tokens.size() && tokens.get(next + ahead).kind().equals("operator")
        && tokens.get(next + ahead).text().equals(text);
  }

  private boolean isNextWord(int ahead, String word) {
    return next + ahead < tokens.size() && tokens.get(next + ahead).kind().equals("word")
        && tokens.get(next + ahead).text().equals(word);
  }

  private Token take() {
    return next < tokens.size() ? tokens.get(next++) : null;
  }

  private void expect(String text) {
    if (!peekText(text)) {
      throw error("'" + text + "' expected" + (peek() == null ? " before the end" : ", found '" + peek().text() + "'"));
    }
    take();
  }

  private Token expectKind(String kind) {
    if (peek() == null || !peek().kind().equals(kind)) {
      throw error("a " + kind + " expected" + (peek() == null ? " before the end" : ", found '" + peek().text() + "'"));
    }
    return take();
  }

  private IllegalArgumentException error(String what) {
    int at = peek() == null ? expr.length() : peek().at();
    return new IllegalArgumentException(what + " at character " + at + " of: " + expr.strip());
  }

  private static List<Token> tokenize(String expr) {
    var tokens = new ArrayList<Token>();
    int i = 0;
    while (i < expr.length()) {
      char c = expr.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '#') {
        while (i < expr.length() && expr.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '"' || c == '\'' || c == '`') {
        int start = i++;
        while (i < expr.length() && expr.charAt(i) != c) {
          i += expr.charAt(i) == '\\' && c != '`' ? 2 : 1;
        }
        if (i >= expr.length()) {
          throw new IllegalArgumentException("a string not closed, from character " + start + " of: " + expr.strip());
        }
        tokens.add(new Token("string", expr.substring(start, ++i), start));
      } else if (Character.isDigit(c) || c == '.' && i + 1 < expr.length() && Character.isDigit(expr.charAt(i + 1))) {
        int start = i;
        while (i < expr.length() && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '.')) {
          i++;
        }
        String text = expr.substring(start, i);
        if (text.matches("([0-9]+(ms|s|m|h|d|w|y))+")) {
          tokens.add(new Token("duration", text, start));
        } else if (text.matches("[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+")) {
          tokens.add(new Token("number", text, start));
        } else {
          throw new IllegalArgumentException("'" + text + "' is neither a number nor a duration, at character "
              + start + " of: " + expr.strip());
        }
      } else if (Character.isLetter(c) || c == '_') {
        int start = i;
        while (i < expr.length() && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '_'
            || expr.charAt(i) == ':')) {
          i++;
        }
        tokens.add(new Token("word", expr.substring(start, i), start));
      } else {
        int at = i;
        String op = OPERATORS.stream().filter(candidate -> expr.startsWith(candidate, at)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("'" + c + "' at character " + at + " is not PromQL: "
                + expr.strip()));
        tokens.add(new Token("operator", op, i));
        i += op.length();
      }
    }
    return tokens;
  }
}
