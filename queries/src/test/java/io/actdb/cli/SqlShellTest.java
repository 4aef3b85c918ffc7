package io.actdb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
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
      new SqlShell(connection, terminal, typed(connection, terminal), history).run();
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
  void ctrlCStopsARunningActdbAggregateAndTheShellGoesOn() throws Exception {
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    PipedOutputStream keyboard = new PipedOutputStream();
    DatabaseOption database = new DatabaseOption();
    try (Connection connection = database.open();
        Terminal terminal =
            new DumbTerminal(
                "test",
                Terminal.TYPE_DUMB,
                new PipedInputStream(keyboard),
                screen,
                StandardCharsets.UTF_8)) {
      Thread shell =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      new SqlShell(connection, terminal, typed(connection, terminal), null).run();
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  });
      type(
          keyboard,
          "SELECT setseed(0.5); CREATE TABLE pairs AS SELECT"
              + " list_transform(range(64), lambda k: random()::FLOAT)::FLOAT[64] AS x,"
              + " list_transform(range(64), lambda k: random()::FLOAT)::FLOAT[64] AS y"
              + " FROM range(40000);\n"
              // 96 s when left alone (busy 2-core machine); 10 000 rows (3 s) could end before the
              // cancel
              + "SELECT cka_rbf(x, y, 0.5) AS v FROM pairs;\n");
      Thread.sleep(2_000);
      long start = System.nanoTime();
      terminal.raise(Terminal.Signal.INT);
      type(keyboard, "SELECT 42 AS answer;\n.quit\n");
      shell.join(Duration.ofSeconds(60));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertFalse(shell.isAlive(), "the shell still runs 60 s after Ctrl-C");
      String text = screen.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
      assertTrue(millis < 2_000, "the shell took " + millis + " ms to end after Ctrl-C:\n" + text);
      assertTrue(text.contains("Interrupted") || text.contains("query cancelled"), text);
      assertFalse(text.contains("\nv\n"), text);
      assertTrue(text.contains("answer\n42\n"), text);
    }
  }

  private static SqlSession typed(Connection connection, Terminal terminal) {
    return new SqlSession(connection, new CsvFormat(), terminal.writer(), true);
  }

  private static void type(PipedOutputStream keyboard, String text) throws Exception {
    keyboard.write(text.getBytes(StandardCharsets.UTF_8));
    keyboard.flush();
  }

  @Test
  void unknownDotCommandIsReported() throws Exception {
    String screen = session(".nosuch\n.quit\n", null);

    assertEquals(1, screen.split("unknown dot command '\\.nosuch'", -1).length - 1, screen);
    assertTrue(screen.contains(".help lists the dot commands"), screen);
  }
}
