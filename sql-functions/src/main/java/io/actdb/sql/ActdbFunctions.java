package io.actdb.sql;

import java.sql.Connection;
import java.sql.SQLException;

/** Public entry point: registers every actdb SQL function on a DuckDB JDBC connection. */
public final class ActdbFunctions {
  private ActdbFunctions() {}

  /**
   * Registers all actdb functions (cka, cka_debiased, cka_rbf, ...) in the database behind
   * {@code connection}. Calling it again for the same database is harmless.
   *
   * @throws SQLException if the connection is not a DuckDB connection of the pinned driver
   *     version, or registration fails
   */
  public static void register(Connection connection) throws SQLException {
    // filled in by the bridge
  }
}
