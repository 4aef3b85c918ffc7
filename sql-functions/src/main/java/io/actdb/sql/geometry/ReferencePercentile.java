package io.actdb.sql.geometry;

import java.util.Arrays;
import java.util.List;

/**
 * GeomCA's default ε: the 10th percentile, linearly interpolated as numpy's default, of the
 * distances between all unordered pairs of distinct R points, zero distances (duplicates) left out.
 *
 * <p>Exact, and never n²: a first pass counts the fast squared distances in a histogram with
 * buckets 2^-11 wide in relative terms, which brackets the two order statistics the interpolation
 * needs; a finer pass narrows the bracket when many pairs fall in it; a last pass keeps the exact
 * distances of the pairs in the bracket widened by twice the largest error bound, and counts those
 * below it. Every pair whose exact value could be one of the two order statistics is among the kept
 * ones, so the result is the exact-distance percentile whatever the row order.
 *
 * <p>The passes look closely only at the pairs below a cutoff ({@link PairScan.Tile#select}): the
 * 30th percentile of a sample's pairs for large sets. The rest are only counted. Should the cutoff
 * fall below the 10th percentile after all, the passes run again without one.
 */
final class ReferencePercentile {
  private ReferencePercentile() {}

  static final double PERCENTILE = 10;

  /** Binades the coarse histogram spans below the largest possible squared distance. */
  private static final int BINADES = 48;

  /** Mantissa bits of a coarse bucket key: buckets 2^-11 wide relative to their values. */
  private static final int KEY_MANTISSA_BITS = 11;

  static final int KEY_SHIFT = 52 - KEY_MANTISSA_BITS;
  static final int COARSE_BUCKETS = BINADES << KEY_MANTISSA_BITS;
  static final int FINE_BUCKETS = 1 << 16;

  /** The bracket is narrowed until at most this many pairs are expected in it. */
  static final long MAX_CANDIDATES = 1 << 20;

  /** Points of the sample that sets the cutoff, when R has at least twice as many. */
  static final int SAMPLE_POINTS = 1024;

  /** The cutoff is this quantile of the sample's pair distances: well above the 10th percentile. */
  static final double CUTOFF_QUANTILE = 0.3;

  /** The default ε of {@code r}, or null when it has no two distinct points. */
  static Double epsilon(PointSet r) {
    if (r.count < 2) return null;
    double maxBound = PointSet.boundFactor(r.dim) * 4 * r.maxNorm * r.maxNorm;
    double cutoff =
        r.count >= 2 * SAMPLE_POINTS
            ? Math.max(sampledQuantile(r, SAMPLE_POINTS, CUTOFF_QUANTILE), 2 * maxBound)
            : Double.POSITIVE_INFINITY;
    Double e = epsilon(r, cutoff);
    if (e == null && Double.isFinite(cutoff)) e = epsilon(r, Double.POSITIVE_INFINITY);
    return e;
  }

  /**
   * The default ε, counting in the histograms only the pairs whose fast squared distance is at most
   * {@code cutoff} (the others are known to be above them all, and nonzero: {@code cutoff >= 2 ·
   * maxBound}). Null when the two order statistics are not below the cutoff, or when R has no two
   * distinct points (with an infinite cutoff only this).
   */
  static Double epsilon(PointSet r, double cutoff) {
    double maxBound = PointSet.boundFactor(r.dim) * 4 * r.maxNorm * r.maxNorm;
    double top = 4 * r.maxNorm * r.maxNorm * 1.0001 + maxBound + Double.MIN_NORMAL;
    long base = (Double.doubleToRawLongBits(top) >>> KEY_SHIFT) - COARSE_BUCKETS + 1;
    long allPairs = (long) r.count * (r.count - 1) / 2;

    // Pass 1: coarse histogram of the pairs up to the cutoff; the last slot counts those visited.
    List<long[]> coarse =
        PairScan.scan(
            r,
            r,
            true,
            () -> new long[COARSE_BUCKETS + 1],
            (h, t) -> {
              for (int i = 0; i < t.aCount; i++) {
                int gi = t.aFrom + i;
                int hits = t.select(i, Math.max(0, gi + 1 - t.bFrom), cutoff, null, 0.0);
                h[COARSE_BUCKETS] += hits;
                for (int q = 0; q < hits; q++) {
                  int j = t.hits[q];
                  double a = t.approx(i, j);
                  if (a <= t.bound(i, j) && t.exact(i, j) == 0) continue;
                  h[key(a, base)]++;
                }
              }
            },
            null);
    long[] hist = sum(coarse);
    long visited = hist[COARSE_BUCKETS];
    hist[COARSE_BUCKETS] = 0;
    long counted = 0;
    for (long c : hist) counted += c;
    long n = counted + (allPairs - visited); // the pairs above the cutoff are all nonzero
    if (n == 0) return null;
    double pos = PERCENTILE / 100 * (n - 1);
    long m = (long) Math.floor(pos);
    long m1 = Math.min(m + 1, n - 1);
    if (m1 >= counted) return null; // the cutoff was too low: the caller goes again without one
    int bLo = bucketOfRank(hist, m);
    int bHi = bucketOfRank(hist, m1);
    double lo = bLo == 0 ? Double.NEGATIVE_INFINITY : lowEdge(bLo, base);
    double hi = lowEdge(bHi + 1, base);
    long expected = 0;
    for (int b = 0; b < COARSE_BUCKETS; b++) {
      if (lowEdge(b + 1, base) >= lo - 2 * maxBound
          && (b == 0 || lowEdge(b, base) <= hi + 2 * maxBound)) {
        expected += hist[b];
      }
    }

    // Pass 2 (only when the bracket holds too many pairs): a linear histogram inside it. Pairs
    // above hi are not visited: no rank that matters lies there.
    if (expected > MAX_CANDIDATES && Double.isFinite(lo)) {
      final double fLo = lo;
      final double fHi = hi;
      final double width = (hi - lo) / FINE_BUCKETS;
      List<long[]> fine =
          PairScan.scan(
              r,
              r,
              true,
              () -> new long[FINE_BUCKETS + 2], // [0]: below lo, [last]: at or above hi
              (h, t) -> {
                for (int i = 0; i < t.aCount; i++) {
                  int gi = t.aFrom + i;
                  int hits = t.select(i, Math.max(0, gi + 1 - t.bFrom), fHi, null, 0.0);
                  for (int q = 0; q < hits; q++) {
                    int j = t.hits[q];
                    double a = t.approx(i, j);
                    if (a <= t.bound(i, j) && t.exact(i, j) == 0) continue;
                    int b;
                    if (a < fLo) b = 0;
                    else b = (int) Math.min(FINE_BUCKETS + 1, 1 + (long) ((a - fLo) / width));
                    h[b]++;
                  }
                }
              },
              null);
      long[] fh = sum(fine);
      int fLoB = bucketOfRank(fh, m);
      int fHiB = bucketOfRank(fh, m1);
      if (fLoB >= 1 && fHiB <= FINE_BUCKETS) {
        lo = fLo + (fLoB - 1) * width;
        hi = fLo + fHiB * width;
      }
    }

    // Pass 3: exact values in the bracket, widened by the largest error twice over; the pairs
    // below it are counted, those above it not visited.
    final double keepFrom = lo - 2 * maxBound;
    final double keepTo = hi + 2 * maxBound;
    List<Collected> kept =
        PairScan.scan(
            r,
            r,
            true,
            Collected::new,
            (c, t) -> {
              for (int i = 0; i < t.aCount; i++) {
                int gi = t.aFrom + i;
                int hits = t.select(i, Math.max(0, gi + 1 - t.bFrom), keepTo, null, 0.0);
                for (int q = 0; q < hits; q++) {
                  int j = t.hits[q];
                  double a = t.approx(i, j);
                  boolean maybeZero = a <= t.bound(i, j);
                  if (a < keepFrom) {
                    if (!maybeZero || t.exact(i, j) != 0) c.below++;
                  } else {
                    double x = t.exact(i, j);
                    if (x != 0) c.add(x);
                  }
                }
              }
            },
            null);
    long below = 0;
    int total = 0;
    for (Collected c : kept) {
      below += c.below;
      total += c.size;
    }
    double[] values = gather(kept, total);
    Arrays.sort(values);
    double vLo = Math.sqrt(values[(int) (m - below)]);
    double vHi = Math.sqrt(values[(int) (m1 - below)]);
    return vLo + (pos - m) * (vHi - vLo);
  }

  /**
   * The {@code quantile} of the fast squared distances between the distinct pairs of {@code
   * samplePoints} evenly spaced points of R. Only a cutoff for the passes: the row order decides
   * which points are sampled, so it may change how fast ε is found, never its value.
   */
  static double sampledQuantile(PointSet r, int samplePoints, double quantile) {
    return sampledQuantiles(r, samplePoints, quantile)[0];
  }

  /** {@link #sampledQuantile} at several quantiles, from one sample. */
  static double[] sampledQuantiles(PointSet r, int samplePoints, double... quantiles) {
    int dim = r.dim;
    float[] rows = new float[samplePoints * dim];
    double[] sum = new double[dim];
    for (int k = 0; k < samplePoints; k++) {
      int p = (int) ((long) k * r.count / samplePoints);
      System.arraycopy(r.rows, p * dim, rows, k * dim, dim);
      for (int c = 0; c < dim; c++) sum[c] += rows[k * dim + c];
    }
    float[] shift = new float[dim];
    for (int c = 0; c < dim; c++) shift[c] = (float) (sum[c] / samplePoints);
    PointSet sample = new PointSet(rows, samplePoints, dim, shift, r.kernels);
    List<Collected> parts =
        PairScan.scan(
            sample,
            sample,
            true,
            Collected::new,
            (c, t) -> {
              for (int i = 0; i < t.aCount; i++) {
                int gi = t.aFrom + i;
                for (int j = Math.max(0, gi + 1 - t.bFrom); j < t.bCount; j++) {
                  c.add(t.approx(i, j));
                }
              }
            },
            null);
    int total = 0;
    for (Collected c : parts) total += c.size;
    double[] values = gather(parts, total);
    Arrays.sort(values);
    double[] result = new double[quantiles.length];
    for (int q = 0; q < quantiles.length; q++) {
      result[q] = values[(int) (quantiles[q] * (values.length - 1))];
    }
    return result;
  }

  private static double[] gather(List<Collected> parts, int total) {
    double[] values = new double[total];
    int at = 0;
    for (Collected c : parts) {
      System.arraycopy(c.values, 0, values, at, c.size);
      at += c.size;
    }
    return values;
  }

  static int key(double a, long base) {
    if (!(a > 0)) return 0;
    long k = (Double.doubleToRawLongBits(a) >>> KEY_SHIFT) - base;
    return (int) Math.max(0, Math.min(COARSE_BUCKETS - 1, k));
  }

  /** Smallest value of coarse bucket {@code b >= 1}. */
  static double lowEdge(int b, long base) {
    return Double.longBitsToDouble((b + base) << KEY_SHIFT);
  }

  static int bucketOfRank(long[] hist, long rank) {
    long seen = 0;
    for (int b = 0; b < hist.length; b++) {
      seen += hist[b];
      if (seen > rank) return b;
    }
    return hist.length - 1;
  }

  static long[] sum(List<long[]> parts) {
    long[] total = new long[parts.get(0).length];
    for (long[] p : parts) {
      for (int b = 0; b < total.length; b++) total[b] += p[b];
    }
    return total;
  }

  /** One thread's exact values in the bracket, and its count below. */
  static final class Collected {
    long below;
    double[] values = new double[1024];
    int size;

    void add(double v) {
      if (size == values.length) values = Arrays.copyOf(values, size * 2);
      values[size++] = v;
    }
  }
}
