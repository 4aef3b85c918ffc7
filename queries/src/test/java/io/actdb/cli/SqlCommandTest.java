package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.cli.table.TextTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code actdb sql} run in-process: scripts, formats, errors and exit codes. */
class SqlCommandTest {
  private static final String SCRIPT =
      """
      -- a table with awkward values; the semicolon in 'a;b' does not end a statement
      CREATE TABLE t (id INTEGER, name VARCHAR, score DOUBLE, vec FLOAT[]);
      INSERT INTO t VALUES
        (1, 'plain', 0.5, [1.0, 2.0]),
        (2, 'a;b, "quoted"', -2.25, []),
        (3, NULL, NULL, NULL),
        (4, '', 10, [3.5]);
      /* only the SELECT prints */
      SELECT id, name, score, vec FROM t ORDER BY id;
      """;

  @TempDir Path dir;

  private Path script(String text) throws IOException {
    Path file = dir.resolve("script.sql");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void scriptAsCsv() throws IOException {
    Cli.Result result = Cli.run("sql", "--format", "csv", "-f", script(SCRIPT).toString());

    assertEquals(0, result.status(), result.err());
    assertEquals(
        """
        id,name,score,vec
        1,plain,0.5,"[1.0, 2.0]"
        2,"a;b, \"\"quoted\"\"",-2.25,[]
        3,,,
        4,"",10.0,[3.5]
        """,
        result.out());
    assertEquals("", result.err());
  }

  @Test
  void scriptAsJson() throws IOException {
    Cli.Result result = Cli.run("sql", "--format", "json", "-f", script(SCRIPT).toString());

    assertEquals(0, result.status(), result.err());
    assertEquals(
        """
        [
        {"id":1,"name":"plain","score":0.5,"vec":[1.0,2.0]},
        {"id":2,"name":"a;b, \\"quoted\\"","score":-2.25,"vec":[]},
        {"id":3,"name":null,"score":null,"vec":null},
        {"id":4,"name":"","score":10.0,"vec":[3.5]}
        ]
        """,
        result.out());
  }

  @Test
  void scriptAsTable() throws IOException {
    Cli.Result result = Cli.run("sql", "--format", "aligned", "-f", script(SCRIPT).toString());

    assertEquals(0, result.status(), result.err());
    assertEquals(
        """
         id | name          | score | vec
        ----+---------------+-------+------------
          1 | plain         |   0.5 | [1.0, 2.0]
          2 | a;b, "quoted" | -2.25 | []
          3 | NULL          |  NULL | NULL
          4 |               |  10.0 | [3.5]
        (4 rows)
        """,
        result.out());
  }

  @Test
  void jsonKeepsTypes() {
    Cli.Result result =
        Cli.run(
            "sql",
            "--format",
            "json",
            "-c",
            """
            SELECT 42::BIGINT AS big, 1.25::DECIMAL(5, 2) AS dec, true AS yes,
                   'nan'::DOUBLE AS nan, [[1, 2], [3]] AS nested, [0.5, 1.5]::FLOAT[2] AS arr,
                   {'a': 1, 'b': ['x', NULL]} AS struct, MAP {'k': 7} AS map,
                   DATE '2024-02-29' AS day,
                   170141183460469231731687303715884105727::HUGEINT AS huge
            """);

    assertEquals(0, result.status(), result.err());
    assertEquals(
        "[\n"
            + "{\"big\":42,\"dec\":1.25,\"yes\":true,\"nan\":\"NaN\",\"nested\":[[1,2],[3]],"
            + "\"arr\":[0.5,1.5],\"struct\":{\"a\":1,\"b\":[\"x\",null]},\"map\":{\"k\":7},"
            + "\"day\":\"2024-02-29\",\"huge\":170141183460469231731687303715884105727}\n"
            + "]\n",
        result.out());
  }

  @Test
  void emptyResults() {
    assertEquals(
        "[]\n", Cli.run("sql", "--format", "json", "-c", "SELECT 1 AS a WHERE false").out());
    assertEquals("a\n", Cli.run("sql", "--format", "csv", "-c", "SELECT 1 AS a WHERE false").out());
    assertEquals(
        " a\n---\n(0 rows)\n",
        Cli.run("sql", "--format", "aligned", "-c", "SELECT 1 AS a WHERE false").out());
  }

  @Test
  void csvQuotesLineBreaksAndKeepsEmptyApartFromNull() {
    Cli.Result result =
        Cli.run(
            "sql",
            "--format",
            "csv",
            "-c",
            "SELECT 'two' || chr(10) || 'lines' AS \"a,b\", '' AS e, NULL AS n");

    assertEquals("\"a,b\",e,n\n\"two\nlines\",\"\",\n", result.out());
  }

  @Test
  void tableSplitsMultiLineCellsAndCutsLongOnes() {
    Cli.Result result =
        Cli.run(
            "sql",
            "--format",
            "aligned",
            "-c",
            "SELECT 'one' || chr(10) || 'two' AS text, repeat('x', 100) AS long, 7 AS n");

    String cut = "x".repeat(TextTable.MAX_CELL_WIDTH - 3) + "...";
    assertEquals(
        " text | long"
            + " ".repeat(cut.length() - 4)
            + " | n\n"
            + "------+-"
            + "-".repeat(cut.length())
            + "-+---\n"
            + " one  | "
            + cut
            + " | 7\n"
            + " two  | "
            + " ".repeat(cut.length())
            + " |\n"
            + "(1 row)\n",
        result.out());
  }

  @Test
  void severalStatementsWithMinusC() {
    Cli.Result result =
        Cli.run(
            "sql",
            "--format",
            "csv",
            "-c",
            "CREATE TABLE t AS SELECT * FROM range(3) r(i); SELECT sum(i) AS total FROM t;"
                + " INSERT INTO t VALUES (10); SELECT count(*) AS n, max(i) AS top FROM t");

    assertEquals(0, result.status(), result.err());
    assertEquals("total\n3\n\nn,top\n4,10\n", result.out());
  }

  @Test
  void sqlErrorExitsWithOneAndPrintsDuckDbsMessage() {
    Cli.Result result =
        Cli.run(
            "sql",
            "--format",
            "csv",
            "-c",
            "SELECT 1 AS a; SELECT * FROM no_such_table; SELECT 2 AS b");

    assertEquals(1, result.status());
    assertEquals("a\n1\n", result.out(), "statements after the failing one do not run");
    assertTrue(
        result
            .err()
            .startsWith(
                "statement 2: Catalog Error: Table with name no_such_table does not exist!"),
        result.err());
  }

  @Test
  void errorInAFileNamesFileAndLine() throws IOException {
    Path file = script("SELECT 1;\n\n-- next one fails\nSELECT 1 +;\n");

    Cli.Result result = Cli.run("sql", "-f", file.toString());

    assertEquals(1, result.status());
    assertTrue(result.err().startsWith(file + ":4: Parser Error: syntax error"), result.err());
  }

  @Test
  void missingScriptFileFails() {
    Cli.Result result = Cli.run("sql", "-f", dir.resolve("absent.sql").toString());

    assertEquals(1, result.status());
    assertTrue(result.err().contains("no such file"), result.err());
  }

  @Test
  void usageErrorsExitWithTwo() {
    Cli.Result unknownOption = Cli.run("sql", "--no-such-option");
    assertEquals(2, unknownOption.status());
    assertTrue(
        unknownOption.err().contains("Unknown option: '--no-such-option'"), unknownOption.err());
    // the message and where the help is, not the whole help
    assertTrue(unknownOption.err().contains("See 'actdb sql --help'."), unknownOption.err());
    assertFalse(unknownOption.err().contains("Usage:"), unknownOption.err());
    assertTrue(unknownOption.err().lines().count() <= 3, unknownOption.err());

    Cli.Result badFormat = Cli.run("sql", "--format", "xml", "-c", "SELECT 1");
    assertEquals(2, badFormat.status());
    assertTrue(badFormat.err().contains("unknown format 'xml'"), badFormat.err());

    assertEquals(2, Cli.run("sql", "--set", "1x=2", "-c", "SELECT 1").status());
    assertEquals(2, Cli.run("sql", "--set", "novalue", "-c", "SELECT 1").status());
    assertEquals(2, Cli.run("no-such-command").status());
    assertEquals(2, Cli.run().status());
  }

  @Test
  void commandsAndFilesRunInTheOrderGivenAfterEverySet(@TempDir Path tmp) throws Exception {
    Path script = Files.writeString(tmp.resolve("s.sql"), "INSERT INTO t VALUES ('file');\n");
    Cli.Result r =
        Cli.run(
            "sql",
            "--format",
            "csv",
            "--set",
            "model=cnn-s1",
            "-c",
            "CREATE TABLE t (v VARCHAR); INSERT INTO t VALUES (getvariable('model'))",
            "-f",
            script.toString(),
            "-c",
            "INSERT INTO t VALUES ('last'); SELECT string_agg(v, '|' ORDER BY rowid) AS v FROM t",
            "--set",
            "n=3");
    assertEquals(0, r.status(), r.err());
    assertEquals("v\ncnn-s1|file|last\n", r.out());
  }

  @Test
  void setTakesSqlValuesAndQuotesEverythingElse() {
    Cli.Result r =
        Cli.run(
            "sql",
            "--format",
            "csv",
            "--set",
            "n=3",
            "--set",
            "x=-1.5e1",
            "--set",
            "layers=['conv3', 'fc1']",
            "--set",
            "quoted='a b'",
            "--set",
            "text=it's 2",
            "--set",
            "flag=TRUE",
            "-c",
            "SELECT getvariable('n') + 1 AS n, getvariable('x') AS x,"
                + " len(getvariable('layers')) AS layers, getvariable('quoted') AS quoted,"
                + " getvariable('text') AS text, NOT getvariable('flag') AS flag");
    assertEquals(0, r.status(), r.err());
    assertEquals("n,x,layers,quoted,text,flag\n4,-15.0,2,a b,it's 2,false\n", r.out());
    assertEquals("SET VARIABLE m = 'cnn-s1'", SqlCommand.setVariable("m", "cnn-s1"));
    assertEquals("SET VARIABLE m = 12", SqlCommand.setVariable("m", "12"));
  }

  @Test
  void helpExitsWithZero() {
    Cli.Result result = Cli.run("sql", "--help");

    assertEquals(0, result.status());
    assertTrue(result.out().contains("--format=<format>"), result.out());
  }

  @Test
  void dbFileKeepsTablesAcrossRuns() {
    String db = dir.resolve("store.duckdb").toString();

    Cli.Result first =
        Cli.run("sql", "--db", db, "-c", "CREATE TABLE kept AS SELECT 'still here' AS s");
    Cli.Result second = Cli.run("sql", "--db", db, "--format", "csv", "-c", "SELECT s FROM kept");
    Cli.Result inMemory = Cli.run("sql", "-c", "SELECT s FROM kept");

    assertEquals(0, first.status(), first.err());
    assertEquals("s\nstill here\n", second.out());
    assertEquals(1, inMemory.status(), "without --db nothing persists");
    assertFalse(inMemory.err().isEmpty());
  }
}
