package io.actdb.sql.pca;

import io.actdb.sql.kernels.GramKernels;
import io.actdb.sql.spi.Cancellation;

/**
 * Streaming first and second moments of d-dimensional rows: n, Σz and the upper triangle of Σzzᵀ
 * with {@code z = x − shift}. O(d²) memory whatever the number of rows.
 *
 * <p>The origin {@code shift} is the float32 mean of the first rows seen: later rows sit near it,
 * so the float64 differences the kernel forms are exact and the centred covariance loses no digits
 * to a large common offset in the data.
 */
final class SecondMoments {
  final int dim;
  final float[] shift;
  long n;
  final double[] sum;
  final double[] gram; // dim × dim, upper triangle (j >= i) valid

  SecondMoments(int dim, float[] shift) {
    this.dim = dim;
    this.shift = shift;
    this.sum = new double[dim];
    this.gram = new double[Math.toIntExact((long) dim * dim)];
  }

  /** Heap bytes of the moments of {@code dim} columns. */
  static long bytes(long dim) {
    return (dim * dim + dim) * Double.BYTES + dim * Float.BYTES;
  }

  /** Adds {@code rows} raw rows {@code x[0 .. rows·dim)}, each taken relative to the shift. */
  void addBlock(GramKernels kernels, float[] x, int rows, int parallelism) {
    if (rows == 0) return;
    for (int r = 0; r < rows; r++) {
      int base = r * dim;
      for (int k = 0; k < dim; k++) sum[k] += (double) x[base + k] - shift[k];
    }
    kernels.addUpperGramShifted(x, shift, rows, dim, gram, parallelism);
    n += rows;
  }

  /**
   * Adds the rows of {@code other}, re-expressed about this state's origin: each of its rows z
   * counts as {@code z + δ} with {@code δ = other.shift − shift}, so Σ(z+δ)(z+δ)ᵀ = G + δΣzᵀ + Σzδᵀ
   * + mδδᵀ (exact algebra in float64).
   */
  void addAll(SecondMoments other) {
    double[] delta = new double[dim];
    for (int k = 0; k < dim; k++) delta[k] = (double) other.shift[k] - shift[k];
    long m = other.n;
    for (int i = 0; i < dim; i++) {
      Cancellation.checkpoint();
      double di = delta[i];
      double si = other.sum[i];
      int row = i * dim;
      for (int j = i; j < dim; j++) {
        gram[row + j] +=
            other.gram[row + j] + di * other.sum[j] + si * delta[j] + m * di * delta[j];
      }
    }
    for (int k = 0; k < dim; k++) sum[k] += other.sum[k] + m * delta[k];
    n += m;
  }

  /** The rows' mean, in float64. */
  double[] mean() {
    double[] mean = new double[dim];
    for (int k = 0; k < dim; k++) mean[k] = shift[k] + sum[k] / n;
    return mean;
  }

  /**
   * The sample covariance (divisor n − 1), full symmetric, row-major: {@code (G − ΣzΣzᵀ/n) / (n −
   * 1)}, which equals the scatter of the rows about their own mean whatever the origin.
   */
  double[] covariance() {
    double[] c = new double[Math.toIntExact((long) dim * dim)];
    double scale = 1.0 / (n - 1);
    for (int i = 0; i < dim; i++) {
      Cancellation.checkpoint();
      int row = i * dim;
      double si = sum[i] / n;
      for (int j = i; j < dim; j++) {
        double v = (gram[row + j] - si * sum[j]) * scale;
        c[row + j] = v;
        c[j * dim + i] = v;
      }
    }
    return c;
  }
}
