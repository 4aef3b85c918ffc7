package io.actdb.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
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
      script = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
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
        String where =
            switch (origin) {
              case "-c" -> statements.size() > 1 ? "statement " + (i + 1) + ": " : "";
              default -> origin + ":" + statement.line() + ": ";
            };
        throw new CommandFailure(where + e.getMessage(), e);
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

  /** The text of a script file; a missing or unreadable file is a {@link CommandFailure}. */
  static String read(Path file) throws CommandFailure {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new CommandFailure("actdb: no such file: " + file, e);
    } catch (IOException e) {
      throw new CommandFailure("actdb: cannot read " + file + ": " + e, e);
    }
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
