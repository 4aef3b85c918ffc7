package io.actdb.sql.cca;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * The CCA family computed the textbook way, in example space on the data matrix itself (no moments,
 * no whitening): orthonormal bases from the SVD of the centred n × d data, canonical correlations
 * as singular values of Q_XᵀQ_Y, linear regression by a least-squares solve.
 */
final class CcaReference {
  private CcaReference() {}

  static DMatrixRMaj centred(float[][] x) {
    int n = x.length;
    int d = x[0].length;
    DMatrixRMaj m = new DMatrixRMaj(n, d);
    for (int k = 0; k < d; k++) {
      double mean = 0;
      for (float[] row : x) mean += row[k];
      mean /= n;
      for (int i = 0; i < n; i++) m.set(i, k, x[i][k] - mean);
    }
    return m;
  }

  /** Left singular vectors of the centred data (descending), and the singular values. */
  record Svd(DMatrixRMaj u, double[] sigma) {
    int rank() {
      int r = 0;
      while (r < sigma.length && sigma[r] > 1e-5 * sigma[0]) r++;
      return r;
    }

    /** The fewest leading vectors whose σ² sum to {@code keep} of the total. */
    int kept(double keep) {
      double total = 0;
      for (double s : sigma) total += s * s;
      double sum = 0;
      int k = 0;
      while (k < rank()) {
        sum += sigma[k] * sigma[k];
        k++;
        if (sum >= keep * total) break;
      }
      return k;
    }

    DMatrixRMaj basis(int k) {
      return CommonOps_DDRM.extract(u, 0, u.numRows, 0, k);
    }
  }

  static Svd svd(DMatrixRMaj data) {
    SingularValueDecomposition_F64<DMatrixRMaj> svd =
        DecompositionFactory_DDRM.svd(data.numRows, data.numCols, true, false, true);
    if (!svd.decompose(data.copy())) throw new AssertionError("svd failed");
    DMatrixRMaj u = svd.getU(null, false);
    DMatrixRMaj w = svd.getW(null);
    SingularOps_DDRM.descendingOrder(u, false, w, null, false);
    double[] sigma = new double[Math.min(w.numRows, w.numCols)];
    for (int i = 0; i < sigma.length; i++) sigma[i] = w.get(i, i);
    return new Svd(u, sigma);
  }

  /** Singular values of AᵀB, descending. */
  static double[] singularValues(DMatrixRMaj a, DMatrixRMaj b) {
    DMatrixRMaj m = new DMatrixRMaj(a.numCols, b.numCols);
    CommonOps_DDRM.multTransA(a, b, m);
    return svd(m).sigma();
  }

  /** Canonical correlations of x and y on their full numerical ranks. */
  static double[] cca(float[][] x, float[][] y) {
    Svd sx = svd(centred(x));
    Svd sy = svd(centred(y));
    return singularValues(sx.basis(sx.rank()), sy.basis(sy.rank()));
  }

  /** SVCCA's canonical correlations: CCA of the kept leading singular vectors. */
  static double[] svcca(float[][] x, float[][] y, double keep) {
    Svd sx = svd(centred(x));
    Svd sy = svd(centred(y));
    return singularValues(sx.basis(sx.kept(keep)), sy.basis(sy.kept(keep)));
  }

  /** R² of the least-squares fit of centred x from centred y (y of full column rank). */
  static double linearRegression(float[][] x, float[][] y) {
    DMatrixRMaj xc = centred(x);
    DMatrixRMaj yc = centred(y);
    LinearSolverDense<DMatrixRMaj> solver =
        LinearSolverFactory_DDRM.leastSquares(yc.numRows, yc.numCols);
    if (!solver.setA(yc.copy())) throw new AssertionError("singular y");
    DMatrixRMaj b = new DMatrixRMaj(yc.numCols, xc.numCols);
    solver.solve(xc, b);
    DMatrixRMaj fitted = new DMatrixRMaj(xc.numRows, xc.numCols);
    CommonOps_DDRM.mult(yc, b, fitted);
    double residual = 0;
    double total = 0;
    for (int i = 0; i < xc.getNumElements(); i++) {
      double e = xc.get(i) - fitted.get(i);
      residual += e * e;
      total += xc.get(i) * xc.get(i);
    }
    return 1 - residual / total;
  }

  /**
   * Seed 002 eq. 9 with {@code squared} false; with true, the variant of Appendix C.3 (squared dot
   * products and ρ²) that equals the linear-regression R².
   */
  static double projectionWeighted(float[][] x, float[][] y, boolean squared) {
    DMatrixRMaj xc = centred(x);
    Svd sx = svd(xc);
    Svd sy = svd(centred(y));
    DMatrixRMaj qx = sx.basis(sx.rank());
    DMatrixRMaj qy = sy.basis(sy.rank());
    DMatrixRMaj m = new DMatrixRMaj(qx.numCols, qy.numCols);
    CommonOps_DDRM.multTransA(qx, qy, m);
    Svd sm = svd(m);
    int p = Math.min(qx.numCols, qy.numCols);
    DMatrixRMaj h = new DMatrixRMaj(qx.numRows, p); // canonical variables of x, unit norm
    CommonOps_DDRM.mult(qx, CommonOps_DDRM.extract(sm.u(), 0, sm.u().numRows, 0, p), h);
    DMatrixRMaj dots = new DMatrixRMaj(p, xc.numCols);
    CommonOps_DDRM.multTransA(h, xc, dots);
    double weighted = 0;
    double weights = 0;
    for (int i = 0; i < p; i++) {
      double alpha = 0;
      for (int j = 0; j < xc.numCols; j++) {
        double v = dots.get(i, j);
        alpha += squared ? v * v : Math.abs(v);
      }
      double rho = sm.sigma()[i];
      weighted += alpha * (squared ? rho * rho : rho);
      weights += alpha;
    }
    return weighted / weights;
  }

  /** An orthonormal basis of the centred x's columns, as float rows (for eq. 17's check). */
  static float[][] orthonormalBasis(float[][] x) {
    Svd sx = svd(centred(x));
    DMatrixRMaj q = sx.basis(sx.rank());
    float[][] out = new float[q.numRows][q.numCols];
    for (int i = 0; i < q.numRows; i++) {
      for (int k = 0; k < q.numCols; k++) out[i][k] = (float) q.get(i, k);
    }
    return out;
  }
}
