package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.sql.duckdb.DuckDBConnections;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shell splits statements itself because DuckDB can't do it for a JDBC client (the first test
 * shows why); DuckDB's own parser ({@code duckdb_extract_statements}) is the judge of that split
 * here: on every bundled script and on the quoting forms DuckDB knows, it must find as many
 * statements as {@link SqlScript} and see each piece as exactly one statement.
 */
class SqlScriptAgainstDuckDbTest {
  private static Connection connection;

  @BeforeAll
  static void open() throws SQLException {
    connection = DriverManager.getConnection("jdbc:duckdb:");
  }

  @AfterAll
  static void close() throws SQLException {
    connection.close();
  }

  /**
   * Why actdb splits: DuckDB's JDBC driver runs every statement of a string but hands back the
   * result of the last one only, so a script's earlier SELECTs would print nothing. Should a later
   * driver return them all, this test fails and the splitter can go.
   */
  @Test
  void jdbcRunsEveryStatementOfAStringButReturnsOnlyTheLastResult() throws SQLException {
    try (Statement st = connection.createStatement()) {
      assertTrue(
          st.execute("CREATE TEMP TABLE runs AS SELECT 1 AS x; SELECT 41 AS first; SELECT 42"));
      try (ResultSet rs = st.getResultSet()) {
        assertTrue(rs.next());
        assertEquals(42, rs.getInt(1));
      }
      assertFalse(st.getMoreResults());
      assertEquals(-1, st.getUpdateCount());
      // the first statement did run
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM runs")) {
        assertTrue(rs.next());
        assertEquals(1, rs.getLong(1));
      }
    }
  }

  @Test
  void duckDbFindsTheSameStatementsInEveryBundledScript() throws IOException, SQLException {
    List<Path> scripts;
    try (Stream<Path> files = Files.list(Path.of("sql"))) {
      scripts = files.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
    }
    assertFalse(scripts.isEmpty(), "no scripts found in queries/sql");
    for (Path script : scripts) {
      assertSameSplitAsDuckDb(script.getFileName().toString(), Files.readString(script));
    }
  }

  @Test
  void duckDbFindsTheSameStatementsAcrossQuotesAndComments() throws SQLException {
    List<String> texts =
        List.of(
            "SELECT 'a;b', \"c;d\", E'e\\';f', $$g;h$$, $tag$i;$$;j$tag$; -- k;l\n"
                + "SELECT 2 /* m; /* nested; */ n; */ + 1;\nSELECT 'it''s; fine'",
            "\n;; -- only a comment;\n\n  SELECT 1;\n/* c */ ;\nSELECT\n2",
            "SELECT $1::INT, 3 AS price$; SELECT 2",
            "SELECT 1 AS \"quoted \"\"; name\"; SELECT 'no final semicolon'",
            "CREATE MACRO m(x) AS x + 1; SELECT m(1); -- trailing; comment",
            "SET VARIABLE v = 'a;b'; SELECT getvariable('v');",
            "SELECT 'multi\nline;\nstring'; /* block\n; */ SELECT 2;");
    for (int i = 0; i < texts.size(); i++) {
      assertSameSplitAsDuckDb("case " + (i + 1), texts.get(i));
    }
  }

  @Test
  void duckDbsParserRejectsWhatTheSplitterLeavesOpen() {
    SQLException e =
        assertThrows(
            SQLException.class, () -> DuckDBConnections.countStatements(connection, "SELECT 'a;"));
    assertTrue(e.getMessage().contains("unterminated"), e.getMessage());
    assertFalse(SqlScript.isComplete("SELECT 'a;"));
  }

  private static void assertSameSplitAsDuckDb(String name, String text) throws SQLException {
    List<SqlScript.Statement> pieces = SqlScript.split(text);
    assertEquals(
        DuckDBConnections.countStatements(connection, text),
        pieces.size(),
        name + ": statements found by DuckDB's parser vs the shell's splitter");
    List<String> notOne = new ArrayList<>();
    for (SqlScript.Statement piece : pieces) {
      if (DuckDBConnections.countStatements(connection, piece.sql()) != 1) {
        notOne.add("line " + piece.line() + ": " + piece.sql());
      }
    }
    assertEquals(List.of(), notOne, name + ": pieces DuckDB does not see as one statement");
  }
}
