package io.actdb.sql;

import io.actdb.sql.cca.CcaFamily;
import io.actdb.sql.cca.CcaFamilyMatrix;
import io.actdb.sql.cka.CkaMatrix;
import io.actdb.sql.cka.LinearCka;
import io.actdb.sql.cka.RbfCka;
import io.actdb.sql.duckdb.AggregateBridge;
import io.actdb.sql.duckdb.DuckDBConnections;
import io.actdb.sql.duckdb.TableFunctionBridge;
import io.actdb.sql.geometry.GeomCa;
import io.actdb.sql.geometry.Ipr;
import io.actdb.sql.geometry.Prdc;
import io.actdb.sql.pca.Pca;
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
            new AggregateBridge<>(new CkaMatrix()),
            new AggregateBridge<>(new RbfCka()),
            new AggregateBridge<>(new CcaFamily(CcaFamily.Index.CCA)),
            new AggregateBridge<>(new CcaFamily(CcaFamily.Index.SVCCA)),
            new AggregateBridge<>(new CcaFamily(CcaFamily.Index.PWCCA)),
            new AggregateBridge<>(new CcaFamily(CcaFamily.Index.LINREG_R2)),
            new AggregateBridge<>(new CcaFamilyMatrix()),
            new AggregateBridge<>(new Ipr()),
            new AggregateBridge<>(new Prdc()),
            new AggregateBridge<>(new GeomCa(false)),
            new AggregateBridge<>(new GeomCa(true)),
            new AggregateBridge<>(new Pca()));

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
    try (Statement st = connection.createStatement()) {
      st.execute(PCA_PROJECT_MACRO);
    }
  }

  /**
   * {@code pca_project(x, p)}: x centred on {@code p.mean}, then projected on each row of {@code
   * p.components}, as FLOAT[k]. A macro because the bridge registers aggregates and table functions
   * only. The arguments enter the lambdas through one-element lists, because DuckDB refuses a
   * subquery inside a lambda and {@code p} is often one; the centred row is formed once per row and
   * dotted in float64. TEMP: a macro must not land in a database file, so each connection that
   * registers gets its own.
   */
  private static final String PCA_PROJECT_MACRO =
      """
      CREATE OR REPLACE TEMP MACRO pca_project(x, p) AS (
        CASE
          WHEN x IS NULL OR p IS NULL THEN NULL
          WHEN len(x::FLOAT[]) <> len(struct_extract(p, 'mean')) THEN error(
            'pca_project: x has ' || len(x::FLOAT[]) || ' elements but the PCA was fitted on '
            || len(struct_extract(p, 'mean'))
            || '; project vectors of the layer the PCA was computed on')
          WHEN NOT list_bool_and(list_transform(x::FLOAT[], lambda v: coalesce(isfinite(v), false)))
            THEN error('pca_project: x contains NaN, +Inf, -Inf or a NULL element;'
            || ' remove or replace non-finite values first')
          ELSE list_transform(
            [struct_pack(
              v := x::DOUBLE[],
              m := struct_extract(p, 'mean'),
              cs := struct_extract(p, 'components'))],
            lambda a: list_transform(
              [list_transform(struct_extract(a, 'v'), lambda e, i: e - struct_extract(a, 'm')[i])],
              lambda centred: list_transform(
                struct_extract(a, 'cs'),
                lambda c: list_dot_product(c::DOUBLE[], centred)::FLOAT))[1])[1]
        END)
      """;

  /**
   * {@code connection} (a DuckDB connection with the functions registered) wrapped so that {@code
   * Statement.cancel()} of its statements stops the actdb functions of the running query too, not
   * only DuckDB's own operators. The connections of {@code jdbc:actdb:} are wrapped already; {@code
   * unwrap(DuckDBConnection.class)} still gives the DuckDB connection.
   */
  public static Connection cancellable(Connection connection) {
    return CancellingConnection.isWrapped(connection)
        ? connection
        : CancellingConnection.wrap(connection, StoreConnections.URL_PREFIX);
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
