package io.actdb.cli;

import io.actdb.sql.ActdbFunctions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import picocli.CommandLine.Option;

/** The {@code --db} option shared by commands that open a database. */
final class DatabaseOption {
  @Option(
      names = "--db",
      paramLabel = "<file>",
      description = "DuckDB database file to open (created if missing); default: in-memory.")
  Path db;

  /** Opens the database and registers the actdb SQL functions on the connection. */
  Connection open() throws SQLException {
    Connection connection = DriverManager.getConnection("jdbc:duckdb:" + (db == null ? "" : db));
    try {
      ActdbFunctions.register(connection);
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
    return connection;
  }
}
