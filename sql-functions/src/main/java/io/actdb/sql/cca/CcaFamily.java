package io.actdb.sql.cca;

import io.actdb.sql.cka.CentredScatter;
import io.actdb.sql.cka.LinearCka;
import io.actdb.sql.spi.AggregateFunction;
import io.actdb.sql.spi.InputChunk;
import io.actdb.sql.spi.ResultWriter;
import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.sql.spi.SqlType;
import java.util.List;

/**
 * {@code cca(x, y)}, {@code svcca(x, y [, keep])}, {@code pwcca(x, y)} and {@code linreg_r2(x, y)}
 * (seed 002, Table 1): the rows go into the very state {@code cka} keeps (same moments, same Gram
 * kernel, same NULL, NaN and dimension rules), and finalize decomposes its centred scatter ({@link
 * CanonicalCorrelations}).
 */
public final class CcaFamily implements AggregateFunction<CcaFamily.State> {

  /** SVCCA's default share of variance kept on each side (Raghu et al. 2017; seed 002 Table 2). */
  public static final double DEFAULT_KEEP = 0.99;

  /** The index a registration computes. */
  public enum Index {
    CCA("cca"),
    SVCCA("svcca"),
    PWCCA("pwcca"),
    LINREG_R2("linreg_r2");

    final String sqlName;

    Index(String sqlName) {
      this.sqlName = sqlName;
    }
  }

  static final SqlType CCA_RESULT =
      new SqlType.Struct(
          List.of(
              new SqlType.Field("rho_mean", SqlType.DOUBLE),
              new SqlType.Field("r2", SqlType.DOUBLE),
              new SqlType.Field("rho", new SqlType.ListOf(SqlType.DOUBLE)),
              new SqlType.Field("rank_x", SqlType.BIGINT),
              new SqlType.Field("rank_y", SqlType.BIGINT)));

  static final SqlType SVCCA_RESULT =
      new SqlType.Struct(
          List.of(
              new SqlType.Field("rho_mean", SqlType.DOUBLE),
              new SqlType.Field("r2", SqlType.DOUBLE),
              new SqlType.Field("kept_x", SqlType.BIGINT),
              new SqlType.Field("kept_y", SqlType.BIGINT)));

  /** The moments of {@code cka}, and SVCCA's keep (NaN until a row sets it). */
  public static final class State {
    final LinearCka.State moments;
    double keep = Double.NaN;

    State(LinearCka.State moments) {
      this.moments = moments;
    }
  }

  private final Index index;
  private final LinearCka cka = new LinearCka(LinearCka.Estimator.BIASED);

  public CcaFamily(Index index) {
    this.index = index;
  }

  @Override
  public String name() {
    return index.sqlName;
  }

  @Override
  public List<List<SqlType>> overloads() {
    if (index == Index.SVCCA) {
      return List.of(
          List.of(SqlType.ANY, SqlType.ANY), List.of(SqlType.ANY, SqlType.ANY, SqlType.DOUBLE));
    }
    return List.of(List.of(SqlType.ANY, SqlType.ANY));
  }

  @Override
  public SqlType returnType() {
    return switch (index) {
      case CCA -> CCA_RESULT;
      case SVCCA -> SVCCA_RESULT;
      case PWCCA, LINREG_R2 -> SqlType.DOUBLE;
    };
  }

  @Override
  public State newState() {
    return new State(cka.newState());
  }

  @Override
  public void update(State state, InputChunk input, int[] rows, int count) {
    if (input.columnCount() > 2) {
      InputChunk.DoubleColumn keep = input.doubles(2);
      for (int i = 0; i < count; i++) acceptKeep(state, keep, rows[i]);
    }
    cka.update(state.moments, input, rows, count);
  }

  private static void acceptKeep(State state, InputChunk.DoubleColumn column, int row) {
    state.keep = checkedKeep(state.keep, column, row);
  }

  /**
   * The keep of row {@code row} of {@code column}, checked, and the same as {@code previous} (NaN
   * before the first row).
   */
  static double checkedKeep(double previous, InputChunk.DoubleColumn column, int row) {
    if (column.isNull(row)) {
      throw new SqlFunctionException("keep is NULL; leave it out for the default " + DEFAULT_KEEP);
    }
    return sameKeep(previous, column.get(row));
  }

  /** {@code keep}, checked, when it is the same as {@code previous} (NaN: none yet). */
  static double sameKeep(double previous, double keep) {
    if (!(keep > 0 && keep <= 1)) {
      throw new SqlFunctionException(
          "keep is the share of variance to keep, in (0, 1] (e.g. 0.99), got " + keep);
    }
    if (!Double.isNaN(previous) && previous != keep) {
      throw new SqlFunctionException(
          "keep must be the same for every row of a group, got " + previous + " and " + keep);
    }
    return keep;
  }

  @Override
  public void combine(State source, State target) {
    if (!Double.isNaN(source.keep)) target.keep = sameKeep(target.keep, source.keep);
    cka.combine(source.moments, target.moments);
  }

  @Override
  public void finalize(State state, ResultWriter out) {
    CentredScatter scatter = state == null ? null : CentredScatter.of(state.moments, name());
    CanonicalCorrelations result = null;
    if (scatter != null) {
      double keep =
          index == Index.SVCCA
              ? (Double.isNaN(state.keep) ? DEFAULT_KEEP : state.keep)
              : Double.NaN;
      result = CanonicalCorrelations.of(scatter, keep);
    }
    switch (index) {
      case CCA -> writeCca(result, out);
      case SVCCA -> writeSvcca(result, out);
      case PWCCA -> out.setDouble(result == null ? null : result.projectionWeighted());
      case LINREG_R2 -> out.setDouble(result == null ? null : result.linearRegressionR2());
    }
  }

  /**
   * The finalize decomposition of {@code index} on {@code scatter} alone, for benchmarks that time
   * it apart from the pass over the rows: rho_mean for cca and svcca (keep 0.99), the value for
   * pwcca and linreg_r2; null where the result is NULL.
   */
  public static Double decompose(Index index, CentredScatter scatter) {
    CanonicalCorrelations result =
        CanonicalCorrelations.of(scatter, index == Index.SVCCA ? DEFAULT_KEEP : Double.NaN);
    if (result == null) return null;
    return switch (index) {
      case CCA, SVCCA -> result.rhoMean();
      case PWCCA -> result.projectionWeighted();
      case LINREG_R2 -> result.linearRegressionR2();
    };
  }

  private static void writeCca(CanonicalCorrelations result, ResultWriter out) {
    if (result == null) {
      out.setNull();
      for (int f = 0; f < 5; f++) {
        if (f == 2) out.field(f).list(0);
        else out.field(f).setNull();
      }
      return;
    }
    out.field(0).setDouble(result.rhoMean());
    out.field(1).setDouble(result.r2());
    ResultWriter list = out.field(2);
    list.list(result.rho.length);
    for (int i = 0; i < result.rho.length; i++) list.listElement(i).setDouble(result.rho[i]);
    out.field(3).setLong(result.keptX);
    out.field(4).setLong(result.keptY);
  }

  private static void writeSvcca(CanonicalCorrelations result, ResultWriter out) {
    if (result == null) {
      out.setNull();
      for (int f = 0; f < 4; f++) out.field(f).setNull();
      return;
    }
    out.field(0).setDouble(result.rhoMean());
    out.field(1).setDouble(result.r2());
    out.field(2).setLong(result.keptX);
    out.field(3).setLong(result.keptY);
  }
}
