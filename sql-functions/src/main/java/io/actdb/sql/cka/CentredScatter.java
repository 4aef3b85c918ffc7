package io.actdb.sql.cka;

import io.actdb.sql.input.HeapBudget;
import io.actdb.sql.kernels.Kernels;
import io.actdb.sql.spi.Cancellation;
import io.actdb.sql.spi.SqlFunctionException;

/**
 * The column-centred scatter matrix {@code [X̃ Ỹ]ᵀ[X̃ Ỹ]} of the rows a {@code cka} state has seen:
 * what the CCA family needs of the same pass, read from the same moments, so that those functions
 * share the state, its kernel and its NULL, NaN and dimension rules.
 *
 * @param n rows seen
 * @param dx dimension of x
 * @param dy dimension of y
 * @param matrix (dx + dy) × (dx + dy), row-major, symmetric (both triangles filled)
 */
public record CentredScatter(long n, int dx, int dy, double[] matrix) {

  /**
   * The scatter of {@code state}, or null when CKA itself is undefined there: fewer than two rows,
   * or x or y constant over the group.
   *
   * @throws SqlFunctionException when the group's rows were kept in example space and their (dx +
   *     dy)² scatter does not fit the heap
   */
  public static CentredScatter of(LinearCka.State state, String function) {
    if (state == null) return null;
    if (state.wide != null) return ofRows(state, function);
    CkaMoments m = state.moments;
    if (m == null || m.n < 2) return null;
    int dz = m.dz;
    if (state.constancy.constant(0, m.dx) || state.constancy.constant(m.dx, dz)) return null;
    double[] mean = new double[dz];
    for (int k = 0; k < dz; k++) mean[k] = m.sum[k] / m.n;
    // Σ(z − μ)(z − μ)ᵀ = Σzzᵀ − n μμᵀ with μ = Σz / n, in the shifted coordinates the moments keep.
    double[] out = new double[Math.toIntExact((long) dz * dz)];
    for (int i = 0; i < dz; i++) {
      Cancellation.checkpoint();
      int row = i * dz;
      for (int j = i; j < dz; j++) {
        double v = m.gram[row + j] - m.n * mean[i] * mean[j];
        out[row + j] = v;
        out[j * dz + i] = v;
      }
    }
    return new CentredScatter(m.n, m.dx, m.dy, out);
  }

  /**
   * The scatter of a group whose rows {@code cka} kept as rows (example space: few rows, or very
   * wide ones): their feature-space scatter, as long as its (dx + dy)² doubles fit the heap.
   */
  private static CentredScatter ofRows(LinearCka.State state, String function) {
    WideRows wide = state.wide;
    int dx = state.dx();
    int dz = dx + state.dy();
    if (wide.n < 2) return null;
    if (state.constancy.constant(0, dx) || state.constancy.constant(dx, dz)) return null;
    requireScatterFits(function, dx, state.dy());
    int n = Math.toIntExact(wide.n);
    float[] rows = new float[Math.toIntExact((long) n * dz)];
    wide.copyRows(0, n, rows);
    return ofRows(rows, n, dx, state.dy());
  }

  /** Fails with a clear error when a (dx + dy)² scatter matrix does not fit the heap. */
  static void requireScatterFits(String function, int dx, int dy) {
    long dz = (long) dx + dy;
    long bytes = dz * dz * Double.BYTES;
    if (!HeapBudget.fits(bytes)) {
      throw new SqlFunctionException(
          function
              + " needs the ("
              + dx
              + " + "
              + dy
              + ")² scatter matrix ("
              + HeapBudget.describe(bytes)
              + "), which does not fit the heap; reduce the dimensions first (pool the layer, or"
              + " project it with PCA) or raise -Xmx through ACTDB_JAVA_OPTS");
    }
  }

  /** The scatter of {@code n} rows {@code [x, y]} of {@code dx + dy} floats, row-major. */
  static CentredScatter ofRows(float[] rows, int n, int dx, int dy) {
    int dz = dx + dy;
    double[] sum = new double[dz];
    for (int r = 0; r < n; r++) for (int k = 0; k < dz; k++) sum[k] += rows[r * dz + k];
    float[] shift = new float[dz];
    for (int k = 0; k < dz; k++) shift[k] = (float) (sum[k] / n);
    double[] out = new double[Math.toIntExact((long) dz * dz)];
    // Differences to a float32 origin near the mean are exact in float64; the remaining offset
    // of the true mean from that origin is taken out afterwards.
    Kernels.get().addUpperGramShifted(rows, shift, n, dz, out, 1);
    double[] offset = new double[dz];
    for (int k = 0; k < dz; k++) offset[k] = sum[k] / n - shift[k];
    for (int i = 0; i < dz; i++) {
      Cancellation.checkpoint();
      int row = i * dz;
      for (int j = i; j < dz; j++) {
        double v = out[row + j] - n * offset[i] * offset[j];
        out[row + j] = v;
        out[j * dz + i] = v;
      }
    }
    return new CentredScatter(n, dx, dy, out);
  }
}
