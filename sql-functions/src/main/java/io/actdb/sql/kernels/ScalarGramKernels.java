package io.actdb.sql.kernels;

/** Plain-Java twin of the Gram kernels (temporary until the SIMD set lands). */
public final class ScalarGramKernels implements GramKernels {
  @Override
  public void addUpperGram(float[] z, int rows, int dim, double[] gram) {
    for (int r = 0; r < rows; r++) {
      int base = r * dim;
      for (int i = 0; i < dim; i++) {
        double zi = z[base + i];
        int row = i * dim;
        for (int j = i; j < dim; j++) gram[row + j] += zi * z[base + j];
      }
    }
  }

  @Override
  public double sumOfSquares(float[] z, int offset, int length) {
    double s = 0;
    for (int i = 0; i < length; i++) s += (double) z[offset + i] * z[offset + i];
    return s;
  }
}
