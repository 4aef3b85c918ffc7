package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlScriptTest {
  private static List<String> sqlOf(String text) {
    return SqlScript.split(text).stream().map(SqlScript.Statement::sql).toList();
  }

  @Test
  void splitsAtSemicolonsOutsideQuotesAndComments() {
    String text =
        """
        SELECT 'a;b', "c;d", E'e\\';f', $$g;h$$, $tag$i;$$;j$tag$; -- k;l
        SELECT 2 /* m; /* nested; */ n; */ + 1;
        SELECT 'it''s; fine'
        """;

    assertEquals(
        List.of(
            "SELECT 'a;b', \"c;d\", E'e\\';f', $$g;h$$, $tag$i;$$;j$tag$",
            "SELECT 2 /* m; /* nested; */ n; */ + 1", // comments before a statement are dropped
            "SELECT 'it''s; fine'"),
        sqlOf(text));
  }

  @Test
  void dropsEmptyStatementsAndKeepsStartLines() {
    List<SqlScript.Statement> statements =
        SqlScript.split("\n;; -- only a comment;\n\n  SELECT 1;\n/* c */ ;\nSELECT\n2");

    assertEquals(
        List.of(new SqlScript.Statement("SELECT 1", 4), new SqlScript.Statement("SELECT\n2", 6)),
        statements);
  }

  @Test
  void parametersAndIdentifiersAreNotQuotes() {
    assertEquals(
        List.of("SELECT $1, price$ FROM t", "SELECT 2"),
        sqlOf("SELECT $1, price$ FROM t; SELECT 2"));
    // the e of "type" does not open an E'...' string, so the backslash escapes nothing
    assertEquals(List.of("SELECT type'a\\'", "SELECT 2"), sqlOf("SELECT type'a\\'; SELECT 2"));
  }

  @Test
  void completeOnlyWhenEveryStatementIsEnded() {
    assertTrue(SqlScript.isComplete(""));
    assertTrue(SqlScript.isComplete("  \n"));
    assertTrue(SqlScript.isComplete("SELECT 1;"));
    assertTrue(SqlScript.isComplete("SELECT 1; -- done"));
    assertTrue(SqlScript.isComplete("SELECT 1;\nSELECT 2; /* done */"));
    assertFalse(SqlScript.isComplete("SELECT 1"));
    assertFalse(SqlScript.isComplete("SELECT 1; SELECT"));
    assertFalse(SqlScript.isComplete("SELECT 'a;"));
    assertFalse(SqlScript.isComplete("SELECT 1 /* ; */"));
    assertFalse(SqlScript.isComplete("SELECT 1; /* open"));
    assertFalse(SqlScript.isComplete("SELECT $$;"));
  }
}
