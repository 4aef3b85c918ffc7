package io.actdb.sql.spi;

import java.util.Arrays;

/**
 * A column of lists of float vectors ({@code FLOAT[d][]}, {@code FLOAT[][]}): row {@code r} holds
 * the vectors {@code first(r) .. first(r) + count(r)} of {@link #vectors()}. An engine bridge fills
 * it and reuses it per thread, so a function reads it only during the call that handed it over.
 */
public final class VectorListColumn {
  private final VectorColumn vectors = new VectorColumn();
  private int[] firsts = new int[0];
  private int[] counts = new int[0];
  private boolean[] valid = new boolean[0];
  private int rows;

  /** Every vector of every row, in row order; a NULL vector inside a list is a NULL row here. */
  public VectorColumn vectors() {
    return vectors;
  }

  /** Whether row {@code row}'s list is NULL. */
  public boolean isNull(int row) {
    return !valid[row];
  }

  /** Index in {@link #vectors()} of row {@code row}'s first vector. */
  public int first(int row) {
    return firsts[row];
  }

  /** Number of vectors in row {@code row}'s list. */
  public int count(int row) {
    return counts[row];
  }

  /** Number of rows. */
  public int rows() {
    return rows;
  }

  // ---------------------------------------------------------------- for engine bridges

  /** Starts a new load of {@code rowCount} rows, all NULL. */
  public void reset(int rowCount) {
    rows = rowCount;
    if (firsts.length < rowCount) {
      firsts = new int[rowCount];
      counts = new int[rowCount];
      valid = new boolean[rowCount];
    } else {
      Arrays.fill(valid, 0, rowCount, false);
    }
  }

  /** Makes row {@code row} the list of vectors {@code first .. first + count}. */
  public void setRow(int row, int first, int count) {
    valid[row] = true;
    firsts[row] = first;
    counts[row] = count;
  }
}
