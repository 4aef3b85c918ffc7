package io.actdb.sql.cka;

import io.actdb.sql.input.HeapBudget;
import io.actdb.sql.input.RowBlock;
import io.actdb.sql.kernels.GramKernels;
import io.actdb.sql.kernels.Kernels;
import io.actdb.sql.spi.AggregateFunction;
import io.actdb.sql.spi.Cancellation;
import io.actdb.sql.spi.InputChunk;
import io.actdb.sql.spi.ResultWriter;
import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.sql.spi.SqlType;
import io.actdb.sql.spi.VectorColumn;
import io.actdb.sql.spi.VectorListColumn;
import java.util.Arrays;
import java.util.List;

/**
 * {@code cka_matrix(vecs)}: linear CKA, biased and debiased, between every pair of the L
 * representations each row holds ({@code vecs}: one sample's list of L vectors, any dims), in one
 * pass. The L vectors of a row sit side by side in one row of Σd floats, and one Gram matrix of
 * those rows ({@link BlockMoments}) holds every self- and cross-product block: each layer's
 * self-Gram is formed once, not once per pair. The values are those of {@code cka(x, y)} and {@code
 * cka_debiased(x, y)} over the same rows (the same formulas on the same sums).
 *
 * <p>Result: {@code LIST(STRUCT(i BIGINT, j BIGINT, cka DOUBLE, cka_debiased DOUBLE))}, all L²
 * ordered pairs, i and j counting from 1 in the list's order. A row whose list or any of its
 * vectors is NULL is skipped (as {@code cka} skips a row with a NULL side); rows must agree on L
 * and on each position's dimension.
 *
 * <p>Memory per group and thread, in one of two forms chosen as the rows arrive: the feature form
 * holds (Σd)² doubles whatever n; the example form ({@link MatrixRows}) holds the n rows, n·Σd
 * floats off the heap, and at finalize L·n² doubles of Gram matrices. A group keeps its rows while
 * they cost no more than the feature form would (few samples against Σd: wide layers, many layers),
 * then folds them into the feature form and streams on; it keeps them whatever n when the feature
 * form does not fit the heap. Both forms give the same values to float64 rounding.
 */
public final class CkaMatrix implements AggregateFunction<CkaMatrix.State> {
  public static final String NAME = "cka_matrix";

  private static final SqlType PAIR =
      new SqlType.Struct(
          List.of(
              new SqlType.Field("i", SqlType.BIGINT),
              new SqlType.Field("j", SqlType.BIGINT),
              new SqlType.Field("cka", SqlType.DOUBLE),
              new SqlType.Field("cka_debiased", SqlType.DOUBLE)));

  private static final int PARALLELISM = Runtime.getRuntime().availableProcessors();

  private final GramKernels kernels = Kernels.get();

  /**
   * Per group: the layers' dims once known, which columns vary, then either the rows themselves
   * (example form, {@link MatrixRows}) or the feature-space moments.
   */
  public static final class State {
    final GramKernels.Accumulation accumulation = LinearCka.accumulation();
    final ColumnConstancy constancy = new ColumnConstancy();
    int[] dims;
    int dz;
    BlockMoments moments;
    WideRows rows;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<List<SqlType>> overloads() {
    return List.of(List.of(SqlType.ANY));
  }

  @Override
  public SqlType returnType() {
    return new SqlType.ListOf(PAIR);
  }

  @Override
  public State newState() {
    return new State();
  }

  @Override
  public void update(State state, InputChunk input, int[] rows, int count) {
    VectorListColumn lists = input.vectorLists(0, "vecs");
    VectorColumn vectors = lists.vectors();
    float[] block = null;
    int blockRows = 0;
    int buffered = 0;
    rowLoop:
    for (int i = 0; i < count; i++) {
      int r = rows[i];
      if (lists.isNull(r)) continue;
      int first = lists.first(r);
      int layers = lists.count(r);
      for (int l = 0; l < layers; l++) {
        if (vectors.isNull(first + l)) continue rowLoop;
      }
      accept(state, vectors, first, layers);
      if (block == null) {
        blockRows = LinearCka.blockRows(state.dz);
        block = LinearCka.blockFor(blockRows, state.dz);
      }
      int at = buffered * state.dz;
      for (int l = 0; l < layers; l++) {
        RowBlock.copyFinite(vectors, first + l, block, at, "vecs[" + (l + 1) + "]");
        at += state.dims[l];
      }
      if (++buffered == blockRows) {
        flush(state, block, buffered);
        buffered = 0;
      }
    }
    flush(state, block, buffered);
  }

  /**
   * Adds {@code rows} rows laid out side by side in {@code block} (row r holds layer 1's vector,
   * then layer 2's, …: Σdims floats), for a caller that reads the layers itself (the store's {@code
   * layer_cka}) rather than handing over lists. The same path as {@link #update}: the group's
   * layers fixed by its first rows, NaN and ±Inf refused (naming {@code names[l]}), the same
   * moments. {@code block} may be overwritten; any number of rows, {@link #rowsPerBlock} a good
   * one.
   */
  public void addRows(State state, int[] dims, String[] names, float[] block, int rows) {
    if (rows == 0) return;
    if (state.dims == null) fixLayers(state, dims.clone(), names);
    else if (!Arrays.equals(state.dims, dims)) {
      throw new SqlFunctionException(
          "rows of dims "
              + Arrays.toString(dims)
              + " added to a group of dims "
              + Arrays.toString(state.dims));
    }
    int dz = state.dz;
    for (int r = 0; r < rows; r++) {
      int at = r * dz;
      for (int l = 0; l < dims.length; l++) {
        RowBlock.checkFinite(block, at, dims[l], names[l]);
        at += dims[l];
      }
    }
    flush(state, block, rows);
  }

  /** Rows per block that {@link #addRows} handles well for layers of {@code dims}. */
  public static int rowsPerBlock(int[] dims) {
    long dz = 0;
    for (int d : dims) dz += d;
    return LinearCka.blockRows((int) Math.min(dz, Integer.MAX_VALUE));
  }

  /** Fixes the group's layers on its first row; checks every later row against them. */
  private static void accept(State state, VectorColumn vectors, int first, int layers) {
    if (state.dims == null) {
      if (layers == 0) throw new SqlFunctionException("vecs is an empty list");
      int[] dims = new int[layers];
      String[] names = new String[layers];
      for (int l = 0; l < layers; l++) {
        dims[l] = vectors.dim(first + l);
        names[l] = "vecs[" + (l + 1) + "]";
      }
      fixLayers(state, dims, names);
      return;
    }
    if (layers != state.dims.length) {
      throw new SqlFunctionException(
          "vecs holds "
              + layers
              + " vectors in one row but "
              + state.dims.length
              + " in an earlier row of the same group; keep the samples every layer has (e.g."
              + " HAVING count(*) = "
              + state.dims.length
              + " after GROUP BY sample_id)");
    }
    for (int l = 0; l < layers; l++) {
      RowBlock.checkDim(state.dims[l], vectors.dim(first + l), "vecs[" + (l + 1) + "]");
    }
  }

  /**
   * Fixes the group's layers. Whether their moments or their rows fit is decided as rows arrive
   * ({@link MatrixRows}).
   */
  private static void fixLayers(State state, int[] dims, String[] names) {
    long dz = 0;
    for (int l = 0; l < dims.length; l++) {
      RowBlock.checkNotEmpty(dims[l], names[l]);
      dz += dims[l];
    }
    if (dz > Integer.MAX_VALUE) {
      throw new SqlFunctionException(
          "vecs holds "
              + dz
              + " floats in one row, more than 2^31; pool the layers or compare"
              + " fewer at once");
    }
    state.dims = dims;
    state.dz = (int) dz;
  }

  private void flush(State state, float[] block, int rows) {
    if (rows == 0) return;
    int dz = state.dz;
    state.constancy.add(block, rows, dz);
    if (state.moments == null) {
      long kept = state.rows == null ? 0 : state.rows.n;
      if (MatrixRows.keepRows(kept + rows, state.dims.length, dz)) {
        if (state.rows == null) state.rows = MatrixRows.newRows(state.dims);
        state.rows.add(block, rows);
        return;
      }
      if (state.rows != null) {
        toMoments(state);
      } else {
        // The origin: this first block's float32 mean, so later rows sit near it.
        double[] mean = new double[dz];
        for (int r = 0; r < rows; r++) {
          for (int k = 0; k < dz; k++) mean[k] += block[r * dz + k];
        }
        float[] shift = new float[dz];
        for (int k = 0; k < dz; k++) shift[k] = (float) (mean[k] / rows);
        state.moments = newMoments(state.dims, shift);
      }
    }
    state.moments.addBlock(kernels, block, rows, state.accumulation, PARALLELISM);
  }

  /**
   * Folds the kept rows of {@code state} into feature-space moments about their mean (so later rows
   * sit near the origin, as in {@code cka}), and streams on in the feature form.
   */
  private void toMoments(State state) {
    WideRows kept = state.rows;
    BlockMoments moments = newMoments(state.dims, kept.meanAsFloats());
    addRows(moments, kept, state.accumulation);
    state.moments = moments;
    state.rows = null;
  }

  private void addRows(BlockMoments moments, WideRows kept, GramKernels.Accumulation accumulation) {
    kept.replay(
        LinearCka.blockRows(kept.dz),
        (block, count) -> moments.addBlock(kernels, block, count, accumulation, PARALLELISM));
  }

  private static BlockMoments newMoments(int[] dims, float[] shift) {
    String what = "the moments of " + dims.length + " layers of " + shift.length + " dimensions";
    HeapBudget.require(BlockMoments.bytes(dims.length, shift.length), what);
    try {
      return new BlockMoments(dims, shift);
    } catch (OutOfMemoryError e) {
      throw HeapBudget.outOfHeap(BlockMoments.bytes(dims.length, shift.length), what);
    }
  }

  @Override
  public void combine(State source, State target) {
    if (source.moments == null && source.rows == null) return;
    if (target.dims == null) {
      target.dims = source.dims.clone();
      target.dz = source.dz;
    } else if (!Arrays.equals(target.dims, source.dims)) {
      throw new SqlFunctionException(
          "vecs holds vectors of dims "
              + Arrays.toString(source.dims)
              + " in some rows but "
              + Arrays.toString(target.dims)
              + " in others of the same group");
    }
    target.constancy.addAll(source.constancy);
    if (source.rows != null) {
      if (target.moments != null) {
        addRows(target.moments, source.rows, target.accumulation);
        return;
      }
      if (target.rows == null) target.rows = MatrixRows.newRows(target.dims);
      target.rows.addAll(source.rows);
      if (!MatrixRows.keepRows(target.rows.n, target.dims.length, target.dz)) toMoments(target);
      return;
    }
    // The source's moments fit, so the target's rows can become moments too.
    if (target.rows != null) toMoments(target);
    BlockMoments src = source.moments;
    if (target.moments == null) {
      target.moments = newMoments(target.dims, src.shift.clone());
      target.moments.addShifted(src, new double[src.dz]);
      return;
    }
    double[] delta = new double[src.dz];
    for (int k = 0; k < src.dz; k++) delta[k] = (double) src.shift[k] - target.moments.shift[k];
    target.moments.addShifted(src, delta);
  }

  /** Number of layers of the group, 0 when it saw no row. */
  public static int layers(State state) {
    if (state == null) return 0;
    if (state.rows != null) return state.rows.representations();
    return state.moments == null ? 0 : state.moments.blocks;
  }

  /**
   * The column-centred scatter of layers {@code l} (as x) and {@code m} (as y) of the group, what
   * the CCA family needs of a pair; null where their CKA is undefined too (fewer than 2 rows, a
   * constant layer).
   */
  public static CentredScatter pairScatter(State state, int l, int m) {
    if (state.rows != null) {
      WideRows kept = state.rows;
      if (kept.n < 2) return null;
      if (state.constancy.constant(kept.starts[l], kept.starts[l + 1])) return null;
      if (state.constancy.constant(kept.starts[m], kept.starts[m + 1])) return null;
      return MatrixRows.pairScatter(kept, l, m);
    }
    BlockMoments b = state.moments;
    if (b == null || b.n < 2) return null;
    if (state.constancy.constant(b.starts[l], b.starts[l + 1])) return null;
    if (state.constancy.constant(b.starts[m], b.starts[m + 1])) return null;
    int dx = b.starts[l + 1] - b.starts[l];
    int dy = b.starts[m + 1] - b.starts[m];
    int dz = dx + dy;
    int[] column = new int[dz]; // pair column → column of the moments
    for (int k = 0; k < dx; k++) column[k] = b.starts[l] + k;
    for (int k = 0; k < dy; k++) column[dx + k] = b.starts[m] + k;
    double[] out = new double[Math.toIntExact((long) dz * dz)];
    // Σ(z − μ)(z − μ)ᵀ = Σzzᵀ − n μμᵀ, μ = Σz / n, in the shifted coordinates the moments keep.
    for (int i = 0; i < dz; i++) {
      Cancellation.checkpoint();
      int ci = column[i];
      double mi = b.sum[ci] / b.n;
      for (int j = i; j < dz; j++) {
        int cj = column[j];
        double g = ci <= cj ? b.gram[ci * b.dz + cj] : b.gram[cj * b.dz + ci];
        double v = g - b.n * mi * (b.sum[cj] / b.n);
        out[i * dz + j] = v;
        out[j * dz + i] = v;
      }
    }
    return new CentredScatter(b.n, dx, dy, out);
  }

  /** What CKA needs of a pair of layers of the group, whichever its form. */
  private interface PairSums {
    CkaMoments.Centred of(int l, int q);
  }

  /**
   * The values of every ordered pair of layers (l, q) at {@code l·layers + q}, counting from 0;
   * null where undefined (too few rows, a constant layer).
   */
  public record Values(int layers, Double[] cka, Double[] ckaDebiased) {}

  /** The group's values, or null when it saw no row. */
  public Values values(State state) {
    int layers = layers(state);
    if (layers == 0) return null;
    int[] starts;
    long n;
    PairSums sums;
    if (state.rows != null) {
      WideRows kept = state.rows;
      starts = kept.starts;
      n = kept.n;
      WideRows.ExampleSums example = kept.exampleSums(kernels, PARALLELISM);
      sums = example::pair;
    } else {
      BlockMoments m = state.moments;
      starts = m.starts;
      n = m.n;
      BlockMoments.Centred c = m.centred();
      sums =
          (l, q) ->
              new CkaMoments.Centred(
                  c.sumA()[l],
                  c.sumA()[q],
                  c.sumAA()[l * layers + l],
                  c.sumAA()[q * layers + q],
                  c.sumAA()[l * layers + q],
                  c.frob()[l * layers + l],
                  c.frob()[q * layers + q],
                  c.frob()[l * layers + q]);
    }
    boolean[] constant = new boolean[layers];
    for (int l = 0; l < layers; l++) {
      constant[l] = state.constancy.constant(starts[l], starts[l + 1]);
    }
    Double[] cka = new Double[layers * layers];
    Double[] ckaDebiased = new Double[layers * layers];
    for (int l = 0; l < layers; l++) {
      for (int q = 0; q < layers; q++) {
        if (!constant[l] && !constant[q]) {
          CkaMoments.Centred pairSums = sums.of(l, q);
          cka[l * layers + q] = LinearCka.value(LinearCka.Estimator.BIASED, n, pairSums);
          ckaDebiased[l * layers + q] = LinearCka.value(LinearCka.Estimator.DEBIASED, n, pairSums);
        }
      }
    }
    return new Values(layers, cka, ckaDebiased);
  }

  @Override
  public void finalize(State state, ResultWriter out) {
    Values values = values(state);
    if (values == null) {
      out.setNull();
      return;
    }
    int layers = values.layers();
    out.list(layers * layers);
    for (int l = 0; l < layers; l++) {
      for (int q = 0; q < layers; q++) {
        ResultWriter pair = out.listElement(l * layers + q);
        pair.field(0).setLong(l + 1);
        pair.field(1).setLong(q + 1);
        pair.field(2).setDouble(values.cka()[l * layers + q]);
        pair.field(3).setDouble(values.ckaDebiased()[l * layers + q]);
      }
    }
  }
}
