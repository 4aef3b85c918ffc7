package io.actdb.sql.geometry;

import io.actdb.sql.kernels.DistanceKernels;
import java.util.Arrays;

/**
 * The sums two RBF kernels {@code K_ij = exp(gx · d²_ij)} and {@code L_ij = exp(gy · d²_ij)} of the
 * same points enter the biased HSIC through: row sums, and {@code ΣKL}, {@code ΣKK}, {@code ΣLL}
 * over all n² entries (diagonal included, where both kernels are 1).
 *
 * <p>One {@link PairScan} over x's tiles, with y's dot products of the same tile computed beside
 * them, so each pair's two kernel values meet once. A tile sums its pairs in row order into its own
 * {@link TileSums}; finished tiles are merged in the scan's task order (whoever finishes a tile
 * merges every finished one that is next in line), so the float64 sums are the same bits at any
 * thread count, and only the tiles finished out of order wait in memory.
 */
final class KernelSums {
  final double[] rowK;
  final double[] rowL;
  double kl;
  double kk;
  double ll;

  private final TileSums[] finished;
  private int nextToMerge;

  private KernelSums(int n, int tiles) {
    rowK = new double[n];
    rowL = new double[n];
    finished = new TileSums[tiles];
  }

  static KernelSums of(PointSet x, PointSet y, double gx, double gy) {
    int n = x.count;
    // The task numbering of PairScan.scan(x, x, upper = true): a-blocks, then b-blocks from the
    // first one holding a pair above the diagonal.
    int aBlocks = (n + PairScan.A_BLOCK - 1) / PairScan.A_BLOCK;
    int bBlocks = (n + PairScan.B_BLOCK - 1) / PairScan.B_BLOCK;
    int[] firstTask = new int[aBlocks + 1];
    for (int a = 0; a < aBlocks; a++) {
      firstTask[a + 1] = firstTask[a] + bBlocks - firstBBlock(a);
    }
    KernelSums sums = new KernelSums(n, firstTask[aBlocks]);
    for (int i = 0; i < n; i++) {
      sums.rowK[i] = 1; // K_ii = exp(0)
      sums.rowL[i] = 1;
    }
    sums.kl = n;
    sums.kk = n;
    sums.ll = n;
    PairScan.scan(
        x,
        x,
        true,
        () -> new float[PairScan.A_BLOCK * PairScan.B_BLOCK],
        (yDots, t) -> {
          int a = t.aFrom / PairScan.A_BLOCK;
          int task = firstTask[a] + t.bFrom / PairScan.B_BLOCK - firstBBlock(a);
          y.kernels.dots(
              y.packed,
              t.aFrom,
              t.aCount,
              y.packed,
              t.bFrom,
              t.bCount,
              y.dim,
              yDots,
              PairScan.B_BLOCK);
          sums.finish(task, TileSums.of(t, yDots, y, gx, gy));
        },
        null);
    if (sums.nextToMerge != sums.finished.length) {
      throw new IllegalStateException(
          "merged " + sums.nextToMerge + " of " + sums.finished.length + " tiles");
    }
    return sums;
  }

  private static int firstBBlock(int aBlock) {
    return (aBlock * PairScan.A_BLOCK + 1) / PairScan.B_BLOCK;
  }

  private synchronized void finish(int task, TileSums tile) {
    finished[task] = tile;
    while (nextToMerge < finished.length && finished[nextToMerge] != null) {
      finished[nextToMerge].mergeInto(this);
      finished[nextToMerge++] = null;
    }
  }

  /** One tile's share of the sums: its pairs {@code i < j} counted twice, as K is symmetric. */
  private static final class TileSums {
    final int aFrom;
    final int bFrom;
    final double[] rowK;
    final double[] rowL;
    final double[] colK;
    final double[] colL;
    double kl;
    double kk;
    double ll;

    private TileSums(PairScan.Tile t) {
      aFrom = t.aFrom;
      bFrom = t.bFrom;
      rowK = new double[t.aCount];
      rowL = new double[t.aCount];
      colK = new double[t.bCount];
      colL = new double[t.bCount];
    }

    static TileSums of(PairScan.Tile t, float[] yDots, PointSet y, double gx, double gy) {
      TileSums s = new TileSums(t);
      PointSet x = t.a;
      DistanceKernels kernels = x.kernels;
      double[] rowSums = new double[5];
      for (int i = 0; i < t.aCount; i++) {
        int gi = t.aFrom + i;
        int from = Math.max(0, gi + 1 - t.bFrom);
        if (from >= t.bCount) continue;
        Arrays.fill(rowSums, 0);
        kernels.rbfRow(
            t.dots,
            yDots,
            i * PairScan.B_BLOCK,
            from,
            t.bCount,
            x.squaredNorms[gi],
            x.squaredNorms,
            y.squaredNorms[gi],
            y.squaredNorms,
            t.bFrom,
            gx,
            gy,
            s.colK,
            s.colL,
            rowSums);
        s.rowK[i] = rowSums[0];
        s.rowL[i] = rowSums[1];
        s.kl += rowSums[2];
        s.kk += rowSums[3];
        s.ll += rowSums[4];
      }
      return s;
    }

    void mergeInto(KernelSums sums) {
      for (int i = 0; i < rowK.length; i++) {
        sums.rowK[aFrom + i] += rowK[i];
        sums.rowL[aFrom + i] += rowL[i];
      }
      for (int j = 0; j < colK.length; j++) {
        sums.rowK[bFrom + j] += colK[j];
        sums.rowL[bFrom + j] += colL[j];
      }
      sums.kl += 2 * kl;
      sums.kk += 2 * kk;
      sums.ll += 2 * ll;
    }
  }
}
