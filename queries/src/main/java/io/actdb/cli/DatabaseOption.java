package io.actdb.cli;

import io.actdb.sql.StoreConnections;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.duckdb.DuckDBDriver;
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

  /**
   * Opens the database with the actdb functions and the store's views; {@code cancel()} on its
   * statements reaches actdb's functions (Ctrl-C in the shell).
   */
  Connection open() throws SQLException {
    return StoreConnections.open(db, store);
  }

  /**
   * As {@link #open()}, with results streamed: rows are read from DuckDB as they are printed, so a
   * result of millions of rows costs memory for one chunk at a time.
   */
  Connection openStreaming() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty(DuckDBDriver.JDBC_STREAM_RESULTS, "true");
    return StoreConnections.open(db, store, properties);
  }
}
