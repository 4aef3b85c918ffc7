package io.actdb.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicReference;

/** Runs SQL statements one at a time on a connection and prints the rows they return. */
final class StatementRunner {
  private final Connection connection;
  private PrintWriter out;
  private final AtomicReference<Statement> running = new AtomicReference<>();
  private final boolean blankLineBetweenResults;
  private OutputFormat format;
  private boolean printedResult;

  /**
   * @param blankLineBetweenResults whether to print an empty line before every result but the first
   *     (the results of a script)
   */
  StatementRunner(
      Connection connection,
      OutputFormat format,
      PrintWriter out,
      boolean blankLineBetweenResults) {
    this.connection = connection;
    this.format = format;
    this.out = out;
    this.blankLineBetweenResults = blankLineBetweenResults;
  }

  void setFormat(OutputFormat format) {
    this.format = format;
  }

  OutputFormat format() {
    return format;
  }

  /** Where the rows of the next results go. */
  void setOutput(PrintWriter out) {
    this.out = out;
    printedResult = false;
  }

  /**
   * Runs one statement and, if it returns rows, prints them in the current format.
   *
   * @return whether a result was printed
   */
  boolean run(String sql) throws SQLException, IOException {
    // A fresh statement each time: DuckDB's JDBC driver closes a statement whose query failed.
    try (Statement statement = connection.createStatement()) {
      running.set(statement);
      if (!statement.execute(sql)) {
        return false;
      }
      try (ResultSet result = statement.getResultSet()) {
        if (blankLineBetweenResults && printedResult) {
          out.println();
        }
        printedResult = true;
        format.write(result, out);
      }
      return true;
    } finally {
      running.set(null);
      out.flush();
    }
  }

  /** Asks the statement now running, if any, to stop (from another thread, e.g. on Ctrl-C). */
  void cancel() {
    Statement statement = running.get();
    if (statement != null) {
      try {
        statement.cancel();
      } catch (SQLException e) {
        // the statement ended meanwhile: nothing to cancel
      }
    }
  }
}
