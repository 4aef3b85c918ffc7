package io.actdb.sql.spi;

/**
 * One execution of a {@link BoundScan}, shared by the DuckDB threads that run it (DuckDB's global
 * table function state). Implementations hand out work to {@link TableScanner}s thread-safely.
 */
public interface ScanTask extends AutoCloseable {

  /** How many threads can scan in parallel, e.g. the number of partitions; at least 1. */
  int maxThreads();

  /**
   * A scanner for the calling DuckDB thread, created on that thread before its first chunk.
   *
   * @throws SqlFunctionException when the scanner cannot be set up
   */
  TableScanner newScanner();

  /** Called once the query is done with this execution, after every scanner was closed. */
  @Override
  default void close() {}
}
