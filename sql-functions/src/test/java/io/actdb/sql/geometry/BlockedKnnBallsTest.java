package io.actdb.sql.geometry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.actdb.sql.kernels.Kernels;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The block-pair steps of {@link BlockedKnnBalls}, merged as a distributed engine merges them, give
 * the radii and cross-pass flags of the whole-set code the aggregates run ({@link
 * NearestNeighbours#kthSquaredRadii}, {@link Manifolds#compare}), to the bit, for block sizes on
 * both sides of the kernels' tiles (192 × 256 pairs).
 */
class BlockedKnnBallsTest {
  private static final int DIM = 13;

  /** Gaussian rows about an offset, every 9th a copy of an earlier one (ties, radii of 0). */
  private static float[] rows(long seed, int n) {
    Random random = new Random(seed);
    float[] rows = new float[n * DIM];
    for (int p = 0; p < n; p++) {
      if (p > 0 && p % 9 == 0) {
        System.arraycopy(rows, random.nextInt(p) * DIM, rows, p * DIM, DIM);
      } else {
        for (int c = 0; c < DIM; c++) rows[p * DIM + c] = (float) (random.nextGaussian() + 50);
      }
    }
    return rows;
  }

  private static PointSet whole(float[] rows, int n, float[] shift) {
    return new PointSet(rows, n, DIM, shift, Kernels.distances());
  }

  private static float[] block(float[] rows, int from, int to) {
    return Arrays.copyOfRange(rows, from * DIM, to * DIM);
  }

  /** Squared radii from all block pairs of the set, merged per point. */
  private static double[] blockedRadii(float[] rows, int n, int blockRows, int k) {
    double[] radii = new double[n];
    for (int a = 0; a < n; a += blockRows) {
      int aTo = Math.min(n, a + blockRows);
      double[][] merged = new double[aTo - a][0];
      for (int b = 0; b < n; b += blockRows) {
        int bTo = Math.min(n, b + blockRows);
        double[][] part =
            BlockedKnnBalls.kSmallestSquared(
                block(rows, a, aTo), aTo - a, block(rows, b, bTo), bTo - b, DIM, k, a == b);
        for (int i = 0; i < merged.length; i++) {
          merged[i] = BlockedKnnBalls.mergeSmallest(merged[i], part[i], k);
        }
      }
      for (int i = 0; i < merged.length; i++) radii[a + i] = merged[i][k - 1];
    }
    return radii;
  }

  @Test
  void blockedRadiiAreTheWholeSetsRadii() {
    int n = 611;
    float[] rows = rows(7, n);
    float[] shift = PointSet.centre(DIM, new float[][] {rows}, new int[] {n});
    for (int k : new int[] {1, 3, 10}) {
      double[] expected = NearestNeighbours.kthSquaredRadii(whole(rows, n, shift), k);
      for (int blockRows : new int[] {k + 1, 191, 257, n}) {
        assertArrayEquals(
            expected, blockedRadii(rows, n, blockRows, k), "k = " + k + ", blocks " + blockRows);
      }
    }
  }

  @Test
  void blockedCrossPassesAreTheWholeSetsFlagsAndCounts() {
    int nR = 420;
    int nE = 333;
    float[] r = rows(8, nR);
    float[] e = rows(9, nE);
    for (int p = 0; p < 40; p++) e[p * DIM] += 0.5f; // E a little off R
    int k = 4;
    float[] shift = PointSet.centre(DIM, new float[][] {r, e}, new int[] {nR, nE});
    PointSet setR = whole(r, nR, shift);
    PointSet setE = whole(e, nE, shift);
    double[] radiiR = NearestNeighbours.kthSquaredRadii(setR, k);
    double[] radiiE = NearestNeighbours.kthSquaredRadii(setE, k);
    for (boolean prdc : new boolean[] {false, true}) {
      Manifolds.Result expected = Manifolds.compare(setE, setR, radiiR, radiiE, prdc, prdc);
      int blockRows = 150;
      boolean[] eInR = new boolean[nE];
      boolean[] rInE = new boolean[nR];
      boolean[] rCovered = new boolean[nR];
      long[] balls = new long[nE];
      for (int a = 0; a < nE; a += blockRows) {
        int aTo = Math.min(nE, a + blockRows);
        for (int b = 0; b < nR; b += blockRows) {
          int bTo = Math.min(nR, b + blockRows);
          BlockedKnnBalls.CrossFlags f =
              BlockedKnnBalls.cross(
                  block(e, a, aTo),
                  aTo - a,
                  Arrays.copyOfRange(radiiE, a, aTo),
                  block(r, b, bTo),
                  bTo - b,
                  Arrays.copyOfRange(radiiR, b, bTo),
                  DIM,
                  prdc);
          for (int i = a; i < aTo; i++) {
            eInR[i] |= f.evaluationInReference()[i - a];
            if (prdc) balls[i] += f.evaluationBallCount()[i - a];
          }
          for (int j = b; j < bTo; j++) {
            rInE[j] |= f.referenceInEvaluation()[j - b];
            if (prdc) rCovered[j] |= f.referenceCovered()[j - b];
          }
        }
      }
      assertArrayEquals(expected.eInR(), eInR, "precision flags, prdc " + prdc);
      assertArrayEquals(expected.rInE(), rInE, "recall flags, prdc " + prdc);
      if (prdc) {
        assertArrayEquals(expected.eBallCount(), balls);
        assertArrayEquals(expected.rCovered(), rCovered);
      }
    }
  }

  @Test
  void mergeKeepsTheKSmallestInOrder() {
    assertArrayEquals(
        new double[] {0, 1, 1, 2},
        BlockedKnnBalls.mergeSmallest(new double[] {1, 2, 5}, new double[] {0, 1, 3}, 4));
    assertEquals(2, BlockedKnnBalls.mergeSmallest(new double[] {4}, new double[] {3}, 5).length);
  }
}
