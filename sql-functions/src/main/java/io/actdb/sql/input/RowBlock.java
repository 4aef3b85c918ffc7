package io.actdb.sql.input;

import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.sql.spi.VectorColumn;

/** Checks and copies of input rows, shared by every aggregate that takes vectors. */
public final class RowBlock {
  private RowBlock() {}

  /** Copies row {@code row} of {@code column} to {@code target[at ..]}, failing on NaN or ±Inf. */
  public static void copyFinite(
      VectorColumn column, int row, float[] target, int at, String argument) {
    float[] values = column.values();
    int from = column.offset(row);
    int dim = column.dim(row);
    System.arraycopy(values, from, target, at, dim);
    checkFinite(target, at, dim, argument);
  }

  /** Fails on NaN or ±Inf in {@code target[at .. at + dim)}, one vector of {@code argument}. */
  public static void checkFinite(float[] target, int at, int dim, String argument) {
    // NaN and ±Inf are the floats whose exponent bits are all ones; the OR of that test over the
    // row is a loop without branches (vectorized), and the element is looked for only when set.
    int special = 0;
    for (int i = 0; i < dim; i++) {
      special |= ((Float.floatToRawIntBits(target[at + i]) & 0x7f800000) + 0x00800000) >>> 31;
    }
    if (special == 0) return;
    for (int i = 0; i < dim; i++) {
      float v = target[at + i];
      if (v - v != 0f) { // NaN and ±Inf are the only floats for which v − v is not 0
        throw new SqlFunctionException(
            argument
                + " contains "
                + (Float.isNaN(v) ? "NaN" : (v > 0 ? "+Inf" : "-Inf"))
                + " at element "
                + (i + 1)
                + "; remove or replace non-finite values first");
      }
    }
  }

  /** Fails when a row's dimension differs from the group's. */
  public static void checkDim(int expected, int actual, String argument) {
    if (expected != actual) {
      throw new SqlFunctionException(
          "dimension mismatch: "
              + argument
              + " has "
              + actual
              + " elements in one row but "
              + expected
              + " in an earlier row of the same group");
    }
  }

  /** Fails on an empty vector. */
  public static void checkNotEmpty(int dim, String argument) {
    if (dim == 0) throw new SqlFunctionException(argument + " is an empty vector");
  }

  /** The x and y dimensions of a group: fixed by its first row, checked against every later one. */
  public static class PairDims {
    private int dx = -1;
    private int dy = -1;

    /** The x dimension of the group, -1 before its first row. */
    public final int dx() {
      return dx;
    }

    /** The y dimension of the group, -1 before its first row. */
    public final int dy() {
      return dy;
    }

    /** Accepts row {@code row}'s vectors, or fails on an empty or mismatched one. */
    public final void accept(VectorColumn x, VectorColumn y, int row) {
      accept(x.dim(row), y.dim(row));
    }

    /** Accepts the dimensions of a row or of another state's rows. */
    public final void accept(int xDim, int yDim) {
      if (dx < 0) {
        checkNotEmpty(xDim, "x");
        checkNotEmpty(yDim, "y");
        dx = xDim;
        dy = yDim;
      } else {
        checkDim(dx, xDim, "x");
        checkDim(dy, yDim, "y");
      }
    }
  }
}
