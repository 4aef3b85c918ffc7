package io.actdb.sql.duckdb;

import io.actdb.sql.spi.InputChunk;
import io.actdb.sql.spi.VectorColumn;
import io.actdb.sql.spi.VectorListColumn;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The argument columns of one DuckDB {@code update} call. Valid only during that call: it reads
 * DuckDB's vectors, which DuckDB frees once the callback returns. Vector columns are copied into
 * per-thread buffers that the next call on the same thread reuses.
 */
final class DuckDBInputChunk implements InputChunk {
  private static final int MAX_COLUMNS = 8;
  private static final ThreadLocal<VectorColumn[]> VECTOR_BUFFERS =
      ThreadLocal.withInitial(() -> new VectorColumn[MAX_COLUMNS]);
  private static final ThreadLocal<VectorListColumn[]> LIST_BUFFERS =
      ThreadLocal.withInitial(() -> new VectorListColumn[MAX_COLUMNS]);

  private final MemorySegment chunk;
  private final int size;
  private final VectorColumn[] loaded = new VectorColumn[MAX_COLUMNS];
  private final VectorListColumn[] loadedLists = new VectorListColumn[MAX_COLUMNS];

  DuckDBInputChunk(MemorySegment chunk) {
    this.chunk = chunk;
    this.size = Math.toIntExact(NativeDuckDB.chunkSize(chunk));
  }

  @Override
  public int columnCount() {
    return Math.toIntExact(NativeDuckDB.chunkColumnCount(chunk));
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public VectorColumn vectors(int column, String argumentName) {
    if (loaded[column] != null) return loaded[column]; // grouped updates ask once per group
    VectorColumn[] buffers = VECTOR_BUFFERS.get();
    VectorColumn target = buffers[column];
    if (target == null) target = buffers[column] = new VectorColumn();
    DuckDBVectors.load(target, NativeDuckDB.chunkVector(chunk, column), size, argumentName);
    return loaded[column] = target;
  }

  @Override
  public VectorListColumn vectorLists(int column, String argumentName) {
    if (loadedLists[column] != null) return loadedLists[column];
    VectorListColumn[] buffers = LIST_BUFFERS.get();
    VectorListColumn target = buffers[column];
    if (target == null) target = buffers[column] = new VectorListColumn();
    DuckDBVectors.loadLists(target, NativeDuckDB.chunkVector(chunk, column), size, argumentName);
    return loadedLists[column] = target;
  }

  @Override
  public DoubleColumn doubles(int column) {
    return new NativeDoubleColumn(NativeDuckDB.chunkVector(chunk, column));
  }

  @Override
  public BooleanColumn booleans(int column) {
    return new NativeBooleanColumn(NativeDuckDB.chunkVector(chunk, column));
  }

  @Override
  public LongColumn longs(int column) {
    return new NativeLongColumn(NativeDuckDB.chunkVector(chunk, column));
  }

  /** An argument column of fixed-width values: its data and validity, as DuckDB laid them out. */
  private abstract static class NativeColumn {
    final MemorySegment data;
    private final MemorySegment validity;

    NativeColumn(MemorySegment vector) {
      this.data = NativeDuckDB.vectorData(vector);
      this.validity = NativeDuckDB.vectorValidity(vector);
    }

    public boolean isNull(int row) {
      return !NativeDuckDB.isValid(validity, row);
    }
  }

  /** A DOUBLE argument column. */
  private static final class NativeDoubleColumn extends NativeColumn implements DoubleColumn {
    NativeDoubleColumn(MemorySegment vector) {
      super(vector);
    }

    @Override
    public double get(int row) {
      return data.getAtIndex(ValueLayout.JAVA_DOUBLE, row);
    }
  }

  /** A BOOLEAN argument column. */
  private static final class NativeBooleanColumn extends NativeColumn implements BooleanColumn {
    NativeBooleanColumn(MemorySegment vector) {
      super(vector);
    }

    @Override
    public boolean get(int row) {
      return data.get(ValueLayout.JAVA_BYTE, row) != 0;
    }
  }

  /** A BIGINT argument column. */
  private static final class NativeLongColumn extends NativeColumn implements LongColumn {
    NativeLongColumn(MemorySegment vector) {
      super(vector);
    }

    @Override
    public long get(int row) {
      return data.getAtIndex(ValueLayout.JAVA_LONG, row);
    }
  }
}
