package io.actdb.sql.cka;

import io.actdb.sql.kernels.GramKernels;

/**
 * Streaming sufficient statistics of paired representations (x, y) for linear CKA, biased and
 * debiased. Memory is O((dx + dy)²), independent of the number of rows.
 *
 * <p>Rows are stored relative to an origin {@code shift} (the mean of the first rows seen): with
 * {@code z = [x − shift_x, y − shift_y]}, {@code a = ‖z_x‖²}, {@code b = ‖z_y‖²} it keeps n,
 * Σz, Σzzᵀ (upper triangle), Σa, Σb, Σa², Σb², Σab, Σa·z, Σb·z. Working near the data's mean
 * keeps float32 products and the fourth-order sums from cancelling when the data has a large
 * common offset. {@link #addShifted} re-expresses moments about another origin exactly; it
 * serves both {@code combine} (two states with different origins) and centring at finalize.
 */
final class CkaMoments {
  final int dx;
  final int dy;
  final int dz;
  long n;
  final float[] shift;
  final double[] sum;
  final double[] gram; // dz × dz, upper triangle (j >= i) valid
  double sumA;
  double sumB;
  double sumAA;
  double sumBB;
  double sumAB;
  final double[] sumAZ;
  final double[] sumBZ;

  CkaMoments(int dx, int dy, float[] shift) {
    this.dx = dx;
    this.dy = dy;
    this.dz = dx + dy;
    this.shift = shift;
    this.sum = new double[dz];
    this.gram = new double[Math.multiplyExact(dz, dz)];
    this.sumAZ = new double[dz];
    this.sumBZ = new double[dz];
  }

  /** Gram entry (i, j) for any order of i and j. */
  double g(int i, int j) {
    return i <= j ? gram[i * dz + j] : gram[j * dz + i];
  }

  /**
   * Adds a block of already-shifted rows {@code z[0 .. rows·dz)}.
   */
  void addBlock(GramKernels kernels, float[] z, int rows) {
    if (rows == 0) return;
    kernels.addUpperGram(z, rows, dz, gram);
    for (int r = 0; r < rows; r++) {
      int base = r * dz;
      double a = kernels.sumOfSquares(z, base, dx);
      double b = kernels.sumOfSquares(z, base + dx, dy);
      sumA += a;
      sumB += b;
      sumAA += a * a;
      sumBB += b * b;
      sumAB += a * b;
      for (int k = 0; k < dz; k++) {
        double v = z[base + k];
        sum[k] += v;
        sumAZ[k] += a * v;
        sumBZ[k] += b * v;
      }
    }
    n += rows;
  }

  /**
   * Adds the rows summarised by {@code other}, moved by {@code delta}: each of its rows z
   * counts as {@code z + delta} here. Exact algebra (no approximation) in float64.
   */
  void addShifted(CkaMoments other, double[] delta) {
    long m = other.n;
    double[] su = other.sum;
    double eu = 0;
    double ev = 0;
    double sp = 0; // Σ p, p = z_x · delta_x
    double sq = 0; // Σ q, q = z_y · delta_y
    for (int k = 0; k < dx; k++) {
      eu += delta[k] * delta[k];
      sp += su[k] * delta[k];
    }
    for (int k = dx; k < dz; k++) {
      ev += delta[k] * delta[k];
      sq += su[k] * delta[k];
    }
    // gp[k] = Σ_i z_ik p_i = Σ_{j<dx} G[k][j] δ_j ; gq[k] = Σ_i z_ik q_i
    double[] gp = new double[dz];
    double[] gq = new double[dz];
    for (int k = 0; k < dz; k++) {
      double accP = 0;
      double accQ = 0;
      for (int j = 0; j < dx; j++) accP += other.g(k, j) * delta[j];
      for (int j = dx; j < dz; j++) accQ += other.g(k, j) * delta[j];
      gp[k] = accP;
      gq[k] = accQ;
    }
    double spp = 0; // Σ p²
    double spq = 0; // Σ p q
    double sqq = 0; // Σ q²
    double sap = 0; // Σ a p
    double saq = 0; // Σ a q
    double sbp = 0; // Σ b p
    double sbq = 0; // Σ b q
    for (int k = 0; k < dx; k++) {
      spp += delta[k] * gp[k];
      spq += delta[k] * gq[k];
      sap += other.sumAZ[k] * delta[k];
      sbp += other.sumBZ[k] * delta[k];
    }
    for (int k = dx; k < dz; k++) {
      sqq += delta[k] * gq[k];
      saq += other.sumAZ[k] * delta[k];
      sbq += other.sumBZ[k] * delta[k];
    }
    // Second order: Σ(z+δ)(z+δ)ᵀ = G + δ Σzᵀ + Σz δᵀ + m δδᵀ.
    for (int i = 0; i < dz; i++) {
      double di = delta[i];
      double si = su[i];
      int row = i * dz;
      for (int j = i; j < dz; j++) {
        gram[row + j] += other.gram[row + j] + di * su[j] + si * delta[j] + m * di * delta[j];
      }
    }
    // With a' = a + 2p + eu and b' = b + 2q + ev:
    sumAA += other.sumAA + 4 * spp + m * eu * eu + 4 * sap + 2 * eu * other.sumA + 4 * eu * sp;
    sumBB += other.sumBB + 4 * sqq + m * ev * ev + 4 * sbq + 2 * ev * other.sumB + 4 * ev * sq;
    sumAB +=
        other.sumAB
            + 2 * saq
            + ev * other.sumA
            + 2 * sbp
            + 4 * spq
            + 2 * ev * sp
            + eu * other.sumB
            + 2 * eu * sq
            + m * eu * ev;
    double newSumA = other.sumA + 2 * sp + m * eu;
    double newSumB = other.sumB + 2 * sq + m * ev;
    for (int k = 0; k < dz; k++) {
      double dk = delta[k];
      // Σ a'(z+δ) = Σaz + Σa δ + 2Σpz + 2Σp δ + eu Σz + m eu δ
      sumAZ[k] += other.sumAZ[k] + other.sumA * dk + 2 * gp[k] + 2 * sp * dk + eu * su[k] + m * eu * dk;
      sumBZ[k] += other.sumBZ[k] + other.sumB * dk + 2 * gq[k] + 2 * sq * dk + ev * su[k] + m * ev * dk;
      sum[k] += su[k] + m * dk;
    }
    sumA += newSumA;
    sumB += newSumB;
    n += m;
  }

  /** These moments about the rows' mean: Σz = 0, gram = centred cross-products, and so on. */
  CkaMoments centred() {
    CkaMoments c = new CkaMoments(dx, dy, shift);
    double[] delta = new double[dz];
    for (int k = 0; k < dz; k++) delta[k] = -sum[k] / n;
    c.addShifted(this, delta);
    return c;
  }

  /** Sum of squared entries of the centred gram over blocks: [0]=xx, [1]=yy, [2]=xy. */
  double[] blockSquaredNorms() {
    double xx = 0;
    double yy = 0;
    double xy = 0;
    for (int i = 0; i < dz; i++) {
      int row = i * dz;
      for (int j = i; j < dz; j++) {
        double v = gram[row + j];
        double sq = v * v;
        if (j < dx) {
          xx += i == j ? sq : 2 * sq;
        } else if (i >= dx) {
          yy += i == j ? sq : 2 * sq;
        } else {
          xy += sq;
        }
      }
    }
    return new double[] {xx, yy, xy};
  }

  /** Σ‖x‖² about the true origin: the scale against which a variance counts as zero. */
  double rawSecondMoment(boolean ofX) {
    int from = ofX ? 0 : dx;
    int to = ofX ? dx : dz;
    double total = ofX ? sumA : sumB;
    for (int k = from; k < to; k++) {
      total += 2.0 * shift[k] * sum[k] + (double) n * shift[k] * shift[k];
    }
    return total;
  }
}
