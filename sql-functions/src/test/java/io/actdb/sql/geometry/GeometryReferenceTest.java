package io.actdb.sql.geometry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.actdb.sql.geometry.GeometryReference.Component;
import io.actdb.sql.geometry.GeometryReference.GeomCa;
import io.actdb.sql.geometry.GeometryReference.Ipr;
import io.actdb.sql.geometry.GeometryReference.Prdc;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Checks the oracle itself on configurations small enough to work out by hand. Every expected
 * number below is derived in the comment next to it. Ratios of counts are asserted exactly; values
 * that pass through several float64 operations (fractions of fractions) use {@link #TOL}.
 */
class GeometryReferenceTest {

  private static final double TOL = 1e-12;
  private static final double NO_DEFAULT = Double.NaN;

  /** One-dimensional points from integer coordinates. */
  private static float[][] line(int... xs) {
    float[][] points = new float[xs.length][];
    for (int i = 0; i < xs.length; i++) {
      points[i] = new float[] {xs[i]};
    }
    return points;
  }

  /** Two-dimensional points from integer coordinate pairs (x0, y0, x1, y1, ...). */
  private static float[][] plane(int... xy) {
    float[][] points = new float[xy.length / 2][];
    for (int i = 0; i < points.length; i++) {
      points[i] = new float[] {xy[2 * i], xy[2 * i + 1]};
    }
    return points;
  }

  private static void assertComponent(
      Component actual, int nR, int nE, double consistency, double quality) {
    assertEquals(nR, actual.nReference(), "nReference of " + actual);
    assertEquals(nE, actual.nEvaluation(), "nEvaluation of " + actual);
    assertEquals(consistency, actual.consistency(), TOL, "consistency of " + actual);
    assertEquals(quality, actual.quality(), TOL, "quality of " + actual);
  }

  // ---------------------------------------------------------------------------------------------
  // Distances and radii
  // ---------------------------------------------------------------------------------------------

  @Test
  void squaredDistanceSumsSquaredCoordinateDifferences() {
    // (1,2) vs (4,6): 3² + 4² = 25.
    assertEquals(25.0, GeometryReference.squaredDistance(new float[] {1, 2}, new float[] {4, 6}));
    assertEquals(0.0, GeometryReference.squaredDistance(new float[] {7}, new float[] {7}));
  }

  @Test
  void radiiExcludeSelfByIndexButCountDuplicates() {
    // Set {0, 0, 5}. Squared distances to the others:
    //   0(a): {0 (the other 0), 25}; 0(b): {0, 25}; 5: {25, 25}.
    // k=1 → [0, 0, 25]; k=2 → [25, 25, 25].
    float[][] set = line(0, 0, 5);
    assertArrayEquals(new double[] {0, 0, 25}, GeometryReference.kthNeighbourRadiiSquared(set, 1));
    assertArrayEquals(
        new double[] {25, 25, 25}, GeometryReference.kthNeighbourRadiiSquared(set, 2));
  }

  // ---------------------------------------------------------------------------------------------
  // IPR
  // ---------------------------------------------------------------------------------------------

  // Shared 1-D configuration for IPR and PRDC:
  //   R = {0, 1, 3, -30}, E = {2, 4, 20}
  // radius² with k=1 (nearest other point of the own set):
  //   R: 0 → min{1, 9, 900} = 1;  1 → min{1, 4, 961} = 1;  3 → min{9, 4, 1089} = 4;
  //      -30 → min{900, 961, 1089} = 900
  //   E: 2 → min{4, 324} = 4;  4 → min{4, 256} = 4;  20 → min{324, 256} = 256
  private static final float[][] R1 = line(0, 1, 3, -30);
  private static final float[][] E1 = line(2, 4, 20);

  @Test
  void iprOneDimensionalHandCase() {
    // precision (≤): e=2: d²(2,1)=1 ≤ 1 → inside (a tie!).  e=4: d²(4,3)=1 ≤ 4 → inside.
    //   e=20: d² to 0,1,3,-30 = 400,361,289,2500 vs radii 1,1,4,900 → outside.   → 2/3
    // recall (≤): r=0: d²(0,2)=4 ≤ 4 → inside (tie).  r=1: d²(1,2)=1 ≤ 4.  r=3: d²(3,2)=1 ≤ 4.
    //   r=-30: d² to 2,4,20 = 1024,1156,2500 vs radii 4,4,256 → outside.          → 3/4
    Ipr ipr = GeometryReference.ipr(R1, E1, 1);
    assertEquals(2.0 / 3.0, ipr.precision());
    assertEquals(0.75, ipr.recall());
  }

  @Test
  void iprLargerKAndUndefinedRecall() {
    // k=3: R radius² = 3rd smallest of the other three = the largest:
    //   0 → {1, 9, 900} → 900;  1 → {1, 4, 961} → 961;  3 → {9, 4, 1089} → 1089;
    //   -30 → {900, 961, 1089} → 1089.
    // e=2 and e=4 are within 900 of r=0; e=20: d²(20,0)=400 ≤ 900 → all inside → precision 1.
    // |E| = 3 ≤ k → recall undefined.
    Ipr ipr = GeometryReference.ipr(R1, E1, 3);
    assertEquals(1.0, ipr.precision());
    assertNull(ipr.recall());
  }

  @Test
  void iprDuplicateGivesZeroRadiusAndTieCountsAsInside() {
    // R = {0, 0, 5}, k=1: radii² = [0, 0, 25] (the duplicate is the nearest neighbour).
    // E = {0}: d²(0, r=0) = 0 ≤ 0 → inside → precision 1.  |E| = 1 ≤ k → recall null.
    Ipr ipr = GeometryReference.ipr(line(0, 0, 5), line(0), 1);
    assertEquals(1.0, ipr.precision());
    assertNull(ipr.recall());
  }

  @Test
  void iprNullWhenSetsTooSmall() {
    // |E| = 0 → precision null; |E| = 0 ≤ k → recall null.
    Ipr empty = GeometryReference.ipr(R1, new float[0][], 1);
    assertNull(empty.precision());
    assertNull(empty.recall());
    // |R| = 1 ≤ k=1 → precision null; |E| = 3 > 1 and |R| > 0 → recall defined:
    // E radii (k=1) = 4, 4, 256; r=0: d²(0,2) = 4 ≤ 4 → inside → 1.
    Ipr smallR = GeometryReference.ipr(line(0), E1, 1);
    assertNull(smallR.precision());
    assertEquals(1.0, smallR.recall());
  }

  // ---------------------------------------------------------------------------------------------
  // PRDC
  // ---------------------------------------------------------------------------------------------

  @Test
  void prdcOneDimensionalHandCase() {
    // Same R1/E1 and k=1 radii as the IPR case, now with strict < :
    // precision: e=2: d²(2,1)=1 < 1 no, but d²(2,3)=1 < 4 yes → inside. e=4: d²(4,3)=1 < 4 yes.
    //   e=20: outside.                                                      → 2/3
    // recall: r=0: d² to 2,4,20 = 4,16,400 vs E radii 4,4,256 → none strict → outside.
    //   r=1: d²(1,2)=1 < 4 yes. r=3: d²(3,2)=1 < 4 yes. r=-30 outside.      → 2/4
    // density: balls containing each e:
    //   e=2: r=0 (4<1 no), r=1 (1<1 no), r=3 (1<4 yes), r=-30 (1024<900 no) → 1
    //   e=4: r=0 (16<1 no), r=1 (9<1 no), r=3 (1<4 yes), r=-30 no           → 1
    //   e=20: none                                                          → 0
    //   (1/k) · mean = (1+1+0)/3 = 2/3
    // coverage: nearest e of each r vs r's own radius:
    //   r=0: nearest 2 (4) < 1 no; r=1: nearest 2 (1) < 1 no; r=3: nearest 2 or 4 (1) < 4 yes;
    //   r=-30: nearest 2 (1024) < 900 no                                    → 1/4
    Prdc prdc = GeometryReference.prdc(R1, E1, 1);
    assertEquals(2.0 / 3.0, prdc.precision());
    assertEquals(0.5, prdc.recall());
    assertEquals(2.0 / 3.0, prdc.density(), TOL);
    assertEquals(0.25, prdc.coverage());
  }

  @Test
  void prdcTwoDimensionalWithKTwoAndDensityAboveOne() {
    // R = {(0,0), (1,0), (0,1), (5,5)}, E = {(0,0), (1,1), (6,5)}, k=2.
    // R radius² = 2nd smallest d² to the other R points:
    //   (0,0): {1, 1, 50} → 1;  (1,0): {1, 2, 41} → 2;  (0,1): {1, 2, 41} → 2;
    //   (5,5): {50, 41, 41} → 41
    // E radius² (two others each, so the larger one):
    //   (0,0): {2, 61} → 61;  (1,1): {2, 41} → 41;  (6,5): {61, 41} → 61
    // precision: (0,0) in ball of r(0,0) (0<1); (1,1) in ball of r(1,0) (1<2);
    //   (6,5) in ball of r(5,5) (1<41)                                         → 1
    // recall: every r has an E ball around it: r(0,0) 0<61, r(1,0) d²((1,0),(0,0))=1<61,
    //   r(0,1) 1<61, r(5,5) d²((5,5),(6,5))=1<61                               → 1
    // density counts (r balls containing e):
    //   e(0,0): r(0,0) 0<1, r(1,0) 1<2, r(0,1) 1<2, r(5,5) 50<41 no          → 3
    //   e(1,1): r(0,0) 2<1 no, r(1,0) 1<2, r(0,1) 1<2, r(5,5) 32<41           → 3
    //   e(6,5): r(0,0) 61 no, r(1,0) 50<2 no, r(0,1) 52<2 no, r(5,5) 1<41     → 1
    //   density = (3+3+1) / (k · |E|) = 7/6
    // coverage: nearest e: r(0,0) 0<1, r(1,0) 1<2, r(0,1) 1<2, r(5,5) 1<41   → 1
    float[][] r = plane(0, 0, 1, 0, 0, 1, 5, 5);
    float[][] e = plane(0, 0, 1, 1, 6, 5);
    Prdc prdc = GeometryReference.prdc(r, e, 2);
    assertEquals(1.0, prdc.precision());
    assertEquals(1.0, prdc.recall());
    assertEquals(7.0 / 6.0, prdc.density(), TOL);
    assertEquals(1.0, prdc.coverage());
  }

  @Test
  void prdcStrictComparisonExcludesTiesAndZeroRadiusBalls() {
    // R = {0, 0, 5}, k=1: radii² = [0, 0, 25]. E = {0}.
    // precision: d²(0,0)=0 < 0 no (twice), d²(0,5)=25 < 25 no → 0. density 0.
    // coverage: nearest e for r=0 is at 0, 0 < 0 no; for r=5 at 25, 25 < 25 no → 0.
    // |E| = 1 ≤ k → recall null.  (IPR, with ≤, gives precision 1 on the same data.)
    Prdc prdc = GeometryReference.prdc(line(0, 0, 5), line(0), 1);
    assertEquals(0.0, prdc.precision());
    assertNull(prdc.recall());
    assertEquals(0.0, prdc.density());
    assertEquals(0.0, prdc.coverage());
  }

  @Test
  void prdcNullsFollowTheSetSizes() {
    // |R| = 1 ≤ k: precision, density, coverage null; recall defined (E radii 4, 4, 256;
    // r=0: d²(0,2)=4 < 4 no, d²(0,4)=16 < 4 no, d²(0,20)=400 < 256 no → 0).
    Prdc prdc = GeometryReference.prdc(line(0), E1, 1);
    assertNull(prdc.precision());
    assertNull(prdc.density());
    assertNull(prdc.coverage());
    assertEquals(0.0, prdc.recall());
    Prdc empty = GeometryReference.prdc(R1, new float[0][], 1);
    assertNull(empty.precision());
    assertNull(empty.recall());
    assertNull(empty.density());
    assertNull(empty.coverage());
  }

  // ---------------------------------------------------------------------------------------------
  // GeomCA: default epsilon
  // ---------------------------------------------------------------------------------------------

  @Test
  void defaultEpsilonDropsZerosAndInterpolatesTheTenthPercentile() {
    // R = {0, 1, 3, 6, 6}: pair distances (i<j):
    //   0-1:1 0-3:3 0-6:6 0-6:6 1-3:2 1-6:5 1-6:5 3-6:3 3-6:3 6-6:0 (dropped)
    //   sorted v = [1, 2, 3, 3, 3, 5, 5, 6, 6], N = 9
    //   pos = 0.1·8 = 0.8, lo = 0 → 1 + 0.8·(2 − 1) = 1.8
    assertEquals(1.8, GeometryReference.defaultEpsilon(line(0, 1, 3, 6, 6)), TOL);

    // R = {0, 1, 2, 4, 8, 16}: 15 distances, sorted
    //   [1, 1, 2, 2, 3, 4, 4, 6, 7, 8, 8, 12, 14, 15, 16]
    //   pos = 0.1·14 = 1.4, lo = 1 → v[1] + 0.4·(v[2] − v[1]) = 1 + 0.4·1 = 1.4
    assertEquals(1.4, GeometryReference.defaultEpsilon(line(0, 1, 2, 4, 8, 16)), TOL);

    // 2-D, Euclidean: (0,0), (3,4), (3,0): distances 5, 3, 4 → [3, 4, 5];
    //   pos = 0.2 → 3 + 0.2·1 = 3.2
    assertEquals(3.2, GeometryReference.defaultEpsilon(plane(0, 0, 3, 4, 3, 0)), TOL);

    // A single nonzero distance: N = 1, lo + 1 == N → v[0] = 4.
    assertEquals(4.0, GeometryReference.defaultEpsilon(line(0, 4)));

    // No nonzero distance → no default.
    assertNull(GeometryReference.defaultEpsilon(line(3, 3)));
    assertNull(GeometryReference.defaultEpsilon(line(3)));
    assertNull(GeometryReference.defaultEpsilon(new float[0][]));
  }

  @Test
  void geomcaReturnsNullWhenDefaultEpsilonIsImpossible() {
    assertNull(GeometryReference.geomca(line(3, 3), line(1), NO_DEFAULT, 0, 0, 0, false));
    assertNull(GeometryReference.geomca(new float[0][], line(1), NO_DEFAULT, 0, 0, 0, true));
  }

  // ---------------------------------------------------------------------------------------------
  // GeomCA: standard variant
  // ---------------------------------------------------------------------------------------------

  // Shared 1-D configuration: R = {0, 1, 3, 6, 6}, E = {2, 6, 7, 10}; default epsilon = 1.8
  // (see above), ε² = 3.24, so an edge joins points at distance 0 or 1 only (2² = 4 > 3.24).
  //   R–R edges: 0–1, 6–6                                   (2)
  //   R–E edges: 1–2, 3–2, 6a–6, 6a–7, 6b–6, 6b–7           (6)
  //   E–E edges: 6–7                                        (1)
  // Components:
  //   A = {R0, R1, R3, E2}:         nR=3, nE=1, eRR=1, eRE=2, eEE=0
  //   B = {R6, R6, E6, E7}:         nR=2, nE=2, eRR=1, eRE=4, eEE=1
  //   C = {E10}:                    nR=0, nE=1, no edges
  // Order: A and B have size 4, A first (nR 3 > 2), then C.
  private static final float[][] R2 = line(0, 1, 3, 6, 6);
  private static final float[][] E2 = line(2, 6, 7, 10);

  @Test
  void geomcaStandardWithDefaultEpsilon() {
    // Standard consistency / quality:
    //   A: c = 1 − |3−1|/4 = 0.5,  q = 2/3
    //   B: c = 1 − 0/4 = 1,        q = 4/6
    //   C: c = 1 − 1/1 = 0,        q = 0 (no edges)
    // etaC = etaQ = 0: A and B count → precision = (1+2)/4 = 0.75, recall = (3+2)/5 = 1.
    // Network: consistency 1 − |5−4|/9 = 8/9; quality = 6 R–E edges / 9 edges = 2/3.
    GeomCa g = GeometryReference.geomca(R2, E2, NO_DEFAULT, 0.0, 0.0, 0.0, false);
    assertNotNull(g);
    assertEquals(1.8, g.epsilon(), TOL);
    assertEquals(5, g.nReference());
    assertEquals(4, g.nEvaluation());
    assertEquals(0.75, g.precision());
    assertEquals(1.0, g.recall());
    assertEquals(8.0 / 9.0, g.networkConsistency(), TOL);
    assertEquals(2.0 / 3.0, g.networkQuality(), TOL);
    List<Component> cs = g.components();
    assertEquals(3, cs.size());
    assertComponent(cs.get(0), 3, 1, 0.5, 2.0 / 3.0);
    assertComponent(cs.get(1), 2, 2, 1.0, 2.0 / 3.0);
    assertComponent(cs.get(2), 0, 1, 0.0, 0.0);
  }

  @Test
  void geomcaStandardEtaThresholdsAreStrict() {
    // etaC = 0.5: A has c = 0.5, not > 0.5 → excluded; B (c=1, q=2/3) counts.
    //   precision = 2/4 = 0.5, recall = 2/5 = 0.4
    GeomCa byConsistency = GeometryReference.geomca(R2, E2, NO_DEFAULT, 0.5, 0.0, 0.0, false);
    assertEquals(0.5, byConsistency.precision());
    assertEquals(0.4, byConsistency.recall());

    // etaQ = 2/3: A and B both have q = 2/3 exactly (2/3 and 4/6 round to the same double),
    //   not > 2/3 → nothing counts.
    GeomCa byQuality = GeometryReference.geomca(R2, E2, NO_DEFAULT, 0.0, 2.0 / 3.0, 0.0, false);
    assertEquals(0.0, byQuality.precision());
    assertEquals(0.0, byQuality.recall());

    // etaC = 0.6, etaQ = 0.4: A (c=0.5) fails, B counts → 0.5 / 0.4.
    GeomCa both = GeometryReference.geomca(R2, E2, NO_DEFAULT, 0.6, 0.4, 0.0, false);
    assertEquals(0.5, both.precision());
    assertEquals(0.4, both.recall());
  }

  // ---------------------------------------------------------------------------------------------
  // GeomCA: thesis variant
  // ---------------------------------------------------------------------------------------------

  @Test
  void geomcaThesisVariantWithExtraSupportOfReference() {
    // Same graph as above (|R| = 5, |E| = 4), thesis formulas:
    //   A: fR = 3/5, fE = 1/4 → c = 1 − 0.35/0.85 = 10/17 ≈ 0.588
    //      rRE = 2/(3·1) = 2/3, tE = 0 (nE<2), tR = 1/C(3,2) = 1/3
    //      q = 1 − (0 + 1/3)/(4/3 + 0 + 1/3) = 1 − 1/5 = 0.8
    //   B: fR = 2/5, fE = 2/4 → c = 1 − 0.1/0.9 = 8/9
    //      rRE = 4/(2·2) = 1, tE = 1/1 = 1, tR = 1/1 = 1 → q = 1 − 2/4 = 0.5
    //   C: fR = 0, fE = 1/4 → c = 0;  rRE = tE = tR = 0 → q = 0
    // etaC = 0.6, etaQ = 0.4:
    //   B counts (8/9 > 0.6, 0.5 > 0.4).
    //   A: q > 0.4 but c ≤ 0.6 and nR 3 > nE 1 → extra support of R: its E point adds to precision.
    //   precision = (2 + 1)/4 = 0.75, recall = 2/5 = 0.4
    // Network: consistency 1 (both sets nonempty).
    //   quality on the whole graph: nR=5, nE=4, eRR=2, eEE=1, eRE=6:
    //   rRE = 6/20 = 3/10, tE = 1/6, tR = 2/10 = 1/5
    //   q = 1 − (1/6 + 1/5)/(6/10 + 1/6 + 1/5) = 1 − (11/30)/(29/30) = 18/29
    GeomCa g = GeometryReference.geomca(R2, E2, NO_DEFAULT, 0.6, 0.4, 0.0, true);
    assertEquals(1.8, g.epsilon(), TOL);
    assertEquals(0.75, g.precision());
    assertEquals(0.4, g.recall());
    assertEquals(1.0, g.networkConsistency());
    assertEquals(18.0 / 29.0, g.networkQuality(), TOL);
    List<Component> cs = g.components();
    assertEquals(3, cs.size());
    assertComponent(cs.get(0), 3, 1, 10.0 / 17.0, 0.8);
    assertComponent(cs.get(1), 2, 2, 8.0 / 9.0, 0.5);
    assertComponent(cs.get(2), 0, 1, 0.0, 0.0);
  }

  @Test
  void geomcaThesisVariantWithExtraSupportOfEvaluation() {
    // R = {0, 10, 20}, E = {1, 2, 3, 21}, explicit ε = 1 (edge iff distance ≤ 1):
    //   edges: 0–1 (RE), 1–2 (EE), 2–3 (EE), 20–21 (RE); 10 is isolated.
    //   X = {R0, E1, E2, E3}: nR=1, nE=3, eRE=1, eEE=2
    //   Z = {R20, E21}:       nR=1, nE=1, eRE=1
    //   Y = {R10}:            nR=1, nE=0
    //   order by size: X (4), Z (2), Y (1)
    // Thesis (|R| = 3, |E| = 4):
    //   X: fR = 1/3, fE = 3/4 → c = 1 − (5/12)/(13/12) = 8/13 ≈ 0.615
    //      rRE = 1/3, tE = 2/C(3,2) = 2/3, tR = 0 → q = 1 − (2/3)/(2/3 + 2/3) = 0.5
    //   Z: fR = 1/3, fE = 1/4 → c = 1 − (1/12)/(7/12) = 6/7 ≈ 0.857
    //      rRE = 1, tE = tR = 0 → q = 1 − 0/2 = 1
    //   Y: fR = 1/3, fE = 0 → c = 0;  denominator 0 → q = 0
    // etaC = 0.7, etaQ = 0.4:
    //   Z counts. X: q > 0.4, c ≤ 0.7, nE 3 > nR 1 → extra support of E: its R point adds to
    // recall.
    //   precision = 1/4 (E21 only), recall = (1 + 1)/3 = 2/3
    // Network: consistency 1; whole graph nR=3, nE=4, eRR=0, eEE=2, eRE=2:
    //   rRE = 2/12 = 1/6, tE = 2/6 = 1/3, tR = 0 → q = 1 − (1/3)/(1/3 + 1/3) = 0.5
    float[][] r = line(0, 10, 20);
    float[][] e = line(1, 2, 3, 21);
    GeomCa thesis = GeometryReference.geomca(r, e, 1.0, 0.7, 0.4, 0.0, true);
    assertEquals(1.0, thesis.epsilon());
    assertEquals(0.25, thesis.precision());
    assertEquals(2.0 / 3.0, thesis.recall());
    assertEquals(1.0, thesis.networkConsistency());
    assertEquals(0.5, thesis.networkQuality(), TOL);
    List<Component> cs = thesis.components();
    assertEquals(3, cs.size());
    assertComponent(cs.get(0), 1, 3, 8.0 / 13.0, 0.5);
    assertComponent(cs.get(1), 1, 1, 6.0 / 7.0, 1.0);
    assertComponent(cs.get(2), 1, 0, 0.0, 0.0);

    // Standard variant on the same graph:
    //   X: c = 1 − 2/4 = 0.5, q = 1/3;  Z: c = 1, q = 1;  Y: c = 0, q = 0
    //   etaC = 0.7, etaQ = 0.4 → only Z: precision 1/4, recall 1/3 (no extra supports).
    //   Network: c = 1 − 1/7 = 6/7, q = 2 RE edges / 4 edges = 0.5
    GeomCa standard = GeometryReference.geomca(r, e, 1.0, 0.7, 0.4, 0.0, false);
    assertEquals(0.25, standard.precision());
    assertEquals(1.0 / 3.0, standard.recall());
    assertEquals(6.0 / 7.0, standard.networkConsistency(), TOL);
    assertEquals(0.5, standard.networkQuality());
    assertComponent(standard.components().get(0), 1, 3, 0.5, 1.0 / 3.0);
    assertComponent(standard.components().get(1), 1, 1, 1.0, 1.0);
    assertComponent(standard.components().get(2), 1, 0, 0.0, 0.0);
  }

  @Test
  void geomcaWithEmptyReferenceAndExplicitEpsilon() {
    // R = {}, E = {0}, ε = 1: one singleton E component, c = 1 − 1/1 = 0, q = 0 → not counted.
    //   precision = 0/1 = 0, recall undefined (|R| = 0). Network c = 1 − 1/1 = 0, q = 0.
    GeomCa g = GeometryReference.geomca(new float[0][], line(0), 1.0, 0.0, 0.0, 0.0, false);
    assertEquals(0.0, g.precision());
    assertNull(g.recall());
    assertEquals(0.0, g.networkConsistency());
    assertEquals(0.0, g.networkQuality());
    assertEquals(List.of(new Component(0, 1, 0.0, 0.0)), g.components());
  }

  // ---------------------------------------------------------------------------------------------
  // Sparsification
  // ---------------------------------------------------------------------------------------------

  @Test
  void sparsifyWalksInLexicographicOrderAndKeepsTies() {
    // {1, 0, 2} with δ = 1.5 (δ² = 2.25), canonical order 0, 1, 2:
    //   keep 0; 1 is at d² 1 < 2.25 → drop; 2 is at d² 4 ≥ 2.25 from 0 → keep.  → {0, 2}
    //   (walking the input order instead would keep 1 and drop both others.)
    assertArrayEquals(line(0, 2), GeometryReference.sparsify(line(1, 0, 2), 1.5));
    // δ = 2 (δ² = 4): 0 and 2 are exactly δ apart → both kept (≥).
    assertArrayEquals(line(0, 2), GeometryReference.sparsify(line(2, 0), 2.0));
    // Lexicographic compare: first coordinate decides, then the second; Float.compare order.
    assertTrue(GeometryReference.compareLexicographic(new float[] {0, 5}, new float[] {1, -5}) < 0);
    assertTrue(GeometryReference.compareLexicographic(new float[] {1, -5}, new float[] {1, 0}) < 0);
    assertTrue(GeometryReference.compareLexicographic(new float[] {-2, 9}, new float[] {0, 0}) < 0);
  }

  @Test
  void geomcaWithOneDimensionalSparsification() {
    // ε = 2 explicit, γ = 1 → δ = 2, δ² = 4.
    // R = {5, 1, 0, 2, 3}, canonical 0, 1, 2, 3, 5:
    //   keep 0; drop 1 (d² 1); keep 2 (d² 4 ≥ 4); drop 3 (d² 1 to 2); keep 5 (d² 25, 9) → {0, 2, 5}
    //   (input-order greedy would give {5, 1, 3} instead.)
    // E = {4, 4, 9}, canonical 4, 4, 9: keep 4; drop the duplicate; keep 9 → {4, 9}
    // Graph, ε² = 4: 0–2 (d² 4, RR), 2–4 (d² 4, RE), 5–4 (d² 1, RE); 9 isolated.
    //   P = {R0, R2, R5, E4}: nR=3, nE=1, eRR=1, eRE=2 → c = 0.5, q = 2/3
    //   Q = {E9}: c = 0, q = 0
    // etaC = etaQ = 0: P counts → precision 1/2, recall 3/3.
    // Network: c = 1 − 1/5 = 0.8, q = 2/3.
    float[][] r = line(5, 1, 0, 2, 3);
    float[][] e = line(4, 4, 9);
    GeomCa g = GeometryReference.geomca(r, e, 2.0, 0.0, 0.0, 1.0, false);
    assertEquals(2.0, g.epsilon());
    assertEquals(3, g.nReference());
    assertEquals(2, g.nEvaluation());
    assertEquals(0.5, g.precision());
    assertEquals(1.0, g.recall());
    assertEquals(0.8, g.networkConsistency(), TOL);
    assertEquals(2.0 / 3.0, g.networkQuality(), TOL);
    assertEquals(2, g.components().size());
    assertComponent(g.components().get(0), 3, 1, 0.5, 2.0 / 3.0);
    assertComponent(g.components().get(1), 0, 1, 0.0, 0.0);

    // γ = 0: no sparsification. Points 0,1,2,3,4,4,5 chain up (gaps ≤ 2), 9 stays alone:
    //   components (nR, nE) = (5, 2) and (0, 1); the big one has c = 1 − 3/7 > 0 and R–E edges
    //   → counts: precision 2/3, recall 5/5.
    GeomCa dense = GeometryReference.geomca(r, e, 2.0, 0.0, 0.0, 0.0, false);
    assertEquals(5, dense.nReference());
    assertEquals(3, dense.nEvaluation());
    assertEquals(2, dense.components().size());
    assertEquals(5, dense.components().get(0).nReference());
    assertEquals(2, dense.components().get(0).nEvaluation());
    assertEquals(4.0 / 7.0, dense.components().get(0).consistency(), TOL);
    assertEquals(2.0 / 3.0, dense.precision());
    assertEquals(1.0, dense.recall());
  }

  @Test
  void geomcaWithTwoDimensionalSparsification() {
    // ε = 1.2 explicit, γ = 1 → δ = 1.2, δ² = 1.44.
    // R = {(1,0), (0,1), (1,1)}, canonical (0,1), (1,0), (1,1):
    //   keep (0,1); keep (1,0) (d² 2 ≥ 1.44); drop (1,1) (d² 1 to (0,1)) → {(0,1), (1,0)}
    //   (a descending walk would keep (1,1) and drop the other two.)
    // E = {(3,3), (1,1)}, canonical (1,1), (3,3): d² 8 → both kept.
    // Graph, ε² = 1.44: (0,1)–(1,1) d² 1 RE; (1,0)–(1,1) d² 1 RE; (0,1)–(1,0) d² 2 no;
    //   (3,3) is ≥ 8 away from everything.
    //   {R(0,1), R(1,0), E(1,1)}: nR=2, nE=1, eRE=2 → c = 1 − 1/3 = 2/3, q = 2/2 = 1
    //   {E(3,3)}: c = 0, q = 0
    // etaC = etaQ = 0.5: the first counts → precision 1/2, recall 2/2.
    // Network: c = 1 − 0/4 = 1, q = 2/2 = 1.
    float[][] r = plane(1, 0, 0, 1, 1, 1);
    float[][] e = plane(3, 3, 1, 1);
    assertArrayEquals(plane(0, 1, 1, 0), GeometryReference.sparsify(r, 1.2));
    GeomCa g = GeometryReference.geomca(r, e, 1.2, 0.5, 0.5, 1.0, false);
    assertEquals(2, g.nReference());
    assertEquals(2, g.nEvaluation());
    assertEquals(0.5, g.precision());
    assertEquals(1.0, g.recall());
    assertEquals(1.0, g.networkConsistency());
    assertEquals(1.0, g.networkQuality());
    assertEquals(2, g.components().size());
    assertComponent(g.components().get(0), 2, 1, 2.0 / 3.0, 1.0);
    assertComponent(g.components().get(1), 0, 1, 0.0, 0.0);
  }

  @Test
  void geomcaSparsificationUsesTheDefaultEpsilon() {
    // R = {0, 1, 3, 6, 6}: default ε = 1.8 (see above); γ = 1 → δ = 1.8, δ² = 3.24.
    //   canonical 0, 1, 3, 6, 6: keep 0; drop 1 (d² 1); keep 3 (d² 9); keep 6 (d² 36, 9);
    //   drop the second 6 (d² 0) → {0, 3, 6}
    // E = {2, 6, 7, 10}: keep 2; keep 6 (16); drop 7 (d² 1 to 6); keep 10 (d² 64, 16) → {2, 6, 10}
    // Graph, ε² = 3.24 (only distance 0 or 1 connects): R3–E2 (d² 1) and R6–E6 (d² 0), both RE;
    //   R0–E2 is d² 4 > 3.24.
    //   {R3, E2} and {R6, E6}: c = 1, q = 1/1 = 1 each; singletons {R0}, {E10}: c = 0, q = 0
    //   order: the two pairs (identical keys), then {R0} (nR 1) before {E10} (nR 0).
    // etaC = etaQ = 0: both pairs count → precision 2/3, recall 2/3.
    // Network: c = 1 − 0/6 = 1, q = 2/2 = 1.
    GeomCa g = GeometryReference.geomca(R2, E2, NO_DEFAULT, 0.0, 0.0, 1.0, false);
    assertEquals(1.8, g.epsilon(), TOL);
    assertEquals(3, g.nReference());
    assertEquals(3, g.nEvaluation());
    assertEquals(2.0 / 3.0, g.precision());
    assertEquals(2.0 / 3.0, g.recall());
    assertEquals(1.0, g.networkConsistency());
    assertEquals(1.0, g.networkQuality());
    List<Component> cs = g.components();
    assertEquals(4, cs.size());
    assertComponent(cs.get(0), 1, 1, 1.0, 1.0);
    assertComponent(cs.get(1), 1, 1, 1.0, 1.0);
    assertComponent(cs.get(2), 1, 0, 0.0, 0.0);
    assertComponent(cs.get(3), 0, 1, 0.0, 0.0);
  }
}
