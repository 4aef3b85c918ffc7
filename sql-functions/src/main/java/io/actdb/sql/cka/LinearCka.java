package io.actdb.sql.cka;

import io.actdb.sql.input.HeapBudget;
import io.actdb.sql.input.RowBlock;
import io.actdb.sql.kernels.GramKernels;
import io.actdb.sql.kernels.Kernels;
import io.actdb.sql.spi.AggregateFunction;
import io.actdb.sql.spi.InputChunk;
import io.actdb.sql.spi.ResultWriter;
import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.sql.spi.SqlType;
import io.actdb.sql.spi.VectorColumn;
import java.util.List;
import java.util.Locale;

/**
 * {@code cka(x, y)} and {@code cka_debiased(x, y)}: linear CKA between two representations of the
 * same samples, one sample per row.
 *
 * <p>Biased: {@code ‖YcᵀXc‖²_F / (‖XcᵀXc‖_F ‖YcᵀYc‖_F)} on column-centred X, Y (Kornblith et al.
 * 2019, eq. 4 with the biased HSIC). Debiased: the same ratio of unbiased HSIC estimators (Song et
 * al. 2012; thesis §2.5.2), written in feature space so that memory does not grow with n: with
 * centred rows, {@code n(n−3)·HSIC₁(K,L) = ‖XcᵀYc‖²_F − Σãb̃ + (Σã)(Σb̃)/((n−1)(n−2)) −
 * 2Σãb̃/(n−2)}, where {@code ã_i = ‖x̃_i‖²}, {@code b̃_i = ‖ỹ_i‖²}. When the feature-space moments
 * would not fit the heap (very wide layers), the same quantities come from the n×n Gram matrices of
 * the kept rows ({@link WideRows}).
 *
 * <p>A representation is constant, and the value NULL, when each of its coordinates takes a single
 * value over the group ({@link ColumnConstancy}): decided on the data, so a large common offset
 * with a small spread is still computed, as long as float32 can tell the values apart.
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

  /**
   * Most rows handed to the Gram kernel at once: a DuckDB chunk, so one call per chunk and group.
   */
  static final int BLOCK_ROWS = 2048;

  /**
   * Bytes of one thread's row buffer for wide rows: fewer rows per block than a chunk then. 512
   * rows of 16 384 floats: the exact kernel reads and writes the whole Gram matrix once per call,
   * and at 256 rows a call that cost it 7% (see PanamaGramKernels' MIN_EXACT_PASS_ROWS).
   */
  private static final long BLOCK_BYTES = 32L << 20;

  /**
   * System property choosing how Gram products are summed: {@code exact} (default: every product in
   * float64, results independent of row order and threads to ~1e-13) or {@code float_runs} (float32
   * sums over 256-row runs: about twice as fast, results depend on row order and threads at ~1e-8
   * relative).
   */
  public static final String ACCUMULATION_PROPERTY = "actdb.cka.accumulation";

  private static final ThreadLocal<float[][]> BLOCK = ThreadLocal.withInitial(() -> new float[1][]);

  private final Estimator estimator;
  private final GramKernels kernels = Kernels.get();

  public LinearCka(Estimator estimator) {
    this.estimator = estimator;
  }

  /**
   * Threads one Gram block may use. DuckDB scans a table of fewer than ~120 000 rows on one thread,
   * so a large block spreads over the cores itself; small blocks stay on the caller.
   */
  private static final int PARALLELISM = Runtime.getRuntime().availableProcessors();

  /** The accumulation {@link #ACCUMULATION_PROPERTY} asks for. */
  static GramKernels.Accumulation accumulation() {
    String value = System.getProperty(ACCUMULATION_PROPERTY, "exact");
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "exact" -> GramKernels.Accumulation.EXACT;
      case "float_runs" -> GramKernels.Accumulation.FLOAT_RUNS;
      default ->
          throw new SqlFunctionException(
              ACCUMULATION_PROPERTY + " must be exact or float_runs, got " + value);
    };
  }

  /**
   * Per-group state: the dimensions once known, which columns vary, then either the rows themselves
   * (while there are no more of them than dimensions, or when the feature-space moments would not
   * fit the heap, {@link HeapBudget}) or the feature-space moments.
   */
  public static final class State extends RowBlock.PairDims {
    final GramKernels.Accumulation accumulation = accumulation();
    final ColumnConstancy constancy = new ColumnConstancy();
    CkaMoments moments;
    WideRows wide;

    /**
     * Whether {@link #moments} is also another state's (combine hands a whole state's moments to an
     * empty target rather than copying 8·dz² bytes): copied before either state changes it, since
     * an engine may combine one source into several targets (DuckDB's window segment trees).
     */
    boolean momentsShared;

    /** {@link #moments}, made this state's own first when shared. */
    CkaMoments ownMoments() {
      if (momentsShared) {
        long bytes = CkaMoments.bytes(moments.dz);
        String what = "a copy of the moments of " + moments.dx + " + " + moments.dy + " dimensions";
        HeapBudget.require(bytes, what);
        try {
          moments = moments.copy();
        } catch (OutOfMemoryError e) {
          throw HeapBudget.outOfHeap(bytes, what);
        }
        momentsShared = false;
      }
      return moments;
    }
  }

  /**
   * Whether a group of {@code n} rows of {@code dz = dx + dy} floats is better kept as rows: while
   * {@code n <= dz} the rows take at most half the bytes of the feature-space moments ({@code dz²}
   * doubles) and the example-space work {@code n²·dz} is at most the feature-space {@code n·dz²};
   * beyond, only when the moments would not fit the heap.
   */
  static boolean keepRows(long n, int dz) {
    return n <= dz || !HeapBudget.fits(CkaMoments.bytes(dz));
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
    int blockRows = 0;
    int buffered = 0;
    for (int i = 0; i < count; i++) {
      int r = rows[i];
      if (x.isNull(r) || y.isNull(r)) continue;
      state.accept(x, y, r);
      int dz = state.dx() + state.dy();
      if (block == null) {
        blockRows = blockRows(dz);
        block = blockFor(blockRows, dz);
      }
      RowBlock.copyFinite(x, r, block, buffered * dz, "x");
      RowBlock.copyFinite(y, r, block, buffered * dz + state.dx(), "y");
      if (++buffered == blockRows) {
        flush(state, block, buffered);
        buffered = 0;
      }
    }
    flush(state, block, buffered);
  }

  /** Rows per block for rows of {@code dz} floats: a chunk, or fewer when they are very wide. */
  static int blockRows(int dz) {
    return (int) Math.clamp(BLOCK_BYTES / ((long) dz * Float.BYTES), 1, BLOCK_ROWS);
  }

  /** This thread's block buffer for {@code rows} rows of {@code dz} floats (reused, grown). */
  static float[] blockFor(int rows, int dz) {
    float[][] holder = BLOCK.get();
    int needed = Math.toIntExact((long) rows * dz);
    if (holder[0] == null || holder[0].length < needed) holder[0] = new float[needed];
    return holder[0];
  }

  private void flush(State state, float[] block, int rows) {
    if (rows == 0) return;
    int dz = state.dx() + state.dy();
    state.constancy.add(block, rows, dz);
    if (state.moments == null) {
      if (state.wide == null) state.wide = new WideRows(state.dx(), state.dy());
      state.wide.add(block, rows);
      if (!keepRows(state.wide.n, dz)) toMoments(state);
      return;
    }
    state.ownMoments().addBlock(kernels, block, rows, state.accumulation, PARALLELISM);
  }

  /**
   * Turns the kept rows of {@code state} into feature-space moments about their mean: the mean as
   * origin makes later rows sit near it, whatever the offset, so their float64 differences to it
   * are exact (or off by 2^-53 of themselves when a value and its origin are more than a factor
   * 2^29 apart).
   */
  private void toMoments(State state) {
    WideRows rows = state.wide;
    CkaMoments moments = newMoments(rows.dx, rows.dz - rows.dx, rows.meanAsFloats());
    addRows(moments, rows, state.accumulation);
    state.moments = moments;
    state.wide = null;
  }

  /** Adds every kept row of {@code rows} to {@code moments}, a block at a time. */
  private void addRows(CkaMoments moments, WideRows rows, GramKernels.Accumulation accumulation) {
    rows.replay(
        blockRows(rows.dz),
        (block, count) -> moments.addBlock(kernels, block, count, accumulation, PARALLELISM));
  }

  private CkaMoments newMoments(int dx, int dy, float[] shift) {
    long dz = (long) dx + dy;
    String what = "the moments of " + dx + " + " + dy + " dimensions";
    HeapBudget.require(CkaMoments.bytes(dz), what);
    try {
      return new CkaMoments(dx, dy, shift);
    } catch (OutOfMemoryError e) {
      throw HeapBudget.outOfHeap(CkaMoments.bytes(dz), what);
    }
  }

  @Override
  public void combine(State source, State target) {
    if (source.moments == null && source.wide == null) return;
    target.accept(source.dx(), source.dy());
    target.constancy.addAll(source.constancy);
    if (source.wide != null) {
      if (target.moments != null) {
        addRows(target.ownMoments(), source.wide, target.accumulation);
        return;
      }
      if (target.wide == null) target.wide = new WideRows(source.dx(), source.dy());
      target.wide.addAll(source.wide);
      if (!keepRows(target.wide.n, target.wide.dz)) toMoments(target);
      return;
    }
    // The source's moments fit, so the target's rows can become moments too.
    if (target.wide != null) toMoments(target);
    CkaMoments src = source.moments;
    if (target.moments == null) {
      // The sums an empty target would take are the source's, bit for bit: share them.
      target.moments = src;
      target.momentsShared = true;
      source.momentsShared = true;
      return;
    }
    CkaMoments own = target.ownMoments();
    double[] delta = new double[src.dz];
    for (int k = 0; k < src.dz; k++) {
      delta[k] = (double) src.shift[k] - own.shift[k];
    }
    own.addShifted(src, delta);
  }

  @Override
  public void finalize(State state, ResultWriter out) {
    Double value = state == null ? null : compute(state);
    if (value == null) out.setNull();
    else out.setDouble(value);
  }

  /** The CKA value, or null when undefined (too few rows, a constant representation). */
  Double compute(State state) {
    long n;
    CkaMoments.Centred c;
    if (state.wide != null) {
      n = state.wide.n;
      if (n < estimator.minRows) return null;
      if (constant(state)) return null;
      c = state.wide.centred(kernels, PARALLELISM);
    } else if (state.moments != null) {
      n = state.moments.n;
      if (n < estimator.minRows) return null;
      if (constant(state)) return null;
      c = state.moments.centred();
    } else {
      return null;
    }
    return value(estimator, n, c);
  }

  /**
   * The CKA of {@code estimator} from the centred sums of {@code n} varying rows, or null when it
   * is undefined (too few rows, a sum that rounds to zero). Shared with {@link CkaMatrix}.
   */
  static Double value(Estimator estimator, long n, CkaMoments.Centred c) {
    if (n < estimator.minRows) return null;
    // Varying columns have a positive centred variance; a sum that rounds to zero or below
    // (spread some 1e-16 of the distance to the origin) cannot give a meaningful ratio.
    if (!(c.sumA() > 0) || !(c.sumB() > 0) || !(c.xx() > 0) || !(c.yy() > 0)) return null;
    if (estimator == Estimator.BIASED) {
      return clamp(c.xy() / Math.sqrt(c.xx() * c.yy()));
    }
    double hxy = unbiasedHsic(c.xy(), c.sumAB(), c.sumA(), c.sumB(), n);
    double hxx = unbiasedHsic(c.xx(), c.sumAA(), c.sumA(), c.sumA(), n);
    double hyy = unbiasedHsic(c.yy(), c.sumBB(), c.sumB(), c.sumB(), n);
    if (!(hxx > 0) || !(hyy > 0)) return null;
    return hxy / Math.sqrt(hxx * hyy);
  }

  /** Whether x or y took one value per coordinate over the whole group. */
  private static boolean constant(State state) {
    int dz = state.dx() + state.dy();
    return state.constancy.constant(0, state.dx()) || state.constancy.constant(state.dx(), dz);
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
