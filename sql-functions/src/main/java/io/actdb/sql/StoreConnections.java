package io.actdb.sql;

import io.actdb.sql.duckdb.DuckDBConnections;
import io.actdb.sql.duckdb.TableFunctionBridge;
import io.actdb.sql.tables.LayerCkaTable;
import io.actdb.sql.tables.LayerTable;
import io.actdb.sql.tables.SamplesTable;
import io.actdb.sql.tables.TokenLayerTable;
import io.actdb.storage.LayerEntry;
import io.actdb.storage.Store;
import io.actdb.storage.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

/**
 * Connections on a store: DuckDB with the actdb functions, the table functions {@code layer(model,
 * layer)}, {@code token_layer(model, layer, other_model, other_layer)} and {@code
 * layer_cka(model_a, model_b [, split := ...])} ({@link LayerCkaTable}: every layer pair in one
 * pass over the files), the table macros {@code token_pairs(model_a, layer_a, model_b, layer_b)}
 * and {@code layer_cca(model_a, model_b [, split := ...] [, keep := 0.99])}, and the views
 *
 * <ul>
 *   <li>{@code samples}: the store's samples file, scanned in place (through {@code
 *       store_samples()}, which opens the file only when a query reads it);
 *   <li>{@code layers}: model, layer, position (forward order within the model), granularity
 *       ({@code sample} or {@code token}), dim, rows, pooling, tokenizer, file (from the manifest),
 *       in forward order;
 *   <li>{@code activations}: model, layer, sample_id, position, token, vec {@code FLOAT[]}: every
 *       layer, one {@code UNION ALL} branch per layer with constant model and layer columns, so
 *       that DuckDB drops the branches a {@code WHERE model = ... AND layer = ...} excludes and
 *       reads only that layer's file. Position and token are NULL in the rows of sample layers.
 * </ul>
 *
 * {@code token_pairs} yields {@code (sample_id, position, token, vec_a, vec_b)}: the rows of two
 * token layers joined on {@code (sample_id, position)}, after checking that both are token layers
 * of the same tokenizer (see {@link TokenLayerTable}).
 *
 * <p>The views show the store as it was when attached (its manifest then); attach again to see
 * layers published later.
 */
public final class StoreConnections {
  /** The JDBC URL of a store: this, then the store directory (nothing: functions only). */
  public static final String URL_PREFIX = "jdbc:actdb:";

  private StoreConnections() {}

  /**
   * A new in-memory DuckDB connection with the actdb functions and, unless {@code store} is null,
   * the store's views. Its statements' {@code cancel()} stops actdb functions too ({@link
   * ActdbFunctions#cancellable}).
   */
  public static Connection open(Path store) throws SQLException {
    return open(null, store);
  }

  /**
   * As {@link #open(Path)}, on the DuckDB database file {@code database} (created if missing)
   * unless that is null.
   */
  public static Connection open(Path database, Path store) throws SQLException {
    return open(database, store, new Properties());
  }

  /**
   * As {@link #open(Path, Path)}, with DuckDB's JDBC connection properties: {@code
   * jdbc_stream_results=true} lets a client read a large result chunk by chunk, as {@code actdb
   * sql} does, instead of DuckDB materialising it first.
   */
  public static Connection open(Path database, Path store, Properties duckdbProperties)
      throws SQLException {
    Connection connection =
        DriverManager.getConnection(
            "jdbc:duckdb:" + (database == null ? "" : database), duckdbProperties);
    try {
      ActdbFunctions.register(connection);
      if (store != null) attach(connection, store);
      return CancellingConnection.wrap(connection, URL_PREFIX + (store == null ? "" : store));
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /** Registers {@code layer(...)} for the store at {@code dir} and (re)creates the views. */
  public static Store attach(Connection connection, Path dir) throws SQLException {
    Store store;
    try {
      store = Store.open(dir);
    } catch (StoreException e) {
      throw new SQLException(e.getMessage(), e);
    }
    // The layer function is bound to one store, and DuckDB cannot replace a function: one
    // registered already means another store is attached (its samples function stays too).
    List<String> present =
        DuckDBConnections.registerTableFunctions(
            connection,
            List.of(
                new TableFunctionBridge(new LayerTable(store)),
                new TableFunctionBridge(new TokenLayerTable(store)),
                new TableFunctionBridge(new LayerCkaTable(store))));
    if (!present.isEmpty()) {
      throw new SQLException(
          "this database has a store attached already (or a function named "
              + LayerTable.NAME
              + "); open a new connection for "
              + store.directory());
    }
    if (store.samplesFile() != null) {
      DuckDBConnections.registerTableFunction(
          connection, new TableFunctionBridge(new SamplesTable(store)));
    }
    try (Statement st = connection.createStatement()) {
      // In an in-memory database the views live in its own catalog, where SQL clients' metadata
      // (sqlline's !tables, DBeaver's navigator) looks; in a database file they are temporary,
      // so that the file never keeps views of a store that may move or change.
      String kind = inMemory(st) ? "" : "TEMP ";
      st.execute("CREATE OR REPLACE " + kind + "VIEW samples AS " + samplesQuery(store));
      st.execute("CREATE OR REPLACE " + kind + "VIEW layers AS " + layersQuery(store));
      st.execute("CREATE OR REPLACE " + kind + "VIEW activations AS " + activationsQuery(store));
      st.execute("CREATE OR REPLACE " + kind + TOKEN_PAIRS_MACRO);
      st.execute("CREATE OR REPLACE " + kind + LAYER_CCA_MACRO);
    }
    return store;
  }

  /**
   * Both sides go through {@code token_layer}, which refuses at bind time what cannot be compared
   * token by token (a sample layer, different or unknown tokenizers).
   */
  private static final String TOKEN_PAIRS_MACRO =
      "MACRO token_pairs(model_a, layer_a, model_b, layer_b) AS TABLE"
          + " SELECT a.sample_id, a.position, a.token, a.vec AS vec_a, b.vec AS vec_b"
          + " FROM "
          + TokenLayerTable.NAME
          + "(model_a, layer_a, model_b, layer_b) a JOIN "
          + TokenLayerTable.NAME
          + "(model_b, layer_b, model_a, layer_a) b"
          + " ON a.sample_id = b.sample_id AND a.position = b.position";

  /**
   * The first part of {@code layer_cca}: the sample layers of {@code model_a} then {@code model_b}
   * (k from 1, forward order), and each sample's vectors of all of them as one list, over the
   * samples that hold every one (of one split, if given), so that one aggregate over those lists
   * reads each layer's file once.
   */
  private static String gatheredLayers(String extraParameters) {
    return "(model_a, model_b, split := NULL"
        + extraParameters
        + ") AS TABLE WITH chosen AS (SELECT model, layer, position, row_number() OVER (ORDER BY"
        + " model = model_a DESC, position, layer) AS k FROM layers"
        + " WHERE granularity = 'sample' AND model IN (model_a, model_b)),"
        + " rows_of AS (SELECT a.sample_id, list(a.vec ORDER BY c.k) AS vecs"
        + " FROM activations a JOIN chosen c ON a.model = c.model AND a.layer = c.layer"
        + " WHERE a.model IN (model_a, model_b) AND (split IS NULL OR a.sample_id IN"
        + " (SELECT s.sample_id FROM samples s WHERE s.split = split))"
        + " GROUP BY a.sample_id HAVING count(*) = (SELECT count(*) FROM chosen)),";
  }

  /** Joins the pairs {@code p} of the chosen layers back to their names, model_a's first. */
  private static final String NAMED_PAIRS =
      " FROM pairs JOIN chosen la ON la.k = p.i JOIN chosen lb ON lb.k = p.j"
          + " WHERE la.model = model_a AND lb.model = model_b"
          + " ORDER BY position_a, layer_a, position_b, layer_b";

  /**
   * {@code layer_cca(model_a, model_b [, split := ...] [, keep := 0.99])}: the CCA family for every
   * layer pair, as {@code layer_cka} gives CKA, from {@code cca_family_matrix}. The asymmetric
   * indices come both ways: pwcca and linreg_r2 take layer_a as x (weights from it, fitted from
   * layer_b), their {@code _reverse} columns layer_b.
   */
  private static final String LAYER_CCA_MACRO =
      "MACRO layer_cca"
          + gatheredLayers(", keep := 0.99")
          + " matrix AS (SELECT unnest(cca_family_matrix(vecs, keep)) AS p FROM rows_of),"
          + " pairs AS (SELECT m.p, r.p.pwcca AS pwcca_reverse, r.p.linreg_r2 AS"
          + " linreg_r2_reverse FROM matrix m JOIN matrix r ON r.p.i = m.p.j AND r.p.j = m.p.i)"
          + " SELECT la.layer AS layer_a, la.position AS position_a, lb.layer AS layer_b,"
          + " lb.position AS position_b, p.cca_rho_mean, p.cca_r2, p.svcca_rho_mean, p.svcca_r2,"
          + " p.pwcca, pwcca_reverse, p.linreg_r2, linreg_r2_reverse"
          + NAMED_PAIRS;

  /** Whether the connection's current database is in memory (it has no file). */
  private static boolean inMemory(Statement st) throws SQLException {
    try (ResultSet rs =
        st.executeQuery(
            "SELECT path IS NULL FROM duckdb_databases() WHERE database_name ="
                + " current_database()")) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  private static String samplesQuery(Store store) {
    Path file = store.samplesFile();
    if (file == null) {
      return "SELECT NULL::BIGINT AS sample_id, NULL::VARCHAR AS split, NULL::INTEGER AS label,"
          + " NULL::VARCHAR AS label_name, NULL::VARCHAR AS source, NULL::VARCHAR AS text"
          + " WHERE false";
    }
    return "SELECT * FROM " + SamplesTable.NAME + "()";
  }

  private static String layersQuery(Store store) {
    StringBuilder sql = new StringBuilder();
    for (LayerEntry e : store.layers()) {
      sql.append(sql.isEmpty() ? "SELECT * FROM (VALUES " : ", ")
          .append('(')
          .append(literal(e.model()))
          .append(", ")
          .append(literal(e.layer()))
          .append(", ")
          .append(e.position())
          .append(", ")
          .append(literal(e.granularity()))
          .append(", ")
          .append(e.dim())
          .append(", ")
          .append(e.rows())
          .append("::BIGINT, ")
          .append(literal(e.pooling() == null ? "" : e.pooling()))
          .append(", ")
          .append(e.tokenizer() == null ? "NULL::VARCHAR" : literal(e.tokenizer()))
          .append(", ")
          .append(literal(store.fileOf(e).toString()))
          .append(')');
    }
    if (sql.isEmpty()) {
      return "SELECT NULL::VARCHAR AS model, NULL::VARCHAR AS layer, NULL::INTEGER AS position,"
          + " NULL::VARCHAR AS granularity, NULL::INTEGER AS dim, NULL::BIGINT AS rows,"
          + " NULL::VARCHAR AS pooling, NULL::VARCHAR AS tokenizer, NULL::VARCHAR AS file"
          + " WHERE false";
    }
    // VALUES keeps its rows' order only without an ORDER BY above it: the manifest's forward
    // order is restated here so that SELECT * FROM layers lists each model's layers in order.
    return sql.append(
            ") t(model, layer, position, granularity, dim, rows, pooling, tokenizer, file)"
                + " ORDER BY model, position, layer")
        .toString();
  }

  private static String activationsQuery(Store store) {
    StringBuilder sql = new StringBuilder();
    for (LayerEntry e : store.layers()) {
      if (!sql.isEmpty()) sql.append("\nUNION ALL ");
      sql.append("SELECT ")
          .append(literal(e.model()))
          .append(" AS model, ")
          .append(literal(e.layer()))
          .append(" AS layer, sample_id, ")
          .append(
              e.tokenRows()
                  ? "position, token"
                  : "NULL::INTEGER AS position, NULL::VARCHAR AS token")
          .append(", vec::FLOAT[] AS vec FROM ")
          .append(LayerTable.NAME)
          .append('(')
          .append(literal(e.model()))
          .append(", ")
          .append(literal(e.layer()))
          .append(')');
    }
    if (sql.isEmpty()) {
      return "SELECT NULL::VARCHAR AS model, NULL::VARCHAR AS layer, NULL::BIGINT AS sample_id,"
          + " NULL::INTEGER AS position, NULL::VARCHAR AS token, NULL::FLOAT[] AS vec WHERE false";
    }
    return sql.toString();
  }
}
