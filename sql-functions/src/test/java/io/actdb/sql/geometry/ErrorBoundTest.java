package io.actdb.sql.geometry;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.sql.kernels.Kernels;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every exact decision of the engine rests on one claim: the fast squared distance of a tile is
 * within {@link PairScan.Tile#bound} of {@link ExactDistance}. Checked here on every pair of
 * awkward data: a large common offset the shift must remove, wildly mixed magnitudes, and near
 * duplicates (where the fast value cancels almost completely).
 */
class ErrorBoundTest {

  @ParameterizedTest(name = "{0} points, dim {1}, offset {2}, scale {3}")
  @CsvSource({
    "300, 64, 0, 1",
    "260, 700, 1000, 1",
    "200, 2048, 0, 1e-3",
    "210, 333, -5e4, 1e3",
  })
  void fastDistancesStayWithinTheirBound(int n, int dim, double offset, double scale) {
    SplittableRandom random = new SplittableRandom(n + dim);
    float[] rows = new float[n * dim];
    for (int p = 0; p < n; p++) {
      for (int c = 0; c < dim; c++) {
        double v =
            p % 5 == 1
                ? rows[(p - 1) * dim + c] + 1e-4 * random.nextGaussian() // near copy
                : random.nextGaussian() * Math.exp(2 * random.nextGaussian());
        rows[p * dim + c] = (float) (offset + scale * v);
      }
    }
    PointBuffer dummy = new PointBuffer();
    float[] shift = new float[dim];
    double[] sum = new double[dim];
    for (int p = 0; p < n; p++) for (int c = 0; c < dim; c++) sum[c] += rows[p * dim + c];
    for (int c = 0; c < dim; c++) shift[c] = (float) (sum[c] / n);
    PointSet set = new PointSet(rows, n, dim, shift, Kernels.distances());
    AtomicLong checked = new AtomicLong();
    PairScan.scan(
        set,
        set,
        false,
        () -> dummy,
        (unused, t) -> {
          for (int i = 0; i < t.aCount; i++) {
            for (int j = 0; j < t.bCount; j++) {
              double exact = t.exact(i, j);
              double error = Math.abs(t.approx(i, j) - exact);
              assertTrue(
                  error <= t.bound(i, j),
                  "pair ("
                      + (t.aFrom + i)
                      + ", "
                      + (t.bFrom + j)
                      + "): fast off by "
                      + error
                      + ", bound "
                      + t.bound(i, j)
                      + ", exact "
                      + exact);
              checked.incrementAndGet();
            }
          }
        },
        null);
    assertTrue(checked.get() == (long) n * n, "every pair visited once: " + checked.get());
  }
}
