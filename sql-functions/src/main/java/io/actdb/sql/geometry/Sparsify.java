package io.actdb.sql.geometry;

import io.actdb.sql.spi.Cancellation;
import java.util.Arrays;

/**
 * GeomCA's optional geometric sparsification (Poklukar et al. 2021, Def. 3.1, as gudhi's {@code
 * sparsify_point_set}): walk the points in order and keep one unless it lies closer than δ to a
 * point already kept. The walk follows a canonical order of the points themselves (lexicographic on
 * the coordinates), not the row order, so the kept set depends only on the data.
 */
final class Sparsify {
  private Sparsify() {}

  /** The kept points of {@code count} row-major points, in canonical order. */
  static float[] greedy(float[] rows, int count, int dim, double delta) {
    Integer[] order = new Integer[count];
    for (int p = 0; p < count; p++) order[p] = p;
    Arrays.sort(order, (a, b) -> compare(rows, a * dim, rows, b * dim, dim));
    double limit = delta * delta;
    float[] kept = new float[Math.multiplyExact(count, dim)];
    int nKept = 0;
    for (int p : order) {
      Cancellation.checkpoint();
      boolean far = true;
      for (int q = 0; q < nKept && far; q++) {
        far = !closerThan(rows, p * dim, kept, q * dim, dim, limit);
      }
      if (far) {
        System.arraycopy(rows, p * dim, kept, nKept * dim, dim);
        nKept++;
      }
    }
    return Arrays.copyOf(kept, nKept * dim);
  }

  /**
   * Whether the exact squared distance ({@link ExactDistance}) is below {@code limit}, stopping as
   * soon as the partial sum (which only grows) reaches it.
   */
  static boolean closerThan(float[] x, int xFrom, float[] y, int yFrom, int dim, double limit) {
    double sum = 0;
    for (int c = 0; c < dim; c++) {
      double d = (double) x[xFrom + c] - y[yFrom + c];
      sum += d * d;
      if (sum >= limit) return false;
    }
    return true;
  }

  private static int compare(float[] x, int xFrom, float[] y, int yFrom, int dim) {
    for (int c = 0; c < dim; c++) {
      int k = Float.compare(x[xFrom + c], y[yFrom + c]);
      if (k != 0) return k;
    }
    return 0;
  }
}
