package io.actdb.sql.cka;

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
   * @throws SqlFunctionException when the group's rows were kept in example space because the
   *     feature-space moments do not fit the heap
   */
  public static CentredScatter of(LinearCka.State state, String function) {
    if (state == null) return null;
    if (state.wide != null) {
      throw new SqlFunctionException(
          function
              + " needs the ("
              + state.dx()
              + " + "
              + state.dy()
              + ")² feature-space moments, which do not fit the heap; reduce the dimensions"
              + " first (pool the layer, or project it with PCA) or raise -Xmx through"
              + " ACTDB_JAVA_OPTS");
    }
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
}
