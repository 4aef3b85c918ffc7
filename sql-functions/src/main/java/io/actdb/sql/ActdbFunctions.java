package io.actdb.sql;

import io.actdb.sql.cka.LinearCka;
import io.actdb.sql.cka.RbfCka;
import io.actdb.sql.duckdb.AggregateBridge;
import io.actdb.sql.duckdb.DuckDBConnections;
import io.actdb.sql.duckdb.TableFunctionBridge;
import io.actdb.sql.geometry.GeomCa;
import io.actdb.sql.geometry.Ipr;
import io.actdb.sql.geometry.Prdc;
import io.actdb.sql.store.ReadArrowFile;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Public entry point: registers every actdb SQL function on a DuckDB JDBC connection. */
public final class ActdbFunctions {
  private ActdbFunctions() {}

  /** One bridge (and one set of upcall stubs) per function for the whole JVM. */
  private static final class Bridges {
    static final List<AggregateBridge<?>> ALL =
        List.of(
            new AggregateBridge<>(new LinearCka(LinearCka.Estimator.BIASED)),
            new AggregateBridge<>(new LinearCka(LinearCka.Estimator.DEBIASED)),
            new AggregateBridge<>(new RbfCka()),
            new AggregateBridge<>(new Ipr()),
            new AggregateBridge<>(new Prdc()),
            new AggregateBridge<>(new GeomCa(false)),
            new AggregateBridge<>(new GeomCa(true)));

    static final List<TableFunctionBridge> TABLES =
        List.of(new TableFunctionBridge(new ReadArrowFile()));
  }

  /**
   * Registers all actdb functions (cka, cka_debiased, cka_rbf, ..., read_arrow_file) in the database behind
   * {@code connection}. Calling it again for the same database is harmless.
   *
   * @throws SQLException if the connection is not a DuckDB connection of the pinned driver
   *     version, or registration fails
   */
  public static void register(Connection connection) throws SQLException {
    DuckDBConnections.checkDriverVersion(DuckDBConnections.driverVersion());
    DuckDBConnections.register(connection, Bridges.ALL);
    DuckDBConnections.registerTableFunctions(connection, Bridges.TABLES);
  }

  /** Names of the SQL functions {@link #register} adds. */
  public static List<String> functionNames() {
    return List.of(
        "cka",
        "cka_debiased",
        "cka_rbf",
        "ipr",
        "prdc",
        "geomca",
        "geomca_redefined",
        "read_arrow_file");
  }
}
