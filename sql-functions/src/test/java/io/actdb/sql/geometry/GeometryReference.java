package io.actdb.sql.geometry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Brute-force float64 oracle for the manifold-comparison metrics (IPR, PRDC, GeomCA), written
 * straight from their definitions with full pairwise distance matrices. Meant for small sets only
 * (n up to a few hundred); it favours obviousness over speed and is the independent reference the
 * real implementation is compared against.
 *
 * <p>"The distance" everywhere is {@link #squaredDistance}: Σ_k ((double) a_k − (double) b_k)²,
 * summed in float64 in index order. All comparisons are made on these squared distances.
 */
public final class GeometryReference {
  private GeometryReference() {}

  /** Improved precision and recall (Kynkäänniemi et al. 2019); null where undefined. */
  public record Ipr(Double precision, Double recall) {}

  /** Precision, recall, density, coverage (Naeem et al. 2020); null where undefined. */
  public record Prdc(Double precision, Double recall, Double density, Double coverage) {}

  /** One connected component of the GeomCA epsilon-graph. */
  public record Component(int nReference, int nEvaluation, double consistency, double quality) {}

  /** GeomCA result; precision / recall are null when the evaluation / reference set is empty. */
  public record GeomCa(
      Double precision,
      Double recall,
      double epsilon,
      int nReference,
      int nEvaluation,
      double networkConsistency,
      double networkQuality,
      List<Component> components) {}

  // ---------------------------------------------------------------------------------------------
  // Distances
  // ---------------------------------------------------------------------------------------------

  /** Σ_k ((double) a_k − (double) b_k)², accumulated in float64 in index order. */
  public static double squaredDistance(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("dimension mismatch: " + a.length + " vs " + b.length);
    }
    double sum = 0.0;
    for (int k = 0; k < a.length; k++) {
      double diff = (double) a[k] - (double) b[k];
      sum += diff * diff;
    }
    return sum;
  }

  /** Full matrix d2[i][j] = squaredDistance(a[i], b[j]). */
  static double[][] squaredDistances(float[][] a, float[][] b) {
    double[][] d2 = new double[a.length][b.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < b.length; j++) {
        d2[i][j] = squaredDistance(a[i], b[j]);
      }
    }
    return d2;
  }

  /**
   * radius²(p) for every p of the set: the k-th smallest squared distance from p to the other
   * points of the set. "Other" is by index, so an exact duplicate of p (distance 0) counts as a
   * neighbour. Requires set.length > k.
   */
  public static double[] kthNeighbourRadiiSquared(float[][] set, int k) {
    requirePositiveK(k);
    int n = set.length;
    if (n <= k) {
      throw new IllegalArgumentException("need more than k=" + k + " points, got " + n);
    }
    double[][] d2 = squaredDistances(set, set);
    double[] radii = new double[n];
    for (int i = 0; i < n; i++) {
      double[] others = new double[n - 1];
      int m = 0;
      for (int j = 0; j < n; j++) {
        if (j != i) {
          others[m++] = d2[i][j];
        }
      }
      Arrays.sort(others);
      radii[i] = others[k - 1];
    }
    return radii;
  }

  // ---------------------------------------------------------------------------------------------
  // IPR
  // ---------------------------------------------------------------------------------------------

  /**
   * Improved precision / recall with k-NN balls and inclusive (≤) ball membership.
   *
   * <p>precision: share of E inside R's manifold (null when |R| ≤ k or |E| = 0); recall: share of R
   * inside E's manifold (null when |E| ≤ k or |R| = 0).
   */
  public static Ipr ipr(float[][] r, float[][] e, int k) {
    requirePositiveK(k);
    Double precision = null;
    if (r.length > k && e.length > 0) {
      precision = shareInsideManifold(e, r, kthNeighbourRadiiSquared(r, k), false);
    }
    Double recall = null;
    if (e.length > k && r.length > 0) {
      recall = shareInsideManifold(r, e, kthNeighbourRadiiSquared(e, k), false);
    }
    return new Ipr(precision, recall);
  }

  /**
   * Share of the query points q for which some manifold point m has d²(q, m) ≤ radius²(m) (strict:
   * {@code <}).
   */
  private static double shareInsideManifold(
      float[][] queries, float[][] manifold, double[] manifoldRadiiSquared, boolean strict) {
    int inside = 0;
    for (float[] q : queries) {
      for (int m = 0; m < manifold.length; m++) {
        if (insideBall(squaredDistance(q, manifold[m]), manifoldRadiiSquared[m], strict)) {
          inside++;
          break;
        }
      }
    }
    return (double) inside / queries.length;
  }

  private static boolean insideBall(double distanceSquared, double radiusSquared, boolean strict) {
    return strict ? distanceSquared < radiusSquared : distanceSquared <= radiusSquared;
  }

  // ---------------------------------------------------------------------------------------------
  // PRDC
  // ---------------------------------------------------------------------------------------------

  /**
   * Precision, recall, density, coverage with the same k-NN radii as IPR but strict ({@code <})
   * ball membership.
   *
   * <p>precision, density, coverage are null when |R| ≤ k or |E| = 0; recall is null when |E| ≤ k
   * or |R| = 0.
   */
  public static Prdc prdc(float[][] r, float[][] e, int k) {
    requirePositiveK(k);
    Double precision = null;
    Double density = null;
    Double coverage = null;
    if (r.length > k && e.length > 0) {
      double[] radiiR = kthNeighbourRadiiSquared(r, k);
      double[][] d2 = squaredDistances(e, r); // d2[eIndex][rIndex]
      precision = shareInsideManifold(e, r, radiiR, true);

      // density = (1/k) · mean over e of #{r : d²(e, r) < radius²_R(r)}; evaluated as
      // total / (k · |E|), mathematically identical.
      long ballMemberships = 0;
      for (int i = 0; i < e.length; i++) {
        for (int j = 0; j < r.length; j++) {
          if (d2[i][j] < radiiR[j]) {
            ballMemberships++;
          }
        }
      }
      density = (double) ballMemberships / ((double) k * e.length);

      // coverage: share of r whose nearest e lies strictly inside r's own ball.
      int covered = 0;
      for (int j = 0; j < r.length; j++) {
        double nearest = Double.POSITIVE_INFINITY;
        for (int i = 0; i < e.length; i++) {
          nearest = Math.min(nearest, d2[i][j]);
        }
        if (nearest < radiiR[j]) {
          covered++;
        }
      }
      coverage = (double) covered / r.length;
    }
    Double recall = null;
    if (e.length > k && r.length > 0) {
      recall = shareInsideManifold(r, e, kthNeighbourRadiiSquared(e, k), true);
    }
    return new Prdc(precision, recall, density, coverage);
  }

  // ---------------------------------------------------------------------------------------------
  // GeomCA
  // ---------------------------------------------------------------------------------------------

  /**
   * numpy's default percentile 10 (linear interpolation) of the nonzero Euclidean distances over
   * unordered pairs {i < j} of R; null when there is no nonzero distance.
   */
  public static Double defaultEpsilon(float[][] r) {
    List<Double> distances = new ArrayList<>();
    for (int i = 0; i < r.length; i++) {
      for (int j = i + 1; j < r.length; j++) {
        double d2 = squaredDistance(r[i], r[j]);
        if (d2 != 0.0) {
          distances.add(Math.sqrt(d2));
        }
      }
    }
    if (distances.isEmpty()) {
      return null;
    }
    double[] v = distances.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(v);
    int n = v.length;
    double pos = 0.1 * (n - 1);
    int lo = (int) Math.floor(pos);
    if (lo + 1 >= n) {
      return v[lo];
    }
    return v[lo] + (pos - lo) * (v[lo + 1] - v[lo]);
  }

  /**
   * Greedy sparsification: visit the points in lexicographic order (Float.compare per coordinate)
   * and keep a point iff its squared distance to every already-kept point is ≥ delta². Returns the
   * kept points in that visiting order.
   */
  public static float[][] sparsify(float[][] points, double delta) {
    float[][] canonical = points.clone();
    Arrays.sort(canonical, GeometryReference::compareLexicographic);
    double deltaSquared = delta * delta;
    List<float[]> kept = new ArrayList<>();
    for (float[] candidate : canonical) {
      boolean farFromAllKept = true;
      for (float[] k : kept) {
        if (squaredDistance(candidate, k) < deltaSquared) {
          farFromAllKept = false;
          break;
        }
      }
      if (farFromAllKept) {
        kept.add(candidate);
      }
    }
    return kept.toArray(new float[0][]);
  }

  /** Lexicographic order by coordinates, Float.compare on each coordinate in index order. */
  public static int compareLexicographic(float[] a, float[] b) {
    int common = Math.min(a.length, b.length);
    for (int k = 0; k < common; k++) {
      int c = Float.compare(a[k], b[k]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.length, b.length);
  }

  /**
   * GeomCA over the epsilon-graph of R ∪ E.
   *
   * @param epsilon graph radius; NaN requests the default ({@link #defaultEpsilon}), in which case
   *     null is returned if the default cannot be computed
   * @param etaC consistency threshold (component counts iff consistency &gt; etaC)
   * @param etaQ quality threshold (component counts iff quality &gt; etaQ)
   * @param gamma sparsification factor; sets are sparsified with delta = gamma · epsilon when gamma
   *     &gt; 0
   * @param thesisVariant use the thesis consistency / quality and extra-support rules
   */
  public static GeomCa geomca(
      float[][] r,
      float[][] e,
      double epsilon,
      double etaC,
      double etaQ,
      double gamma,
      boolean thesisVariant) {
    if (Double.isNaN(epsilon)) {
      Double byDefault = defaultEpsilon(r);
      if (byDefault == null) {
        return null;
      }
      epsilon = byDefault;
    }
    if (gamma > 0) {
      double delta = gamma * epsilon;
      r = sparsify(r, delta);
      e = sparsify(e, delta);
    }

    // Graph nodes: indices 0..|R|-1 are R points, |R|..|R|+|E|-1 are E points.
    int sizeR = r.length;
    int sizeE = e.length;
    int n = sizeR + sizeE;
    float[][] nodes = new float[n][];
    for (int i = 0; i < sizeR; i++) {
      nodes[i] = r[i];
    }
    for (int i = 0; i < sizeE; i++) {
      nodes[sizeR + i] = e[i];
    }
    double epsilonSquared = epsilon * epsilon;
    boolean[][] adjacent = new boolean[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        if (squaredDistance(nodes[i], nodes[j]) <= epsilonSquared) {
          adjacent[i][j] = true;
          adjacent[j][i] = true;
        }
      }
    }

    // Connected components by breadth-first search; singletons are components too.
    int[] label = new int[n];
    Arrays.fill(label, -1);
    int componentCount = 0;
    for (int start = 0; start < n; start++) {
      if (label[start] != -1) {
        continue;
      }
      int id = componentCount++;
      int[] queue = new int[n];
      int head = 0;
      int tail = 0;
      queue[tail++] = start;
      label[start] = id;
      while (head < tail) {
        int node = queue[head++];
        for (int other = 0; other < n; other++) {
          if (adjacent[node][other] && label[other] == -1) {
            label[other] = id;
            queue[tail++] = other;
          }
        }
      }
    }

    // Per-component point and edge counts (plus whole-graph edge totals).
    int[] compR = new int[componentCount];
    int[] compE = new int[componentCount];
    long[] compEdgesRR = new long[componentCount];
    long[] compEdgesEE = new long[componentCount];
    long[] compEdgesRE = new long[componentCount];
    for (int i = 0; i < n; i++) {
      if (i < sizeR) {
        compR[label[i]]++;
      } else {
        compE[label[i]]++;
      }
    }
    long totalRR = 0;
    long totalEE = 0;
    long totalRE = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        if (!adjacent[i][j]) {
          continue;
        }
        boolean iIsR = i < sizeR;
        boolean jIsR = j < sizeR;
        int c = label[i]; // same as label[j]: they are adjacent
        if (iIsR && jIsR) {
          compEdgesRR[c]++;
          totalRR++;
        } else if (!iIsR && !jIsR) {
          compEdgesEE[c]++;
          totalEE++;
        } else {
          compEdgesRE[c]++;
          totalRE++;
        }
      }
    }

    List<Component> components = new ArrayList<>();
    for (int c = 0; c < componentCount; c++) {
      double consistency;
      double quality;
      if (thesisVariant) {
        consistency = thesisConsistency(compR[c], compE[c], sizeR, sizeE);
        quality = thesisQuality(compR[c], compE[c], compEdgesRR[c], compEdgesEE[c], compEdgesRE[c]);
      } else {
        consistency = standardConsistency(compR[c], compE[c]);
        quality = standardQuality(compEdgesRR[c], compEdgesEE[c], compEdgesRE[c]);
      }
      components.add(new Component(compR[c], compE[c], consistency, quality));
    }
    components.sort(COMPONENT_ORDER);

    // Precision / recall from the counted components (and, in the thesis variant, the extra
    // supports: high-quality but inconsistent components dominated by one set).
    long evaluationCovered = 0;
    long referenceCovered = 0;
    for (Component comp : components) {
      boolean goodQuality = comp.quality() > etaQ;
      boolean consistent = comp.consistency() > etaC;
      if (goodQuality && consistent) {
        evaluationCovered += comp.nEvaluation();
        referenceCovered += comp.nReference();
      } else if (thesisVariant && goodQuality) {
        if (comp.nReference() > comp.nEvaluation()) {
          evaluationCovered += comp.nEvaluation(); // extra support of R: counts for precision
        } else if (comp.nEvaluation() > comp.nReference()) {
          referenceCovered += comp.nReference(); // extra support of E: counts for recall
        }
      }
    }
    Double precision = sizeE == 0 ? null : (double) evaluationCovered / sizeE;
    Double recall = sizeR == 0 ? null : (double) referenceCovered / sizeR;

    double networkConsistency;
    double networkQuality;
    if (thesisVariant) {
      networkConsistency = (sizeR > 0 && sizeE > 0) ? 1.0 : 0.0;
      networkQuality = thesisQuality(sizeR, sizeE, totalRR, totalEE, totalRE);
    } else {
      // Both sets empty would be 0/0; reported as 0 (only reachable with an explicit epsilon).
      networkConsistency = n == 0 ? 0.0 : standardConsistency(sizeR, sizeE);
      networkQuality = standardQuality(totalRR, totalEE, totalRE);
    }

    return new GeomCa(
        precision,
        recall,
        epsilon,
        sizeR,
        sizeE,
        networkConsistency,
        networkQuality,
        List.copyOf(components));
  }

  /** Size descending, then nR descending, then consistency descending, then quality descending. */
  private static final Comparator<Component> COMPONENT_ORDER =
      (a, b) -> {
        int c = Integer.compare(b.nReference() + b.nEvaluation(), a.nReference() + a.nEvaluation());
        if (c != 0) {
          return c;
        }
        c = Integer.compare(b.nReference(), a.nReference());
        if (c != 0) {
          return c;
        }
        c = Double.compare(b.consistency(), a.consistency());
        if (c != 0) {
          return c;
        }
        return Double.compare(b.quality(), a.quality());
      };

  /** 1 − |nR − nE| / (nR + nE). */
  static double standardConsistency(long nR, long nE) {
    return 1.0 - (double) Math.abs(nR - nE) / (nR + nE);
  }

  /** Share of R–E edges among all edges; 0 without edges. */
  static double standardQuality(long edgesRR, long edgesEE, long edgesRE) {
    long all = edgesRR + edgesEE + edgesRE;
    return all == 0 ? 0.0 : (double) edgesRE / all;
  }

  /** 1 − |fR − fE| / (fR + fE) on the fractions of each set; 0 when both fractions are 0. */
  static double thesisConsistency(long nR, long nE, long sizeR, long sizeE) {
    double fR = sizeR == 0 ? 0.0 : (double) nR / sizeR;
    double fE = sizeE == 0 ? 0.0 : (double) nE / sizeE;
    if (fR + fE == 0.0) {
      return 0.0;
    }
    return 1.0 - Math.abs(fR - fE) / (fR + fE);
  }

  /**
   * 1 − (tE + tR) / (2·rRE + tE + tR) with edge densities rRE = eRE / (nR·nE), tE = eEE / C(nE, 2),
   * tR = eRR / C(nR, 2) (each 0 when its denominator is 0); 0 when the denominator is 0.
   */
  static double thesisQuality(long nR, long nE, long edgesRR, long edgesEE, long edgesRE) {
    double rRE = nR * nE == 0 ? 0.0 : (double) edgesRE / ((double) nR * nE);
    double tE = nE < 2 ? 0.0 : (double) edgesEE / (nE * (nE - 1) / 2.0);
    double tR = nR < 2 ? 0.0 : (double) edgesRR / (nR * (nR - 1) / 2.0);
    double denominator = 2.0 * rRE + tE + tR;
    if (denominator == 0.0) {
      return 0.0;
    }
    return 1.0 - (tE + tR) / denominator;
  }

  private static void requirePositiveK(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
  }
}
