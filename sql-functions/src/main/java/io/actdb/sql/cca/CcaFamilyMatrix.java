package io.actdb.sql.cca;

import io.actdb.sql.cka.CentredScatter;
import io.actdb.sql.cka.CkaMatrix;
import io.actdb.sql.spi.AggregateFunction;
import io.actdb.sql.spi.InputChunk;
import io.actdb.sql.spi.ResultWriter;
import io.actdb.sql.spi.SqlType;
import java.util.List;

/**
 * {@code cca_family_matrix(vecs [, keep])}: the CCA family of seed 002's Table 2 for every pair of
 * the L representations each row holds, in one pass: the moments of {@code cka_matrix} (one Gram
 * matrix of all layers side by side), and per pair the decompositions of {@code cca}, {@code svcca}
 * (keeping {@code keep} of the variance, 0.99 by default), {@code pwcca} and {@code linreg_r2},
 * with layer i as x and layer j as y (pwcca and linreg_r2 are asymmetric). Each value equals the
 * pairwise function's on the same rows.
 *
 * <p>Result: {@code LIST(STRUCT(i, j, cca_rho_mean, cca_r2, svcca_rho_mean, svcca_r2, pwcca,
 * linreg_r2))}, all L² ordered pairs, i and j from 1. Rules for rows are {@code cka_matrix}'s.
 */
public final class CcaFamilyMatrix implements AggregateFunction<CcaFamilyMatrix.State> {
  public static final String NAME = "cca_family_matrix";

  private static final SqlType PAIR =
      new SqlType.Struct(
          List.of(
              new SqlType.Field("i", SqlType.BIGINT),
              new SqlType.Field("j", SqlType.BIGINT),
              new SqlType.Field("cca_rho_mean", SqlType.DOUBLE),
              new SqlType.Field("cca_r2", SqlType.DOUBLE),
              new SqlType.Field("svcca_rho_mean", SqlType.DOUBLE),
              new SqlType.Field("svcca_r2", SqlType.DOUBLE),
              new SqlType.Field("pwcca", SqlType.DOUBLE),
              new SqlType.Field("linreg_r2", SqlType.DOUBLE)));

  /** The moments of {@code cka_matrix}, and SVCCA's keep (NaN until a row sets it). */
  public static final class State {
    final CkaMatrix.State moments;
    double keep = Double.NaN;

    State(CkaMatrix.State moments) {
      this.moments = moments;
    }
  }

  private final CkaMatrix matrix = new CkaMatrix();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<List<SqlType>> overloads() {
    return List.of(List.of(SqlType.ANY), List.of(SqlType.ANY, SqlType.DOUBLE));
  }

  @Override
  public SqlType returnType() {
    return new SqlType.ListOf(PAIR);
  }

  @Override
  public State newState() {
    return new State(matrix.newState());
  }

  @Override
  public void update(State state, InputChunk input, int[] rows, int count) {
    if (input.columnCount() > 1) {
      InputChunk.DoubleColumn keep = input.doubles(1);
      for (int i = 0; i < count; i++) state.keep = CcaFamily.checkedKeep(state.keep, keep, rows[i]);
    }
    matrix.update(state.moments, input, rows, count);
  }

  @Override
  public void combine(State source, State target) {
    if (!Double.isNaN(source.keep)) target.keep = CcaFamily.sameKeep(target.keep, source.keep);
    matrix.combine(source.moments, target.moments);
  }

  @Override
  public void finalize(State state, ResultWriter out) {
    int layers = state == null ? 0 : CkaMatrix.layers(state.moments);
    if (layers == 0) {
      out.setNull();
      return;
    }
    double keep = Double.isNaN(state.keep) ? CcaFamily.DEFAULT_KEEP : state.keep;
    out.list(layers * layers);
    for (int l = 0; l < layers; l++) {
      for (int m = 0; m < layers; m++) {
        CentredScatter scatter = CkaMatrix.pairScatter(state.moments, l, m);
        CanonicalCorrelations full =
            scatter == null ? null : CanonicalCorrelations.of(scatter, Double.NaN);
        CanonicalCorrelations kept =
            scatter == null ? null : CanonicalCorrelations.of(scatter, keep);
        ResultWriter pair = out.listElement(l * layers + m);
        pair.field(0).setLong(l + 1);
        pair.field(1).setLong(m + 1);
        pair.field(2).setDouble(full == null ? null : full.rhoMean());
        pair.field(3).setDouble(full == null ? null : full.r2());
        pair.field(4).setDouble(kept == null ? null : kept.rhoMean());
        pair.field(5).setDouble(kept == null ? null : kept.r2());
        pair.field(6).setDouble(full == null ? null : full.projectionWeighted());
        pair.field(7).setDouble(full == null ? null : full.linearRegressionR2());
      }
    }
  }
}
