package io.actdb.sql.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Vector API distance kernel against its scalar twin, bit for bit, at awkward sizes (partial
 * slivers, partial panels, one or several runs of coordinates, a last run of one coordinate), and
 * both against float64 dot products within {@link DistanceKernels#dotErrorFactor}.
 */
class DistanceKernelsTest {
  private static final DistanceKernels PANAMA = new PanamaDistanceKernels();
  private static final DistanceKernels SCALAR = new ScalarDistanceKernels(PANAMA.panelWidth());

  @ParameterizedTest(name = "a {0} points, b {1} points, dim {2}, offsets {3}/{4}")
  @CsvSource({
    "1, 1, 1, 0, 0",
    "5, 3, 7, 0, 0",
    "6, 64, 256, 0, 0",
    "7, 65, 257, 3, 64",
    "13, 129, 513, 1, 128",
    "192, 256, 300, 0, 256",
    "191, 255, 1000, 5, 0",
    "37, 100, 2049, 2, 64",
  })
  void panamaEqualsScalarBitForBit(int aCount, int bCount, int dim, int aFirst, int bFirst) {
    SplittableRandom random = new SplittableRandom(aCount * 31L + bCount * 7L + dim);
    int points = Math.max(aFirst + aCount, bFirst + bCount);
    float[] rows = new float[points * dim];
    for (int i = 0; i < rows.length; i++) {
      // mixed magnitudes and signs, so rounding differences would show
      rows[i] = (float) (random.nextGaussian() * Math.exp(random.nextGaussian()));
    }
    float[] packed = PANAMA.pack(rows, points, dim, new float[dim]);
    assertEquals(packed.length, SCALAR.pack(rows, points, dim, new float[dim]).length);
    int w = PANAMA.panelWidth();
    int stride = ((bCount + w - 1) / w) * w;
    int outRows = ((aCount + PANAMA.rowGroup() - 1) / PANAMA.rowGroup()) * PANAMA.rowGroup();
    float[] fast = new float[outRows * stride];
    float[] slow = new float[outRows * stride];
    PANAMA.dots(packed, aFirst, aCount, packed, bFirst, bCount, dim, fast, stride);
    SCALAR.dots(packed, aFirst, aCount, packed, bFirst, bCount, dim, slow, stride);
    double factor = DistanceKernels.dotErrorFactor(dim);
    for (int i = 0; i < aCount; i++) {
      for (int j = 0; j < bCount; j++) {
        int at = i * stride + j;
        assertEquals(
            Float.floatToRawIntBits(slow[at]),
            Float.floatToRawIntBits(fast[at]),
            "pair (" + i + ", " + j + "): scalar " + slow[at] + ", panama " + fast[at]);
        double exact = 0;
        double na = 0;
        double nb = 0;
        for (int c = 0; c < dim; c++) {
          double x = rows[(aFirst + i) * dim + c];
          double y = rows[(bFirst + j) * dim + c];
          exact += x * y;
          na += x * x;
          nb += y * y;
        }
        double error = Math.abs(fast[at] - exact);
        assertTrue(
            error <= factor * Math.sqrt(na * nb) + 1e-30,
            "pair (" + i + ", " + j + "): error " + error + " above the bound");
      }
    }
  }

  @ParameterizedTest(name = "columns {0}..{1}, first column {2}, column limits {3}, slack {4}")
  @CsvSource({
    "0, 0, 0, false, 0",
    "0, 1, 0, true, 0",
    "0, 7, 3, true, 0.5",
    "3, 8, 0, false, 0",
    "0, 17, 5, true, 0",
    "5, 256, 256, true, 0.25",
    "255, 256, 0, false, 1",
    "0, 256, 1, true, 0",
  })
  void selectKeepsExactlyThePairsAtOrBelowTheirLimit(
      int from, int to, int colFirst, boolean withColLimits, double slack) {
    SplittableRandom random = new SplittableRandom(from * 131L + to * 17L + colFirst);
    int width = 256;
    float[] dots = new float[3 + width];
    for (int j = 0; j < dots.length; j++) dots[j] = (float) random.nextGaussian();
    double rowSquaredNorm = 2 + random.nextDouble();
    double[] colSquaredNorms = new double[colFirst + width];
    for (int j = 0; j < colSquaredNorms.length; j++) colSquaredNorms[j] = 2 + random.nextDouble();
    // The plain definition, for a row limit near the middle and column limits that are sometimes
    // exactly a pair's value (a tie must be kept), sometimes infinite either way.
    double[] value = new double[width];
    for (int j = 0; j < width; j++) {
      value[j] = (rowSquaredNorm + colSquaredNorms[colFirst + j]) - 2.0 * dots[3 + j] - slack;
    }
    double rowLimit = 4 + 0.3 * random.nextGaussian();
    double[] colLimits = null;
    if (withColLimits) {
      colLimits = new double[colFirst + width];
      for (int j = 0; j < width; j++) {
        colLimits[colFirst + j] =
            switch (j % 4) {
              case 0 -> value[j];
              case 1 -> Double.NEGATIVE_INFINITY;
              case 2 -> Double.POSITIVE_INFINITY;
              default -> 4 + random.nextGaussian();
            };
      }
    }
    int expected = 0;
    int[] want = new int[width];
    for (int j = from; j < to; j++) {
      double limit = colLimits == null ? rowLimit : Math.max(rowLimit, colLimits[colFirst + j]);
      if (value[j] <= limit) want[expected++] = j;
    }
    for (DistanceKernels kernels : new DistanceKernels[] {PANAMA, SCALAR}) {
      int[] hits = new int[width];
      int n =
          kernels.select(
              dots,
              3,
              from,
              to,
              rowSquaredNorm,
              colSquaredNorms,
              colFirst,
              rowLimit,
              colLimits,
              slack,
              hits);
      assertEquals(expected, n, kernels.getClass().getSimpleName() + ": how many");
      for (int h = 0; h < n; h++) {
        assertEquals(want[h], hits[h], kernels.getClass().getSimpleName() + ": hit " + h);
      }
      if (withColLimits && to - from > 4) {
        assertTrue(n > 0 && n < to - from, "the test data select some pairs, not all: " + n);
      }
    }
  }

  @ParameterizedTest(name = "columns {0}..{1}, first column {2}")
  @CsvSource({
    "0, 0, 0",
    "0, 1, 0",
    "0, 3, 7",
    "1, 13, 0",
    "5, 207, 256",
    "0, 256, 0",
    "255, 256, 64",
    "3, 255, 1",
  })
  void rbfRowMatchesItsTwinAndAPlainFormula(int from, int to, int colFirst) {
    SplittableRandom random = new SplittableRandom(from * 131L + to * 17L + colFirst);
    int stride = 256;
    int offset = stride; // the second row of a tile
    float[] xDots = new float[2 * stride];
    float[] yDots = new float[2 * stride];
    double[] xNorms = new double[colFirst + stride];
    double[] yNorms = new double[colFirst + stride];
    for (int j = 0; j < xNorms.length; j++) {
      xNorms[j] = 1 + random.nextDouble();
      yNorms[j] = 10 + 10 * random.nextDouble();
    }
    double xRow = 1.5;
    double yRow = 15;
    for (int j = 0; j < stride; j++) {
      // Some dot products make the fast distance slightly negative: it counts as 0.
      xDots[offset + j] = (float) (random.nextDouble() * 1.3);
      yDots[offset + j] = (float) (random.nextDouble() * 16);
    }
    double gx = -0.7;
    double gy = -0.05;
    double[][] colK = new double[2][stride];
    double[][] colL = new double[2][stride];
    double[][] sums = new double[2][5];
    DistanceKernels[] twins = {PANAMA, SCALAR};
    for (int t = 0; t < 2; t++) {
      Arrays.fill(colK[t], 0.25); // added to, not overwritten
      sums[t][0] = 1; // likewise
      twins[t].rbfRow(
          xDots, yDots, offset, from, to, xRow, xNorms, yRow, yNorms, colFirst, gx, gy, colK[t],
          colL[t], sums[t]);
    }
    double[] want = new double[5];
    want[0] = 1;
    for (int j = 0; j < stride; j++) {
      double dx = Math.max(0, xRow + xNorms[colFirst + j] - 2.0 * xDots[offset + j]);
      double dy = Math.max(0, yRow + yNorms[colFirst + j] - 2.0 * yDots[offset + j]);
      double k = j >= from && j < to ? Math.exp(gx * dx) : 0;
      double l = j >= from && j < to ? Math.exp(gy * dy) : 0;
      for (int t = 0; t < 2; t++) {
        String what = twins[t].getClass().getSimpleName() + " column " + j;
        assertEquals(0.25 + k, colK[t][j], 1e-15, what + " K");
        assertEquals(l, colL[t][j], 1e-15, what + " L");
      }
      want[0] += k;
      want[1] += l;
      want[2] += k * l;
      want[3] += k * k;
      want[4] += l * l;
    }
    for (int t = 0; t < 2; t++) {
      for (int q = 0; q < 5; q++) {
        assertEquals(want[q], sums[t][q], 1e-13 * Math.max(1, want[q]), "sum " + q + ", twin " + t);
      }
    }
  }

  @ParameterizedTest(name = "dim {0}")
  @CsvSource({"1", "255", "256", "257", "2048"})
  void packingShiftsAndPadsWithZeros(int dim) {
    int points = PANAMA.panelWidth() + 3;
    float[] rows = new float[points * dim];
    for (int i = 0; i < rows.length; i++) rows[i] = 1000 + i % 7;
    float[] shift = new float[dim];
    Arrays.fill(shift, 1000f);
    float[] packed = PANAMA.pack(rows, points, dim, shift);
    int w = PANAMA.panelWidth();
    assertEquals(2 * w * dim, packed.length);
    for (int p = 0; p < 2 * w; p++) {
      for (int c = 0; c < dim; c++) {
        float v = packed[(p / w) * dim * w + c * w + p % w];
        assertEquals(
            p < points ? (float) ((p * dim + c) % 7) : 0f, v, "point " + p + " coord " + c);
      }
    }
  }
}
