package io.actdb.sql.geometry;

import io.actdb.sql.kernels.KernelThreads;
import java.util.Arrays;
import java.util.List;

/**
 * The k-NN radius of every point of a set: the exact squared distance to its k-th nearest other
 * point (the point itself excluded by index; its duplicates count, at distance 0), as IPR and PRDC
 * define it.
 *
 * <p>One pass over the pairs {@code i < j} keeps, per point, the candidates whose fast distance is
 * within {@code 2 · bound} of the k-th smallest fast distance seen so far: any point among the
 * exact k nearest must be one of them (its fast distance is at most its exact one plus the bound,
 * and the exact k-th is at most the fast k-th plus the bound). The candidates' exact distances then
 * give the exact radius. Typically a handful of candidates per point.
 */
final class NearestNeighbours {
  private NearestNeighbours() {}

  /**
   * For every point of {@code a}: twice the rounding bound of {@link PointSet#boundFactor} on its
   * kernel squared distance to any point of {@code b} (two such distances are compared).
   */
  private static double[] roundingWindows(PointSet a, PointSet b) {
    double factor = PointSet.boundFactor(a.dim);
    double[] window = new double[a.count];
    for (int i = 0; i < a.count; i++) {
      double s = a.norms[i] + b.maxNorm;
      window[i] = 2 * factor * s * s;
    }
    return window;
  }

  /** Squared k-NN radii of the points of {@code set}; needs {@code set.count > k}. */
  static double[] kthSquaredRadii(PointSet set, int k) {
    int n = set.count;
    if (n <= k) throw new IllegalArgumentException(n + " points, k = " + k);
    double[] window = roundingWindows(set, set);
    List<Candidates> locals =
        PairScan.scan(
            set,
            set,
            true,
            () -> new Candidates(n, k, window),
            (c, t) -> {
              for (int i = 0; i < t.aCount; i++) {
                int gi = t.aFrom + i;
                // Limits only shrink, so the pairs selected with the current ones include every
                // pair the loop below would take.
                int hits = t.select(i, Math.max(0, gi + 1 - t.bFrom), c.limit[gi], c.limit, 0.0);
                for (int h = 0; h < hits; h++) {
                  int j = t.hits[h];
                  int gj = t.bFrom + j;
                  double approx = t.approx(i, j);
                  if (approx <= c.limit[gi]) c.add(gi, gj, approx);
                  if (approx <= c.limit[gj]) c.add(gj, gi, approx);
                }
              }
            },
            null);
    double[] radii = new double[n];
    int chunks = Math.max(1, n / 256);
    KernelThreads.forEach(
        KernelThreads.POOL_SIZE,
        chunks,
        chunk -> {
          int from = (int) ((long) n * chunk / chunks);
          int to = (int) ((long) n * (chunk + 1) / chunks);
          for (int i = from; i < to; i++) {
            radii[i] = exactRadius(set, i, k, window[i], locals);
          }
        });
    return radii;
  }

  private static double exactRadius(
      PointSet set, int i, int k, double window, List<Candidates> locals) {
    return exactSmallest(set, i, set, k, window, locals)[k - 1];
  }

  /**
   * The up to {@code k} smallest exact squared distances, ascending, from point {@code i} of {@code
   * a} to the points of {@code b} among its candidates: every candidate whose fast distance is
   * within {@code window} of the k-th smallest fast distance is measured exactly.
   */
  private static double[] exactSmallest(
      PointSet a, int i, PointSet b, int k, double window, List<Candidates> locals) {
    int total = 0;
    for (Candidates c : locals) total += c.size[i];
    double[] approx = new double[total];
    int[] index = new int[total];
    int at = 0;
    for (Candidates c : locals) {
      if (c.size[i] == 0) continue;
      System.arraycopy(c.values[i], 0, approx, at, c.size[i]);
      System.arraycopy(c.indices[i], 0, index, at, c.size[i]);
      at += c.size[i];
    }
    double limit = Double.POSITIVE_INFINITY;
    if (total >= k) {
      double[] sorted = approx.clone();
      Arrays.sort(sorted);
      limit = sorted[k - 1] + window;
    }
    double[] exact = new double[total];
    int m = 0;
    for (int q = 0; q < total; q++) {
      if (approx[q] <= limit) exact[m++] = a.exact(i, b, index[q]);
    }
    Arrays.sort(exact, 0, m);
    return Arrays.copyOf(exact, Math.min(k, m));
  }

  /**
   * For every point of {@code a}, the up to {@code k} smallest exact squared distances to the
   * points of {@code b}, ascending (fewer when {@code b} has fewer points). With {@code sameSet},
   * {@code a} and {@code b} are the same points and a point is not its own neighbour (its
   * duplicates are). The k smallest of a point over all blocks of its set, merged, are those of
   * {@link #kthSquaredRadii} over the whole set: a blocked engine finds the radii this way.
   */
  static double[][] kSmallestSquared(PointSet a, PointSet b, int k, boolean sameSet) {
    int n = a.count;
    double[] window = roundingWindows(a, b);
    List<Candidates> locals =
        PairScan.scan(
            a,
            b,
            false,
            () -> new Candidates(n, k, window),
            (c, t) -> {
              for (int i = 0; i < t.aCount; i++) {
                int gi = t.aFrom + i;
                int hits = t.select(i, 0, c.limit[gi], null, 0.0);
                for (int h = 0; h < hits; h++) {
                  int gj = t.bFrom + t.hits[h];
                  if (sameSet && gj == gi) continue;
                  double approx = t.approx(i, t.hits[h]);
                  if (approx <= c.limit[gi]) c.add(gi, gj, approx);
                }
              }
            },
            null);
    double[][] smallest = new double[n][];
    int chunks = Math.max(1, n / 256);
    KernelThreads.forEach(
        KernelThreads.POOL_SIZE,
        chunks,
        chunk -> {
          int from = (int) ((long) n * chunk / chunks);
          int to = (int) ((long) n * (chunk + 1) / chunks);
          for (int i = from; i < to; i++) {
            smallest[i] = exactSmallest(a, i, b, k, window[i], locals);
          }
        });
    return smallest;
  }

  /** One thread's candidates for every point: fast squared distance and index, per point. */
  static final class Candidates {
    final int k;
    final double[] window;
    final double[] limit;
    final double[][] values;
    final int[][] indices;
    final int[] size;

    Candidates(int n, int k, double[] window) {
      this.k = k;
      this.window = window;
      this.limit = new double[n];
      Arrays.fill(limit, Double.POSITIVE_INFINITY);
      this.values = new double[n][];
      this.indices = new int[n][];
      this.size = new int[n];
    }

    void add(int row, int other, double approx) {
      double[] v = values[row];
      if (v == null) {
        v = values[row] = new double[2 * k + 14];
        indices[row] = new int[v.length];
      }
      int s = size[row];
      v[s] = approx;
      indices[row][s] = other;
      size[row] = ++s;
      if (s == v.length) compact(row);
    }

    /** Drops what can no longer be among the k nearest; grows when ties keep too many. */
    private void compact(int row) {
      double[] v = values[row];
      int[] idx = indices[row];
      int s = size[row];
      double[] sorted = Arrays.copyOf(v, s);
      Arrays.sort(sorted);
      limit[row] = Math.min(limit[row], sorted[k - 1] + window[row]);
      int kept = 0;
      for (int q = 0; q < s; q++) {
        if (v[q] <= limit[row]) {
          v[kept] = v[q];
          idx[kept] = idx[q];
          kept++;
        }
      }
      size[row] = kept;
      if (kept > v.length / 2) {
        values[row] = Arrays.copyOf(v, v.length * 2);
        indices[row] = Arrays.copyOf(idx, v.length * 2);
      }
    }
  }
}
