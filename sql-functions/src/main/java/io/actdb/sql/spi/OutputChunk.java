package io.actdb.sql.spi;

/**
 * The output of one {@link TableScanner#fill} call: the projected result columns. Valid only during
 * that call; the engine owns the memory. Column {@code i} is the {@code i}-th entry of the
 * projection that {@link BoundScan#start} received.
 */
public interface OutputChunk {

  /** The most rows one call may write (DuckDB's vector size, 2048 by default). */
  int capacity();

  /** Number of projected columns. */
  int columnCount();

  /** Projected column {@code i}. */
  OutputColumn column(int i);
}
