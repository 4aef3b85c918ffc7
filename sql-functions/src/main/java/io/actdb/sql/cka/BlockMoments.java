package io.actdb.sql.cka;

import io.actdb.sql.kernels.GramKernels;
import io.actdb.sql.spi.Cancellation;
import java.util.Arrays;

/**
 * Streaming moments of L representations of the same samples side by side, {@code z = [z_1, …,
 * z_L]}, enough for linear CKA (biased and debiased) of every pair: {@link CkaMoments} for L blocks
 * instead of two. One Gram matrix of all blocks (Σd × Σd, upper triangle) holds every self- and
 * cross-product block, so each block's self-Gram is formed once whatever the number of pairs.
 *
 * <p>As in {@link CkaMoments}, rows are kept relative to an origin {@code shift} (differences in
 * float64), with {@code a_l = ‖z_l‖²}: n, Σz, Σzzᵀ, Σa_l, Σa_l·a_m, Σa_l·z. {@link #addShifted}
 * moves moments to another origin exactly (combine, centring).
 */
final class BlockMoments {
  final int[] starts; // block l is columns starts[l] .. starts[l + 1]
  final int blocks;
  final int dz;
  long n;
  final float[] shift;
  final double[] sum;
  final double[] gram; // dz × dz, upper triangle (j >= i) valid
  final double[] sumA; // L
  final double[] sumAA; // L × L, symmetric
  final double[] sumAZ; // L × dz
  private final int[] blockOf; // column → block

  BlockMoments(int[] dims, float[] shift) {
    blocks = dims.length;
    starts = new int[blocks + 1];
    for (int l = 0; l < blocks; l++) starts[l + 1] = starts[l] + dims[l];
    dz = starts[blocks];
    blockOf = new int[dz];
    for (int l = 0; l < blocks; l++) {
      for (int k = starts[l]; k < starts[l + 1]; k++) blockOf[k] = l;
    }
    this.shift = shift;
    sum = new double[dz];
    gram = new double[Math.toIntExact((long) dz * dz)];
    sumA = new double[blocks];
    sumAA = new double[blocks * blocks];
    sumAZ = new double[Math.toIntExact((long) blocks * dz)];
  }

  /** Heap bytes of the moments of {@code blocks} blocks over {@code dz} columns. */
  static long bytes(long blocks, long dz) {
    return (dz * dz + (blocks + 1) * dz + blocks * blocks) * Double.BYTES + dz * Integer.BYTES;
  }

  /**
   * Adds a block of raw rows {@code x[0 .. rows·dz)}, each relative to {@link #shift}; as {@link
   * CkaMoments#addBlock}, {@code FLOAT_RUNS} overwrites {@code x}.
   */
  void addBlock(
      GramKernels kernels,
      float[] x,
      int rows,
      GramKernels.Accumulation accumulation,
      int parallelism) {
    if (rows == 0) return;
    double[] v = new double[dz];
    double[] a = new double[blocks];
    for (int r = 0; r < rows; r++) {
      int base = r * dz;
      for (int k = 0; k < dz; k++) v[k] = (double) x[base + k] - shift[k];
      for (int l = 0; l < blocks; l++) {
        double s = CkaMoments.shiftedSquares(x, base, shift, starts[l], starts[l + 1]);
        a[l] = s;
        sumA[l] += s;
      }
      for (int l = 0; l < blocks; l++) {
        for (int m = 0; m < blocks; m++) sumAA[l * blocks + m] += a[l] * a[m];
      }
      for (int k = 0; k < dz; k++) sum[k] += v[k];
      for (int l = 0; l < blocks; l++) {
        double al = a[l];
        int row = l * dz;
        for (int k = 0; k < dz; k++) sumAZ[row + k] += al * v[k];
      }
    }
    CkaMoments.addShiftedGram(kernels, x, shift, rows, dz, gram, accumulation, parallelism);
    n += rows;
  }

  /** Adds the rows summarised by {@code other}, each counted as {@code z + delta} here. */
  void addShifted(BlockMoments other, double[] delta) {
    Shifted moved = other.shiftedBy(delta);
    for (int l = 0; l < blocks; l++) sumA[l] += moved.sumA[l];
    for (int i = 0; i < sumAA.length; i++) sumAA[i] += moved.sumAA[i];
    for (int k = 0; k < dz; k++) sum[k] += moved.sum[k];
    for (int i = 0; i < sumAZ.length; i++) sumAZ[i] += moved.sumAZ[i];
    // Σ(z+δ)(z+δ)ᵀ = G + δ Σzᵀ + Σz δᵀ + m δδᵀ.
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
  record Shifted(double[] sumA, double[] sumAA, double[] sum, double[] sumAZ) {}

  /**
   * The first-, third- and fourth-order sums of these rows moved by {@code delta}. With {@code p_l
   * = z_l·δ_l} and {@code e_l = ‖δ_l‖²}, a moved norm is {@code a_l + 2p_l + e_l}; every sum of
   * products expands into sums kept here ({@code Σ p_l z = G·δ_l}, read from the upper triangle).
   */
  Shifted shiftedBy(double[] delta) {
    long m = n;
    double[] e = new double[blocks];
    double[] sp = new double[blocks]; // Σ p_l
    for (int k = 0; k < dz; k++) {
      e[blockOf[k]] += delta[k] * delta[k];
      sp[blockOf[k]] += sum[k] * delta[k];
    }
    // gp[l·dz + k] = Σ_i z_ik p_l,i = Σ_{j in block l} G[k][j] δ_j; each stored G[i][j] serves
    // rows i and j.
    double[] gp = new double[Math.toIntExact((long) blocks * dz)];
    for (int i = 0; i < dz; i++) {
      Cancellation.checkpoint();
      int row = i * dz;
      double di = delta[i];
      int toJ = blockOf[i] * dz; // G[i][j]·δ_i lands in gp[block(i)][j]
      gp[toJ + i] += gram[row + i] * di;
      for (int j = i + 1; j < dz; j++) gp[toJ + j] += gram[row + j] * di;
      // Σ_{j > i in block q} G[i][j]·δ_j lands in gp[q][i]: one sum per block.
      for (int q = blockOf[i]; q < blocks; q++) {
        int from = Math.max(i + 1, starts[q]);
        gp[q * dz + i] += dot(gram, row + from, delta, from, starts[q + 1] - from);
      }
    }
    double[] pp = new double[blocks * blocks]; // Σ p_l p_m
    double[] ap = new double[blocks * blocks]; // Σ a_l p_m
    for (int l = 0; l < blocks; l++) {
      for (int k = 0; k < dz; k++) {
        int mb = blockOf[k];
        pp[mb * blocks + l] += delta[k] * gp[l * dz + k];
        ap[l * blocks + mb] += sumAZ[l * dz + k] * delta[k];
      }
    }
    double[] movedA = new double[blocks];
    double[] movedAA = new double[blocks * blocks];
    for (int l = 0; l < blocks; l++) {
      movedA[l] = sumA[l] + 2 * sp[l] + m * e[l];
      for (int q = 0; q < blocks; q++) {
        int lq = l * blocks + q;
        movedAA[lq] =
            sumAA[lq]
                + 2 * ap[lq]
                + e[q] * sumA[l]
                + 2 * ap[q * blocks + l]
                + 4 * pp[lq]
                + 2 * e[q] * sp[l]
                + e[l] * sumA[q]
                + 2 * e[l] * sp[q]
                + m * e[l] * e[q];
      }
    }
    double[] movedSum = new double[dz];
    double[] movedAZ = new double[sumAZ.length];
    for (int k = 0; k < dz; k++) movedSum[k] = sum[k] + m * delta[k];
    for (int l = 0; l < blocks; l++) {
      int row = l * dz;
      for (int k = 0; k < dz; k++) {
        double dk = delta[k];
        // Σ a'(z+δ) = Σaz + Σa δ + 2Σpz + 2Σp δ + e Σz + m e δ
        movedAZ[row + k] =
            sumAZ[row + k]
                + sumA[l] * dk
                + 2 * gp[row + k]
                + 2 * sp[l] * dk
                + e[l] * sum[k]
                + m * e[l] * dk;
      }
    }
    return new Shifted(movedA, movedAA, movedSum, movedAZ);
  }

  /**
   * What CKA needs of the rows about their mean, per block pair: Σã_l, Σã_l·ã_m and {@code frob[l·L
   * + m]}, the squared Frobenius norm of the centred cross-product block (l, m).
   */
  record Centred(double[] sumA, double[] sumAA, double[] frob) {}

  Centred centred() {
    double[] delta = new double[dz];
    for (int k = 0; k < dz; k++) delta[k] = -sum[k] / n;
    Shifted c = shiftedBy(delta);
    double[] frob = new double[blocks * blocks];
    double[] rowSums = new double[blocks];
    for (int i = 0; i < dz; i++) {
      Cancellation.checkpoint();
      int row = i * dz;
      double di = delta[i];
      double si = sum[i];
      Arrays.fill(rowSums, 0);
      int bi = blockOf[i];
      double diag = gram[row + i] + 2 * di * si + n * di * di;
      for (int q = bi; q < blocks; q++) {
        int from = Math.max(i + 1, starts[q]);
        rowSums[q] = centredSquares(row, from, starts[q + 1], di, si, delta);
      }
      // Within block bi each off-diagonal entry stands for itself and its mirror.
      frob[bi * blocks + bi] += diag * diag + 2 * rowSums[bi];
      for (int q = bi + 1; q < blocks; q++) {
        frob[bi * blocks + q] += rowSums[q];
        frob[q * blocks + bi] += rowSums[q];
      }
    }
    return new Centred(c.sumA(), c.sumAA(), frob);
  }

  /**
   * {@code Σ_{from <= j < to} (G[i][j] + δ_i Σz_j + Σz_i δ_j + n δ_i δ_j)²}: the squared centred
   * entries of row {@code i} (at {@code row = i·dz}) in one block. Four partial sums, so that the
   * additions do not wait on each other.
   */
  private double centredSquares(int row, int from, int to, double di, double si, double[] delta) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    double ndi = n * di;
    int j = from;
    for (; j + 3 < to; j += 4) {
      double v0 = gram[row + j] + di * sum[j] + (si + ndi) * delta[j];
      double v1 = gram[row + j + 1] + di * sum[j + 1] + (si + ndi) * delta[j + 1];
      double v2 = gram[row + j + 2] + di * sum[j + 2] + (si + ndi) * delta[j + 2];
      double v3 = gram[row + j + 3] + di * sum[j + 3] + (si + ndi) * delta[j + 3];
      s0 += v0 * v0;
      s1 += v1 * v1;
      s2 += v2 * v2;
      s3 += v3 * v3;
    }
    for (; j < to; j++) {
      double v = gram[row + j] + di * sum[j] + (si + ndi) * delta[j];
      s0 += v * v;
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** {@code Σ a[aFrom + k]·b[bFrom + k]} over {@code k < length}, in four partial sums. */
  private static double dot(double[] a, int aFrom, double[] b, int bFrom, int length) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int k = 0;
    for (; k + 3 < length; k += 4) {
      s0 += a[aFrom + k] * b[bFrom + k];
      s1 += a[aFrom + k + 1] * b[bFrom + k + 1];
      s2 += a[aFrom + k + 2] * b[bFrom + k + 2];
      s3 += a[aFrom + k + 3] * b[bFrom + k + 3];
    }
    for (; k < length; k++) s0 += a[aFrom + k] * b[bFrom + k];
    return (s0 + s1) + (s2 + s3);
  }
}
