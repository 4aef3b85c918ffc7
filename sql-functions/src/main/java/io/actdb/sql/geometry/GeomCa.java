package io.actdb.sql.geometry;

import io.actdb.sql.input.HeapBudget;
import io.actdb.sql.kernels.Kernels;
import io.actdb.sql.spi.AggregateFunction;
import io.actdb.sql.spi.InputChunk;
import io.actdb.sql.spi.ResultWriter;
import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.sql.spi.SqlType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code geomca(x, is_reference [, epsilon [, eta_c, eta_q [, gamma]]])}: Geometric Component
 * Analysis (Poklukar et al. 2021; thesis eqs 2.1–2.5), and its variant {@code geomca_redefined}
 * with the thesis's proposed redefinitions (eqs 8.1–8.9).
 *
 * <p>The ε-graph joins two points of R ∪ E when their distance is at most ε (the official code's
 * {@code <=}); every connected component, singletons included, gets a consistency {@code c} and a
 * quality {@code q}; a component counts when {@code c > eta_c} and {@code q > eta_q}. precision =
 * share of E in counted components, recall = share of R.
 *
 * <p>Defaults (thesis §5.3): ε = the 10th percentile of the distances between distinct R points
 * ({@link ReferencePercentile}, exact); {@code eta_c = eta_q = 0}; no sparsification. With {@code
 * gamma > 0}, R and E are first sparsified with δ = gamma · ε ({@link Sparsify}), as the GeomCA
 * paper does; ε is estimated on the full R.
 */
public final class GeomCa implements AggregateFunction<TwoSets> {

  static final int EPSILON = 0;
  static final int ETA_C = 1;
  static final int ETA_Q = 2;
  static final int GAMMA = 3;

  static final SqlType COMPONENT =
      new SqlType.Struct(
          List.of(
              new SqlType.Field("n_reference", SqlType.BIGINT),
              new SqlType.Field("n_evaluation", SqlType.BIGINT),
              new SqlType.Field("consistency", SqlType.DOUBLE),
              new SqlType.Field("quality", SqlType.DOUBLE)));

  static final SqlType RESULT =
      new SqlType.Struct(
          List.of(
              new SqlType.Field("precision", SqlType.DOUBLE),
              new SqlType.Field("recall", SqlType.DOUBLE),
              new SqlType.Field("epsilon", SqlType.DOUBLE),
              new SqlType.Field("n_components", SqlType.BIGINT),
              new SqlType.Field("network_consistency", SqlType.DOUBLE),
              new SqlType.Field("network_quality", SqlType.DOUBLE),
              new SqlType.Field("n_reference", SqlType.BIGINT),
              new SqlType.Field("n_evaluation", SqlType.BIGINT),
              new SqlType.Field("n_edges", SqlType.BIGINT),
              new SqlType.Field("components", new SqlType.ListOf(COMPONENT))));

  private final boolean redefined;

  /**
   * @param redefined the thesis's redefinitions (eqs 8.1–8.9) instead of the original measures
   */
  public GeomCa(boolean redefined) {
    this.redefined = redefined;
  }

  @Override
  public String name() {
    return redefined ? "geomca_redefined" : "geomca";
  }

  @Override
  public List<List<SqlType>> overloads() {
    SqlType x = SqlType.ANY;
    SqlType b = SqlType.BOOLEAN;
    SqlType d = SqlType.DOUBLE;
    return List.of(
        List.of(x, b), List.of(x, b, d), List.of(x, b, d, d, d), List.of(x, b, d, d, d, d));
  }

  @Override
  public SqlType returnType() {
    return RESULT;
  }

  @Override
  public TwoSets newState() {
    return new TwoSets(4);
  }

  @Override
  public void update(TwoSets state, InputChunk input, int[] rows, int count) {
    int columns = input.columnCount();
    String[] names = {"epsilon", "eta_c", "eta_q", "gamma"};
    for (int p = 0; p < 4; p++) {
      if (columns > 2 + p) {
        state.parameter(p, names[p], input.doubles(2 + p), rows, count, true);
      } else {
        state.parameterDefault(p, Double.NaN);
      }
    }
    double epsilon = state.parameters[EPSILON];
    if (epsilon < 0) throw new SqlFunctionException("epsilon must be >= 0, got " + epsilon);
    double gamma = state.parameters[GAMMA];
    if (gamma < 0) throw new SqlFunctionException("gamma must be >= 0, got " + gamma);
    state.addRows(input, rows, count);
  }

  @Override
  public void combine(TwoSets source, TwoSets target) {
    target.addAll(source);
  }

  @Override
  public void finalize(TwoSets state, ResultWriter out) {
    Result result = state == null ? null : compute(state);
    if (result == null) {
      out.setNull();
      for (int f = 0; f < 10; f++) {
        if (f == 9) out.field(f).list(0);
        else out.field(f).setNull();
      }
      return;
    }
    out.field(0).setDouble(result.precision);
    out.field(1).setDouble(result.recall);
    out.field(2).setDouble(result.epsilon);
    out.field(3).setLong(result.components.size());
    out.field(4).setDouble(result.networkConsistency);
    out.field(5).setDouble(result.networkQuality);
    out.field(6).setLong(result.nReference);
    out.field(7).setLong(result.nEvaluation);
    out.field(8).setLong(result.edges);
    ResultWriter list = out.field(9);
    list.list(result.components.size());
    for (int c = 0; c < result.components.size(); c++) {
      Scored s = result.components.get(c);
      ResultWriter element = list.listElement(c);
      element.field(0).setLong(s.nReference);
      element.field(1).setLong(s.nEvaluation);
      element.field(2).setDouble(s.consistency);
      element.field(3).setDouble(s.quality);
    }
  }

  /** A component with its measures. */
  record Scored(int nReference, int nEvaluation, double consistency, double quality) {}

  record Result(
      Double precision,
      Double recall,
      double epsilon,
      double networkConsistency,
      double networkQuality,
      int nReference,
      int nEvaluation,
      long edges,
      List<Scored> components) {}

  /** The measures of one group, or null when ε cannot be set (no two distinct R points). */
  Result compute(TwoSets state) {
    if (state.dim < 0) return null;
    double epsilon = state.parameters[EPSILON];
    double etaC = orZero(state.parameters[ETA_C]);
    double etaQ = orZero(state.parameters[ETA_Q]);
    double gamma = orZero(state.parameters[GAMMA]);
    int dim = state.dim;
    // Lengths in the rescaled rows' units from here on; ε is reported in the data's units.
    state.normalizeScale();
    int scale = state.scaleExponent;
    if (!Double.isNaN(epsilon)) epsilon = Math.scalb(epsilon, scale);
    var kernels = Kernels.distances();
    float[] shift = PointSet.centre(dim, state.reference, state.evaluation);
    if (Double.isNaN(epsilon)) {
      PointSet r =
          new PointSet(state.reference.rows(), state.reference.count(), dim, shift, kernels);
      Double e = ReferencePercentile.epsilon(r);
      if (e == null) return null;
      epsilon = e;
    }
    float[] rRows = state.reference.rows();
    int nR = state.reference.count();
    float[] eRows = state.evaluation.rows();
    int nE = state.evaluation.count();
    if (gamma > 0) {
      rRows = Sparsify.greedy(rRows, nR, dim, gamma * epsilon);
      nR = rRows.length / dim;
      eRows = Sparsify.greedy(eRows, nE, dim, gamma * epsilon);
      nE = eRows.length / dim;
    }
    float[] all =
        HeapBudget.allocateFloats(
            ((long) nR + nE) * dim, "the " + (nR + nE) + " points of R and E together");
    System.arraycopy(rRows, 0, all, 0, nR * dim);
    System.arraycopy(eRows, 0, all, nR * dim, nE * dim);
    PointSet points = new PointSet(all, nR + nE, dim, shift, kernels);
    List<EpsilonGraph.Component> graph = EpsilonGraph.components(points, nR, epsilon);

    List<Scored> scored = new ArrayList<>(graph.size());
    long inR = 0;
    long inE = 0;
    long rr = 0;
    long ee = 0;
    long re = 0;
    for (EpsilonGraph.Component g : graph) {
      double c = consistency(g.nReference(), g.nEvaluation(), nR, nE);
      double q = quality(g.nReference(), g.nEvaluation(), g.rrEdges(), g.eeEdges(), g.reEdges());
      scored.add(new Scored(g.nReference(), g.nEvaluation(), c, q));
      rr += g.rrEdges();
      ee += g.eeEdges();
      re += g.reEdges();
      if (c > etaC && q > etaQ) {
        inR += g.nReference();
        inE += g.nEvaluation();
      } else if (redefined && q > etaQ && c <= etaC) {
        // eqs 8.1–8.4: a low-consistency component supports the set that dominates it
        if (g.nReference() > g.nEvaluation()) inE += g.nEvaluation();
        else if (g.nEvaluation() > g.nReference()) inR += g.nReference();
      }
    }
    scored.sort(
        Comparator.comparingInt((Scored s) -> -(s.nReference + s.nEvaluation))
            .thenComparingInt(s -> -s.nReference)
            .thenComparingDouble(s -> -s.consistency)
            .thenComparingDouble(s -> -s.quality));
    double networkConsistency;
    if (redefined) networkConsistency = nR > 0 && nE > 0 ? 1 : 0;
    else networkConsistency = 1 - Math.abs(nR - nE) / (double) (nR + nE);
    double networkQuality = quality(nR, nE, rr, ee, re);
    return new Result(
        nE == 0 ? null : (double) inE / nE,
        nR == 0 ? null : (double) inR / nR,
        Math.scalb(epsilon, -scale),
        networkConsistency,
        networkQuality,
        nR,
        nE,
        rr + ee + re,
        scored);
  }

  /** Eq. 2.1, or eq. 8.9 (share of each whole set inside the component) when redefined. */
  private double consistency(int cR, int cE, int nR, int nE) {
    if (!redefined) return 1 - Math.abs(cR - cE) / (double) (cR + cE);
    double fR = nR == 0 ? 0 : (double) cR / nR;
    double fE = nE == 0 ? 0 : (double) cE / nE;
    return fR + fE == 0 ? 0 : 1 - Math.abs(fR - fE) / (fR + fE);
  }

  /**
   * Eq. 2.2 (R–E edges over all edges, 0 without edges), or eq. 8.8 when redefined: each kind of
   * edge as a share of the edges of that kind that could exist.
   */
  private double quality(long cR, long cE, long rr, long ee, long re) {
    if (!redefined) {
      long all = rr + ee + re;
      return all == 0 ? 0 : (double) re / all;
    }
    double rRE = cR * cE == 0 ? 0 : re / ((double) cR * cE);
    double tE = cE < 2 ? 0 : ee / (cE * (cE - 1) / 2.0);
    double tR = cR < 2 ? 0 : rr / (cR * (cR - 1) / 2.0);
    double denominator = 2 * rRE + tE + tR;
    return denominator == 0 ? 0 : 1 - (tE + tR) / denominator;
  }

  private static double orZero(double v) {
    return Double.isNaN(v) ? 0 : v;
  }
}
