package io.actdb.sql.cka;

import io.actdb.sql.input.HeapBudget;
import io.actdb.sql.kernels.GramKernels;
import io.actdb.sql.kernels.OffHeapRows;
import io.actdb.sql.spi.Cancellation;
import io.actdb.sql.spi.SqlFunctionException;
import java.util.Arrays;

/**
 * The rows of a group kept as rows, for linear CKA in example space: each row's {@code [x, y]} as
 * float32 outside the heap ({@link OffHeapRows}), and at finalize the n×n Gram matrices {@code K =
 * X̃X̃ᵀ}, {@code L = ỸỸᵀ} of the column-centred rows, computed with the SIMD Gram kernel on
 * transposed column blocks. Memory grows with the rows: {@code n·(dx + dy)} floats off the heap,
 * plus {@code 2n²} doubles of heap at finalize.
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
  int n;
  private final OffHeapRows rows;
  // Allocated with the first row, after the size checks.
  private double[] columnSum;
  private float[] columnMin;
  private float[] columnMax;

  WideRows(int dx, int dy) {
    this.dx = dx;
    this.dz = dx + dy;
    this.rows = new OffHeapRows(dz);
  }

  /** Bytes for {@code n} rows of {@code dz} floats and the two n×n matrices of finalize. */
  static long bytes(long n, long dz) {
    return n * dz * Float.BYTES + gramBytes(n);
  }

  private static long gramBytes(long n) {
    return 2 * n * n * Double.BYTES;
  }

  /**
   * Bytes the rows of one group may take outside the heap: the JVM's direct-memory limit ({@code
   * -XX:MaxDirectMemorySize}, by default as large as the maximum heap {@code -Xmx}).
   */
  static long offHeapBudget() {
    return OffHeapRows.directMemoryLimit();
  }

  private String describeGroup(long rowCount) {
    return "a group of "
        + rowCount
        + " rows of "
        + dx
        + " + "
        + (dz - dx)
        + " floats, kept as rows for the example-space form (its feature-space form would need "
        + HeapBudget.describe(CkaMoments.bytes(dz))
        + ")";
  }

  /** Fails, before anything is allocated, when {@code more} rows beyond {@link #n} cannot fit. */
  private void reserve(int more) {
    long needed = (long) n + more;
    long rowBytes = needed * dz * Float.BYTES;
    long budget = offHeapBudget();
    long heapBytes = gramBytes(needed) + (long) dz * (Double.BYTES + 2 * Float.BYTES);
    boolean heapFits = HeapBudget.fits(heapBytes) && needed * needed <= Integer.MAX_VALUE;
    if (rowBytes <= budget && heapFits) return;
    throw new SqlFunctionException(
        describeGroup(needed)
            + " needs "
            + HeapBudget.describe(bytes(needed, dz))
            + ": "
            + HeapBudget.describe(rowBytes)
            + " outside the heap for the rows, within the JVM's direct-memory limit of "
            + HeapBudget.describe(budget)
            + ", and "
            + HeapBudget.describe(heapBytes)
            + " of heap for the two Gram matrices and the column statistics, within a quarter of"
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
      throw outOfDirectMemory();
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
   * What CKA needs of the centred rows, from {@code K} and {@code L}: {@code Σã = tr K}, {@code Σã²
   * = Σ K_ii²}, {@code ‖X̃ᵀX̃‖²_F = ‖K‖²_F}, {@code ‖X̃ᵀỸ‖²_F = ⟨K, L⟩_F}, and so on.
   */
  CkaMoments.Centred centred(GramKernels kernels, int parallelism) {
    double[] origin = origins();
    String what = "the example-space Gram matrices of " + n + " rows";
    double[] k = HeapBudget.allocateDoubles((long) n * n, what);
    double[] l = HeapBudget.allocateDoubles((long) n * n, what);
    int columns = (int) Math.clamp(BLOCK_BYTES / ((long) n * Float.BYTES), 1, dz);
    float[] block = HeapBudget.allocateFloats((long) columns * n, what);
    gram(kernels, parallelism, 0, dx, origin, block, columns, k);
    gram(kernels, parallelism, dx, dz, origin, block, columns, l);
    centre(k);
    centre(l);
    double sumA = 0;
    double sumB = 0;
    double sumAA = 0;
    double sumBB = 0;
    double sumAB = 0;
    double xx = 0;
    double yy = 0;
    double xy = 0;
    for (int i = 0; i < n; i++) {
      double a = k[i * n + i];
      double b = l[i * n + i];
      sumA += a;
      sumB += b;
      sumAA += a * a;
      sumBB += b * b;
      sumAB += a * b;
      for (int j = 0; j < n; j++) {
        double kv = k[i * n + j];
        double lv = l[i * n + j];
        xx += kv * kv;
        yy += lv * lv;
        xy += kv * lv;
      }
    }
    return new CkaMoments.Centred(sumA, sumB, sumAA, sumBB, sumAB, xx, yy, xy);
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
