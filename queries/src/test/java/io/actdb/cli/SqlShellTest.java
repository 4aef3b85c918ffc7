package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The interactive shell, fed by a dumb terminal instead of a keyboard. */
class SqlShellTest {
  @TempDir Path dir;

  private String session(String typed, Path history) throws Exception {
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Terminal terminal =
            new DumbTerminal(
                "test",
                Terminal.TYPE_DUMB,
                new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)),
                screen,
                StandardCharsets.UTF_8)) {
      new SqlShell(connection, terminal, new CsvFormat(), history).run();
    }
    return screen.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
  }

  @Test
  void runsMultiLineStatementsAndSurvivesErrors() throws Exception {
    String screen =
        session(
            """
            SELECT 1 AS a,
              2 AS b;
            SELECT * FROM no_such_table;
            .format json
            SELECT 'still alive' AS c; SELECT 4 AS d;
            .quit
            SELECT 'after quit' AS e;
            """,
            null);

    assertTrue(screen.contains("a,b\n1,2\n"), screen);
    assertTrue(
        screen.contains("Catalog Error: Table with name no_such_table does not exist!"), screen);
    assertTrue(screen.contains("[\n{\"c\":\"still alive\"}\n]\n"), screen);
    assertTrue(screen.contains("[\n{\"d\":4}\n]\n"), screen);
    assertFalse(screen.contains("after quit"), screen);
  }

  @Test
  void endOfInputLeavesAndHistoryIsSaved() throws Exception {
    Path history = dir.resolve("history");

    String screen = session("SELECT 42 AS answer;\n", history);

    assertTrue(screen.contains("answer\n42\n"), screen);
    String saved = Files.readString(history);
    assertTrue(saved.contains("SELECT 42 AS answer;"), saved);
  }

  @Test
  void unknownDotCommandIsReported() throws Exception {
    String screen = session(".tables\n.quit\n", null);

    assertEquals(1, screen.split("unknown command \\.tables", -1).length - 1, screen);
  }
}
