package io.actdb.sql.cka;

import io.actdb.sql.input.HeapBudget;
import io.actdb.sql.spi.Cancellation;
import io.actdb.sql.spi.SqlFunctionException;

/**
 * The rows of a group whose feature-space moments would not fit the heap ({@code (dx + dy)²}
 * doubles): each row's {@code [x, y]} as float32, and linear CKA in example space at finalize
 * through the n×n Gram matrices {@code K = X̃X̃ᵀ}, {@code L = ỸỸᵀ} of the column-centred rows.
 * Memory grows with the rows: {@code n·(dx + dy)} floats, plus {@code 2n²} doubles at finalize.
 */
final class WideRows {
  final int dx;
  final int dz;
  int n;
  float[] rows = new float[0];

  WideRows(int dx, int dy) {
    this.dx = dx;
    this.dz = dx + dy;
  }

  /** Heap bytes for {@code n} rows of {@code dz} floats and the two n×n matrices of finalize. */
  static long bytes(long n, long dz) {
    return n * dz * Float.BYTES + 2 * n * n * Double.BYTES;
  }

  /**
   * Room for {@code more} rows beyond {@link #n}; fails, before allocating, when it would not fit.
   */
  private void reserve(int more) {
    long needed = (long) n + more;
    if (needed * dz <= rows.length) return;
    String what =
        "a group of "
            + needed
            + " rows of "
            + dx
            + " + "
            + (dz - dx)
            + " floats, kept in example space (its feature-space form would need "
            + HeapBudget.describe(CkaMoments.bytes(dz))
            + ")";
    HeapBudget.require(bytes(needed, dz), what);
    if (needed * needed > Integer.MAX_VALUE - 16) {
      throw new SqlFunctionException(
          what
              + ": more rows than the example-space form handles ("
              + needed
              + " squared exceeds 2^31); sample the rows (USING SAMPLE)");
    }
    long grown = Math.min(Integer.MAX_VALUE / dz, n + (long) n / 2 + 16);
    if (grown < needed || !HeapBudget.fits(bytes(grown, dz)) || grown * grown > Integer.MAX_VALUE) {
      grown = needed;
    }
    float[] larger = HeapBudget.allocateFloats(grown * dz, what);
    System.arraycopy(rows, 0, larger, 0, n * dz);
    rows = larger;
  }

  /** Appends {@code count} rows from {@code block} (row-major, {@code dz} floats each). */
  void add(float[] block, int count) {
    reserve(count);
    System.arraycopy(block, 0, rows, n * dz, count * dz);
    n += count;
  }

  /** Appends the rows of another state of the same group. */
  void addAll(WideRows other) {
    if (other.n == 0) return;
    reserve(other.n);
    System.arraycopy(other.rows, 0, rows, n * dz, other.n * dz);
    n += other.n;
  }

  /** Copies rows {@code from ..} (at most {@code count}) to {@code out}; returns how many. */
  int copyRows(int from, int count, float[] out) {
    int now = Math.min(count, n - from);
    System.arraycopy(rows, from * dz, out, 0, now * dz);
    return now;
  }

  /**
   * What CKA needs of the centred rows, from {@code K} and {@code L}: {@code Σã = tr K}, {@code Σã²
   * = Σ K_ii²}, {@code ‖X̃ᵀX̃‖²_F = ‖K‖²_F}, {@code ‖X̃ᵀỸ‖²_F = ⟨K, L⟩_F}, and so on. Columns are
   * centred on their float64 mean, each difference taken in float64.
   */
  CkaMoments.Centred centred() {
    double[] mean = new double[dz];
    for (int r = 0; r < n; r++) {
      int base = r * dz;
      for (int k = 0; k < dz; k++) mean[k] += rows[base + k];
    }
    for (int k = 0; k < dz; k++) mean[k] /= n;
    String what = "the example-space Gram matrices of " + n + " rows";
    double[] k = HeapBudget.allocateDoubles((long) n * n, what);
    double[] l = HeapBudget.allocateDoubles((long) n * n, what);
    double[] zi = new double[dz];
    for (int i = 0; i < n; i++) {
      Cancellation.checkpoint();
      int bi = i * dz;
      for (int c = 0; c < dz; c++) zi[c] = rows[bi + c] - mean[c];
      for (int j = i; j < n; j++) {
        int bj = j * dz;
        double kx = 0;
        double ly = 0;
        for (int c = 0; c < dx; c++) kx += zi[c] * (rows[bj + c] - mean[c]);
        for (int c = dx; c < dz; c++) ly += zi[c] * (rows[bj + c] - mean[c]);
        k[i * n + j] = kx;
        k[j * n + i] = kx;
        l[i * n + j] = ly;
        l[j * n + i] = ly;
      }
    }
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
}
