package io.actdb.sql.kernels;

/**
 * Dense float32 kernels behind the CKA aggregates. Two implementations exist: {@link
 * ScalarGramKernels} (plain Java, the fallback and the test oracle) and {@link PanamaGramKernels}
 * (Vector API). {@link Kernels#get()} chooses one once per JVM.
 *
 * <p>Matrices are row-major {@code float[]} / {@code double[]}; a block {@code z} of {@code rows}
 * rows and {@code dim} columns holds row {@code r}, column {@code c} at {@code z[r * dim + c]}.
 *
 * <p>Implementations are thread-safe: several threads may call them at once, each with its own
 * {@code gram}. One call may also use several threads itself (its {@code parallelism}); those come
 * from one shared pool of daemon threads, see {@link KernelThreads}.
 */
public interface GramKernels {

  /** How {@link #addUpperGram} sums the products {@code z[r*dim+i] * z[r*dim+j]}. */
  enum Accumulation {
    /**
     * Every float32 product is summed in float64. The product of two floats is exact in a double,
     * so the only rounding is that of the float64 sums: results agree to about 1e-13 relative
     * whatever the order or the blocking of the rows.
     */
    EXACT,
    /**
     * Products are summed in float32 over runs of at most {@link #FLOAT_RUN} rows and each run's
     * sum is added in float64. Twice the SIMD lanes of {@link #EXACT}, but a result depends on how
     * the rows are cut into blocks at about {@code 1e-7} relative: not for results that must not
     * depend on row order or thread count.
     */
    FLOAT_RUNS
  }

  /**
   * Adds the upper triangle (diagonal included) of {@code zᵀz} to {@code gram}: for every {@code i
   * <= j < dim}, {@code gram[i * dim + j] += Σ_r z[r*dim+i] * z[r*dim+j]} over {@code 0 <= r <
   * rows}. Entries below the diagonal are left untouched.
   *
   * <p>With the same {@code accumulation}, the result does not depend on {@code parallelism}: for
   * {@link Accumulation#EXACT} it is the same bit for bit.
   *
   * @param accumulation how products are summed
   * @param parallelism how many threads may work on this one call, the caller included ({@code 1}:
   *     the caller only). A hint: small problems, where handing work to other threads costs more
   *     than it saves, run on the caller alone, and helpers busy elsewhere are not waited for.
   * @throws IllegalArgumentException when a size is negative, an array is too short, or {@code
   *     parallelism < 1}
   */
  void addUpperGram(
      float[] z, int rows, int dim, double[] gram, Accumulation accumulation, int parallelism);

  /**
   * {@link #addUpperGram(float[], int, int, double[], Accumulation, int)} with {@link
   * Accumulation#EXACT} on the calling thread alone.
   */
  default void addUpperGram(float[] z, int rows, int dim, double[] gram) {
    addUpperGram(z, rows, dim, gram, Accumulation.EXACT, 1);
  }

  /**
   * {@link Accumulation#EXACT} {@link #addUpperGram} of {@code z = x − shift} (row {@code r},
   * column {@code c}: {@code (double) x[r*dim+c] − shift[c]}), each difference taken in float64
   * rather than float32. The difference of two floats whose magnitudes are within a factor 2^29 of
   * each other is exact in float64, and any other is off by at most 2^-53 of itself; a float32
   * difference would round at 2^-24. Products of the differences round at 2^-53, and the result, as
   * for {@code EXACT}, does not depend on {@code parallelism}, bit for bit.
   *
   * @throws IllegalArgumentException as {@link #addUpperGram}, or when {@code shift} is shorter
   *     than {@code dim}
   */
  void addUpperGramShifted(
      float[] x, float[] shift, int rows, int dim, double[] gram, int parallelism);

  /** Bits of the vectors this implementation computes on ({@code 32}: one float at a time). */
  default int vectorBits() {
    return Float.SIZE;
  }

  /** Returns {@code Σ z[offset + i]²} for {@code 0 <= i < length}, summed in float64. */
  double sumOfSquares(float[] z, int offset, int length);

  /** Longest run of rows whose products {@link Accumulation#FLOAT_RUNS} sums in float32. */
  int FLOAT_RUN = 256;

  /** Floating-point operations {@link #addUpperGram} performs for one call (for GFLOP/s). */
  static double upperGramFlops(int rows, int dim) {
    return (double) rows * dim * (dim + 1.0); // one multiply and one add per upper entry
  }
}
