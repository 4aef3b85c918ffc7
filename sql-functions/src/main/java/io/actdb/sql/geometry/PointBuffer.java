package io.actdb.sql.geometry;

import io.actdb.sql.input.HeapBudget;
import io.actdb.sql.input.RowBlock;
import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.sql.spi.VectorColumn;

/** The float32 rows one aggregate group collects for one of its sets, row-major, growing. */
final class PointBuffer {
  private float[] data = new float[0];
  private int count;
  private int dim = -1;

  int count() {
    return count;
  }

  /** The dimension of the rows, or -1 before the first one. */
  int dim() {
    return dim;
  }

  /** The rows: {@code rows()[p * dim + c]} for {@code p < count()}; may be longer. */
  float[] rows() {
    return data;
  }

  /** Appends row {@code row} of {@code x}; fails on NaN, ±Inf or a dimension change. */
  void add(VectorColumn x, int row, int groupDim) {
    ensure(count + 1, groupDim);
    RowBlock.copyFinite(x, row, data, count * dim, "x");
    count++;
  }

  /** Appends all rows of {@code other} (same dimension). */
  void addAll(PointBuffer other) {
    if (other.count == 0) return;
    ensure(count + other.count, other.dim);
    System.arraycopy(other.data, 0, data, count * dim, other.count * dim);
    count += other.count;
  }

  private void ensure(int rows, int rowDim) {
    if (dim < 0) dim = rowDim;
    long needed = (long) rows * dim;
    if (needed > Integer.MAX_VALUE - 16) {
      throw new SqlFunctionException(
          "a group holds more than " + (Integer.MAX_VALUE / dim) + " points of " + dim + " floats");
    }
    if (needed > data.length) {
      long grown = Math.max(needed, Math.min(Integer.MAX_VALUE - 16, data.length * 3L / 2 + 1024));
      float[] larger;
      try {
        larger = new float[(int) grown];
      } catch (OutOfMemoryError e) {
        larger =
            HeapBudget.allocateFloats(
                needed, "a group's " + rows + " points of " + dim + " floats");
      }
      System.arraycopy(data, 0, larger, 0, count * dim);
      data = larger;
    }
  }
}
