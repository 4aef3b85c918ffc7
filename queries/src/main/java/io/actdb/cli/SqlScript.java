package io.actdb.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL text into statements at the semicolons that are outside string literals ({@code
 * '...'}, {@code E'...'}, {@code $tag$...$tag$}), quoted identifiers ({@code "..."}) and comments
 * ({@code -- ...}, {@code /* ... *}{@code /}, nested as in DuckDB).
 *
 * <p>Not DuckDB's own {@code duckdb_extract_statements}: the C API hands back the statements only
 * as opaque handles to prepare and run through the C API, without their text or where they start,
 * so the shell could neither run them through JDBC nor name a script's line; and it cannot tell an
 * unfinished statement (the shell's cue to read another line) from a wrong one. Nor can the text
 * go to JDBC whole: DuckDB's driver runs every statement of a string but returns only the last
 * result. DuckDB's parser is the judge of this split in {@code SqlScriptAgainstDuckDbTest}.
 */
final class SqlScript {
  /**
   * One statement: its text without the final semicolon, and the line where it starts (1-based).
   */
  record Statement(String sql, int line) {}

  private final List<Statement> statements = new ArrayList<>();
  private boolean complete;

  private SqlScript(String text) {
    scan(text);
  }

  /**
   * The statements of {@code text}, in order. Statements holding only whitespace and comments are
   * left out; the last statement need not end with a semicolon.
   */
  static List<Statement> split(String text) {
    return new SqlScript(text).statements;
  }

  /**
   * True when {@code text} needs no more input: every statement in it ends with a semicolon (only
   * whitespace or comments may follow the last one) and no quote or block comment is left open.
   * Text with no statement at all is complete.
   */
  static boolean isComplete(String text) {
    return new SqlScript(text).complete;
  }

  private void scan(String text) {
    int n = text.length();
    int contentStart = -1; // first character of the current statement that is not blank or comment
    int contentLine = 1;
    int line = 1;
    int i = 0;
    boolean open = false; // a quote or block comment reached the end of the text
    while (i < n) {
      char c = text.charAt(i);
      char next = i + 1 < n ? text.charAt(i + 1) : '\0';
      int end; // index just past the token that starts at i
      boolean content = true;
      if (c == '-' && next == '-') {
        end = indexOrEnd(text, '\n', i);
        content = false;
      } else if (c == '/' && next == '*') {
        end = blockCommentEnd(text, i);
        open = end < 0;
        content = false;
      } else if (c == '\'') {
        end = quotedEnd(text, i, '\'', false);
        open = end < 0;
      } else if (c == '"') {
        end = quotedEnd(text, i, '"', false);
        open = end < 0;
      } else if ((c == 'e' || c == 'E') && next == '\'' && !partOfWord(text, i)) {
        end = quotedEnd(text, i + 1, '\'', true);
        open = end < 0;
      } else if (c == '$' && !partOfWord(text, i) && dollarTag(text, i) != null) {
        String tag = dollarTag(text, i);
        int close = text.indexOf(tag, i + tag.length());
        end = close < 0 ? -1 : close + tag.length();
        open = end < 0;
      } else if (c == ';') {
        if (contentStart >= 0) {
          statements.add(new Statement(text.substring(contentStart, i).strip(), contentLine));
        }
        contentStart = -1;
        i++;
        continue;
      } else {
        end = i + 1;
        content = !Character.isWhitespace(c);
      }
      if (end < 0) {
        end = n;
      }
      if (content && contentStart < 0) {
        contentStart = i;
        contentLine = line;
      }
      line += count(text, '\n', i, end);
      i = end;
    }
    if (contentStart >= 0) {
      statements.add(new Statement(text.substring(contentStart).strip(), contentLine));
    }
    complete = !open && contentStart < 0;
  }

  /**
   * True when the character at i continues an identifier or number (so it cannot open E'' or $$).
   */
  private static boolean partOfWord(String text, int i) {
    if (i == 0) {
      return false;
    }
    char before = text.charAt(i - 1);
    return Character.isLetterOrDigit(before) || before == '_' || before == '$';
  }

  /** The {@code $tag$} opening a dollar-quoted string at i, or null ({@code $1} is a parameter). */
  private static String dollarTag(String text, int i) {
    int j = i + 1;
    while (j < text.length()) {
      char c = text.charAt(j);
      if (c == '$') {
        return text.substring(i, j + 1);
      }
      boolean ok = c == '_' || Character.isLetter(c) || (j > i + 1 && Character.isDigit(c));
      if (!ok) {
        return null;
      }
      j++;
    }
    return null;
  }

  /**
   * End (exclusive) of the literal opened by the quote at i, or -1 if it is not closed. A doubled
   * quote stands for itself; with {@code backslash}, a backslash escapes the next char.
   */
  private static int quotedEnd(String text, int i, char quote, boolean backslash) {
    int j = i + 1;
    while (j < text.length()) {
      char c = text.charAt(j);
      if (backslash && c == '\\') {
        j += 2;
      } else if (c == quote) {
        if (j + 1 < text.length() && text.charAt(j + 1) == quote) {
          j += 2;
        } else {
          return j + 1;
        }
      } else {
        j++;
      }
    }
    return -1;
  }

  /** End (exclusive) of the block comment opened at i, or -1 if it is not closed. */
  private static int blockCommentEnd(String text, int i) {
    int depth = 0;
    int j = i;
    while (j + 1 < text.length()) {
      if (text.charAt(j) == '/' && text.charAt(j + 1) == '*') {
        depth++;
        j += 2;
      } else if (text.charAt(j) == '*' && text.charAt(j + 1) == '/') {
        depth--;
        j += 2;
        if (depth == 0) {
          return j;
        }
      } else {
        j++;
      }
    }
    return -1;
  }

  private static int indexOrEnd(String text, char c, int from) {
    int at = text.indexOf(c, from);
    return at < 0 ? text.length() : at;
  }

  private static int count(String text, char c, int from, int to) {
    int count = 0;
    for (int i = from; i < to; i++) {
      if (text.charAt(i) == c) {
        count++;
      }
    }
    return count;
  }
}
