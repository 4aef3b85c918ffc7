package io.actdb.sql.cka;

import io.actdb.sql.input.HeapBudget;
import io.actdb.sql.kernels.GramKernels;
import io.actdb.sql.kernels.OffHeapRows;
import io.actdb.sql.spi.Cancellation;
import io.actdb.sql.spi.SqlFunctionException;
import java.util.Arrays;
import java.util.function.ObjIntConsumer;

/**
 * The rows of a group kept as rows, for linear CKA in example space: each row's L representations
 * side by side ({@code [x, y]} for {@code cka}, L = 2; every layer for {@code cka_matrix}) as
 * float32 outside the heap ({@link OffHeapRows}), and at finalize one n×n Gram matrix per
 * representation ({@code K = X̃X̃ᵀ}, {@code L = ỸỸᵀ}, …) of the column-centred rows, computed with
 * the SIMD Gram kernel on transposed column blocks. Memory grows with the rows: {@code n·Σd} floats
 * off the heap, plus {@code L·n²} doubles of heap at finalize.
 *
 * <p>Centring: the kernel multiplies float32 values, each product exact in float64, so the values
 * it sees must be exact too. A column whose values all lie within a factor 2 of its float32 mean (a
 * common offset larger than the spread) is taken less that mean: by Sterbenz's lemma each
 * difference is then a float32 exactly. Any other column is taken as it is, its offset being at
 * most about twice its spread. The float64 double-centring of K and L removes what is left, so the
 * result equals the feature-space form's to float64 rounding.
 */
final class WideRows {
  /** Bytes of one transposed column block handed to the Gram kernel. */
  private static final long BLOCK_BYTES = 4L << 20;

  final int dx;
  final int dz;

  /** Representation l is columns {@code starts[l] .. starts[l + 1]}. */
  final int[] starts;

  int n;
  private final OffHeapRows rows;
  private final boolean rowsOnHeap;
  private final long featureFormBytes;
  // Allocated with the first row, after the size checks.
  private double[] columnSum;
  private float[] columnMin;
  private float[] columnMax;

  /** The rows of {@code cka(x, y)}: x then y. */
  WideRows(int dx, int dy) {
    this(new int[] {dx, dy}, CkaMoments.bytes((long) dx + dy));
  }

  /**
   * Rows of representations of {@code dims} side by side; {@code featureFormBytes}, what the
   * feature-space form of the same group would take, only serves the error messages.
   */
  WideRows(int[] dims, long featureFormBytes) {
    starts = new int[dims.length + 1];
    for (int l = 0; l < dims.length; l++) starts[l + 1] = Math.addExact(starts[l], dims[l]);
    this.dx = dims[0];
    this.dz = starts[dims.length];
    this.featureFormBytes = featureFormBytes;
    // While the feature form fits the heap, a group turns to it before its rows take more bytes
    // than it would: such rows fit the heap too, where their memory is recycled from query to
    // query.
    this.rowsOnHeap = HeapBudget.fits(featureFormBytes) && (long) dz * dz <= Integer.MAX_VALUE;
    this.rows = rowsOnHeap ? OffHeapRows.onHeap(dz) : new OffHeapRows(dz);
  }

  /** Number of representations side by side. */
  int representations() {
    return starts.length - 1;
  }

  /**
   * Bytes for {@code n} rows of {@code dz} floats and the {@code representations} n×n matrices of
   * finalize.
   */
  static long bytes(long n, long dz, int representations) {
    return n * dz * Float.BYTES + gramBytes(n, representations);
  }

  private static long gramBytes(long n, int representations) {
    return representations * n * n * Double.BYTES;
  }

  /**
   * Bytes the rows of one group may take outside the heap: the JVM's direct-memory limit ({@code
   * -XX:MaxDirectMemorySize}, by default as large as the maximum heap {@code -Xmx}).
   */
  static long offHeapBudget() {
    return OffHeapRows.directMemoryLimit();
  }

  private String describeGroup(long rowCount) {
    StringBuilder widths = new StringBuilder();
    for (int l = 0; l < representations(); l++) {
      if (l > 0) widths.append(" + ");
      widths.append(starts[l + 1] - starts[l]);
    }
    return "a group of "
        + rowCount
        + " rows of "
        + widths
        + " floats, kept as rows for the example-space form (its feature-space form would need "
        + HeapBudget.describe(featureFormBytes)
        + ")";
  }

  /** Fails, before anything is allocated, when {@code more} rows beyond {@link #n} cannot fit. */
  private void reserve(int more) {
    long needed = (long) n + more;
    long rowBytes = needed * dz * Float.BYTES;
    long budget = offHeapBudget();
    long heapBytes =
        gramBytes(needed, representations()) + (long) dz * (Double.BYTES + 2 * Float.BYTES);
    boolean heapFits = HeapBudget.fits(heapBytes) && needed * needed <= Integer.MAX_VALUE;
    if (rowBytes <= budget && heapFits) return;
    throw new SqlFunctionException(
        describeGroup(needed)
            + " needs "
            + HeapBudget.describe(bytes(needed, dz, representations()))
            + ": "
            + HeapBudget.describe(rowBytes)
            + " outside the heap for the rows, within the JVM's direct-memory limit of "
            + HeapBudget.describe(budget)
            + ", and "
            + HeapBudget.describe(heapBytes)
            + " of heap for the "
            + representations()
            + " Gram matrices and the column statistics, within a quarter of"
            + " the JVM's maximum heap of "
            + HeapBudget.describe(Runtime.getRuntime().maxMemory())
            + ". Sample fewer rows (USING SAMPLE), pool the layer (actdb extract --pool), or"
            + " raise the limits (ACTDB_JAVA_OPTS=\"-Xmx8g -XX:MaxDirectMemorySize=16g\")");
  }

  /** Appends {@code count} rows from {@code block} (row-major, {@code dz} floats each). */
  void add(float[] block, int count) {
    if (count == 0) return;
    reserve(count);
    allocateColumns();
    try {
      rows.add(block, count);
    } catch (OutOfMemoryError e) {
      throw rowsOnHeap
          ? HeapBudget.outOfHeap((long) count * dz * Float.BYTES, describeGroup(n + count))
          : outOfDirectMemory();
    }
    for (int r = 0; r < count; r++) {
      int base = r * dz;
      for (int k = 0; k < dz; k++) {
        float v = block[base + k];
        columnSum[k] += v;
        columnMin[k] = Math.min(columnMin[k], v);
        columnMax[k] = Math.max(columnMax[k], v);
      }
    }
    n += count;
  }

  /** Appends the rows of another state of the same group (sharing their memory). */
  void addAll(WideRows other) {
    if (other.n == 0) return;
    reserve(other.n);
    allocateColumns();
    rows.addAll(other.rows);
    for (int k = 0; k < dz; k++) {
      columnSum[k] += other.columnSum[k];
      columnMin[k] = Math.min(columnMin[k], other.columnMin[k]);
      columnMax[k] = Math.max(columnMax[k], other.columnMax[k]);
    }
    n += other.n;
  }

  private void allocateColumns() {
    if (columnSum != null) return;
    columnSum = new double[dz];
    columnMin = new float[dz];
    columnMax = new float[dz];
    Arrays.fill(columnMin, Float.POSITIVE_INFINITY);
    Arrays.fill(columnMax, Float.NEGATIVE_INFINITY);
  }

  /**
   * What each column is taken less of before the kernel: its float32 mean when every value lies
   * within a factor 2 of it (so each difference is exact in float32), else 0.
   */
  double[] origins() {
    double[] origin = new double[dz];
    for (int k = 0; k < dz; k++) {
      float mean = (float) (columnSum[k] / n);
      boolean positive = mean > 0 && columnMin[k] >= mean / 2 && columnMax[k] <= 2 * mean;
      boolean negative = mean < 0 && columnMax[k] <= mean / 2 && columnMin[k] >= 2 * mean;
      origin[k] = positive || negative ? mean : 0;
    }
    return origin;
  }

  private SqlFunctionException outOfDirectMemory() {
    return new SqlFunctionException(
        describeGroup(n)
            + ": the rows of all groups being computed together exceed the JVM's direct-memory"
            + " limit of "
            + HeapBudget.describe(offHeapBudget())
            + ". Sample fewer rows (USING SAMPLE), pool the layer (actdb extract --pool), compute"
            + " fewer groups at once, or raise -XX:MaxDirectMemorySize in ACTDB_JAVA_OPTS");
  }

  /** The float64 mean of each column, {@code dz} of them. */
  float[] meanAsFloats() {
    float[] mean = new float[dz];
    for (int k = 0; k < dz; k++) mean[k] = (float) (columnSum[k] / n);
    return mean;
  }

  /** Copies rows {@code from ..} (at most {@code count}) to {@code out}; returns how many. */
  int copyRows(int from, int count, float[] out) {
    int now = Math.min(count, n - from);
    rows.copyRows(from, now, out);
    return now;
  }

  /**
   * Passes every kept row, in order, to {@code sink} in blocks of at most {@code blockRows} rows
   * (row-major, {@code dz} floats each; the block is reused between calls).
   */
  void replay(int blockRows, ObjIntConsumer<float[]> sink) {
    float[] block = new float[Math.toIntExact((long) blockRows * dz)];
    for (int from = 0; from < n; ) {
      Cancellation.checkpoint();
      int count = copyRows(from, blockRows, block);
      sink.accept(block, count);
      from += count;
    }
  }

  /**
   * What CKA needs of the centred rows of x and y ({@code cka}'s two representations), from {@code
   * K} and {@code L}: {@code Σã = tr K}, {@code Σã² = Σ K_ii²}, {@code ‖X̃ᵀX̃‖²_F = ‖K‖²_F}, {@code
   * ‖X̃ᵀỸ‖²_F = ⟨K, L⟩_F}, and so on.
   */
  CkaMoments.Centred centred(GramKernels kernels, int parallelism) {
    return exampleSums(kernels, parallelism).pair(0, 1);
  }

  /**
   * The sums of {@link #centred} for every pair of representations at once: each representation's
   * centred n×n Gram matrix is formed once ({@code L·n²} doubles held together), then every pair's
   * inner products are read from them.
   */
  ExampleSums exampleSums(GramKernels kernels, int parallelism) {
    int layers = representations();
    double[] origin = origins();
    String what = "the " + layers + " example-space Gram matrices of " + n + " rows";
    HeapBudget.require(gramBytes(n, layers), what);
    double[][] grams = new double[layers][];
    int columns = (int) Math.clamp(BLOCK_BYTES / ((long) n * Float.BYTES), 1, dz);
    float[] block = HeapBudget.allocateFloats((long) columns * n, what);
    for (int l = 0; l < layers; l++) {
      grams[l] = HeapBudget.allocateDoubles((long) n * n, what);
      gram(kernels, parallelism, starts[l], starts[l + 1], origin, block, columns, grams[l]);
      centre(grams[l]);
    }
    double[] trace = new double[layers];
    double[] diagonalProducts = new double[layers * layers];
    double[] innerProducts = new double[layers * layers];
    for (int l = 0; l < layers; l++) {
      for (int i = 0; i < n; i++) trace[l] += grams[l][i * n + i];
    }
    for (int l = 0; l < layers; l++) {
      for (int m = l; m < layers; m++) {
        Cancellation.checkpoint();
        double diagonal = 0;
        for (int i = 0; i < n; i++) diagonal += grams[l][i * n + i] * grams[m][i * n + i];
        double inner = inner(grams[l], grams[m]);
        diagonalProducts[l * layers + m] = diagonal;
        diagonalProducts[m * layers + l] = diagonal;
        innerProducts[l * layers + m] = inner;
        innerProducts[m * layers + l] = inner;
      }
    }
    return new ExampleSums(layers, trace, diagonalProducts, innerProducts);
  }

  /**
   * Sums of the centred Gram matrices {@code K_l} of L representations: {@code trace[l] = tr K_l},
   * {@code diagonalProducts[l·L + m] = Σ_i K_l,ii·K_m,ii}, {@code innerProducts[l·L + m] = ⟨K_l,
   * K_m⟩_F}.
   */
  record ExampleSums(
      int layers, double[] trace, double[] diagonalProducts, double[] innerProducts) {
    /** What CKA needs of representations {@code l} (as x) and {@code m} (as y). */
    CkaMoments.Centred pair(int l, int m) {
      return new CkaMoments.Centred(
          trace[l],
          trace[m],
          diagonalProducts[l * layers + l],
          diagonalProducts[m * layers + m],
          diagonalProducts[l * layers + m],
          innerProducts[l * layers + l],
          innerProducts[m * layers + m],
          innerProducts[l * layers + m]);
    }
  }

  /** {@code ⟨a, b⟩_F} of two n×n matrices, in four partial sums so the additions overlap. */
  private static double inner(double[] a, double[] b) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int k = 0;
    for (; k + 3 < a.length; k += 4) {
      s0 += a[k] * b[k];
      s1 += a[k + 1] * b[k + 1];
      s2 += a[k + 2] * b[k + 2];
      s3 += a[k + 3] * b[k + 3];
    }
    for (; k < a.length; k++) s0 += a[k] * b[k];
    return (s0 + s1) + (s2 + s3);
  }

  /** Adds {@code Σ_c z_c z_cᵀ} over columns {@code from .. to-1} to the upper triangle of g. */
  private void gram(
      GramKernels kernels,
      int parallelism,
      int from,
      int to,
      double[] origin,
      float[] block,
      int columns,
      double[] g) {
    for (int c = from; c < to; c += columns) {
      Cancellation.checkpoint();
      int count = Math.min(columns, to - c);
      rows.transposeColumns(c, count, origin, block);
      kernels.addUpperGram(block, count, n, g, GramKernels.Accumulation.EXACT, parallelism);
    }
  }

  /** Fills the lower triangle of g from its upper one, then double-centres it: H g H. */
  private void centre(double[] g) {
    double[] rowMean = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) g[j * n + i] = g[i * n + j];
    }
    double all = 0;
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j < n; j++) s += g[i * n + j];
      rowMean[i] = s / n;
      all += rowMean[i];
    }
    all /= n;
    for (int i = 0; i < n; i++) {
      Cancellation.checkpoint();
      for (int j = 0; j < n; j++) g[i * n + j] += all - rowMean[i] - rowMean[j];
    }
  }
}
