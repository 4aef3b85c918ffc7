package io.actdb.sql.cka;

import java.util.Arrays;

/**
 * Which columns of a group took more than one value. A representation whose columns are all
 * constant has zero variance, and CKA is then undefined; deciding that on the values themselves
 * (rather than on a centred variance against some tolerance) keeps data with a large common offset
 * but a few distinct float32 values per coordinate defined, however small its spread.
 */
final class ColumnConstancy {
  private float[] first;
  private boolean[] varies;

  /** Notes rows {@code rows[0 .. count·dim)}, row-major. */
  void add(float[] rows, int count, int dim) {
    if (count == 0) return;
    if (first == null) {
      first = Arrays.copyOf(rows, dim);
      varies = new boolean[dim];
    }
    for (int r = 0; r < count; r++) {
      int base = r * dim;
      for (int k = 0; k < dim; k++) {
        // 0.0 and -0.0 are the same value here; NaN cannot reach this (inputs are checked).
        // Without a branch, so that the loop is vectorized.
        varies[k] |= rows[base + k] != first[k];
      }
    }
  }

  /** Merges the columns seen by another state of the same group. */
  void addAll(ColumnConstancy other) {
    if (other.first == null) return;
    if (first == null) {
      first = other.first.clone();
      varies = other.varies.clone();
      return;
    }
    for (int k = 0; k < first.length; k++) {
      if (other.varies[k] || other.first[k] != first[k]) varies[k] = true;
    }
  }

  /** True when every column in {@code [from, to)} held a single value (or no row was seen). */
  boolean constant(int from, int to) {
    if (first == null) return true;
    for (int k = from; k < to; k++) {
      if (varies[k]) return false;
    }
    return true;
  }

  /** The group's first row (null before any row), for {@link LinearCkaStates}. */
  float[] firstRow() {
    return first;
  }

  /** Which columns took another value than the first row's, for {@link LinearCkaStates}. */
  boolean[] varying() {
    return varies;
  }

  /** Restores what {@link #firstRow} and {@link #varying} described. */
  void restore(float[] firstRow, boolean[] varying) {
    first = firstRow;
    varies = varying;
  }
}
