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
import java.util.ArrayList;
import java.util.List;
import java.util.Stack;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code actdb sql}: SQL on DuckDB with the actdb functions, in a shell or from a script. */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Runs SQL on DuckDB with the actdb functions (cka, cka_debiased, cka_rbf, ...).",
      "Without -c or -f: an interactive shell in a terminal, else the script on stdin. -c and -f"
          + " may be repeated and mixed; they run in the order given, after every --set.",
      "A failing statement stops a script with exit status 1.",
      "DuckDB's dot commands work typed and in scripts alike: .tables, .schema, .mode csv,"
          + " .maxrows 100, .timer on, .output out.csv, .read more.sql, .help.",
    },
    footer = {
      "",
      "Examples:",
      "  ./actdb sql --store acts -c \"SELECT model, layer, dim, rows FROM layers\"",
      "  ./actdb sql --store acts --set model=cnn-s2 -f queries/sql/class_groups.sql",
    })
final class SqlCommand extends ActdbCommand {
  /** One -c or -f of the command line; they run in the order given. */
  record ScriptPart(String command, Path file) {}

  private final List<ScriptPart> parts = new ArrayList<>();

  /**
   * Records each -c and -f where it stands among the others: picocli keeps the values of each
   * option in order, but not the order between two options.
   */
  static final class InOrder implements IParameterConsumer {
    @Override
    public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
      if (args.isEmpty()) {
        throw new ParameterException(
            commandSpec.commandLine(), "Missing required parameter for option " + argSpec);
      }
      String value = args.pop();
      boolean isFile = ((OptionSpec) argSpec).longestName().equals("--file");
      ((SqlCommand) commandSpec.userObject())
          .parts.add(isFile ? new ScriptPart(null, Path.of(value)) : new ScriptPart(value, null));
    }
  }

  @Option(
      names = {"-c", "--command"},
      paramLabel = "<sql>",
      parameterConsumer = InOrder.class,
      description = "Run these statements (separated by ';') and exit; repeatable, with -f too.")
  List<String> commands;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "<file>",
      parameterConsumer = InOrder.class,
      description = "Run the statements in this file ('-' for stdin) and exit; repeatable.")
  List<Path> files;

  @Option(
      names = "--set",
      paramLabel = "<name=value>",
      description =
          "SET VARIABLE name = value before anything runs; repeatable. The value is SQL when it"
              + " is a number, a quoted string, a [list], TRUE, FALSE or NULL, otherwise text:"
              + " --set model=cnn-s1 --set \"layers=['conv3', 'fc1']\".")
  List<String> sets = new ArrayList<>();

  /** The --set statements, refused (exit 2) when one is not name=value. */
  private List<String> setStatements() {
    List<String> statements = new ArrayList<>();
    for (String assignment : sets) {
      int eq = assignment.indexOf('=');
      String name = eq < 0 ? "" : assignment.substring(0, eq).trim();
      if (!SQL_NAME.matcher(name).matches()) {
        throw new ParameterException(
            spec.commandLine(),
            "--set "
                + assignment
                + ": expected name=value, the name a letter or _ then letters, digits or _");
      }
      statements.add(setVariable(name, assignment.substring(eq + 1).trim()));
    }
    return statements;
  }

  private static final Pattern SQL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** Values written as SQL: numbers, quoted strings, lists, booleans, NULL. */
  private static final Pattern SQL_VALUE =
      Pattern.compile(
          "(?is)[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?|'.*'|\\[.*]|true|false|null");

  /** The statement {@code --set name=value} stands for. */
  static String setVariable(String name, String value) {
    String sql = SQL_VALUE.matcher(value).matches() ? value : "'" + value.replace("'", "''") + "'";
    return "SET VARIABLE " + name + " = " + sql;
  }

  @Option(
      names = "--format",
      paramLabel = "<format>",
      defaultValue = "duckbox",
      converter = OutputFormat.Converter.class,
      completionCandidates = OutputFormat.Names.class,
      description =
          "How results are printed: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  OutputFormat format;

  @Mixin DatabaseOption database;

  @Override
  protected void execute() throws Exception {
    List<String> sets = setStatements(); // usage errors before the database opens
    List<ScriptPart> scripts = new ArrayList<>(parts);
    if (scripts.isEmpty() && !inTerminal()) scripts.add(new ScriptPart(null, Path.of("-")));
    try (Connection connection = database.openStreaming();
        SqlSession session = new SqlSession(connection, format, out(), false)) {
      StatementRunner runner = session.runner();
      for (String set : sets) {
        try {
          runner.run(set);
        } catch (SQLException e) {
          throw new CommandFailure("actdb: " + set + ": " + e.getMessage(), e);
        }
      }
      if (scripts.isEmpty()) {
        try (Terminal terminal = TerminalBuilder.builder().system(true).build();
            SqlSession typed =
                new SqlSession(connection, format, terminal.writer(), /* typed= */ true)) {
          new SqlShell(connection, terminal, typed, historyFile()).run();
        }
        return;
      }
      // Ctrl-C ends the JVM; first stop the running statement the way the shell's Ctrl-C does,
      // so that its actdb functions and a --db file's transaction end cleanly.
      Thread cancelOnExit = new Thread(runner::cancel, "actdb-cancel-on-exit");
      Runtime.getRuntime().addShutdownHook(cancelOnExit);
      try {
        for (ScriptPart part : scripts) {
          boolean goOn;
          if (part.command() != null) {
            goOn = runScript(session, part.command(), "-c");
          } else if (part.file().toString().equals("-")) {
            goOn = runScript(session, utf8(System.in.readAllBytes(), "stdin"), "stdin");
          } else {
            goOn = runScript(session, read(part.file()), part.file().toString());
          }
          if (!goOn) {
            break;
          }
        }
      } finally {
        removeHook(cancelOnExit);
      }
    }
  }

  /**
   * Runs the statements and dot commands of a script in order and stops at the first that fails;
   * its error names the place in the script. Returns false when the script asked to quit.
   */
  private static boolean runScript(SqlSession session, String script, String origin)
      throws CommandFailure {
    try {
      return session.run(script, origin);
    } catch (SqlSession.Failure e) {
      throw new CommandFailure(e.getMessage(), e.getCause());
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
