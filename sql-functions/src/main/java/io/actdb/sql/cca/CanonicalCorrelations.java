package io.actdb.sql.cca;

import io.actdb.sql.cka.CentredScatter;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Canonical correlations of a pair from its centred scatter, by whitening: with {@code X̃ᵀX̃ = V Λ
 * Vᵀ}, {@code Q_X = X̃ V Λ^{-1/2}} is an orthonormal basis of X̃'s column space, so {@code Q_XᵀQ_Y
 * = Λx^{-1/2} Vxᵀ (X̃ᵀỸ) Vy Λy^{-1/2}} comes from the moments alone, whatever n is. Its singular
 * values are the canonical correlations ρ_i (seed 002, Appendix C.2).
 */
final class CanonicalCorrelations {
  final Whitened x;
  final Whitened y;

  /** Axes of x and of y taken into the comparison (the ranks, or SVCCA's truncations). */
  final int keptX;

  final int keptY;

  /** ρ_1 ≥ … ≥ ρ_p, p = min(keptX, keptY), each in [0, 1]. */
  final double[] rho;

  /** {@code Q_XᵀQ_Y}: keptX × keptY. */
  private final DMatrixRMaj cross;

  /** Left singular vectors of {@link #cross}, keptX × p, in the order of {@link #rho}. */
  private final DMatrixRMaj left;

  private CanonicalCorrelations(
      Whitened x,
      Whitened y,
      int keptX,
      int keptY,
      double[] rho,
      DMatrixRMaj cross,
      DMatrixRMaj left) {
    this.x = x;
    this.y = y;
    this.keptX = keptX;
    this.keptY = keptY;
    this.rho = rho;
    this.cross = cross;
    this.left = left;
  }

  /**
   * CCA of the pair, on every axis above the numerical rank ({@code keep} NaN) or on the fewest
   * leading principal axes explaining {@code keep} of each side's variance (SVCCA). Null when a
   * side keeps no axis.
   */
  static CanonicalCorrelations of(CentredScatter scatter, double keep) {
    int dx = scatter.dx();
    int dy = scatter.dy();
    int dz = dx + dy;
    DMatrixRMaj all = DMatrixRMaj.wrap(dz, dz, scatter.matrix());
    DMatrixRMaj xx = CommonOps_DDRM.extract(all, 0, dx, 0, dx);
    DMatrixRMaj yy = CommonOps_DDRM.extract(all, dx, dz, dx, dz);
    DMatrixRMaj xy = CommonOps_DDRM.extract(all, 0, dx, dx, dz);
    Whitened x = Whitened.of(xx);
    Whitened y = Whitened.of(yy);
    int keptX = Double.isNaN(keep) ? x.rank : x.keptFor(keep);
    int keptY = Double.isNaN(keep) ? y.rank : y.keptFor(keep);
    if (keptX == 0 || keptY == 0) return null;
    DMatrixRMaj wx = x.whitening(keptX);
    DMatrixRMaj wy = y.whitening(keptY);
    DMatrixRMaj xyWy = new DMatrixRMaj(dx, keptY);
    CommonOps_DDRM.mult(xy, wy, xyWy);
    DMatrixRMaj cross = new DMatrixRMaj(keptX, keptY);
    CommonOps_DDRM.multTransA(wx, xyWy, cross);

    int p = Math.min(keptX, keptY);
    SingularValueDecomposition_F64<DMatrixRMaj> svd =
        DecompositionFactory_DDRM.svd(keptX, keptY, true, false, true);
    if (!svd.decompose(cross.copy())) {
      throw new IllegalStateException("the SVD of the whitened cross-covariance did not converge");
    }
    DMatrixRMaj u = svd.getU(null, false);
    DMatrixRMaj w = svd.getW(null);
    SingularOps_DDRM.descendingOrder(u, false, w, null, false);
    double[] rho = new double[p];
    // Rounding in the whitening can step a correlation of 1 (the wide case) past it by ~1e-12.
    for (int i = 0; i < p; i++) rho[i] = Math.min(1, Math.max(0, w.get(i, i)));
    DMatrixRMaj left = CommonOps_DDRM.extract(u, 0, keptX, 0, p);
    return new CanonicalCorrelations(x, y, keptX, keptY, rho, cross, left);
  }

  /** Σρ_i / p. */
  double rhoMean() {
    double s = 0;
    for (double r : rho) s += r;
    return s / rho.length;
  }

  /** Σρ_i² / p = ‖Q_YᵀQ_X‖²_F / p. */
  double r2() {
    double s = 0;
    for (double r : rho) s += r * r;
    return s / rho.length;
  }

  /**
   * R² of the least-squares fit of X̃ from Ỹ, {@code ‖Q_YᵀX̃‖²_F / ‖X̃‖²_F}. With {@code X̃ = Q_X
   * Λx^{1/2} Vxᵀ}, {@code ‖Q_YᵀX̃‖²_F = Σ_ik (Q_XᵀQ_Y)_ik² λ_i}: the moments suffice. Meaningful on
   * the full ranks (not after SVCCA's truncation).
   */
  double linearRegressionR2() {
    double explained = 0;
    for (int i = 0; i < keptX; i++) {
      double row = 0;
      for (int k = 0; k < keptY; k++) {
        double v = cross.unsafe_get(i, k);
        row += v * v;
      }
      explained += row * x.eigenvalues[i];
    }
    double total = x.total();
    return Math.min(1, explained / total);
  }

  /**
   * Projection-weighted mean of the ρ_i (seed 002 eq. 9): weights {@code α_i = Σ_j |⟨h_i, x̃_j⟩|}
   * with {@code h_i = Q_X u_i} the unit-norm canonical variables of X and x̃_j its centred neurons.
   * {@code ⟨h_i, x̃_j⟩ = (u_iᵀ Λx^{1/2} Vxᵀ)_j}, again from the moments. Over i ≤ p: beyond p the
   * canonical variables of X have ρ = 0 but are fixed only up to a rotation, which the L1 weights
   * are not invariant to. Null when every weight is 0.
   */
  Double projectionWeighted() {
    int dx = x.axes.numRows;
    int p = rho.length;
    DMatrixRMaj scaled = new DMatrixRMaj(keptX, dx); // Λx^{1/2} Vxᵀ over the kept axes
    for (int i = 0; i < keptX; i++) {
      double s = Math.sqrt(x.eigenvalues[i]);
      for (int j = 0; j < dx; j++) scaled.unsafe_set(i, j, s * x.axes.unsafe_get(j, i));
    }
    DMatrixRMaj projections = new DMatrixRMaj(p, dx);
    CommonOps_DDRM.multTransA(left, scaled, projections);
    double weighted = 0;
    double weights = 0;
    for (int i = 0; i < p; i++) {
      double alpha = 0;
      for (int j = 0; j < dx; j++) alpha += Math.abs(projections.unsafe_get(i, j));
      weighted += alpha * rho[i];
      weights += alpha;
    }
    return weights > 0 ? weighted / weights : null;
  }
}
