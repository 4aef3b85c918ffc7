package io.actdb.sql;

import io.actdb.sql.cca.CcaFamily;
import io.actdb.sql.cka.LinearCka;
import io.actdb.sql.cka.RbfCka;
import io.actdb.sql.duckdb.AggregateBridge;
import io.actdb.sql.duckdb.DuckDBConnections;
import io.actdb.sql.duckdb.TableFunctionBridge;
import io.actdb.sql.geometry.GeomCa;
import io.actdb.sql.geometry.Ipr;
import io.actdb.sql.geometry.Prdc;
import io.actdb.sql.tables.ReadArrowFile;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
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
            new AggregateBridge<>(new CcaFamily(CcaFamily.Index.CCA)),
            new AggregateBridge<>(new CcaFamily(CcaFamily.Index.SVCCA)),
            new AggregateBridge<>(new CcaFamily(CcaFamily.Index.PWCCA)),
            new AggregateBridge<>(new CcaFamily(CcaFamily.Index.LINREG_R2)),
            new AggregateBridge<>(new Ipr()),
            new AggregateBridge<>(new Prdc()),
            new AggregateBridge<>(new GeomCa(false)),
            new AggregateBridge<>(new GeomCa(true)));

    static final List<TableFunctionBridge> TABLES =
        List.of(new TableFunctionBridge(new ReadArrowFile()));
  }

  /**
   * Registers all actdb functions (cka, cka_debiased, cka_rbf, ..., read_arrow_file) in the
   * database behind {@code connection}. Calling it again for the same database is harmless.
   *
   * @throws SQLException if the connection is not a DuckDB connection of the pinned driver version,
   *     or registration fails
   */
  public static void register(Connection connection) throws SQLException {
    DuckDBConnections.checkDriverVersion(DuckDBConnections.driverVersion());
    DuckDBConnections.register(connection, Bridges.ALL);
    DuckDBConnections.registerTableFunctions(connection, Bridges.TABLES);
  }

  /**
   * {@code connection} (a DuckDB connection with the functions registered) wrapped so that {@code
   * Statement.cancel()} of its statements stops the actdb functions of the running query too, not
   * only DuckDB's own operators. The connections of {@code jdbc:actdb:} are wrapped already; {@code
   * unwrap(DuckDBConnection.class)} still gives the DuckDB connection.
   */
  public static Connection cancellable(Connection connection) {
    return CancellingConnection.isWrapped(connection)
        ? connection
        : CancellingConnection.wrap(connection);
  }

  /**
   * Cancels {@code statement} and the actdb function calls it runs: for statements of a DuckDB
   * connection that {@link #cancellable} did not wrap (on a wrapped one, {@code statement.cancel()}
   * does the same).
   *
   * <p>actdb functions learn of a cancel through their database, not their connection: this stops
   * the actdb work of every query running in the database behind {@code statement}'s connection,
   * also on its other connections. Queries started later run normally.
   */
  public static void cancel(Statement statement) throws SQLException {
    DuckDBConnections.cancel(statement.getConnection());
    statement.cancel();
  }

  /**
   * Stops the actdb function calls now running in the database behind {@code connection} (all its
   * connections), leaving DuckDB's own work to the statement's {@code cancel()}; see {@link
   * #cancel(Statement)}.
   */
  public static void cancel(Connection connection) throws SQLException {
    DuckDBConnections.cancel(connection);
  }
}
