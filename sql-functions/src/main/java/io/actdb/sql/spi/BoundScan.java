package io.actdb.sql.spi;

import java.util.List;

/**
 * A bound call of a {@link TableFunction}: its result columns and how to run it. DuckDB keeps it as
 * the bind data of a query plan, which a prepared statement reuses for every execution, so {@link
 * #start} may be called several times, also concurrently.
 */
public interface BoundScan extends AutoCloseable {

  /** The result columns, in order. */
  List<SqlColumn> columns();

  /** Estimated number of rows, or -1 when unknown. */
  default long cardinality() {
    return -1;
  }

  /** Whether {@link #cardinality()} is exact. */
  default boolean cardinalityIsExact() {
    return false;
  }

  /**
   * Starts one execution (DuckDB's global init).
   *
   * @param projection the columns the query needs, as indexes into {@link #columns()}, in the order
   *     of the output chunk's columns (projection pushdown)
   * @throws SqlFunctionException when the scan cannot start (missing file, schema mismatch, ...);
   *     only this query fails
   */
  ScanTask start(int[] projection);

  /** Releases what the bound call holds; called when DuckDB drops the query plan. */
  @Override
  default void close() {}
}
