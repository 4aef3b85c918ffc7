package io.actdb.sql.geometry;

import io.actdb.sql.spi.ResultWriter;
import io.actdb.sql.spi.SqlType;
import java.util.List;

/**
 * {@code ipr(x, is_reference [, k])}: Improved Precision and Recall (Kynkäänniemi et al. 2019) with
 * the semantics of the official code, on exact squared distances. A point's ball reaches its k-th
 * nearest neighbour in its own set (itself excluded, duplicates counted); a point is inside the
 * other set's manifold when it lies in one of that set's balls, boundary included. precision =
 * share of E inside R's manifold, recall = share of R inside E's. k = 3 by default.
 */
public final class Ipr extends KnnBallAggregate {

  public static final int DEFAULT_K = 3;

  static final SqlType RESULT =
      new SqlType.Struct(
          List.of(
              new SqlType.Field("precision", SqlType.DOUBLE),
              new SqlType.Field("recall", SqlType.DOUBLE),
              new SqlType.Field("n_reference", SqlType.BIGINT),
              new SqlType.Field("n_evaluation", SqlType.BIGINT)));

  public Ipr() {
    super("ipr", DEFAULT_K, RESULT);
  }

  @Override
  public void finalize(TwoSets state, ResultWriter out) {
    if (state == null) state = newState();
    int k = k(state);
    int nR = state.reference.count();
    int nE = state.evaluation.count();
    BlockedKnnBalls.Totals totals = new BlockedKnnBalls.Totals(nR, nE, 0, 0, 0, 0);
    boolean wantPrecision = BlockedKnnBalls.Totals.referenceBallsWanted(nR, nE, k);
    boolean wantRecall = BlockedKnnBalls.Totals.evaluationBallsWanted(nR, nE, k);
    if (wantPrecision || wantRecall) {
      PointSet[] sets = state.pointSets();
      double[] radiiR = wantPrecision ? NearestNeighbours.kthSquaredRadii(sets[0], k) : null;
      double[] radiiE = wantRecall ? NearestNeighbours.kthSquaredRadii(sets[1], k) : null;
      Manifolds.Result m = Manifolds.compare(sets[1], sets[0], radiiR, radiiE, false, false);
      totals = new BlockedKnnBalls.Totals(nR, nE, trues(m.eInR()), trues(m.rInE()), 0, 0);
    }
    out.field(0).setDouble(totals.precision(k));
    out.field(1).setDouble(totals.recall(k));
    out.field(2).setLong(nR);
    out.field(3).setLong(nE);
  }
}
