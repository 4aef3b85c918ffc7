package io.actdb.sql.spi;

/**
 * The scan of one DuckDB thread (DuckDB's local table function state). Only that thread calls it,
 * so it needs no synchronisation of its own.
 */
public interface TableScanner extends AutoCloseable {

  /**
   * Writes the next rows into {@code out}: at most {@link OutputChunk#capacity()} rows, in every
   * column of {@code out}.
   *
   * @return the number of rows written; 0 once this thread's share of the scan is done
   * @throws SqlFunctionException for bad data; the query fails with that message
   */
  int fill(OutputChunk out);

  /** Releases the scanner's resources; called from DuckDB's destroy callback. */
  @Override
  default void close() {}
}
