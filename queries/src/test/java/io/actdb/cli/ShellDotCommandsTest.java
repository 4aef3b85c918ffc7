package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.actdb.cli.table.TextTable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DuckDB's dot commands in {@code actdb sql}: the same text run from a file ({@code -f}), piped on
 * stdin, through {@code .read} and typed in the shell.
 */
class ShellDotCommandsTest {
  @TempDir Path dir;

  private static final String TABLES =
      """
      CREATE TABLE runs (id INTEGER, model VARCHAR, score DOUBLE);
      INSERT INTO runs VALUES (1, 'cnn', 0.5), (2, 'mlp, wide', NULL);
      CREATE VIEW good AS SELECT * FROM runs WHERE score > 0.25;
      """;

  private static final String EVERY_MODE =
      TABLES
          + """
          .tables
          .schema runs
          .mode csv
          SELECT * FROM runs ORDER BY id;
          .mode json
          SELECT * FROM runs ORDER BY id;
          .format line
          SELECT * FROM runs ORDER BY id;
          .mode markdown
          SELECT * FROM runs ORDER BY id;
          .mode table
          SELECT * FROM runs ORDER BY id;
          .mode duckbox
          SELECT * FROM good;
          .mode
          """;

  private static final String EVERY_MODE_PRINTS =
      """
      good  runs
      CREATE TABLE runs(id INTEGER, model VARCHAR, score DOUBLE);
      id,model,score
      1,cnn,0.5
      2,"mlp, wide",

      [
      {"id":1,"model":"cnn","score":0.5},
      {"id":2,"model":"mlp, wide","score":null}
      ]

         id = 1
      model = cnn
      score = 0.5

         id = 2
      model = mlp, wide
      score = NULL

      |  id | model     | score |
      |----:|-----------|------:|
      |   1 | cnn       |   0.5 |
      |   2 | mlp, wide |  NULL |

      +----+-----------+-------+
      | id |   model   | score |
      +----+-----------+-------+
      |  1 | cnn       |   0.5 |
      |  2 | mlp, wide |  NULL |
      +----+-----------+-------+

      ┌─────────┬─────────┬────────┐
      │   id    │  model  │ score  │
      │ integer │ varchar │ double │
      ├─────────┼─────────┼────────┤
      │       1 │ cnn     │    0.5 │
      └─────────┴─────────┴────────┘
      current output mode: duckbox
      """;

  private Path file(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  /** {@code actdb sql} with {@code stdin} piped in. */
  private static Cli.Result piped(String stdin, String... args) {
    InputStream original = System.in;
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    try {
      return Cli.run(args);
    } finally {
      System.setIn(original);
    }
  }

  @Test
  void everyModeFromAFilePipedAndRead() throws Exception {
    Path script = file("modes.sql", EVERY_MODE);

    Cli.Result fromFile = Cli.run("sql", "-f", script.toString());
    Cli.Result fromStdin = piped(EVERY_MODE, "sql");
    Cli.Result fromDashF = piped(EVERY_MODE, "sql", "-f", "-");
    Cli.Result fromRead = Cli.run("sql", "-c", ".read " + script);

    for (Cli.Result result : List.of(fromFile, fromStdin, fromDashF, fromRead)) {
      assertEquals(0, result.status(), result.err());
      assertEquals(EVERY_MODE_PRINTS, result.out());
      assertEquals("", result.err());
    }
  }

  @Test
  void everyModeTypedInTheShell() throws Exception {
    String screen = typed(EVERY_MODE + ".quit\nSELECT 'after quit' AS e;\n");

    // Lines with the prompt echo what was typed; the rest is what the shell printed. Typed, each
    // result is followed by an empty line (before the next prompt) rather than preceded by one.
    String printed =
        screen
            .lines()
            .skip(1) // the greeting
            .filter(line -> !line.startsWith(SqlShell.PROMPT))
            .map(line -> line + "\n")
            .reduce("", String::concat);
    assertEquals(EVERY_MODE_PRINTS.replace("┘\ncurrent", "┘\n\ncurrent"), printed);
    assertFalse(screen.contains("after quit"), screen);
  }

  @Test
  void maxRowsShowsTheFirstAndLastRowsAndCountsTheRest() {
    Cli.Result result =
        Cli.run(
            "sql",
            "-c",
            ".maxrows 4",
            "-c",
            "SELECT range AS i FROM range(10)",
            "-c",
            "SELECT range AS i, 'row ' || range AS label FROM range(7)");

    assertEquals(0, result.status(), result.err());
    assertEquals(
        """
        ┌───────────┐
        │     i     │
        │  bigint   │
        ├───────────┤
        │         0 │
        │         1 │
        │     ·     │
        │     ·     │
        │     ·     │
        │         8 │
        │         9 │
        ├───────────┤
        │ 10 rows   │
        │ (4 shown) │
        └───────────┘

        ┌────────┬─────────┐
        │   i    │  label  │
        │ bigint │ varchar │
        ├────────┼─────────┤
        │      0 │ row 0   │
        │      1 │ row 1   │
        │   ·    │    ·    │
        │   ·    │    ·    │
        │   ·    │    ·    │
        │      5 │ row 5   │
        │      6 │ row 6   │
        ├────────┴─────────┤
        │ 7 rows (4 shown) │
        └──────────────────┘
        """,
        result.out());
  }

  @Test
  void defaultLimitIsFortyRowsAndZeroShowsAll() {
    Cli.Result limited = Cli.run("sql", "-c", "SELECT range AS i FROM range(41)");
    Cli.Result all = Cli.run("sql", "-c", ".maxrows 0", "-c", "SELECT range AS i FROM range(41)");

    // the footer does not fit in one line as wide as the column: it takes two
    assertTrue(limited.out().contains("│ 41 rows    │\n│ (40 shown) │\n"), limited.out());
    assertEquals(40 + 3, countLines(limited.out(), "^│ +(\\d+|·) +│$"), limited.out());
    assertEquals(0, countLines(limited.out(), "^│ +20 │$"), "row 20 is the one left out");
    assertEquals(1, countLines(limited.out(), "^│ +19 │$"), limited.out());
    assertEquals(1, countLines(limited.out(), "^│ +21 │$"), limited.out());
    assertEquals(41, countLines(all.out(), "^│ +\\d+ +│$"), all.out());
    assertFalse(all.out().contains("shown"), all.out());
  }

  @Test
  void aHugeResultIsReadThroughKeepingOnlyTheRowsShown() throws Exception {
    try (Connection connection = new DatabaseOption().openStreaming();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT range AS i FROM range(3000000)")) {
      TextTable table = new BoxFormat("duckbox", TextTable.Style.DUCKBOX, 40).table(rows);

      assertEquals(3_000_000, table.rowCount());
      assertEquals(40, table.rowsKept());
      String text = table.render();
      assertEquals(1, countLines(text, "^│ +2999999 │$"), "the last row is shown");
      assertTrue(text.contains("│ 3000000 rows │\n│ (40 shown)   │\n"), text);
    }
  }

  @Test
  void outputWritesResultsToAFileUntilTurnedBack() throws Exception {
    Path csv = dir.resolve("runs.csv");
    Path json = dir.resolve("runs.json");
    String script =
        TABLES
            + ".output "
            + csv
            + "\n.mode csv\nSELECT * FROM runs ORDER BY id;\n"
            + ".output '"
            + json
            + "'\n.mode json\nSELECT * FROM runs ORDER BY id;\n"
            + ".output\n.mode csv\nSELECT 'back' AS here;\n";

    Cli.Result result = piped(script, "sql");

    assertEquals(0, result.status(), result.err());
    assertEquals("here\nback\n", result.out());
    List<List<String>> expected = runsAsText();
    // parsed back by libraries, compared with the values DuckDB gives over JDBC
    List<List<String>> fromCsv = new ArrayList<>();
    CsvMapper mapper = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);
    try (MappingIterator<List<String>> lines =
        mapper.readerForListOf(String.class).readValues(csv.toFile())) {
      lines.next(); // header
      while (lines.hasNext()) {
        fromCsv.add(lines.next());
      }
    }
    List<List<String>> csvExpected = new ArrayList<>();
    for (List<String> row : expected) {
      csvExpected.add(row.stream().map(v -> v == null ? "" : v).toList());
    }
    assertEquals(csvExpected, fromCsv);
    JsonNode array = new ObjectMapper().readTree(json.toFile());
    assertEquals(expected.size(), array.size());
    for (int r = 0; r < expected.size(); r++) {
      JsonNode row = array.get(r);
      assertEquals(Integer.parseInt(expected.get(r).get(0)), row.get("id").intValue());
      assertEquals(expected.get(r).get(1), row.get("model").textValue());
      String score = expected.get(r).get(2);
      if (score == null) {
        assertTrue(row.get("score").isNull());
      } else {
        assertEquals(Double.parseDouble(score), row.get("score").doubleValue());
      }
    }
  }

  /** The rows of {@link #TABLES}' runs as DuckDB's JDBC driver gives them. */
  private static List<List<String>> runsAsText() throws Exception {
    List<List<String>> rows = new ArrayList<>();
    try (Connection connection = new DatabaseOption().open();
        Statement statement = connection.createStatement()) {
      for (String sql : TABLES.split(";")) {
        if (!sql.isBlank()) {
          statement.execute(sql);
        }
      }
      try (ResultSet result = statement.executeQuery("SELECT * FROM runs ORDER BY id")) {
        while (result.next()) {
          rows.add(Arrays.asList(result.getString(1), result.getString(2), result.getString(3)));
        }
      }
    }
    return rows;
  }

  @Test
  void timerPrintsOneLinePerStatement() {
    Cli.Result result =
        piped(
            ".timer on\nSELECT 1 AS a;\nCREATE TABLE t (x INTEGER);\n.timer off\nSELECT 2;\n",
            "sql");

    assertEquals(0, result.status(), result.err());
    assertEquals(
        2, countLines(result.out(), "^Run Time \\(s\\): real \\d+\\.\\d{3}$"), result.out());
  }

  @Test
  void readNamesTheFileAndLineOfAFailureAndQuitEndsEverything() throws Exception {
    Path inner = file("inner.sql", "SELECT 1 AS a;\n\n.mode nosuch\n");
    Path outer = file("outer.sql", "SELECT 0 AS z;\n.read " + inner + "\nSELECT 2 AS b;\n");

    Cli.Result failed = Cli.run("sql", "--format", "csv", "-f", outer.toString());

    assertEquals(1, failed.status());
    assertEquals("z\n0\n\na\n1\n", failed.out(), "nothing after the failure runs");
    assertTrue(failed.err().startsWith(inner + ":3: unknown format 'nosuch'"), failed.err());

    Path quits = file("quits.sql", "SELECT 1 AS a;\n.quit\nSELECT 2 AS b;\n");
    Cli.Result quit =
        Cli.run("sql", "--format", "csv", "-c", ".read " + quits, "-c", "SELECT 3 AS c");
    assertEquals(0, quit.status(), quit.err());
    assertEquals("a\n1\n", quit.out());

    Cli.Result missing = Cli.run("sql", "-c", ".read " + dir.resolve("absent.sql"));
    assertEquals(1, missing.status());
    assertTrue(missing.err().contains("no such file: " + dir.resolve("absent.sql")), missing.err());
  }

  @Test
  void unknownDotCommandStopsAScriptNamingItAndHelp() throws Exception {
    Path script = file("bad.sql", "SELECT 1 AS a;\n.tabels\nSELECT 2 AS b;\n");

    Cli.Result result = Cli.run("sql", "--format", "csv", "-f", script.toString());

    assertEquals(1, result.status());
    assertEquals("a\n1\n", result.out());
    assertTrue(
        result.err().startsWith(script + ":2: unknown dot command '.tabels'; .help lists"),
        result.err());
  }

  @Test
  void aPeriodInsideAStatementIsSqlAndHelpListsTheCommands() {
    Cli.Result result =
        piped(
            "SELECT\n.5 AS half;\nSELECT '\n.quit\n' AS text;\n.help\n", "sql", "--format", "csv");

    assertEquals(0, result.status(), result.err());
    assertTrue(result.out().startsWith("half\n0.5\n\ntext\n\"\n.quit\n\"\n"), result.out());
    for (String command :
        List.of(".tables", ".schema", ".mode", ".timer", ".read", ".output", ".maxrows", ".quit")) {
      assertTrue(result.out().contains("\n" + command), command + " in\n" + result.out());
    }
  }

  @Test
  void badArgumentsSayTheUsage() {
    Cli.Result timer = Cli.run("sql", "-c", ".timer maybe");
    Cli.Result rows = Cli.run("sql", "-c", ".maxrows -3");

    assertEquals(1, timer.status());
    assertTrue(timer.err().contains("usage: .timer on|off"), timer.err());
    assertEquals(1, rows.status());
    assertTrue(rows.err().contains("usage: .maxrows N"), rows.err());
  }

  @Test
  void theShellReportsAFailedReadAndGoesOn() throws Exception {
    Path inner = file("inner.sql", "SELECT 1 AS a;\nSELECT * FROM nowhere;\n");

    String screen = typed(".mode csv\n.read " + inner + "\nSELECT 'still here' AS s;\n");

    assertTrue(screen.contains("a\n1\n"), screen);
    assertTrue(screen.contains(inner + ":2: Catalog Error: Table with name nowhere"), screen);
    assertTrue(screen.contains("s\nstill here\n"), screen);
  }

  private String typed(String keys) throws Exception {
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    try (Connection connection = new DatabaseOption().openStreaming();
        Terminal terminal =
            new DumbTerminal(
                "test",
                Terminal.TYPE_DUMB,
                new ByteArrayInputStream(keys.getBytes(StandardCharsets.UTF_8)),
                screen,
                StandardCharsets.UTF_8);
        SqlSession session =
            new SqlSession(connection, OutputFormat.named("duckbox"), terminal.writer(), true)) {
      new SqlShell(connection, terminal, session, null).run();
    }
    return screen.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
  }

  private static long countLines(String text, String regex) {
    Pattern pattern = Pattern.compile(regex);
    return text.lines().map(pattern::matcher).filter(Matcher::matches).count();
  }
}
