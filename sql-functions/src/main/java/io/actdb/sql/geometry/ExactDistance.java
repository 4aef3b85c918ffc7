package io.actdb.sql.geometry;

/**
 * The distance every IPR, PRDC and GeomCA decision is defined on: {@code Σ_c (x_c − y_c)²} of the
 * float32 inputs, computed in float64 in coordinate order. Each difference of two floats and its
 * square are exact in float64, so the only rounding is the sum's, about {@code dim · 2^-53}
 * relative: far below anything float32 data can resolve, and the same whatever the scale, offset,
 * row order or thread count.
 */
final class ExactDistance {
  private ExactDistance() {}

  /** Squared distance between {@code x[xFrom ..]} and {@code y[yFrom ..]}, {@code dim} floats. */
  static double squared(float[] x, int xFrom, float[] y, int yFrom, int dim) {
    double sum = 0;
    for (int c = 0; c < dim; c++) {
      double d = (double) x[xFrom + c] - y[yFrom + c];
      sum += d * d;
    }
    return sum;
  }
}
