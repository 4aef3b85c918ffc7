package io.actdb.sql.duckdb;

import io.actdb.sql.spi.OutputChunk;
import io.actdb.sql.spi.OutputColumn;
import io.actdb.sql.spi.SqlType;
import java.lang.foreign.MemorySegment;

/**
 * An {@link OutputChunk} over the projected columns of a DuckDB data chunk. Valid only during one
 * table function call; DuckDB owns the memory.
 */
final class DuckDBOutputChunk implements OutputChunk {
  private final MemorySegment chunk;
  private final int[] vectorIndexes;
  private final SqlType[] types;
  private final int capacity;
  private final DuckDBOutputColumn[] columns;

  DuckDBOutputChunk(MemorySegment chunk, int[] vectorIndexes, SqlType[] types, int capacity) {
    this.chunk = chunk;
    this.vectorIndexes = vectorIndexes;
    this.types = types;
    this.capacity = capacity;
    this.columns = new DuckDBOutputColumn[types.length];
  }

  @Override
  public int capacity() {
    return capacity;
  }

  @Override
  public int columnCount() {
    return columns.length;
  }

  @Override
  public OutputColumn column(int i) {
    DuckDBOutputColumn c = columns[i];
    if (c == null) {
      c =
          new DuckDBOutputColumn(
              NativeDuckDB.chunkVector(chunk, vectorIndexes[i]), types[i], capacity);
      columns[i] = c;
    }
    return c;
  }
}
