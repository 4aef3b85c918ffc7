package io.actdb.sql.geometry;

import io.actdb.sql.kernels.Kernels;

/**
 * {@code ipr} and {@code prdc} cut into block pairs, for an engine that keeps the two sets in
 * blocks spread over machines (the Spark module) and never holds more than two blocks in one place.
 * The steps give exactly what the aggregates give on the whole sets, because every decision of the
 * aggregates is taken on exact distances ({@link ExactDistance}) of the same rescaled rows:
 *
 * <ol>
 *   <li>Rescale every block of both sets by the one power of two the aggregate would choose: {@link
 *       io.actdb.sql.input.PowerOfTwoScale#exponentForMax} of the largest magnitude of R and E.
 *   <li>Radii: for every pair of blocks of a set (a block with itself included), {@link
 *       #kSmallestSquared}; per point, {@link #mergeSmallest} over all blocks of its set; the k-th
 *       value is the point's squared k-NN radius.
 *   <li>Cross pass: for every pair of an E block and an R block, {@link #cross}; per point, flags
 *       OR-ed and ball counts summed over all pairs.
 *   <li>{@link Totals} of the merged flags and counts give the result fields.
 * </ol>
 */
public final class BlockedKnnBalls {
  private BlockedKnnBalls() {}

  /**
   * For each of the {@code aCount} rows of {@code a}, the up to {@code k} smallest exact squared
   * distances to the {@code bCount} rows of {@code b}, ascending. Rows are row-major, {@code dim}
   * floats each. With {@code sameBlock}, {@code a} and {@code b} are the same block and a row is
   * not its own neighbour (its duplicates are).
   */
  public static double[][] kSmallestSquared(
      float[] a, int aCount, float[] b, int bCount, int dim, int k, boolean sameBlock) {
    PointSet[] sets = pointSets(a, aCount, b, bCount, dim);
    return NearestNeighbours.kSmallestSquared(sets[0], sameBlock ? sets[0] : sets[1], k, sameBlock);
  }

  /** The {@code k} smallest of two ascending arrays, ascending (fewer if they hold fewer). */
  public static double[] mergeSmallest(double[] x, double[] y, int k) {
    double[] out = new double[Math.min(k, x.length + y.length)];
    int i = 0;
    int j = 0;
    for (int o = 0; o < out.length; o++) {
      out[o] = j >= y.length || (i < x.length && x[i] <= y[j]) ? x[i++] : y[j++];
    }
    return out;
  }

  /** Which points of one E block and one R block lie in the other's balls; see {@link #cross}. */
  public record CrossFlags(
      boolean[] evaluationInReference,
      long[] evaluationBallCount,
      boolean[] referenceCovered,
      boolean[] referenceInEvaluation) {}

  /**
   * The cross pass of one E block against one R block.
   *
   * @param radiiE squared radii of the E rows, or null when recall is not wanted
   * @param radiiR squared radii of the R rows, or null when precision is not wanted
   * @param prdc PRDC's strict comparisons and counts (ball counts, coverage) instead of IPR's
   */
  public static CrossFlags cross(
      float[] e,
      int eCount,
      double[] radiiE,
      float[] r,
      int rCount,
      double[] radiiR,
      int dim,
      boolean prdc) {
    PointSet[] sets = pointSets(e, eCount, r, rCount, dim);
    Manifolds.Result m = Manifolds.compare(sets[0], sets[1], radiiR, radiiE, prdc, prdc);
    return new CrossFlags(m.eInR(), m.eBallCount(), m.rCovered(), m.rInE());
  }

  /**
   * What the cross pass found, summed over all points, and the result fields computed from it, as
   * {@code ipr} and {@code prdc} report them.
   *
   * @param evaluationInReference E points inside some R ball
   * @param referenceInEvaluation R points inside some E ball
   * @param evaluationBalls pairs (e, r) with e inside r's ball (PRDC)
   * @param referenceCovered R points whose ball holds some E point (PRDC)
   */
  public record Totals(
      long nReference,
      long nEvaluation,
      long evaluationInReference,
      long referenceInEvaluation,
      long evaluationBalls,
      long referenceCovered) {

    /** Whether R's balls are measured: R has more than k points and E is not empty. */
    public static boolean referenceBallsWanted(long nReference, long nEvaluation, int k) {
      return nReference > k && nEvaluation > 0;
    }

    /** Whether E's balls are measured: E has more than k points and R is not empty. */
    public static boolean evaluationBallsWanted(long nReference, long nEvaluation, int k) {
      return nEvaluation > k && nReference > 0;
    }

    /** Share of E inside R's manifold, or null when R's balls are not measured. */
    public Double precision(int k) {
      return referenceBallsWanted(nReference, nEvaluation, k)
          ? (double) evaluationInReference / nEvaluation
          : null;
    }

    /** Share of R inside E's manifold, or null when E's balls are not measured. */
    public Double recall(int k) {
      return evaluationBallsWanted(nReference, nEvaluation, k)
          ? (double) referenceInEvaluation / nReference
          : null;
    }

    /** PRDC density: (1/k) times the mean number of R balls holding an E point, or null. */
    public Double density(int k) {
      return referenceBallsWanted(nReference, nEvaluation, k)
          ? (double) evaluationBalls / ((double) k * nEvaluation)
          : null;
    }

    /** PRDC coverage: share of R points whose ball holds some E point, or null. */
    public Double coverage(int k) {
      return referenceBallsWanted(nReference, nEvaluation, k)
          ? (double) referenceCovered / nReference
          : null;
    }
  }

  private static PointSet[] pointSets(float[] a, int aCount, float[] b, int bCount, int dim) {
    // Any shift common to both blocks keeps the fast-distance bound valid; their mean keeps it
    // small, so few pairs need an exact look.
    float[] shift = PointSet.centre(dim, new float[][] {a, b}, new int[] {aCount, bCount});
    var kernels = Kernels.distances();
    return new PointSet[] {
      new PointSet(a, aCount, dim, shift, kernels), new PointSet(b, bCount, dim, shift, kernels)
    };
  }
}
