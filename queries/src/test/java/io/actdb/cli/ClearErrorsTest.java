package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CLI inputs that used to fail with a Java exception or a misleading place: each is a one-line
 * error that says what is wrong and what to do, and writes nothing.
 */
class ClearErrorsTest {
  @TempDir Path dir;

  private static void assertClear(Cli.Result result) {
    assertEquals(1, result.status(), result.err());
    assertFalse(result.err().contains("internal error"), result.err());
    assertFalse(result.err().contains("Exception"), result.err());
    assertFalse(result.err().contains("\tat "), result.err());
  }

  @Test
  void importRefusesEmptyLongAndControlCharacterNamesBeforeCreatingTheStore() {
    Path store = dir.resolve("store");
    String[][] cases = {
      {"", "layer", "the model name is empty"},
      {"m".repeat(201), "layer", "has 201 characters"},
      {"model", "a\tb", "the layer name \"a\\tb\" holds a tab"},
    };
    for (String[] c : cases) {
      Cli.Result result =
          Cli.run(
              "import",
              "--store",
              store.toString(),
              "--model",
              c[0],
              "--layer",
              c[1],
              dir.resolve("missing.parquet").toString());
      assertClear(result);
      assertTrue(result.err().contains(c[2]), result.err());
      assertTrue(result.err().contains("must be 1 to 200 printable characters"), result.err());
      assertFalse(Files.exists(store), "a refused import created " + store);
    }
  }

  @Test
  void extractRefusesABadNameBeforeLoadingAnything() {
    Path store = dir.resolve("store");
    Cli.Result result =
        Cli.run(
            "extract",
            "--model",
            "no-such-model.pt",
            "--data",
            dir.resolve("no-data").toString(),
            "--store",
            store.toString(),
            "--name",
            "x".repeat(201));
    assertClear(result);
    assertTrue(
        result.err().contains("the model name \"xxxxxxxxxxxxxxxxxxxx...\" has 201 characters"),
        result.err());
    assertFalse(Files.exists(store));
  }

  @Test
  void aScriptThatIsNotUtf8IsRefusedWithItsLine() throws Exception {
    Path script = dir.resolve("latin1.sql");
    Files.write(
        script, "SELECT 1;\n-- caf\u00e9\nSELECT 2;\n".getBytes(StandardCharsets.ISO_8859_1));
    Cli.Result result = Cli.run("sql", "-f", script.toString());
    assertClear(result);
    assertTrue(
        result
            .err()
            .startsWith(
                "actdb: "
                    + script
                    + ":2: the script is not UTF-8 text (byte 0xe9 at offset 16);"
                    + " save it as UTF-8"),
        result.err());
    assertEquals("", result.out(), "no statement runs from a script that cannot be read");
  }

  @Test
  void anErrorInAMultiLineStatementNamesTheLineOfTheFile() throws Exception {
    Path script = dir.resolve("long.sql");
    // The failing statement starts on line 9; its bad column is on line 10 (DuckDB's LINE 2).
    Files.writeString(script, "SELECT 1;\n".repeat(8) + "SELECT 1,\n  no_such_col;\n");
    Cli.Result result = Cli.run("sql", "-f", script.toString());
    assertEquals(1, result.status());
    String err = result.err();
    assertTrue(err.startsWith(script + ":10: "), err);
    String[] lines = err.split("\n");
    int at = -1;
    for (int i = 0; i < lines.length; i++) if (lines[i].startsWith("LINE ")) at = i;
    assertTrue(at >= 0 && at + 1 < lines.length, err);
    assertTrue(lines[at].startsWith("LINE 10:   no_such_col"), err);
    // The caret still points at the column DuckDB meant.
    assertEquals(lines[at].indexOf("no_such_col"), lines[at + 1].indexOf('^'), err);
  }
}
