package io.actdb.sql.geometry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.actdb.sql.TestDb;
import io.actdb.sql.kernels.Kernels;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * GeomCA's default ε against the brute-force percentile of {@link
 * GeometryReference#defaultEpsilon}, to the bit: without a cutoff, with the sampled cutoff the
 * passes use for large sets, and when a misleading sample puts the cutoff too low (the passes
 * notice and go again without it).
 */
class ReferencePercentileTest {

  @Test
  void aCutoffAboveThePercentileChangesNothing() {
    float[][] r = TestDb.gaussian(new Random(1), 900, 16);
    PointSet set = pointSet(r);
    double expected = GeometryReference.defaultEpsilon(r);
    assertEquals(expected, ReferencePercentile.epsilon(set, Double.POSITIVE_INFINITY));
    double cutoff = ReferencePercentile.sampledQuantile(set, 64, 0.3);
    assertEquals(expected, ReferencePercentile.epsilon(set, cutoff));
    assertEquals(expected, ReferencePercentile.epsilon(set));
    double tooLow = ReferencePercentile.sampledQuantile(set, 64, 0.01);
    assertNull(ReferencePercentile.epsilon(set, tooLow), "a cutoff under the 10th percentile");
  }

  @Test
  void duplicatePairsAreLeftOutWithOrWithoutACutoff() {
    float[][] r = TestDb.gaussian(new Random(2), 800, 5);
    for (int i = 0; i < 200; i++) r[i + 1] = r[0].clone(); // 201 copies of one point
    for (int i = 300; i < 400; i++) r[i] = r[i - 50].clone(); // 50 more doubled points
    PointSet set = pointSet(r);
    double expected = GeometryReference.defaultEpsilon(r);
    assertEquals(expected, ReferencePercentile.epsilon(set, Double.POSITIVE_INFINITY));
    double cutoff = Math.max(ReferencePercentile.sampledQuantile(set, 100, 0.3), 1e-3);
    assertEquals(expected, ReferencePercentile.epsilon(set, cutoff));
  }

  @Test
  void aMisleadingSampleOnlyCostsASecondRound() {
    // The sampled points (evenly spaced, as sampledQuantile picks them) are shrunk a hundredfold
    // towards the origin, so the sample's 30th percentile lies below R's 10th.
    int n = 2 * ReferencePercentile.SAMPLE_POINTS + 50;
    float[][] r = TestDb.gaussian(new Random(3), n, 8);
    for (int k = 0; k < ReferencePercentile.SAMPLE_POINTS; k++) {
      int p = (int) ((long) k * n / ReferencePercentile.SAMPLE_POINTS);
      for (int c = 0; c < 8; c++) r[p][c] /= 100;
    }
    PointSet set = pointSet(r);
    double cutoff =
        ReferencePercentile.sampledQuantile(set, ReferencePercentile.SAMPLE_POINTS, 0.3);
    assertNull(ReferencePercentile.epsilon(set, cutoff), "this cutoff is too low");
    assertEquals(GeometryReference.defaultEpsilon(r), ReferencePercentile.epsilon(set));
  }

  @Test
  void largeSetsUseTheSampledCutoff() {
    float[][] r = TestDb.gaussian(new Random(4), 2 * ReferencePercentile.SAMPLE_POINTS + 17, 6);
    PointSet set = pointSet(r);
    double expected = GeometryReference.defaultEpsilon(r);
    double cutoff =
        ReferencePercentile.sampledQuantile(
            set, ReferencePercentile.SAMPLE_POINTS, ReferencePercentile.CUTOFF_QUANTILE);
    assertEquals(expected, ReferencePercentile.epsilon(set, cutoff));
    assertEquals(expected, ReferencePercentile.epsilon(set));
  }

  private static PointSet pointSet(float[][] points) {
    int dim = points[0].length;
    float[] rows = new float[points.length * dim];
    for (int i = 0; i < points.length; i++) System.arraycopy(points[i], 0, rows, i * dim, dim);
    float[] shift = new float[dim];
    shift[0] = 0.25f; // any common shift: the result must not depend on it
    return new PointSet(rows, points.length, dim, shift, Kernels.distances());
  }
}
