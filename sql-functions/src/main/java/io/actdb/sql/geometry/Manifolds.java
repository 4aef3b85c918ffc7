package io.actdb.sql.geometry;

import java.util.List;

/**
 * The cross pass of IPR and PRDC: which points of E lie in R's k-NN balls and which points of R in
 * E's. A pair is compared on its fast distance when the bound settles it, and on its exact distance
 * otherwise, so every answer is the exact-distance answer.
 */
final class Manifolds {
  private Manifolds() {}

  /**
   * What the cross pass found.
   *
   * @param eInR per E point: inside some R ball (precision)
   * @param eBallCount per E point: how many R balls hold it (density), or null unless counted
   * @param rCovered per R point: its own ball holds some E point (coverage), or null unless counted
   * @param rInE per R point: inside some E ball (recall)
   */
  record Result(boolean[] eInR, long[] eBallCount, boolean[] rCovered, boolean[] rInE) {}

  /**
   * Compares every pair (e, r).
   *
   * @param radiiR squared R radii, or null when precision is not wanted
   * @param radiiE squared E radii, or null when recall is not wanted
   * @param strict {@code <} (PRDC) instead of {@code <=} (IPR)
   * @param count count balls per E point and coverage per R point (PRDC), rather than stopping at
   *     the first ball (IPR)
   */
  static Result compare(
      PointSet e, PointSet r, double[] radiiR, double[] radiiE, boolean strict, boolean count) {
    byte[] eIn = new byte[e.count];
    byte[] rIn = new byte[r.count];
    byte[] rCov = new byte[r.count];
    // Flags are shared by the threads: a racy write of 1 over 0 or 1 is harmless, and a stale 0
    // only costs a comparison. Counts are per thread and summed.
    boolean precision = radiiR != null;
    boolean recall = radiiE != null;
    PairScan.Skip skip =
        count
            ? null
            : (a0, a1, b0, b1) -> allSet(eIn, a0, a1, precision) && allSet(rIn, b0, b1, recall);
    List<long[]> counts =
        PairScan.scan(
            e,
            r,
            false,
            () -> count ? new long[e.count] : null,
            (local, t) -> {
              for (int i = 0; i < t.aCount; i++) {
                int gi = t.aFrom + i;
                double radiusE = recall ? radiiE[gi] : 0;
                boolean rowWantsR = precision && (count || eIn[gi] == 0);
                if (!rowWantsR && !recall) continue;
                // Every pair that is not surely outside both balls; most pairs are.
                int hits =
                    t.select(
                        i,
                        0,
                        recall ? radiusE : Double.NEGATIVE_INFINITY,
                        rowWantsR ? radiiR : null,
                        t.rowSlack(i));
                for (int h = 0; h < hits; h++) {
                  int j = t.hits[h];
                  int gj = t.bFrom + j;
                  boolean wantR = precision && (count || eIn[gi] == 0);
                  boolean wantE = recall && rIn[gj] == 0;
                  if (!wantR && !wantE) continue;
                  double approx = t.approx(i, j);
                  double bound = t.bound(i, j);
                  double exact = Double.NaN;
                  if (wantR) {
                    int inside = decide(approx, bound, radiiR[gj], strict);
                    if (inside == MAYBE) {
                      exact = t.exact(i, j);
                      inside = holds(exact, radiiR[gj], strict) ? YES : NO;
                    }
                    if (inside == YES) {
                      eIn[gi] = 1;
                      if (count) {
                        local[gi]++;
                        rCov[gj] = 1;
                      }
                    }
                  }
                  if (wantE) {
                    int inside = decide(approx, bound, radiusE, strict);
                    if (inside == MAYBE) {
                      if (Double.isNaN(exact)) exact = t.exact(i, j);
                      inside = holds(exact, radiusE, strict) ? YES : NO;
                    }
                    if (inside == YES) rIn[gj] = 1;
                  }
                }
              }
            },
            skip);
    long[] total = null;
    if (count) {
      total = new long[e.count];
      for (long[] c : counts) {
        for (int i = 0; i < total.length; i++) total[i] += c[i];
      }
    }
    return new Result(flags(eIn), total, count ? flags(rCov) : null, flags(rIn));
  }

  static final int NO = 0;
  static final int YES = 1;
  static final int MAYBE = 2;

  /** Whether {@code exact <= limit} ({@code <} when strict), judged from a fast value. */
  static int decide(double approx, double bound, double limit, boolean strict) {
    if (strict) {
      if (approx + bound < limit) return YES;
      if (approx - bound >= limit) return NO;
    } else {
      if (approx + bound <= limit) return YES;
      if (approx - bound > limit) return NO;
    }
    return MAYBE;
  }

  static boolean holds(double exact, double limit, boolean strict) {
    return strict ? exact < limit : exact <= limit;
  }

  private static boolean allSet(byte[] flags, int from, int to, boolean wanted) {
    if (!wanted) return true;
    for (int i = from; i < to; i++) {
      if (flags[i] == 0) return false;
    }
    return true;
  }

  private static boolean[] flags(byte[] bytes) {
    boolean[] b = new boolean[bytes.length];
    for (int i = 0; i < b.length; i++) b[i] = bytes[i] != 0;
    return b;
  }
}
