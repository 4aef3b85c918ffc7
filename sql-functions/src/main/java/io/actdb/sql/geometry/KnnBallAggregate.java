package io.actdb.sql.geometry;

import io.actdb.sql.spi.AggregateFunction;
import io.actdb.sql.spi.InputChunk;
import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.sql.spi.SqlType;
import java.util.List;

/**
 * What {@link Ipr} and {@link Prdc} share: the signature {@code (x, is_reference [, k])}, the state
 * (the two sets and k), and the k-NN radii of both sets; they differ in how balls are compared and
 * what they report.
 */
abstract class KnnBallAggregate implements AggregateFunction<TwoSets> {
  private final String name;
  private final int defaultK;
  private final SqlType result;

  KnnBallAggregate(String name, int defaultK, SqlType result) {
    this.name = name;
    this.defaultK = defaultK;
    this.result = result;
  }

  @Override
  public final SqlType returnType() {
    return result;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final List<List<SqlType>> overloads() {
    return List.of(
        List.of(SqlType.ANY, SqlType.BOOLEAN),
        List.of(SqlType.ANY, SqlType.BOOLEAN, SqlType.BIGINT));
  }

  @Override
  public final TwoSets newState() {
    return new TwoSets(1);
  }

  @Override
  public final void update(TwoSets state, InputChunk input, int[] rows, int count) {
    if (input.columnCount() > 2) {
      state.parameter(0, "k", input.longs(2), rows, count);
      long k = (long) state.parameters[0];
      if (k < 1 || k > 1_000_000) {
        throw new SqlFunctionException("k must be between 1 and 1000000, got " + k);
      }
    } else {
      state.parameterDefault(0, defaultK);
    }
    state.addRows(input, rows, count);
  }

  @Override
  public final void combine(TwoSets source, TwoSets target) {
    target.addAll(source);
  }

  /** The group's k (the default for a group that saw no row). */
  final int k(TwoSets state) {
    return state.parameters[0] == 0 ? defaultK : (int) state.parameters[0];
  }

  /** How many flags are true. */
  static long trues(boolean[] flags) {
    long n = 0;
    for (boolean f : flags) if (f) n++;
    return n;
  }
}
