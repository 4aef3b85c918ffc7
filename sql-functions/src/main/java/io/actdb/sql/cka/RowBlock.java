package io.actdb.sql.cka;

import io.actdb.sql.duckdb.SqlFunctionException;
import io.actdb.sql.duckdb.VectorColumn;

/** Checks of one input row shared by the CKA aggregates. */
final class RowBlock {
  private RowBlock() {}

  /**
   * Copies row {@code row} of {@code column} to {@code target[at ..]}, failing on NaN or ±Inf.
   */
  static void copyFinite(VectorColumn column, int row, float[] target, int at, String argument) {
    float[] values = column.values();
    int from = column.offset(row);
    int dim = column.dim(row);
    System.arraycopy(values, from, target, at, dim);
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
  static void checkDim(int expected, int actual, String argument) {
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
  static void checkNotEmpty(int dim, String argument) {
    if (dim == 0) throw new SqlFunctionException(argument + " is an empty vector");
  }
}
