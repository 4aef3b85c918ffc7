package io.actdb.sql.cka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The exact selection behind cka_rbf's median, on both of its paths. */
class RbfMedianTest {

  @Test
  void radixSelectionFindsTheSameRanksAsSorting() {
    Random random = new Random(41);
    for (int n : new int[] {2, 3, 7, 64, 301}) {
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
      float[] radix = RbfCka.pairDistancesOfRanks(rows, n, dim, ranks, 0);
      for (int t = 0; t < ranks.length; t++) {
        assertEquals(sorted[(int) ranks[t]], radix[t], "n=" + n + " rank " + ranks[t]);
      }
    }
  }

  @Test
  void medianCountsTheZeroDiagonalLikeNumpy() {
    // Points 0, 1, 3 on a line: squared distances 1, 9, 4; the full 3×3 matrix holds
    // 0,0,0,1,1,4,4,9,9 whose median (5th of 9) is 1.
    float[] rows = {0, 1, 3};
    assertEquals(1.0, RbfCka.medianOfAllSquaredDistances(rows, 3, 1), 0);
    // Points 0, 1, 3, 6: pairs 1, 9, 36, 4, 25, 9; the 16 entries sorted are
    // 0,0,0,0,1,1,4,4,9,9,9,9,25,25,36,36: even count, so the mean of ranks 7 and 8, (4 + 9) / 2.
    float[] four = {0, 1, 3, 6};
    assertEquals(6.5, RbfCka.medianOfAllSquaredDistances(four, 4, 1), 0);
  }
}
