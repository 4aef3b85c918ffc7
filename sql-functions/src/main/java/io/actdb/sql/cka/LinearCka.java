package io.actdb.sql.cka;

import io.actdb.sql.input.RowBlock;

import io.actdb.sql.duckdb.AggregateFunction;
import io.actdb.sql.duckdb.InputChunk;
import io.actdb.sql.duckdb.ResultWriter;
import io.actdb.sql.duckdb.SqlType;
import io.actdb.sql.duckdb.VectorColumn;
import io.actdb.sql.kernels.GramKernels;
import io.actdb.sql.kernels.Kernels;
import java.util.List;

/**
 * {@code cka(x, y)} and {@code cka_debiased(x, y)}: linear CKA between two representations of
 * the same samples, one sample per row.
 *
 * <p>Biased: {@code ‖YcᵀXc‖²_F / (‖XcᵀXc‖_F ‖YcᵀYc‖_F)} on column-centred X, Y (Kornblith et
 * al. 2019, eq. 4 with the biased HSIC). Debiased: the same ratio of unbiased HSIC estimators
 * (Song et al. 2012; thesis §2.5.2), written in feature space so that memory does not grow with
 * n: with centred rows, {@code n(n−3)·HSIC₁(K,L) = ‖XcᵀYc‖²_F − Σãb̃ + (Σã)(Σb̃)/((n−1)(n−2)) −
 * 2Σãb̃/(n−2)}, where {@code ã_i = ‖x̃_i‖²}, {@code b̃_i = ‖ỹ_i‖²}.
 */
public final class LinearCka implements AggregateFunction<LinearCka.State> {

  /** Which HSIC estimator. */
  public enum Estimator {
    BIASED("cka", 2),
    DEBIASED("cka_debiased", 4);

    final String sqlName;
    final int minRows;

    Estimator(String sqlName, int minRows) {
      this.sqlName = sqlName;
      this.minRows = minRows;
    }
  }

  /** Rows handed to the Gram kernel at once: a DuckDB chunk, so one call per chunk and group. */
  static final int BLOCK_ROWS = 2048;

  /**
   * System property choosing how Gram products are summed: {@code exact} (default: every float32
   * product in float64, results independent of row order and threads to ~1e-13) or {@code
   * float_runs} (float32 sums over 256-row runs: about twice as fast, results depend on row
   * order and threads at ~1e-8 relative).
   */
  public static final String ACCUMULATION_PROPERTY = "actdb.cka.accumulation";

  /** A variance below this share of the raw second moment is float32 noise: treated as zero. */
  private static final double ZERO_VARIANCE = 1e-12;

  private static final ThreadLocal<float[][]> BLOCK = ThreadLocal.withInitial(() -> new float[1][]);

  private final Estimator estimator;
  private final GramKernels kernels = Kernels.get();

  public LinearCka(Estimator estimator) {
    this.estimator = estimator;
  }

  /**
   * Threads one Gram block may use. DuckDB scans a table of fewer than ~120 000 rows on one
   * thread, so a large block spreads over the cores itself; small blocks stay on the caller.
   */
  private static final int PARALLELISM = Runtime.getRuntime().availableProcessors();

  /** The accumulation {@link #ACCUMULATION_PROPERTY} asks for. */
  static GramKernels.Accumulation accumulation() {
    String value = System.getProperty(ACCUMULATION_PROPERTY, "exact");
    return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "exact" -> GramKernels.Accumulation.EXACT;
      case "float_runs" -> GramKernels.Accumulation.FLOAT_RUNS;
      default ->
          throw new io.actdb.sql.duckdb.SqlFunctionException(
              ACCUMULATION_PROPERTY + " must be exact or float_runs, got " + value);
    };
  }

  /** Per-group state: the dimensions once known, then the moments. */
  public static final class State extends RowBlock.PairDims {
    final GramKernels.Accumulation accumulation = accumulation();
    CkaMoments moments;
  }

  @Override
  public String name() {
    return estimator.sqlName;
  }

  @Override
  public List<List<SqlType>> overloads() {
    return List.of(List.of(SqlType.ANY, SqlType.ANY));
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
    float[] block = null;
    int buffered = 0;
    for (int i = 0; i < count; i++) {
      int r = rows[i];
      if (x.isNull(r) || y.isNull(r)) continue;
      state.accept(x, y, r);
      int dz = state.dx + state.dy;
      if (block == null) block = blockFor(dz);
      RowBlock.copyFinite(x, r, block, buffered * dz, "x");
      RowBlock.copyFinite(y, r, block, buffered * dz + state.dx, "y");
      if (++buffered == BLOCK_ROWS) {
        flush(state, block, buffered);
        buffered = 0;
      }
    }
    flush(state, block, buffered);
  }

  private static float[] blockFor(int dz) {
    float[][] holder = BLOCK.get();
    int needed = Math.multiplyExact(BLOCK_ROWS, dz);
    if (holder[0] == null || holder[0].length < needed) holder[0] = new float[needed];
    return holder[0];
  }

  private void flush(State state, float[] block, int rows) {
    if (rows == 0) return;
    int dz = state.dx + state.dy;
    if (state.moments == null) {
      // The first rows' mean as origin: later rows then sit near it, whatever the offset.
      float[] shift = new float[dz];
      for (int k = 0; k < dz; k++) {
        double s = 0;
        for (int r = 0; r < rows; r++) s += block[r * dz + k];
        shift[k] = (float) (s / rows);
      }
      state.moments = new CkaMoments(state.dx, state.dy, shift);
    }
    float[] shift = state.moments.shift;
    for (int r = 0; r < rows; r++) {
      int base = r * dz;
      for (int k = 0; k < dz; k++) block[base + k] -= shift[k];
    }
    state.moments.addBlock(kernels, block, rows, state.accumulation, PARALLELISM);
  }

  @Override
  public void combine(State source, State target) {
    if (source.moments == null) return;
    CkaMoments src = source.moments;
    target.accept(source.dx, source.dy);
    if (target.moments == null) {
      target.moments = new CkaMoments(src.dx, src.dy, src.shift.clone());
      target.moments.addShifted(src, new double[src.dz]);
      return;
    }
    double[] delta = new double[src.dz];
    for (int k = 0; k < src.dz; k++) {
      delta[k] = (double) src.shift[k] - target.moments.shift[k];
    }
    target.moments.addShifted(src, delta);
  }

  @Override
  public void finalize(State state, ResultWriter out) {
    Double value = state == null || state.moments == null ? null : compute(state.moments);
    if (value == null) out.setNull();
    else out.setDouble(value);
  }

  /** The CKA value, or null when undefined (too few rows, zero variance). */
  Double compute(CkaMoments raw) {
    if (raw.n < estimator.minRows) return null;
    CkaMoments.Centred c = raw.centred();
    if (c.sumA() <= ZERO_VARIANCE * raw.rawSecondMoment(true)
        || c.sumB() <= ZERO_VARIANCE * raw.rawSecondMoment(false)) {
      return null;
    }
    if (estimator == Estimator.BIASED) {
      return clamp(c.xy() / Math.sqrt(c.xx() * c.yy()));
    }
    double n = raw.n;
    double hxy = unbiasedHsic(c.xy(), c.sumAB(), c.sumA(), c.sumB(), n);
    double hxx = unbiasedHsic(c.xx(), c.sumAA(), c.sumA(), c.sumA(), n);
    double hyy = unbiasedHsic(c.yy(), c.sumBB(), c.sumB(), c.sumB(), n);
    if (!(hxx > 0) || !(hyy > 0)) return null;
    return hxy / Math.sqrt(hxx * hyy);
  }

  /**
   * {@code n(n−3)·HSIC₁} of centred features from ‖XᵀY‖²_F, Σãb̃, Σã, Σb̃ (the n(n−3) factor
   * cancels in CKA).
   */
  static double unbiasedHsic(double crossNorm2, double sumAb, double sumA, double sumB, double n) {
    return crossNorm2 - sumAb + sumA * sumB / ((n - 1) * (n - 2)) - 2 * sumAb / (n - 2);
  }

  /** Biased CKA lies in [0, 1]; rounding may step past 1 by an ulp or two. */
  private static double clamp(double v) {
    return Math.min(1.0, Math.max(0.0, v));
  }
}
