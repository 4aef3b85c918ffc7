package io.actdb.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.jline.reader.EOFError;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;

/**
 * The interactive SQL shell: JLine line editing and history, statements that span lines until a
 * {@code ;}, and DuckDB's dot commands ({@link SqlSession}). A failing statement prints its error
 * and the shell goes on; Ctrl-C cancels the running statement (or clears the line being typed);
 * {@code .quit}, {@code .exit} or Ctrl-D leave.
 */
final class SqlShell {
  static final String PROMPT = "actdb> ";
  static final String CONTINUATION_PROMPT = "  ...> ";

  private final Connection connection;
  private final Terminal terminal;
  private final Path historyFile;
  private final PrintWriter out;
  private final SqlSession session;

  /**
   * @param historyFile where the statement history is kept across sessions; null keeps it in memory
   *     only
   */
  SqlShell(Connection connection, Terminal terminal, SqlSession session, Path historyFile) {
    this.connection = connection;
    this.terminal = terminal;
    this.historyFile = historyFile;
    this.out = terminal.writer();
    this.session = session;
  }

  /** Reads and runs statements until the user leaves. */
  void run() throws SQLException {
    if (terminal.getWidth() <= 0) {
      // A terminal that reports no size (some pseudo-terminals) breaks JLine's line redrawing.
      terminal.setSize(new Size(80, 24));
    }
    LineReaderBuilder builder =
        LineReaderBuilder.builder()
            .appName("actdb")
            .terminal(terminal)
            .parser(new StatementParser())
            .completer(new SqlCompletion(connection))
            .variable(LineReader.SECONDARY_PROMPT_PATTERN, CONTINUATION_PROMPT)
            .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true) // '!' is just a character
            .option(LineReader.Option.INSERT_TAB, true);
    if (historyFile != null) {
      builder.variable(LineReader.HISTORY_FILE, historyFile);
    }
    LineReader reader = builder.build();
    out.println(
        "actdb SQL shell on DuckDB "
            + connection.getMetaData().getDatabaseProductVersion()
            + ". End statements with ';'. .help for help, .quit or Ctrl-D to leave.");
    out.flush();
    while (true) {
      String input;
      try {
        input = reader.readLine(PROMPT);
      } catch (UserInterruptException e) {
        continue; // Ctrl-C while typing: drop the line
      } catch (EndOfFileException e) {
        break;
      }
      if (!run(input)) {
        break;
      }
      out.flush();
    }
    try {
      reader.getHistory().save();
    } catch (IOException e) {
      out.println("actdb: could not save the history to " + historyFile + ": " + e.getMessage());
    }
    out.flush();
  }

  /** Runs what the user typed; returns false when the shell should end. */
  private boolean run(String input) {
    Terminal.SignalHandler previous =
        terminal.handle(Terminal.Signal.INT, signal -> session.runner().cancel());
    try {
      return session.run(input, null);
    } catch (SqlSession.Failure e) {
      // what the user typed after a failed statement likely depends on it: it does not run
      out.println(e.getMessage());
      out.println();
      return true;
    } finally {
      terminal.handle(Terminal.Signal.INT, previous);
    }
  }

  /** A line that starts with a period, as DuckDB's CLI has it: no space before the period. */
  private static boolean isDotCommand(String line) {
    return line.startsWith(".");
  }

  /**
   * Accepts a line only when it ends a statement (or is a dot command or blank); otherwise JLine
   * keeps reading lines into the same buffer, with the continuation prompt.
   */
  private static final class StatementParser extends DefaultParser {
    StatementParser() {
      // SQL has no backslash escapes outside E'...' strings.
      escapeChars(new char[0]);
    }

    @Override
    public ParsedLine parse(String line, int cursor, ParseContext context) {
      if (context == ParseContext.ACCEPT_LINE
          && !isDotCommand(line)
          && !SqlScript.isComplete(line)) {
        throw new EOFError(-1, cursor, "statement not finished: end it with ;");
      }
      return super.parse(line, cursor, context);
    }
  }
}
