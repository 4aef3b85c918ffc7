package io.actdb.sql.duckdb;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The argument columns of one {@code update} call. Valid only during that call: it reads
 * DuckDB's vectors, which DuckDB frees once the callback returns. Vector columns are copied into
 * per-thread buffers that the next call on the same thread reuses.
 */
public final class InputChunk {
  private static final int MAX_COLUMNS = 8;
  private static final ThreadLocal<VectorColumn[]> VECTOR_BUFFERS =
      ThreadLocal.withInitial(() -> new VectorColumn[MAX_COLUMNS]);

  private final MemorySegment chunk;
  private final int size;
  private final String functionName;
  private final VectorColumn[] loaded = new VectorColumn[MAX_COLUMNS];

  InputChunk(MemorySegment chunk, String functionName) {
    this.chunk = chunk;
    this.size = Math.toIntExact(NativeDuckDB.chunkSize(chunk));
    this.functionName = functionName;
  }

  /** Number of argument columns: tells the overloads of one function apart. */
  public int columnCount() {
    return Math.toIntExact(NativeDuckDB.chunkColumnCount(chunk));
  }

  /** Number of rows in this chunk. */
  public int size() {
    return size;
  }

  /**
   * Column {@code column} as float vectors: accepts {@code FLOAT[d]}, {@code FLOAT[]}, {@code
   * DOUBLE[d]} and {@code DOUBLE[]} (doubles are rounded to float).
   *
   * @param argumentName how error messages name the argument, e.g. {@code "x"}
   */
  public VectorColumn vectors(int column, String argumentName) {
    if (loaded[column] != null) return loaded[column]; // grouped updates ask once per group
    VectorColumn[] buffers = VECTOR_BUFFERS.get();
    VectorColumn target = buffers[column];
    if (target == null) target = buffers[column] = new VectorColumn();
    target.load(NativeDuckDB.chunkVector(chunk, column), size, functionName, argumentName);
    return loaded[column] = target;
  }

  /** Column {@code column}, declared DOUBLE, as a scalar column. */
  public DoubleColumn doubles(int column) {
    return new DoubleColumn(NativeDuckDB.chunkVector(chunk, column));
  }

  /** Column {@code column}, declared BOOLEAN. */
  public BooleanColumn booleans(int column) {
    return new BooleanColumn(NativeDuckDB.chunkVector(chunk, column));
  }

  /** Column {@code column}, declared BIGINT. */
  public LongColumn longs(int column) {
    return new LongColumn(NativeDuckDB.chunkVector(chunk, column));
  }

  /** A DOUBLE argument column. */
  public static final class DoubleColumn {
    private final MemorySegment data;
    private final MemorySegment validity;

    DoubleColumn(MemorySegment vector) {
      this.data = NativeDuckDB.vectorData(vector);
      this.validity = NativeDuckDB.vectorValidity(vector);
    }

    public boolean isNull(int row) {
      return !NativeDuckDB.isValid(validity, row);
    }

    public double get(int row) {
      return data.getAtIndex(ValueLayout.JAVA_DOUBLE, row);
    }
  }

  /** A BOOLEAN argument column. */
  public static final class BooleanColumn {
    private final MemorySegment data;
    private final MemorySegment validity;

    BooleanColumn(MemorySegment vector) {
      this.data = NativeDuckDB.vectorData(vector);
      this.validity = NativeDuckDB.vectorValidity(vector);
    }

    public boolean isNull(int row) {
      return !NativeDuckDB.isValid(validity, row);
    }

    public boolean get(int row) {
      return data.get(ValueLayout.JAVA_BYTE, row) != 0;
    }
  }

  /** A BIGINT argument column. */
  public static final class LongColumn {
    private final MemorySegment data;
    private final MemorySegment validity;

    LongColumn(MemorySegment vector) {
      this.data = NativeDuckDB.vectorData(vector);
      this.validity = NativeDuckDB.vectorValidity(vector);
    }

    public boolean isNull(int row) {
      return !NativeDuckDB.isValid(validity, row);
    }

    public long get(int row) {
      return data.getAtIndex(ValueLayout.JAVA_LONG, row);
    }
  }
}
