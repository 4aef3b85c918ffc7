package io.actdb.sql.geometry;

import static io.actdb.sql.geometry.ReferencePercentile.COARSE_BUCKETS;
import static io.actdb.sql.geometry.ReferencePercentile.FINE_BUCKETS;
import static io.actdb.sql.geometry.ReferencePercentile.KEY_SHIFT;
import static io.actdb.sql.geometry.ReferencePercentile.bucketOfRank;
import static io.actdb.sql.geometry.ReferencePercentile.key;
import static io.actdb.sql.geometry.ReferencePercentile.lowEdge;
import static io.actdb.sql.geometry.ReferencePercentile.sum;

import java.util.Arrays;
import java.util.List;

/**
 * The median of all n² squared distances of a point set, the zero diagonal included (numpy's {@code
 * median} of the full matrix, as the RBF CKA demo's {@code gram_rbf}), and the pair order
 * statistics behind it. A pair's value is its exact squared distance ({@link ExactDistance})
 * rounded to float32, so the result is the same number whatever the row order or thread count.
 *
 * <p>Never n², and only a few pairs are computed exactly: a pass counts the fast squared distances
 * in a histogram with buckets 2^-11 wide in relative terms, which brackets the wanted order
 * statistics; a finer pass narrows the bracket when many pairs fall in it; a last pass keeps the
 * exact values of the pairs in the bracket widened by twice the largest error bound, and counts
 * those below it. Every order statistic moves by at most that bound from fast to exact values, so
 * every pair that could be a wanted one is among those kept (the argument of {@link
 * ReferencePercentile}, which does the same for GeomCA's ε).
 */
final class AllPairsMedian {
  private AllPairsMedian() {}

  /** The bracket is narrowed until at most this many pairs are expected in it. */
  static final long MAX_CANDIDATES = 1 << 18;

  /** Points of the sample that guesses a window around the wanted ranks (sets twice as large). */
  static final int SAMPLE_POINTS = ReferencePercentile.SAMPLE_POINTS;

  /**
   * Pairs the one-pass path may keep (16 bytes each): the window's share of all pairs is cut to
   * fit.
   */
  static final long MAX_WINDOW_PAIRS = 1 << 21;

  /** The window spans the wanted ranks widened by this share of all pairs on each side, at most. */
  static final double WINDOW_MARGIN = 0.03;

  /**
   * The median of the n×n matrix of squared distances: n zeros on the diagonal and every pair
   * twice. Its sorted element at rank r is 0 for r &lt; n, else the pair value of rank ⌊(r − n)/2⌋;
   * for even n² it averages ranks n²/2 − 1 and n²/2.
   */
  static double ofAllSquaredDistances(PointSet points) {
    int n = points.count;
    long total = (long) n * n;
    long lowRank = (total - 1) / 2;
    long highRank = total / 2;
    long[] pairRanks = {Math.max(0, (lowRank - n) / 2), Math.max(0, (highRank - n) / 2)};
    float[] pairValues = pairValuesOfRanks(points, pairRanks);
    double low = lowRank < n ? 0 : pairValues[0];
    double high = highRank < n ? 0 : pairValues[1];
    return (low + high) / 2;
  }

  /**
   * The values (exact squared distances rounded to float32) of the pairs {@code i < j} of the given
   * 0-based ranks in ascending order of value; {@code ranks} in ascending order, below the number
   * of pairs.
   */
  static float[] pairValuesOfRanks(PointSet points, long[] ranks) {
    // All points equal the shift, hence each other: every pair is 0 (and the histogram's range,
    // set by the largest norm, would be empty).
    if (points.maxNorm == 0) return new float[ranks.length];
    long first = ranks[0];
    long last = ranks[ranks.length - 1];
    double maxBound = PointSet.boundFactor(points.dim) * 4 * points.maxNorm * points.maxNorm;
    long pairs = (long) points.count * (points.count - 1) / 2;
    if (points.count >= 2 * SAMPLE_POINTS) {
      // One pass instead of two, when a sample's quantiles bracket the wanted ranks.
      double margin = Math.min(WINDOW_MARGIN, 0.5 * MAX_WINDOW_PAIRS / pairs);
      double[] window =
          ReferencePercentile.sampledQuantiles(
              points,
              SAMPLE_POINTS,
              Math.max(0, (double) first / pairs - margin),
              Math.min(1, (double) last / pairs + margin));
      float[] values = inWindow(points, ranks, window[0], window[1], maxBound);
      if (values != null) return values;
    }
    double top = 4 * points.maxNorm * points.maxNorm * 1.0001 + maxBound + Double.MIN_NORMAL;
    long base = (Double.doubleToRawLongBits(top) >>> KEY_SHIFT) - COARSE_BUCKETS + 1;

    // Pass 1: coarse histogram of every pair's fast value (zero and below share bucket 0).
    List<long[]> coarse =
        PairScan.scan(
            points,
            points,
            true,
            () -> new long[COARSE_BUCKETS],
            (h, t) -> {
              for (int i = 0; i < t.aCount; i++) {
                for (int j = Math.max(0, t.aFrom + i + 1 - t.bFrom); j < t.bCount; j++) {
                  h[key(t.approx(i, j), base)]++;
                }
              }
            },
            null);
    long[] hist = sum(coarse);
    int bLo = bucketOfRank(hist, first);
    int bHi = bucketOfRank(hist, last);
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
    // above hi are not visited: no wanted rank lies there.
    if (expected > MAX_CANDIDATES && Double.isFinite(lo)) {
      final double fLo = lo;
      final double fHi = hi;
      final double width = (hi - lo) / FINE_BUCKETS;
      List<long[]> fine =
          PairScan.scan(
              points,
              points,
              true,
              // [0]: below lo, [last]: at or above hi
              () -> new long[FINE_BUCKETS + 2],
              (h, t) -> {
                for (int i = 0; i < t.aCount; i++) {
                  int hits = t.select(i, Math.max(0, t.aFrom + i + 1 - t.bFrom), fHi, null, 0.0);
                  for (int q = 0; q < hits; q++) {
                    double a = t.approx(i, t.hits[q]);
                    int b;
                    if (a < fLo) b = 0;
                    else b = (int) Math.min(FINE_BUCKETS + 1, 1 + (long) ((a - fLo) / width));
                    h[b]++;
                  }
                }
              },
              null);
      long[] fh = sum(fine);
      int fLoB = bucketOfRank(fh, first);
      int fHiB = bucketOfRank(fh, last);
      if (fLoB >= 1 && fHiB <= FINE_BUCKETS) {
        lo = fLo + (fLoB - 1) * width;
        hi = fLo + fHiB * width;
      }
    }

    // Pass 3: exact values in the bracket widened by the largest error twice over; the pairs below
    // it are counted, those above it not visited.
    final double keepFrom = lo - 2 * maxBound;
    final double keepTo = hi + 2 * maxBound;
    List<Kept> kept =
        PairScan.scan(
            points,
            points,
            true,
            Kept::new,
            (c, t) -> {
              for (int i = 0; i < t.aCount; i++) {
                int hits = t.select(i, Math.max(0, t.aFrom + i + 1 - t.bFrom), keepTo, null, 0.0);
                for (int q = 0; q < hits; q++) {
                  int j = t.hits[q];
                  if (t.approx(i, j) < keepFrom) c.below++;
                  else c.add((float) t.exact(i, j));
                }
              }
            },
            null);
    long below = 0;
    int size = 0;
    for (Kept c : kept) {
      below += c.below;
      size += c.size;
    }
    float[] values = new float[size];
    int at = 0;
    for (Kept c : kept) {
      System.arraycopy(c.values, 0, values, at, c.size);
      at += c.size;
    }
    Arrays.sort(values);
    float[] result = new float[ranks.length];
    for (int r = 0; r < ranks.length; r++) {
      long index = ranks[r] - below;
      if (index < 0 || index >= size) {
        // Ruled out by the error bound; a wrong median would be a silent wrong answer.
        throw new IllegalStateException(
            "pair rank "
                + ranks[r]
                + " fell outside its bracket ("
                + below
                + " below, "
                + size
                + " kept)");
      }
      result[r] = values[(int) index];
    }
    return result;
  }

  /**
   * The values of the given ranks from one pass that keeps every pair whose fast value lies in
   * {@code [from, to]} and counts those below; null when that window turns out not to hold the
   * wanted ranks with the error margins around them (then nothing is known and the caller goes the
   * long way).
   */
  static float[] inWindow(PointSet points, long[] ranks, double from, double to, double maxBound) {
    if (!(from < to)) return null;
    List<Window> parts =
        PairScan.scan(
            points,
            points,
            true,
            Window::new,
            (w, t) -> {
              for (int i = 0; i < t.aCount; i++) {
                int hits = t.select(i, Math.max(0, t.aFrom + i + 1 - t.bFrom), to, null, 0.0);
                for (int q = 0; q < hits; q++) {
                  int j = t.hits[q];
                  double a = t.approx(i, j);
                  if (a < from) w.below++;
                  else w.add(t.aFrom + i, t.bFrom + j, a);
                }
              }
            },
            null);
    long belowWindow = 0;
    long kept = 0;
    for (Window w : parts) {
      belowWindow += w.below;
      kept += w.size;
    }
    long first = ranks[0] - belowWindow;
    long last = ranks[ranks.length - 1] - belowWindow;
    if (first < 0 || last >= kept) return null;
    // The fast values of the wanted ranks, to a 1/FINE_BUCKETS of the window, from a histogram.
    double width = (to - from) / FINE_BUCKETS;
    long[] hist = new long[FINE_BUCKETS + 1];
    for (Window w : parts) {
      for (int p = 0; p < w.size; p++) {
        hist[(int) Math.min(FINE_BUCKETS, (long) ((w.fast[p] - from) / width))]++;
      }
    }
    double lo = from + bucketOfRank(hist, first) * width;
    double hi = from + (bucketOfRank(hist, last) + 1) * width;
    // Pairs left out must be certainly below or above the wanted exact values.
    double keepFrom = lo - 2 * maxBound;
    double keepTo = hi + 2 * maxBound;
    if (keepFrom < from || keepTo > to) return null;
    long below = belowWindow;
    Kept exact = new Kept();
    for (Window w : parts) {
      for (int p = 0; p < w.size; p++) {
        double a = w.fast[p];
        if (a < keepFrom) below++;
        else if (a <= keepTo) exact.add((float) points.exact(w.first[p], points, w.second[p]));
      }
    }
    float[] values = Arrays.copyOf(exact.values, exact.size);
    Arrays.sort(values);
    float[] result = new float[ranks.length];
    for (int r = 0; r < ranks.length; r++) {
      long index = ranks[r] - below;
      if (index < 0 || index >= values.length) {
        throw new IllegalStateException(
            "pair rank "
                + ranks[r]
                + " fell outside its window ("
                + below
                + " below, "
                + values.length
                + " kept)");
      }
      result[r] = values[(int) index];
    }
    return result;
  }

  /** One thread's pairs in the window (their points and fast values), and its count below. */
  private static final class Window {
    long below;
    int[] first = new int[1024];
    int[] second = new int[1024];
    double[] fast = new double[1024];
    int size;

    void add(int i, int j, double value) {
      if (size == fast.length) {
        first = Arrays.copyOf(first, size * 2);
        second = Arrays.copyOf(second, size * 2);
        fast = Arrays.copyOf(fast, size * 2);
      }
      first[size] = i;
      second[size] = j;
      fast[size++] = value;
    }
  }

  /** One thread's exact values in the bracket, and its count below. */
  private static final class Kept {
    long below;
    float[] values = new float[1024];
    int size;

    void add(float v) {
      if (size == values.length) values = Arrays.copyOf(values, size * 2);
      values[size++] = v;
    }
  }
}
