package io.actdb.sql.kernels;

import java.util.Objects;

/**
 * Plain-Java {@link GramKernels}: the fallback when the Vector API is missing and the oracle the
 * SIMD kernels are tested against. It sums every product in float64 whichever {@link Accumulation}
 * is asked for.
 */
public final class ScalarGramKernels implements GramKernels {

  /**
   * Work ({@code rows * dim * dim}) below which a call stays on one thread: about half a
   * millisecond here, ten times a helper's wake-up in a VM. Measured on 2 cores: two threads gain
   * 30% at {@code 2^20}, nothing at {@code 2^19}.
   */
  static final long PARALLEL_MIN_WORK = 1L << 20;

  /**
   * Both accumulations sum in float64 (float32 runs are a permission, not a requirement). With
   * several threads each takes a range of gram rows {@code i} and walks all of {@code z}; every
   * entry's sum still runs over the rows in order, so the result is the same bit for bit.
   */
  @Override
  public void addUpperGram(
      float[] z, int rows, int dim, double[] gram, Accumulation accumulation, int parallelism) {
    checkGramArguments(z, rows, dim, gram, accumulation, parallelism);
    if (rows == 0 || dim == 0) {
      return;
    }
    int threads = KernelThreads.threadsFor(parallelism, rows, dim, PARALLEL_MIN_WORK);
    if (threads == 1) {
      addRange(z, rows, dim, 0, dim, gram);
      return;
    }
    int[] bounds = KernelThreads.splitTriangle(dim, 1, 4 * threads);
    KernelThreads.forEach(
        threads, bounds.length - 1, k -> addRange(z, rows, dim, bounds[k], bounds[k + 1], gram));
  }

  @Override
  public void addUpperGramShifted(
      float[] x, float[] shift, int rows, int dim, double[] gram, int parallelism) {
    checkGramArguments(x, rows, dim, gram, Accumulation.EXACT, parallelism);
    checkShift(shift, dim);
    if (rows == 0 || dim == 0) {
      return;
    }
    int threads = KernelThreads.threadsFor(parallelism, rows, dim, PARALLEL_MIN_WORK);
    if (threads == 1) {
      addRange(x, shift, rows, dim, 0, dim, gram);
      return;
    }
    int[] bounds = KernelThreads.splitTriangle(dim, 1, 4 * threads);
    KernelThreads.forEach(
        threads,
        bounds.length - 1,
        k -> addRange(x, shift, rows, dim, bounds[k], bounds[k + 1], gram));
  }

  /** Adds gram rows {@code iFrom .. iTo-1}. */
  private static void addRange(float[] z, int rows, int dim, int iFrom, int iTo, double[] gram) {
    addRange(z, null, rows, dim, iFrom, iTo, gram);
  }

  /** Adds gram rows {@code iFrom .. iTo-1} of {@code z − shift} ({@code shift} null: of z). */
  private static void addRange(
      float[] z, float[] shift, int rows, int dim, int iFrom, int iTo, double[] gram) {
    // Row by row: each row's outer product is added to the upper triangle, so z and gram are
    // both walked in memory order.
    for (int r = 0; r < rows; r++) {
      int row = r * dim;
      for (int i = iFrom; i < iTo; i++) {
        double zi = z[row + i] - (shift == null ? 0.0 : shift[i]);
        int g = i * dim;
        if (shift == null) {
          for (int j = i; j < dim; j++) {
            gram[g + j] += zi * z[row + j];
          }
        } else {
          for (int j = i; j < dim; j++) {
            gram[g + j] += zi * ((double) z[row + j] - shift[j]);
          }
        }
      }
    }
  }

  /** Fails when {@code shift} has fewer than {@code dim} entries. */
  static void checkShift(float[] shift, int dim) {
    Objects.requireNonNull(shift, "shift");
    if (shift.length < dim) {
      throw new IllegalArgumentException(
          "shift holds " + shift.length + " floats, fewer than dim = " + dim);
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
  static void checkGramArguments(
      float[] z, int rows, int dim, double[] gram, Accumulation accumulation, int parallelism) {
    Objects.requireNonNull(accumulation, "accumulation");
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
    }
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
