package io.actdb.sql.geometry;

import io.actdb.sql.input.HeapBudget;
import io.actdb.sql.kernels.DistanceKernels;
import io.actdb.sql.kernels.Kernels;

/**
 * RBF-kernel CKA of two representations of the same n points, on the pair engine of this package:
 * {@code K_ij = exp(−d²_ij / (2σ²))} with {@code σ² = sigma_frac² · median of all n² squared
 * distances} ({@link AllPairsMedian}, exact), and the biased HSIC.
 *
 * <p>The kernel values come from the fast squared distances of {@link PairScan} tiles (x's and y's
 * of the same pairs side by side), never from an n×n matrix. Their error is the tiles' bound
 * ({@link PointSet#boundFactor}), about 1e-5 of the points' squared norms at 2 048 coordinates and
 * mostly of random sign, against a kernel that depends on distances through their ratio to the
 * median: far below what the CKA value can resolve (the tests hold it to 1e-6 of an exact oracle).
 *
 * <p>The sums run in float64 and are the same bits whatever the thread count: each tile sums its
 * own pairs in a fixed order, and tiles are merged in their fixed order.
 */
public final class RbfAlignment {
  private RbfAlignment() {}

  /**
   * The RBF CKA of {@code x} ({@code n} rows of {@code dx} floats, row-major) and {@code y} ({@code
   * dy}), or null when it is undefined: half the squared distances or more are 0 (σ = 0), or a
   * centred kernel has no variance. The rows must be finite and scaled so that their squared
   * distances fit float32 (see {@link io.actdb.sql.input.PowerOfTwoScale}); {@code n >= 2}.
   */
  public static Double cka(float[] x, int dx, float[] y, int dy, int n, double sigmaFrac) {
    DistanceKernels kernels = Kernels.distances();
    // The packed copies, as many floats as the rows themselves.
    HeapBudget.require(
        ((long) n * dx + (long) n * dy) * Float.BYTES,
        "the packed copies of " + n + " rows of " + dx + " + " + dy + " floats");
    PointSet xs = new PointSet(x, n, dx, mean(x, n, dx), kernels);
    PointSet ys = new PointSet(y, n, dy, mean(y, n, dy), kernels);
    double medX = AllPairsMedian.ofAllSquaredDistances(xs);
    double medY = AllPairsMedian.ofAllSquaredDistances(ys);
    if (!(medX > 0) || !(medY > 0)) return null; // half the pairs or more coincide
    double gx = -1.0 / (2 * sigmaFrac * sigmaFrac * medX);
    double gy = -1.0 / (2 * sigmaFrac * sigmaFrac * medY);
    KernelSums s = KernelSums.of(xs, ys, gx, gy);
    // Centred inner products from the sums: tr(KHLH) = ΣKL − (2/n)Σ k_i l_i + ΣK ΣL / n².
    double sumK = 0;
    double sumL = 0;
    double rkl = 0;
    double rkk = 0;
    double rll = 0;
    for (int i = 0; i < n; i++) {
      sumK += s.rowK[i];
      sumL += s.rowL[i];
      rkl += s.rowK[i] * s.rowL[i];
      rkk += s.rowK[i] * s.rowK[i];
      rll += s.rowL[i] * s.rowL[i];
    }
    double nn = (double) n * n;
    double hkl = s.kl - 2.0 / n * rkl + sumK * sumL / nn;
    double hkk = s.kk - 2.0 / n * rkk + sumK * sumK / nn;
    double hll = s.ll - 2.0 / n * rll + sumL * sumL / nn;
    if (!(hkk > 0) || !(hll > 0)) return null;
    return hkl / Math.sqrt(hkk * hll);
  }

  /** The float32 mean of the rows: the shift that keeps the fast distances' error offset-free. */
  private static float[] mean(float[] rows, int count, int dim) {
    double[] sum = new double[dim];
    for (int p = 0; p < count; p++) {
      int base = p * dim;
      for (int c = 0; c < dim; c++) sum[c] += rows[base + c];
    }
    float[] mean = new float[dim];
    for (int c = 0; c < dim; c++) mean[c] = (float) (sum[c] / count);
    return mean;
  }
}
