package io.actdb.sql.cka;

import io.actdb.sql.kernels.GramKernels;
import io.actdb.sql.spi.Cancellation;

/**
 * Streaming sufficient statistics of paired representations (x, y) for linear CKA, biased and
 * debiased. Memory is O((dx + dy)²), independent of the number of rows.
 *
 * <p>Rows are stored relative to an origin {@code shift} (the float32 mean of the first rows seen):
 * with {@code z = [x − shift_x, y − shift_y]} (differences taken in float64), {@code a = ‖z_x‖²},
 * {@code b = ‖z_y‖²} it keeps n, Σz, Σzzᵀ (upper triangle), Σa, Σb, Σa², Σb², Σab, Σa·z, Σb·z.
 * Working near the data's mean keeps float32 products and the fourth-order sums from cancelling
 * when the data has a large common offset. {@link #addShifted} re-expresses moments about another
 * origin exactly; it serves both {@code combine} (two states with different origins) and centring
 * at finalize.
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
    this.gram = new double[Math.toIntExact((long) dz * dz)];
    this.sumAZ = new double[dz];
    this.sumBZ = new double[dz];
  }

  /** A copy that shares nothing with these moments. */
  CkaMoments copy() {
    CkaMoments c = new CkaMoments(dx, dy, shift.clone());
    c.n = n;
    System.arraycopy(sum, 0, c.sum, 0, dz);
    System.arraycopy(gram, 0, c.gram, 0, gram.length);
    c.sumA = sumA;
    c.sumB = sumB;
    c.sumAA = sumAA;
    c.sumBB = sumBB;
    c.sumAB = sumAB;
    System.arraycopy(sumAZ, 0, c.sumAZ, 0, dz);
    System.arraycopy(sumBZ, 0, c.sumBZ, 0, dz);
    return c;
  }

  /** Heap bytes of the moments of {@code dz} columns: the Gram matrix and a few vectors. */
  static long bytes(long dz) {
    return (dz * dz + 4 * dz) * Double.BYTES;
  }

  /**
   * Adds a block of raw rows {@code x[0 .. rows·dz)}, each taken relative to {@link #shift}. With
   * {@code EXACT} every difference {@code x − shift} is taken in float64 (exact for values within a
   * factor 2^29 of their column's shift, else off by 2^-53 of itself), so the sums do not depend on
   * which shift a state happened to choose beyond float64 rounding. With {@code FLOAT_RUNS} the
   * Gram matrix sees float32 differences (the opt-in's documented ~1e-8); the other sums are those
   * of {@code EXACT} either way. {@code FLOAT_RUNS} overwrites {@code x}.
   */
  void addBlock(
      GramKernels kernels,
      float[] x,
      int rows,
      GramKernels.Accumulation accumulation,
      int parallelism) {
    if (rows == 0) return;
    for (int r = 0; r < rows; r++) {
      int base = r * dz;
      double a = shiftedSquares(x, base, shift, 0, dx);
      double b = shiftedSquares(x, base, shift, dx, dz);
      sumA += a;
      sumB += b;
      sumAA += a * a;
      sumBB += b * b;
      sumAB += a * b;
      for (int k = 0; k < dz; k++) {
        double v = (double) x[base + k] - shift[k];
        sum[k] += v;
        sumAZ[k] += a * v;
        sumBZ[k] += b * v;
      }
    }
    addShiftedGram(kernels, x, shift, rows, dz, gram, accumulation, parallelism);
    n += rows;
  }

  /**
   * {@code Σ (x[base + k] − shift[k])²} over {@code from <= k < to}, differences and sum in
   * float64, in four partial sums so that the additions do not wait on each other.
   */
  static double shiftedSquares(float[] x, int base, float[] shift, int from, int to) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int k = from;
    for (; k + 3 < to; k += 4) {
      double v0 = (double) x[base + k] - shift[k];
      double v1 = (double) x[base + k + 1] - shift[k + 1];
      double v2 = (double) x[base + k + 2] - shift[k + 2];
      double v3 = (double) x[base + k + 3] - shift[k + 3];
      s0 += v0 * v0;
      s1 += v1 * v1;
      s2 += v2 * v2;
      s3 += v3 * v3;
    }
    for (; k < to; k++) {
      double v = (double) x[base + k] - shift[k];
      s0 += v * v;
    }
    return (s0 + s1) + (s2 + s3);
  }

  /**
   * Adds the upper triangle of {@code (x − shift)ᵀ(x − shift)} to {@code gram}: differences in
   * float64 with {@code EXACT}; with {@code FLOAT_RUNS} in float32, overwriting {@code x}.
   */
  static void addShiftedGram(
      GramKernels kernels,
      float[] x,
      float[] shift,
      int rows,
      int dz,
      double[] gram,
      GramKernels.Accumulation accumulation,
      int parallelism) {
    if (accumulation == GramKernels.Accumulation.EXACT) {
      kernels.addUpperGramShifted(x, shift, rows, dz, gram, parallelism);
      return;
    }
    for (int r = 0; r < rows; r++) {
      int base = r * dz;
      for (int k = 0; k < dz; k++) x[base + k] -= shift[k];
    }
    kernels.addUpperGram(x, rows, dz, gram, accumulation, parallelism);
  }

  /**
   * Adds the rows summarised by {@code other}, moved by {@code delta}: each of its rows z counts as
   * {@code z + delta} here. Exact algebra (no approximation) in float64.
   */
  void addShifted(CkaMoments other, double[] delta) {
    Shifted moved = other.shiftedBy(delta);
    sumA += moved.sumA;
    sumB += moved.sumB;
    sumAA += moved.sumAA;
    sumBB += moved.sumBB;
    sumAB += moved.sumAB;
    for (int k = 0; k < dz; k++) {
      sum[k] += moved.sum[k];
      sumAZ[k] += moved.sumAZ[k];
      sumBZ[k] += moved.sumBZ[k];
    }
    // Second order: Σ(z+δ)(z+δ)ᵀ = G + δ Σzᵀ + Σz δᵀ + m δδᵀ.
    double[] su = other.sum;
    long m = other.n;
    for (int i = 0; i < dz; i++) {
      Cancellation.checkpoint();
      double di = delta[i];
      double si = su[i];
      int row = i * dz;
      for (int j = i; j < dz; j++) {
        gram[row + j] += other.gram[row + j] + di * su[j] + si * delta[j] + m * di * delta[j];
      }
    }
    n += m;
  }

  /** Everything but the Gram matrix, of rows z moved to z + δ. */
  record Shifted(
      double sumA,
      double sumB,
      double sumAA,
      double sumBB,
      double sumAB,
      double[] sum,
      double[] sumAZ,
      double[] sumBZ) {}

  /**
   * The first-, third- and fourth-order sums of these rows moved by {@code delta}. With p = z_x·δ_x
   * and q = z_y·δ_y, the moved norms are a' = a + 2p + ‖δ_x‖² and b' = b + 2q + ‖δ_y‖²; every sum
   * of products of a', b', z' expands into sums this state keeps (Σpz = G·δ_x and so on).
   */
  Shifted shiftedBy(double[] delta) {
    double[] su = sum;
    long m = n;
    double eu = 0;
    double ev = 0;
    double sp = 0; // Σ p
    double sq = 0; // Σ q
    for (int k = 0; k < dx; k++) {
      eu += delta[k] * delta[k];
      sp += su[k] * delta[k];
    }
    for (int k = dx; k < dz; k++) {
      ev += delta[k] * delta[k];
      sq += su[k] * delta[k];
    }
    // gp[k] = Σ_i z_ik p_i = Σ_{j<dx} G[k][j] δ_j and gq[k] = Σ_{j>=dx} G[k][j] δ_j, read from
    // the upper triangle row by row (each stored entry G[i][j] serves rows i and j).
    double[] gp = new double[dz];
    double[] gq = new double[dz];
    for (int i = 0; i < dz; i++) {
      Cancellation.checkpoint();
      int row = i * dz;
      double di = delta[i];
      double[] toI = i < dx ? gp : gq; // where G[i][j]·δ_i lands for k = j
      double p = 0;
      double q = 0;
      int xEnd = Math.max(i, dx);
      for (int j = i; j < xEnd; j++) p += gram[row + j] * delta[j];
      for (int j = xEnd; j < dz; j++) q += gram[row + j] * delta[j];
      gp[i] += p;
      gq[i] += q;
      for (int j = i + 1; j < dz; j++) toI[j] += gram[row + j] * di;
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
      sap += sumAZ[k] * delta[k];
      sbp += sumBZ[k] * delta[k];
    }
    for (int k = dx; k < dz; k++) {
      sqq += delta[k] * gq[k];
      saq += sumAZ[k] * delta[k];
      sbq += sumBZ[k] * delta[k];
    }
    double movedAA = sumAA + 4 * spp + m * eu * eu + 4 * sap + 2 * eu * sumA + 4 * eu * sp;
    double movedBB = sumBB + 4 * sqq + m * ev * ev + 4 * sbq + 2 * ev * sumB + 4 * ev * sq;
    double movedAB =
        sumAB
            + 2 * saq
            + ev * sumA
            + 2 * sbp
            + 4 * spq
            + 2 * ev * sp
            + eu * sumB
            + 2 * eu * sq
            + m * eu * ev;
    double[] movedSum = new double[dz];
    double[] movedAZ = new double[dz];
    double[] movedBZ = new double[dz];
    for (int k = 0; k < dz; k++) {
      double dk = delta[k];
      // Σ a'(z+δ) = Σaz + Σa δ + 2Σpz + 2Σp δ + eu Σz + m eu δ
      movedAZ[k] = sumAZ[k] + sumA * dk + 2 * gp[k] + 2 * sp * dk + eu * su[k] + m * eu * dk;
      movedBZ[k] = sumBZ[k] + sumB * dk + 2 * gq[k] + 2 * sq * dk + ev * su[k] + m * ev * dk;
      movedSum[k] = su[k] + m * dk;
    }
    return new Shifted(
        sumA + 2 * sp + m * eu,
        sumB + 2 * sq + m * ev,
        movedAA,
        movedBB,
        movedAB,
        movedSum,
        movedAZ,
        movedBZ);
  }

  /** What CKA needs of the rows about their mean. */
  record Centred(
      double sumA,
      double sumB,
      double sumAA,
      double sumBB,
      double sumAB,
      double xx,
      double yy,
      double xy) {}

  /**
   * These moments about the rows' mean: Σã, Σb̃, Σã², Σb̃², Σãb̃ and the squared Frobenius norms of
   * the centred cross-product blocks (xx, yy, xy), streamed without a second Gram matrix.
   */
  Centred centred() {
    double[] delta = new double[dz];
    for (int k = 0; k < dz; k++) delta[k] = -sum[k] / n;
    Shifted c = shiftedBy(delta);
    double xx = 0;
    double yy = 0;
    double xy = 0;
    for (int i = 0; i < dz; i++) {
      Cancellation.checkpoint();
      int row = i * dz;
      double di = delta[i];
      double si = sum[i];
      double diag = gram[row + i] + 2 * di * si + n * di * di;
      double offX = 0;
      double offY = 0;
      int xEnd = Math.max(i + 1, dx);
      for (int j = i + 1; j < xEnd; j++) {
        double v = gram[row + j] + di * sum[j] + si * delta[j] + n * di * delta[j];
        offX += v * v;
      }
      for (int j = xEnd; j < dz; j++) {
        double v = gram[row + j] + di * sum[j] + si * delta[j] + n * di * delta[j];
        offY += v * v;
      }
      if (i < dx) {
        xx += diag * diag + 2 * offX;
        xy += offY; // j >= dx: the x–y block, each entry once
      } else {
        yy += diag * diag + 2 * offY;
      }
    }
    return new Centred(c.sumA, c.sumB, c.sumAA, c.sumBB, c.sumAB, xx, yy, xy);
  }
}
