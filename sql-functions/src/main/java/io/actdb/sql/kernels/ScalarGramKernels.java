package io.actdb.sql.kernels;

import java.util.Objects;

/**
 * Plain-Java {@link GramKernels}: the fallback when the Vector API is missing and the oracle the
 * SIMD kernels are tested against. It sums every product in float64, which the contract allows
 * (float32 runs are a permission, not a requirement), so it is also the more exact of the two.
 */
public final class ScalarGramKernels implements GramKernels {

  @Override
  public void addUpperGram(float[] z, int rows, int dim, double[] gram) {
    checkGramArguments(z, rows, dim, gram);
    // Row by row: each row's outer product is added to the upper triangle, so z and gram are
    // both walked in memory order.
    for (int r = 0; r < rows; r++) {
      int row = r * dim;
      for (int i = 0; i < dim; i++) {
        double zi = z[row + i];
        int g = i * dim;
        for (int j = i; j < dim; j++) {
          gram[g + j] += zi * z[row + j];
        }
      }
    }
  }

  @Override
  public double sumOfSquares(float[] z, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, z.length);
    double sum = 0;
    for (int i = offset; i < offset + length; i++) {
      double x = z[i];
      sum += x * x;
    }
    return sum;
  }

  /** Argument checks shared by both implementations, so they fail alike. */
  static void checkGramArguments(float[] z, int rows, int dim, double[] gram) {
    if (rows < 0 || dim < 0) {
      throw new IllegalArgumentException("rows and dim must be >= 0, got " + rows + ", " + dim);
    }
    if ((long) rows * dim > z.length) {
      throw new IllegalArgumentException(
          "z holds " + z.length + " floats, fewer than rows * dim = " + (long) rows * dim);
    }
    if ((long) dim * dim > gram.length) {
      throw new IllegalArgumentException(
          "gram holds " + gram.length + " doubles, fewer than dim * dim = " + (long) dim * dim);
    }
  }
}
