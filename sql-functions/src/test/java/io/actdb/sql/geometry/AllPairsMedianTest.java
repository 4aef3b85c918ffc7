package io.actdb.sql.geometry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.actdb.sql.kernels.DistanceKernels;
import io.actdb.sql.kernels.Kernels;
import io.actdb.sql.kernels.ScalarDistanceKernels;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exact selection behind cka_rbf's median, on the fast kernels and their scalar twin, against
 * sorting every exact pair value.
 */
class AllPairsMedianTest {

  private static DistanceKernels kernels(String which) {
    DistanceKernels chosen = Kernels.distances();
    return which.equals("scalar") ? new ScalarDistanceKernels(chosen.panelWidth()) : chosen;
  }

  private static PointSet points(float[] rows, int n, int dim, String which) {
    return new PointSet(rows, n, dim, new float[dim], kernels(which));
  }

  @ParameterizedTest
  @ValueSource(strings = {"chosen", "scalar"})
  void selectionFindsTheSameRanksAsSorting(String which) {
    Random random = new Random(41);
    // 2049: more tied pairs in the median's bucket than MAX_CANDIDATES, so the fine pass runs.
    for (int n : new int[] {2, 3, 7, 64, 301, 2049}) {
      int dim = 3;
      float[] rows = new float[n * dim];
      // Few distinct values: many tied distances, the hard case for selection.
      for (int i = 0; i < rows.length; i++) rows[i] = random.nextInt(4);
      int pairs = n * (n - 1) / 2;
      float[] sorted = new float[pairs];
      int p = 0;
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          double s = 0;
          for (int k = 0; k < dim; k++) s += Math.pow(rows[i * dim + k] - rows[j * dim + k], 2);
          sorted[p++] = (float) s;
        }
      }
      Arrays.sort(sorted);
      long[] ranks = {0, pairs / 3, pairs / 2, pairs - 1};
      float[] selected = AllPairsMedian.pairValuesOfRanks(points(rows, n, dim, which), ranks);
      for (int t = 0; t < ranks.length; t++) {
        assertEquals(sorted[(int) ranks[t]], selected[t], "n=" + n + " rank " + ranks[t]);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"chosen", "scalar"})
  void medianCountsTheZeroDiagonalLikeNumpy(String which) {
    // Points 0, 1, 3 on a line: squared distances 1, 9, 4; the full 3×3 matrix holds
    // 0,0,0,1,1,4,4,9,9 whose median (5th of 9) is 1.
    float[] rows = {0, 1, 3};
    assertEquals(1.0, AllPairsMedian.ofAllSquaredDistances(points(rows, 3, 1, which)), 0);
    // Points 0, 1, 3, 6: pairs 1, 9, 36, 4, 25, 9; the 16 entries sorted are
    // 0,0,0,0,1,1,4,4,9,9,9,9,25,25,36,36: even count, so the mean of ranks 7 and 8, (4 + 9) / 2.
    float[] four = {0, 1, 3, 6};
    assertEquals(6.5, AllPairsMedian.ofAllSquaredDistances(points(four, 4, 1, which)), 0);
  }

  @ParameterizedTest
  @ValueSource(ints = {1000, 2047, 2100})
  void medianOfWideGaussianPointsIsTheSortedOne(int n) {
    // Concentrated distances at 300-d: the bracket holds many pairs whose fast values are off by
    // more than their spacing, so only the exact re-check gets the rank right.
    Random random = new Random(n);
    int dim = 300;
    float[] rows = new float[n * dim];
    for (int i = 0; i < rows.length; i++) rows[i] = (float) (1000 + random.nextGaussian());
    double[] all = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        all[i * n + j] = (float) ExactDistance.squared(rows, i * dim, rows, j * dim, dim);
      }
    }
    Arrays.sort(all);
    int len = all.length;
    double want = len % 2 == 1 ? all[len / 2] : (all[len / 2 - 1] + all[len / 2]) / 2;
    float[] mean = new float[dim];
    Arrays.fill(mean, 1000f);
    PointSet set = new PointSet(rows, n, dim, mean, Kernels.distances());
    assertEquals(want, AllPairsMedian.ofAllSquaredDistances(set), 0);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void theOnePassWindowFindsTheRanksOrSaysItCannot(int offsetChoice) {
    int n = 600;
    int dim = 64;
    Random random = new Random(5);
    float offset = new float[] {0, 1000, -3}[offsetChoice];
    float[] rows = new float[n * dim];
    for (int i = 0; i < rows.length; i++) rows[i] = (float) (offset + random.nextGaussian());
    int pairs = n * (n - 1) / 2;
    float[] sorted = new float[pairs];
    int p = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        sorted[p++] = (float) ExactDistance.squared(rows, i * dim, rows, j * dim, dim);
      }
    }
    Arrays.sort(sorted);
    float[] mean = new float[dim];
    Arrays.fill(mean, offset);
    PointSet set = new PointSet(rows, n, dim, mean, Kernels.distances());
    long[] ranks = {pairs / 2 - 1, pairs / 2};
    double maxBound = PointSet.boundFactor(dim) * 4 * set.maxNorm * set.maxNorm;
    // A window around the median, as wide as 10 % of the pairs on each side.
    float[] got =
        AllPairsMedian.inWindow(
            set, ranks, sorted[(int) (pairs * 0.4)], sorted[(int) (pairs * 0.6)], maxBound);
    assertEquals(sorted[pairs / 2 - 1], got[0]);
    assertEquals(sorted[pairs / 2], got[1]);
    // A window that misses the median, or is too tight for the error margins, gives up.
    assertNull(
        AllPairsMedian.inWindow(
            set, ranks, sorted[(int) (pairs * 0.6)], sorted[(int) (pairs * 0.9)], maxBound));
    assertNull(
        AllPairsMedian.inWindow(set, ranks, sorted[pairs / 2 - 1], sorted[pairs / 2], maxBound));
  }
}
