package io.actdb.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code actdb sql} runs, typed or from a script: SQL statements and DuckDB's dot commands
 * ({@code .tables}, {@code .mode csv}, ...). As in DuckDB's CLI, a dot command is a line that
 * starts with a period outside a statement; it needs no semicolon. The settings the dot commands
 * change (mode, row limit, timer, output file) hold until changed, across {@code .read} files and
 * the parts of a command line.
 */
final class SqlSession implements AutoCloseable {
  /** A statement or dot command failed; the message is for the user and names the place. */
  static final class Failure extends Exception {
    Failure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  static final String HELP =
      """
      Statements end with ';' and may span several lines. Dot commands start a line, need no ';':
      .help                    this text
      .mode [MODE]             how results are printed: duckbox (default), table, markdown,
                               column, line, csv, json or aligned; .format is the same
      .maxrows [N]             rows duckbox shows, the first and the last half (0: all)
      .output [FILE]           results to FILE; without FILE back to the screen
      .read FILE               run the statements and dot commands of FILE
      .schema [PATTERN]        CREATE statements of the tables and views (LIKE PATTERN)
      .tables [PATTERN]        names of the tables and views (LIKE PATTERN)
      .timer on|off            print each statement's run time
      .quit, .exit             leave (Ctrl-D too when typing)
      Ctrl-C cancels a running statement. Functions: cka(x, y), cka_debiased(x, y),
      cka_rbf(x, y, sigma_frac), ipr, prdc, geomca, the CCA family and all of DuckDB's.\
      """;

  /** Deep enough for scripts that read scripts; stops a file that reads itself. */
  private static final int MAX_READ_DEPTH = 16;

  private final Connection connection;
  private final PrintWriter console;
  private final StatementRunner runner;
  private final boolean typed;
  private String mode;
  private int maxRows = OutputFormat.DEFAULT_MAX_ROWS;
  private boolean timer;
  private PrintWriter file;
  private int readDepth;

  /**
   * @param console where results go unless {@code .output} names a file, and where the timer and
   *     help print
   * @param typed whether a person types the input: an empty line follows each result
   */
  SqlSession(Connection connection, OutputFormat format, PrintWriter console, boolean typed) {
    this.connection = connection;
    this.console = console;
    this.typed = typed;
    this.mode = format.name();
    this.runner = new StatementRunner(connection, format, console, !typed);
  }

  StatementRunner runner() {
    return runner;
  }

  /** Where results and the output of dot commands go now. */
  private PrintWriter out() {
    return file != null ? file : console;
  }

  /**
   * Runs the statements and dot commands of {@code text} in order and stops at the first that
   * fails.
   *
   * @param origin names the text in error messages: a file name or {@code stdin} (errors start with
   *     {@code origin:line:}), {@code -c} (errors name the statement's number when there are
   *     several), or null for typed input (DuckDB's message alone)
   * @return false when {@code .quit} or {@code .exit} asked to leave
   */
  boolean run(String text, String origin) throws Failure {
    int statementsInAll = "-c".equals(origin) ? SqlScript.split(text).size() : 0;
    int[] statementNumber = {0};
    String[] lines = text.split("\n", -1);
    StringBuilder pending = new StringBuilder();
    int pendingLine = 1;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      // A dot command is recognised only between statements, as in DuckDB's CLI.
      if (line.startsWith(".") && SqlScript.isComplete(pending.toString())) {
        runStatements(pending.toString(), pendingLine, origin, statementsInAll, statementNumber);
        pending.setLength(0);
        pendingLine = i + 2;
        if (!dotCommand(line.strip(), origin, i + 1)) {
          return false;
        }
        continue;
      }
      pending.append(line);
      if (i + 1 < lines.length) {
        pending.append('\n');
      }
    }
    runStatements(pending.toString(), pendingLine, origin, statementsInAll, statementNumber);
    return true;
  }

  private void runStatements(
      String chunk, int firstLine, String origin, int statementsInAll, int[] statementNumber)
      throws Failure {
    for (SqlScript.Statement statement : SqlScript.split(chunk)) {
      statementNumber[0]++;
      long start = System.nanoTime();
      try {
        if (runner.run(statement.sql()) && typed) {
          out().println();
        }
      } catch (SQLException | IOException e) {
        String message = e.getMessage();
        if ("-c".equals(origin)) {
          String where = statementsInAll > 1 ? "statement " + statementNumber[0] + ": " : "";
          throw new Failure(where + message, e);
        }
        if (origin == null) {
          throw new Failure(message, e);
        }
        SqlScript.Statement placed =
            new SqlScript.Statement(statement.sql(), firstLine + statement.line() - 1);
        throw new Failure(SqlCommand.inScript(origin, placed, message), e);
      } finally {
        out().flush();
      }
      if (timer) {
        console.printf(Locale.ROOT, "Run Time (s): real %.3f%n", (System.nanoTime() - start) / 1e9);
        console.flush();
      }
    }
  }

  /** Runs one dot command; returns false when the session should end. */
  private boolean dotCommand(String line, String origin, int lineNumber) throws Failure {
    List<String> words = words(line);
    String name = words.getFirst().toLowerCase(Locale.ROOT);
    List<String> args = words.subList(1, words.size());
    try {
      switch (name) {
        case ".quit", ".exit" -> {
          return false;
        }
        case ".help" -> console.println(HELP);
        case ".mode", ".format" -> mode(name, args);
        case ".maxrows" -> maxRows(args);
        case ".timer" -> timer(args);
        case ".output" -> output(args);
        case ".read" -> {
          return read(args);
        }
        case ".tables" -> tables(args);
        case ".schema" -> schema(args);
        default ->
            throw new IllegalArgumentException(
                "unknown dot command '" + words.getFirst() + "'; .help lists the dot commands");
      }
    } catch (IllegalArgumentException | SQLException | IOException | CommandFailure e) {
      String where = origin == null || origin.equals("-c") ? "" : origin + ":" + lineNumber + ": ";
      throw new Failure(where + e.getMessage(), e);
    } finally {
      console.flush();
      out().flush();
    }
    return true;
  }

  private void mode(String command, List<String> args) {
    if (args.isEmpty()) {
      out().println("current output mode: " + mode);
      return;
    }
    if (args.size() > 1) {
      throw usage(command + " MODE (one of " + String.join(", ", OutputFormat.NAMES) + ")");
    }
    OutputFormat format = OutputFormat.named(args.getFirst()).withMaxRows(maxRows);
    mode = format.name();
    runner.setFormat(format);
  }

  private void maxRows(List<String> args) {
    if (args.isEmpty()) {
      out().println("maxrows: " + maxRows);
      return;
    }
    int rows;
    try {
      rows = Integer.parseInt(args.getFirst());
    } catch (NumberFormatException e) {
      rows = -1;
    }
    if (args.size() > 1 || rows < 0) {
      throw usage(".maxrows N (a whole number, 0 for every row)");
    }
    maxRows = rows;
    runner.setFormat(runner.format().withMaxRows(rows));
  }

  private void timer(List<String> args) {
    String value = args.size() == 1 ? args.getFirst().toLowerCase(Locale.ROOT) : "";
    switch (value) {
      case "on" -> timer = true;
      case "off" -> timer = false;
      default -> throw usage(".timer on|off");
    }
  }

  private void output(List<String> args) throws IOException {
    if (args.size() > 1) {
      throw usage(".output [FILE] (quote a name with spaces)");
    }
    PrintWriter next = null;
    if (!args.isEmpty()) {
      Path path = Path.of(args.getFirst());
      try {
        next = new PrintWriter(Files.newBufferedWriter(path, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new IOException("cannot write to " + path + ": " + reason(e), e);
      }
    }
    closeFile();
    file = next;
    runner.setOutput(out());
  }

  private boolean read(List<String> args) throws Failure, CommandFailure {
    if (args.size() != 1) {
      throw usage(".read FILE (quote a name with spaces)");
    }
    if (readDepth >= MAX_READ_DEPTH) {
      throw new IllegalArgumentException(
          ".read "
              + args.getFirst()
              + ": files read each other more than "
              + MAX_READ_DEPTH
              + " deep; does a file read itself?");
    }
    Path path = Path.of(args.getFirst());
    String text = SqlCommand.read(path);
    readDepth++;
    try {
      return run(text, path.toString());
    } finally {
      readDepth--;
    }
  }

  private static final String USER_RELATIONS =
      "SELECT name, sql FROM (SELECT table_name AS name, sql FROM duckdb_tables() WHERE NOT"
          + " internal UNION ALL SELECT view_name, sql FROM duckdb_views() WHERE NOT internal)"
          + " WHERE name LIKE ? ORDER BY name";

  /** Names in columns down then across, as DuckDB's (and sqlite's) {@code .tables} prints them. */
  private void tables(List<String> args) throws SQLException {
    List<String> names = new ArrayList<>();
    for (String[] row : relations(args, ".tables")) {
      if (!names.contains(row[0])) {
        names.add(row[0]);
      }
    }
    if (names.isEmpty()) {
      return;
    }
    int width = names.stream().mapToInt(String::length).max().orElse(0) + 2;
    int perLine = Math.max(1, 80 / width);
    int lines = (names.size() + perLine - 1) / perLine;
    for (int l = 0; l < lines; l++) {
      StringBuilder line = new StringBuilder();
      for (int i = l; i < names.size(); i += lines) {
        line.append(String.format("%-" + width + "s", names.get(i)));
      }
      out().println(line.toString().stripTrailing());
    }
  }

  private void schema(List<String> args) throws SQLException {
    for (String[] row : relations(args, ".schema")) {
      String sql = row[1].strip();
      out().println(sql.endsWith(";") ? sql : sql + ";");
    }
  }

  /** Name and CREATE statement of each table and view whose name is LIKE the pattern given. */
  private List<String[]> relations(List<String> args, String command) throws SQLException {
    if (args.size() > 1) {
      throw usage(command + " [PATTERN] (a LIKE pattern: % for any text)");
    }
    List<String[]> relations = new ArrayList<>();
    try (PreparedStatement query = connection.prepareStatement(USER_RELATIONS)) {
      query.setString(1, args.isEmpty() ? "%" : args.getFirst());
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          relations.add(new String[] {rows.getString(1), rows.getString(2)});
        }
      }
    }
    return relations;
  }

  private static IllegalArgumentException usage(String usage) {
    return new IllegalArgumentException("usage: " + usage);
  }

  private static String reason(IOException e) {
    return e instanceof NoSuchFileException
        ? "no such directory"
        : e instanceof AccessDeniedException ? "permission denied" : e.getMessage();
  }

  /**
   * The words of a dot command: separated by spaces; a word in single or double quotes may hold
   * spaces.
   */
  static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    int i = 0;
    int n = line.length();
    while (i < n) {
      char c = line.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      StringBuilder word = new StringBuilder();
      if (c == '\'' || c == '"') {
        int close = line.indexOf(c, i + 1);
        int end = close < 0 ? n : close;
        word.append(line, i + 1, end);
        i = end + 1;
      } else {
        while (i < n && !Character.isWhitespace(line.charAt(i))) {
          word.append(line.charAt(i++));
        }
      }
      words.add(word.toString());
    }
    return words;
  }

  private void closeFile() {
    if (file != null) {
      file.close();
      file = null;
    }
  }

  /** Ends an {@code .output} to a file. */
  @Override
  public void close() {
    closeFile();
  }
}
