package io.actdb.sql.spi;

import java.util.Arrays;

/**
 * A column of float vectors ({@code FLOAT[d]}, {@code FLOAT[]} and their DOUBLE twins) as plain
 * arrays: row {@code r}'s vector is {@code values()[offset(r) .. offset(r) + dim(r))}. An engine
 * bridge fills it ({@link #reset}, then {@link #setRow} per non-NULL row) and reuses it per thread,
 * so a function reads it only during the call that handed it over.
 */
public final class VectorColumn {
  private float[] values = new float[0];
  private int[] offsets = new int[0];
  private int[] dims = new int[0];
  private boolean[] valid = new boolean[0];
  private int rows;

  /** Whether row {@code row} is NULL (skipped by every actdb aggregate). */
  public boolean isNull(int row) {
    return !valid[row];
  }

  /** Number of elements of row {@code row}'s vector. */
  public int dim(int row) {
    return dims[row];
  }

  /** Where row {@code row}'s vector starts in {@link #values()}. */
  public int offset(int row) {
    return offsets[row];
  }

  /** The backing array of all rows' elements. */
  public float[] values() {
    return values;
  }

  /** Number of rows. */
  public int rows() {
    return rows;
  }

  // ---------------------------------------------------------------- for engine bridges

  /**
   * Starts a new load of {@code rowCount} rows, all NULL, over at least {@code elementCount}
   * elements; returns the array to copy the elements into (it may be longer).
   */
  public float[] reset(int rowCount, int elementCount) {
    rows = rowCount;
    if (offsets.length < rowCount) {
      offsets = new int[rowCount];
      dims = new int[rowCount];
      valid = new boolean[rowCount];
    } else {
      Arrays.fill(valid, 0, rowCount, false);
    }
    if (values.length < elementCount) {
      // Grow by half at least: list columns vary in total length from chunk to chunk.
      values = new float[Math.max(elementCount, values.length + (values.length >> 1))];
    }
    return values;
  }

  /** Makes row {@code row} the non-NULL vector {@code values()[offset .. offset + dim)}. */
  public void setRow(int row, int offset, int dim) {
    valid[row] = true;
    offsets[row] = offset;
    dims[row] = dim;
  }
}
