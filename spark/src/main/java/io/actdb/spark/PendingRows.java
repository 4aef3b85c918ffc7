package io.actdb.spark;

import io.actdb.sql.spi.InputChunk;
import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.sql.spi.VectorColumn;
import java.util.Arrays;
import scala.Product;

/**
 * The rows one group has received from Spark since its last flush, handed to the SPI aggregate as
 * one {@link InputChunk}: Spark calls {@code reduce} row by row, while the aggregates (and their
 * Gram kernel) want blocks of rows, as DuckDB gives them.
 *
 * <p>Storage starts at a few rows and doubles up to {@link #capacityFor}: a query with many small
 * groups must not reserve a chunk's worth of floats per group.
 */
final class PendingRows implements InputChunk {
  /** Rows per flush at most: a DuckDB chunk, so the aggregates see the blocks they see there. */
  static final int CHUNK_ROWS = 2048;

  /** Bytes of pending vector elements per group at most: wide rows flush in smaller chunks. */
  private static final long CHUNK_BYTES = 4L << 20;

  private static final int FIRST_CAPACITY = 8;

  /** The vectors of a flush, reused per thread: a flush reads them only during the call. */
  private static final ThreadLocal<VectorColumn[]> COLUMNS =
      ThreadLocal.withInitial(() -> new VectorColumn[] {new VectorColumn(), new VectorColumn()});

  private static final ThreadLocal<int[]> IDENTITY = ThreadLocal.withInitial(() -> new int[0]);

  /**
   * One emptied store per thread, taken by the next group of the same aggregate that starts a
   * chunk: a group with many rows then fills the same arrays chunk after chunk instead of growing
   * new ones from a few rows each time (which copied every row about twice more and zeroed as many
   * fresh bytes). One per thread, so a task with many groups keeps at most one chunk's storage
   * beyond what its groups hold.
   */
  private static final ThreadLocal<PendingRows[]> SPARE =
      ThreadLocal.withInitial(() -> new PendingRows[1]);

  private final SparkAggregate aggregate;

  private final SparkAggregate.Argument[] arguments;
  private int rows;
  private int capacity;
  // Per vector argument, its rows' elements one after another, so that handing a column over is
  // one copy of that column alone.
  private final int[] elements;
  private final float[][] values;
  // Per row and vector argument: the element count, -1 for NULL.
  private int[][] dims;
  private double[] doubles;
  private long[] longs;
  private boolean[] scalarNull;
  private int elementsPerRow = -1;

  private PendingRows(SparkAggregate aggregate) {
    this.aggregate = aggregate;
    this.arguments = aggregate.arguments.toArray(SparkAggregate.Argument[]::new);
    this.dims = new int[arguments.length][];
    this.elements = new int[arguments.length];
    this.values = new float[arguments.length][];
  }

  /** Empty storage for rows of {@code aggregate}: this thread's spare when it has one. */
  static PendingRows take(SparkAggregate aggregate) {
    PendingRows[] spare = SPARE.get();
    PendingRows held = spare[0];
    if (held != null && held.aggregate == aggregate) {
      spare[0] = null;
      return held;
    }
    return new PendingRows(aggregate);
  }

  /** Empties this storage (its rows have been handed over) and keeps it as this thread's spare. */
  void recycle() {
    rows = 0;
    Arrays.fill(elements, 0);
    elementsPerRow = -1;
    SPARE.get()[0] = this;
  }

  /** Whether {@link #add} should be followed by a flush: the chunk is full. */
  boolean full() {
    return rows >= capacityFor(elementsPerRow);
  }

  private static int capacityFor(int elementsPerRow) {
    if (elementsPerRow <= 0) return CHUNK_ROWS;
    return (int) Math.clamp(CHUNK_BYTES / ((long) elementsPerRow * Float.BYTES), 1, CHUNK_ROWS);
  }

  /** Appends one Spark input row (a tuple of the aggregate's arguments). */
  void add(Product row) {
    if (rows == capacity) grow();
    int rowElements = 0;
    for (int a = 0; a < arguments.length; a++) {
      Object value = row.productElement(a);
      switch (arguments[a]) {
        case VECTOR -> {
          float[] v = (float[]) value;
          if (v == null) {
            dims[a][rows] = -1;
          } else {
            ensureValues(a, elements[a] + v.length);
            System.arraycopy(v, 0, values[a], elements[a], v.length);
            elements[a] += v.length;
            dims[a][rows] = v.length;
            rowElements += v.length;
          }
        }
        case DOUBLE -> {
          scalarNull[rows] = value == null;
          doubles[rows] = value == null ? 0 : ((Number) value).doubleValue();
        }
        case BIGINT -> {
          scalarNull[rows] = value == null;
          longs[rows] = value == null ? 0 : ((Number) value).longValue();
        }
      }
    }
    if (rowElements > elementsPerRow) elementsPerRow = rowElements;
    rows++;
  }

  private void grow() {
    int limit = capacityFor(elementsPerRow);
    capacity = Math.max(Math.min(capacity == 0 ? FIRST_CAPACITY : capacity * 2, limit), rows + 1);
    for (int a = 0; a < arguments.length; a++) {
      switch (arguments[a]) {
        case VECTOR ->
            dims[a] = dims[a] == null ? new int[capacity] : Arrays.copyOf(dims[a], capacity);
        case DOUBLE ->
            doubles = doubles == null ? new double[capacity] : Arrays.copyOf(doubles, capacity);
        case BIGINT -> longs = longs == null ? new long[capacity] : Arrays.copyOf(longs, capacity);
      }
    }
    scalarNull = scalarNull == null ? new boolean[capacity] : Arrays.copyOf(scalarNull, capacity);
  }

  private void ensureValues(int argument, int needed) {
    float[] held = values[argument];
    if (held == null) {
      values[argument] = new float[needed];
    } else if (held.length < needed) {
      values[argument] = Arrays.copyOf(held, Math.max(needed, held.length + (held.length >> 1)));
    }
  }

  /** The row numbers {@code 0 .. size()} for {@code update}. */
  int[] rowNumbers() {
    int[] identity = IDENTITY.get();
    if (identity.length < rows) {
      identity = new int[Math.max(rows, CHUNK_ROWS)];
      for (int i = 0; i < identity.length; i++) identity[i] = i;
      IDENTITY.set(identity);
    }
    return identity;
  }

  @Override
  public int columnCount() {
    return arguments.length;
  }

  @Override
  public int size() {
    return rows;
  }

  @Override
  public VectorColumn vectors(int column, String argumentName) {
    if (arguments[column] != SparkAggregate.Argument.VECTOR) {
      throw new SqlFunctionException(argumentName + " must be an array of floats");
    }
    int vectorIndex = 0;
    for (int a = 0; a < column; a++) {
      if (arguments[a] == SparkAggregate.Argument.VECTOR) vectorIndex++;
    }
    VectorColumn out = COLUMNS.get()[vectorIndex];
    float[] target = out.reset(rows, elements[column]);
    if (elements[column] > 0) System.arraycopy(values[column], 0, target, 0, elements[column]);
    int[] rowDims = dims[column];
    int offset = 0;
    for (int r = 0; r < rows; r++) {
      int d = rowDims[r];
      if (d >= 0) {
        out.setRow(r, offset, d);
        offset += d;
      }
    }
    return out;
  }

  @Override
  public DoubleColumn doubles(int column) {
    return new DoubleColumn() {
      @Override
      public boolean isNull(int row) {
        return scalarNull[row];
      }

      @Override
      public double get(int row) {
        return doubles[row];
      }
    };
  }

  @Override
  public BooleanColumn booleans(int column) {
    throw new SqlFunctionException("no BOOLEAN argument in column " + (column + 1));
  }

  @Override
  public LongColumn longs(int column) {
    return new LongColumn() {
      @Override
      public boolean isNull(int row) {
        return scalarNull[row];
      }

      @Override
      public long get(int row) {
        return longs[row];
      }
    };
  }
}
