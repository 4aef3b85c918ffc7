package io.actdb.sql.cka;

import io.actdb.sql.geometry.RbfAlignment;
import io.actdb.sql.input.HeapBudget;
import io.actdb.sql.input.PowerOfTwoScale;
import io.actdb.sql.input.RowBlock;
import io.actdb.sql.spi.AggregateFunction;
import io.actdb.sql.spi.InputChunk;
import io.actdb.sql.spi.ResultWriter;
import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.sql.spi.SqlType;
import io.actdb.sql.spi.VectorColumn;
import java.util.List;

/**
 * {@code cka_rbf(x, y, sigma_frac)}: CKA with RBF kernels {@code K_ij = exp(−‖x_i − x_j‖² /
 * (2σ²))}, {@code σ² = sigma_frac² · median of all n² squared distances} (zero diagonal included,
 * as {@code gram_rbf} of Kornblith et al.'s demo), and the biased HSIC.
 *
 * <p>The kernel is a function of all pairs, so the group's rows are kept (float32, O(n·d) memory)
 * up to {@link #MAX_ROWS}; the n×n matrices are never stored: {@link RbfAlignment} finds the exact
 * median and streams the HSIC sums over the SIMD distance tiles of the pair engine.
 */
public final class RbfCka implements AggregateFunction<RbfCka.State> {

  /** Largest group cka_rbf accepts: its work grows as n²·d. */
  public static final int MAX_ROWS = 50_000;

  /** Per-group state: every row of x and y, and sigma_frac. */
  public static final class State extends RowBlock.PairDims {
    int n;
    float[] xs = new float[0];
    float[] ys = new float[0];
    double sigmaFrac = Double.NaN;
  }

  @Override
  public String name() {
    return "cka_rbf";
  }

  @Override
  public List<List<SqlType>> overloads() {
    return List.of(List.of(SqlType.ANY, SqlType.ANY, SqlType.DOUBLE));
  }

  @Override
  public SqlType returnType() {
    return SqlType.DOUBLE;
  }

  @Override
  public State newState() {
    return new State();
  }

  @Override
  public void update(State state, InputChunk input, int[] rows, int count) {
    VectorColumn x = input.vectors(0, "x");
    VectorColumn y = input.vectors(1, "y");
    InputChunk.DoubleColumn frac = input.doubles(2);
    for (int i = 0; i < count; i++) {
      int r = rows[i];
      if (x.isNull(r) || y.isNull(r)) continue;
      if (frac.isNull(r)) throw new SqlFunctionException("sigma_frac is NULL");
      setSigmaFrac(state, frac.get(r));
      state.accept(x, y, r);
      if (state.n == MAX_ROWS) throw tooMany();
      ensureCapacity(state, state.n + 1);
      RowBlock.copyFinite(x, r, state.xs, state.n * state.dx(), "x");
      RowBlock.copyFinite(y, r, state.ys, state.n * state.dy(), "y");
      state.n++;
    }
  }

  private static SqlFunctionException tooMany() {
    return new SqlFunctionException(
        "a group has more than "
            + MAX_ROWS
            + " rows; the RBF kernel is n×n (work grows as n²·d), so cka_rbf stops there."
            + " Sample the rows (e.g. USING SAMPLE) or use the linear cka");
  }

  private static void setSigmaFrac(State state, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new SqlFunctionException("sigma_frac must be a positive finite number, got " + value);
    }
    if (Double.isNaN(state.sigmaFrac)) state.sigmaFrac = value;
    else if (state.sigmaFrac != value) {
      throw new SqlFunctionException(
          "sigma_frac must be the same for all rows of a group ("
              + state.sigmaFrac
              + " vs "
              + value
              + ")");
    }
  }

  private static void ensureCapacity(State state, int rows) {
    if ((long) rows * state.dx() > state.xs.length || (long) rows * state.dy() > state.ys.length) {
      long grown = Math.max(rows, Math.min(MAX_ROWS, Math.max(16, state.n * 2L)));
      String what =
          "a group of " + grown + " rows of " + state.dx() + " + " + state.dy() + " floats";
      HeapBudget.require((grown * state.dx() + grown * state.dy()) * Float.BYTES, what);
      float[] xs = HeapBudget.allocateFloats(grown * state.dx(), what);
      float[] ys = HeapBudget.allocateFloats(grown * state.dy(), what);
      System.arraycopy(state.xs, 0, xs, 0, state.n * state.dx());
      System.arraycopy(state.ys, 0, ys, 0, state.n * state.dy());
      state.xs = xs;
      state.ys = ys;
    }
  }

  @Override
  public void combine(State source, State target) {
    if (source.n == 0) return;
    if (!Double.isNaN(source.sigmaFrac)) setSigmaFrac(target, source.sigmaFrac);
    target.accept(source.dx(), source.dy());
    if ((long) target.n + source.n > MAX_ROWS) throw tooMany();
    ensureCapacity(target, target.n + source.n);
    System.arraycopy(source.xs, 0, target.xs, target.n * target.dx(), source.n * source.dx());
    System.arraycopy(source.ys, 0, target.ys, target.n * target.dy(), source.n * source.dy());
    target.n += source.n;
  }

  @Override
  public void finalize(State state, ResultWriter out) {
    Double value = state == null || state.n < 2 ? null : compute(state);
    if (value == null) out.setNull();
    else out.setDouble(value);
  }

  private static Double compute(State s) {
    // K and L depend on distances only through their ratio to the median, so each side may be
    // rescaled by a power of two: exactly, and its squared distances then fit float32.
    PowerOfTwoScale.normalize(s.xs, (long) s.n * s.dx());
    PowerOfTwoScale.normalize(s.ys, (long) s.n * s.dy());
    return RbfAlignment.cka(s.xs, s.dx(), s.ys, s.dy(), s.n, s.sigmaFrac);
  }
}
