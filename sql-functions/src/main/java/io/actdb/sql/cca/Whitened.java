package io.actdb.sql.cca;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * One side (x or y) of a pair in its principal axes: the eigenvalues of its centred scatter {@code
 * X̃ᵀX̃} (the squared singular values of X̃), descending, and their eigenvectors. The kept axes
 * span the centred column space of X̃ to within the numerical rank.
 */
final class Whitened {

  /**
   * Relative numerical-rank threshold on the eigenvalues of the scatter: a principal axis counts
   * when its variance exceeds this share of the largest. Eigenvalues of a double-precision scatter
   * are known to about 1e-16·dim of the largest, so the directions a rank deficiency leaves (fewer
   * rows than dimensions, duplicated or linearly dependent neurons) sit orders of magnitude below;
   * in singular values the cut is 1e-5 of the largest, about where float32 activations stop being
   * distinguishable from rounding.
   */
  static final double RANK_TOLERANCE = 1e-10;

  /** Eigenvalues, descending, every one of them (clipped at 0). */
  final double[] eigenvalues;

  /** Eigenvectors as columns, in the order of {@link #eigenvalues}: dim × dim. */
  final DMatrixRMaj axes;

  /** Axes above {@link #RANK_TOLERANCE}. */
  final int rank;

  private Whitened(double[] eigenvalues, DMatrixRMaj axes, int rank) {
    this.eigenvalues = eigenvalues;
    this.axes = axes;
    this.rank = rank;
  }

  /** Principal axes of the symmetric {@code scatter}. */
  static Whitened of(DMatrixRMaj scatter) {
    int d = scatter.numRows;
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
    if (!eig.decompose(scatter.copy())) {
      throw new IllegalStateException(
          "the eigen-decomposition of a scatter matrix did not converge");
    }
    Integer[] order = new Integer[d];
    double[] values = new double[d];
    for (int i = 0; i < d; i++) {
      order[i] = i;
      values[i] = eig.getEigenvalue(i).getReal();
    }
    Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));
    double[] sorted = new double[d];
    DMatrixRMaj axes = new DMatrixRMaj(d, d);
    for (int c = 0; c < d; c++) {
      sorted[c] = Math.max(0, values[order[c]]);
      DMatrixRMaj v = eig.getEigenVector(order[c]);
      for (int r = 0; r < d; r++) axes.unsafe_set(r, c, v.get(r, 0));
    }
    int rank = 0;
    double cut = RANK_TOLERANCE * sorted[0];
    while (rank < d && sorted[rank] > cut) rank++;
    return new Whitened(sorted, axes, rank);
  }

  /** Total variance (sum of eigenvalues): ‖X̃‖²_F. */
  double total() {
    double s = 0;
    for (double v : eigenvalues) s += v;
    return s;
  }

  /**
   * The fewest leading axes whose eigenvalues sum to at least {@code keep} of the total (SVCCA's
   * truncation), never beyond the rank.
   */
  int keptFor(double keep) {
    double target = keep * total();
    double s = 0;
    int k = 0;
    while (k < rank) {
      s += eigenvalues[k++];
      if (s >= target) break;
    }
    return k;
  }

  /**
   * The whitening map of the first {@code k} axes, dim × k: column c is {@code v_c / √λ_c}, so that
   * {@code X̃·W} has orthonormal columns (an orthonormal basis Q_X of the kept subspace).
   */
  DMatrixRMaj whitening(int k) {
    int d = axes.numRows;
    DMatrixRMaj w = new DMatrixRMaj(d, k);
    for (int c = 0; c < k; c++) {
      double scale = 1 / Math.sqrt(eigenvalues[c]);
      for (int r = 0; r < d; r++) w.unsafe_set(r, c, axes.unsafe_get(r, c) * scale);
    }
    return w;
  }
}
