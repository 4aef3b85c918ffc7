package io.actdb.sql.kernels;

/**
 * Dense float32 kernels behind the CKA aggregates. Two implementations exist: {@link
 * ScalarGramKernels} (plain Java, the fallback and the test oracle) and {@link
 * PanamaGramKernels} (Vector API). {@link Kernels#get()} chooses one once per JVM.
 *
 * <p>Matrices are row-major {@code float[]} / {@code double[]}; a block {@code z} of {@code rows}
 * rows and {@code dim} columns holds row {@code r}, column {@code c} at {@code z[r * dim + c]}.
 *
 * <p>Implementations are thread-safe: several threads may call them at once, each with its own
 * {@code gram}.
 */
public interface GramKernels {

  /**
   * Adds the upper triangle (diagonal included) of {@code zᵀz} to {@code gram}: for every
   * {@code i <= j < dim}, {@code gram[i * dim + j] += Σ_r z[r*dim+i] * z[r*dim+j]} over
   * {@code 0 <= r < rows}. Entries below the diagonal are left untouched. Products may be summed
   * in float32 over runs of at most {@link #FLOAT_RUN} rows; every run's sum is added to {@code
   * gram} in float64.
   */
  void addUpperGram(float[] z, int rows, int dim, double[] gram);

  /** Returns {@code Σ z[offset + i]²} for {@code 0 <= i < length}, summed in float64. */
  double sumOfSquares(float[] z, int offset, int length);

  /** Longest run of rows whose products {@link #addUpperGram} may sum in float32. */
  int FLOAT_RUN = 256;

  /** Floating-point operations {@link #addUpperGram} performs for one call (for GFLOP/s). */
  static double upperGramFlops(int rows, int dim) {
    return (double) rows * dim * (dim + 1.0); // one multiply and one add per upper entry
  }
}
