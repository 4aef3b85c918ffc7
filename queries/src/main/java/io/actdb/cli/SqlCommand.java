package io.actdb.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code actdb sql}: SQL on DuckDB with the actdb functions, in a shell or from a script. */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Runs SQL on DuckDB with the actdb functions (cka, cka_debiased, cka_rbf, ...).",
      "Without -c or -f: an interactive shell in a terminal, else the script on stdin.",
      "A failing statement stops a script with exit status 1.",
    })
final class SqlCommand extends ActdbCommand {
  /** Where a script comes from: -c or -f, not both. */
  static final class Source {
    @Option(
        names = {"-c", "--command"},
        paramLabel = "<sql>",
        description = "Run these statements (separated by ';') and exit.")
    String command;

    @Option(
        names = {"-f", "--file"},
        paramLabel = "<file>",
        description = "Run the statements in this file ('-' for stdin) and exit.")
    Path file;
  }

  @ArgGroup(exclusive = true)
  Source source;

  @Option(
      names = "--format",
      paramLabel = "<format>",
      defaultValue = "table",
      converter = OutputFormat.Converter.class,
      completionCandidates = OutputFormat.Names.class,
      description =
          "How results are printed: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  OutputFormat format;

  @Mixin DatabaseOption database;

  @Override
  protected void execute() throws Exception {
    String command = source == null ? null : source.command;
    Path file = source == null ? null : source.file;
    String script = null;
    String origin = null;
    if (command != null) {
      script = command;
      origin = "-c";
    } else if (file != null && !file.toString().equals("-")) {
      script = read(file);
      origin = file.toString();
    } else if (file != null || !inTerminal()) {
      script = utf8(System.in.readAllBytes(), "stdin");
      origin = "stdin";
    }
    try (Connection connection = database.open()) {
      if (script != null) {
        StatementRunner runner = new StatementRunner(connection, format, out(), true);
        // Ctrl-C ends the JVM; first stop the running statement the way the shell's Ctrl-C does,
        // so that its actdb functions and a --db file's transaction end cleanly.
        Thread cancelOnExit = new Thread(runner::cancel, "actdb-cancel-on-exit");
        Runtime.getRuntime().addShutdownHook(cancelOnExit);
        try {
          runScript(runner, script, origin);
        } finally {
          removeHook(cancelOnExit);
        }
      } else {
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
          new SqlShell(connection, terminal, format, historyFile()).run();
        }
      }
    }
  }

  /**
   * Runs the statements of a script in order and stops at the first that fails; its error names the
   * place in the script when there is more than one statement.
   */
  private static void runScript(StatementRunner runner, String script, String origin)
      throws CommandFailure, IOException {
    List<SqlScript.Statement> statements = SqlScript.split(script);
    for (int i = 0; i < statements.size(); i++) {
      SqlScript.Statement statement = statements.get(i);
      try {
        runner.run(statement.sql());
      } catch (SQLException e) {
        if (origin.equals("-c")) {
          String where = statements.size() > 1 ? "statement " + (i + 1) + ": " : "";
          throw new CommandFailure(where + e.getMessage(), e);
        }
        throw new CommandFailure(inScript(origin, statement, e.getMessage()), e);
      }
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down already: the hook runs or ran
    }
  }

  /** DuckDB's pointer into the statement: "LINE n:" at the start of a line of its message. */
  private static final Pattern DUCKDB_LINE = Pattern.compile("(?m)^LINE (\\d+):");

  /**
   * {@code message} of a failed script statement, prefixed with {@code origin:LINE:} where LINE is
   * the line of the script that DuckDB points at (its "LINE n:" counts from the statement's first
   * line), and with DuckDB's own "LINE n:" made absolute too, its caret line kept aligned.
   */
  static String inScript(String origin, SqlScript.Statement statement, String message) {
    Matcher m = DUCKDB_LINE.matcher(message);
    if (!m.find()) return origin + ":" + statement.line() + ": " + message;
    int relative = Integer.parseInt(m.group(1));
    int absolute = statement.line() + relative - 1;
    String label = "LINE " + absolute + ":";
    int shift = label.length() - m.group().length();
    StringBuilder out = new StringBuilder(message.substring(0, m.start())).append(label);
    int lineEnd = message.indexOf('\n', m.end());
    if (lineEnd < 0) {
      out.append(message, m.end(), message.length());
    } else {
      out.append(message, m.end(), lineEnd + 1);
      // The caret line under the statement's text moves right by as much as the label grew.
      String rest = message.substring(lineEnd + 1);
      out.append(shift > 0 && rest.startsWith(" ") ? " ".repeat(shift) + rest : rest);
    }
    return origin + ":" + absolute + ": " + out;
  }

  /**
   * The text of a script file; a missing, unreadable or non-UTF-8 file is a {@link CommandFailure}.
   */
  static String read(Path file) throws CommandFailure {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new CommandFailure("actdb: no such file: " + file, e);
    } catch (IOException e) {
      throw new CommandFailure("actdb: cannot read " + file + ": " + e.getMessage(), e);
    }
    return utf8(bytes, file.toString());
  }

  /**
   * {@code bytes} decoded as UTF-8; anything else is refused with the line and byte where it stops
   * being UTF-8, rather than read as replacement characters that would change the SQL.
   */
  static String utf8(byte[] bytes, String origin) throws CommandFailure {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer text = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, text, true);
    if (result.isError()) {
      int offset = in.position();
      int line = 1;
      for (int i = 0; i < offset; i++) if (bytes[i] == '\n') line++;
      throw new CommandFailure(
          String.format(
              "actdb: %s:%d: the script is not UTF-8 text (byte 0x%02x at offset %d); save it as"
                  + " UTF-8, e.g. iconv -f LATIN1 -t UTF-8",
              origin, line, bytes[offset] & 0xff, offset));
    }
    decoder.flush(text);
    return text.flip().toString();
  }

  /** {@code ~/.actdb_history}; $HOME wins over the account's home directory, as in shells. */
  private static Path historyFile() {
    String home = System.getenv("HOME");
    if (home == null || home.isBlank()) {
      home = System.getProperty("user.home");
    }
    return Path.of(home, ".actdb_history");
  }

  /** True when both stdin and stdout are a terminal, i.e. a person is typing. */
  private static boolean inTerminal() {
    Console console = System.console();
    return console != null && console.isTerminal();
  }
}
