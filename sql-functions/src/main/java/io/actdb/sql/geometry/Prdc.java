package io.actdb.sql.geometry;

import io.actdb.sql.spi.ResultWriter;
import io.actdb.sql.spi.SqlType;
import java.util.List;

/**
 * {@code prdc(x, is_reference [, k])}: precision, recall, density and coverage of Naeem et al. 2020
 * (the clovaai {@code prdc} package): the k-NN balls of {@link Ipr}, but strict {@code <}
 * comparisons, k = 5 by default, and two more measures: density = (1/k) · mean number of R balls
 * holding an E point; coverage = share of R points whose own ball holds some E point.
 */
public final class Prdc extends KnnBallAggregate {

  public static final int DEFAULT_K = 5;

  static final SqlType RESULT =
      new SqlType.Struct(
          List.of(
              new SqlType.Field("precision", SqlType.DOUBLE),
              new SqlType.Field("recall", SqlType.DOUBLE),
              new SqlType.Field("density", SqlType.DOUBLE),
              new SqlType.Field("coverage", SqlType.DOUBLE),
              new SqlType.Field("n_reference", SqlType.BIGINT),
              new SqlType.Field("n_evaluation", SqlType.BIGINT)));

  public Prdc() {
    super("prdc", DEFAULT_K, RESULT);
  }

  @Override
  public void finalize(TwoSets state, ResultWriter out) {
    if (state == null) state = newState();
    int k = k(state);
    int nR = state.reference.count();
    int nE = state.evaluation.count();
    BlockedKnnBalls.Totals totals = new BlockedKnnBalls.Totals(nR, nE, 0, 0, 0, 0);
    boolean wantR = BlockedKnnBalls.Totals.referenceBallsWanted(nR, nE, k);
    boolean wantE = BlockedKnnBalls.Totals.evaluationBallsWanted(nR, nE, k);
    if (wantR || wantE) {
      PointSet[] sets = state.pointSets();
      double[] radiiR = wantR ? NearestNeighbours.kthSquaredRadii(sets[0], k) : null;
      double[] radiiE = wantE ? NearestNeighbours.kthSquaredRadii(sets[1], k) : null;
      Manifolds.Result m = Manifolds.compare(sets[1], sets[0], radiiR, radiiE, true, true);
      long balls = 0;
      for (long c : m.eBallCount()) balls += c;
      totals =
          new BlockedKnnBalls.Totals(
              nR, nE, trues(m.eInR()), trues(m.rInE()), balls, trues(m.rCovered()));
    }
    out.field(0).setDouble(totals.precision(k));
    out.field(1).setDouble(totals.recall(k));
    out.field(2).setDouble(totals.density(k));
    out.field(3).setDouble(totals.coverage(k));
    out.field(4).setLong(nR);
    out.field(5).setLong(nE);
  }
}
