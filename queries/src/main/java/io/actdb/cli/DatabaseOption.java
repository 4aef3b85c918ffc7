package io.actdb.cli;

import io.actdb.sql.ActdbFunctions;
import io.actdb.sql.StoreConnections;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import picocli.CommandLine.Option;

/** The {@code --db} and {@code --store} options shared by commands that open a database. */
final class DatabaseOption {
  @Option(
      names = "--db",
      paramLabel = "<file>",
      description = "DuckDB database file to open (created if missing); default: in-memory.")
  Path db;

  @Option(
      names = "--store",
      paramLabel = "<dir>",
      description =
          "Activation store to open: views samples, layers, activations and the table function"
              + " layer(model, layer).")
  Path store;

  /** Opens the database and registers the actdb SQL functions on the connection. */
  Connection open() throws SQLException {
    Connection connection = DriverManager.getConnection("jdbc:duckdb:" + (db == null ? "" : db));
    try {
      ActdbFunctions.register(connection);
      if (store != null) StoreConnections.attach(connection, store);
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
    // Ctrl-C in the shell cancels through the statement, which must reach actdb's functions too.
    return ActdbFunctions.cancellable(connection);
  }
}
