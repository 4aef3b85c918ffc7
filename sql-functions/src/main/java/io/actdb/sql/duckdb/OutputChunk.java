package io.actdb.sql.duckdb;

import java.lang.foreign.MemorySegment;

/**
 * The output of one table function call: the projected columns of a DuckDB data chunk. Valid only
 * during that call; DuckDB owns the memory. Column {@code i} is the {@code i}-th entry of the
 * projection that {@link BoundScan#start} received.
 */
public final class OutputChunk {
  private final MemorySegment chunk;
  private final int[] vectorIndexes;
  private final SqlType[] types;
  private final int capacity;
  private final OutputColumn[] columns;

  OutputChunk(MemorySegment chunk, int[] vectorIndexes, SqlType[] types, int capacity) {
    this.chunk = chunk;
    this.vectorIndexes = vectorIndexes;
    this.types = types;
    this.capacity = capacity;
    this.columns = new OutputColumn[types.length];
  }

  /** The most rows one call may write (DuckDB's vector size, 2048 by default). */
  public int capacity() {
    return capacity;
  }

  /** Number of projected columns. */
  public int columnCount() {
    return columns.length;
  }

  /** Projected column {@code i}. */
  public OutputColumn column(int i) {
    OutputColumn c = columns[i];
    if (c == null) {
      c = new OutputColumn(NativeDuckDB.chunkVector(chunk, vectorIndexes[i]), types[i], capacity);
      columns[i] = c;
    }
    return c;
  }
}
