package io.actdb.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
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
 * {@code ;}, and a few dot commands. A failing statement prints its error and the shell goes on;
 * Ctrl-C cancels the running statement (or clears the line being typed); {@code .quit}, {@code
 * .exit} or Ctrl-D leave.
 */
final class SqlShell {
  static final String PROMPT = "actdb> ";
  static final String CONTINUATION_PROMPT = "  ...> ";

  private static final String HELP =
      """
      Statements end with ';' and may span several lines.
      .format table|csv|json   how results are printed (now: %s)
      .help                    this text
      .quit, .exit, Ctrl-D     leave the shell
      Ctrl-C cancels a running statement. Functions: cka(x, y), cka_debiased(x, y),
      cka_rbf(x, y, sigma_frac), and all of DuckDB's.\
      """;

  private final Connection connection;
  private final Terminal terminal;
  private final Path historyFile;
  private final PrintWriter out;
  private final StatementRunner runner;
  private OutputFormat format;

  /**
   * @param historyFile where the statement history is kept across sessions; null keeps it in memory
   *     only
   */
  SqlShell(Connection connection, Terminal terminal, OutputFormat format, Path historyFile) {
    this.connection = connection;
    this.terminal = terminal;
    this.historyFile = historyFile;
    this.out = terminal.writer();
    this.format = format;
    this.runner = new StatementRunner(connection, format, out, false);
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
      String trimmed = input.strip();
      if (isDotCommand(trimmed)) {
        if (!dotCommand(trimmed)) {
          break;
        }
      } else {
        runStatements(input);
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

  private void runStatements(String input) {
    Terminal.SignalHandler previous =
        terminal.handle(Terminal.Signal.INT, signal -> runner.cancel());
    try {
      for (SqlScript.Statement statement : SqlScript.split(input)) {
        try {
          if (runner.run(statement.sql())) {
            out.println();
          }
        } catch (SQLException | IOException e) {
          out.println(e.getMessage());
          out.println();
          return; // what the user typed after a failed statement likely depends on it
        }
      }
    } finally {
      terminal.handle(Terminal.Signal.INT, previous);
    }
  }

  /** Runs a dot command; returns false when the shell should end. */
  private boolean dotCommand(String command) {
    String[] words = command.split("\\s+");
    switch (words[0].toLowerCase(Locale.ROOT)) {
      case ".quit", ".exit" -> {
        return false;
      }
      case ".help" -> out.println(HELP.formatted(format.name()));
      case ".format" -> {
        if (words.length != 2) {
          out.println("format: " + format.name() + " (usage: .format table|csv|json)");
        } else {
          try {
            format = OutputFormat.named(words[1]);
            runner.setFormat(format);
          } catch (IllegalArgumentException e) {
            out.println(e.getMessage());
          }
        }
      }
      default -> out.println("unknown command " + words[0] + " (.help lists the commands)");
    }
    return true;
  }

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
          && !isDotCommand(line.strip())
          && !SqlScript.isComplete(line)) {
        throw new EOFError(-1, cursor, "statement not finished: end it with ;");
      }
      return super.parse(line, cursor, context);
    }
  }
}
