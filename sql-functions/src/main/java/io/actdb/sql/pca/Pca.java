package io.actdb.sql.pca;

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
import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * {@code pca(x, k)}: the top {@code k} principal components of a group's rows.
 *
 * <p>Result {@code STRUCT(mean FLOAT[d], components FLOAT[][] (k rows of d), explained_variance
 * DOUBLE[k], total_variance DOUBLE)}. The covariance is the sample covariance (divisor n − 1, as
 * numpy's {@code cov} and scikit-learn's {@code explained_variance_}); {@code total_variance} is
 * its trace, so {@code explained_variance / total_variance} is the explained-variance ratio.
 * Components are the unit eigenvectors of the covariance in order of descending eigenvalue, each
 * with the sign that makes its largest-magnitude coordinate positive (the first such coordinate on
 * a tie).
 *
 * <p>One pass: the rows feed {@link SecondMoments} (the SIMD Gram kernel), and finalize runs a
 * symmetric eigen-decomposition (EJML) of the d × d covariance.
 */
public final class Pca implements AggregateFunction<Pca.State> {

  /** Rows per kernel call at most: a DuckDB chunk. */
  private static final int BLOCK_ROWS = 2048;

  /** Bytes of one thread's row buffer: wide rows get fewer rows per block. */
  private static final long BLOCK_BYTES = 16L << 20;

  /** Threads one Gram block may use; small blocks stay on the caller anyway. */
  private static final int PARALLELISM = Runtime.getRuntime().availableProcessors();

  private static final ThreadLocal<float[][]> BLOCK = ThreadLocal.withInitial(() -> new float[1][]);

  static final SqlType RESULT =
      new SqlType.Struct(
          List.of(
              new SqlType.Field("mean", SqlType.FLOAT_LIST),
              new SqlType.Field("components", new SqlType.ListOf(SqlType.FLOAT_LIST)),
              new SqlType.Field("explained_variance", new SqlType.ListOf(SqlType.DOUBLE)),
              new SqlType.Field("total_variance", SqlType.DOUBLE)));

  private final GramKernels kernels = Kernels.get();

  /** Per-group state: the dimension and k once known, then the moments. */
  public static final class State {
    int dim = -1;
    long k = -1;
    SecondMoments moments;

    void acceptK(long value) {
      if (k < 0) k = value;
      else if (k != value) {
        throw new SqlFunctionException(
            "k must be the same for all rows of a group, got " + k + " and " + value);
      }
    }

    void acceptDim(int d) {
      if (dim < 0) {
        RowBlock.checkNotEmpty(d, "x");
        dim = d;
      } else {
        RowBlock.checkDim(dim, d, "x");
      }
    }
  }

  @Override
  public String name() {
    return "pca";
  }

  @Override
  public List<List<SqlType>> overloads() {
    return List.of(List.of(SqlType.ANY, SqlType.BIGINT));
  }

  @Override
  public SqlType returnType() {
    return RESULT;
  }

  @Override
  public State newState() {
    return new State();
  }

  @Override
  public void update(State state, InputChunk input, int[] rows, int count) {
    VectorColumn x = input.vectors(0, "x");
    InputChunk.LongColumn ks = input.longs(1);
    float[] block = null;
    int blockRows = 0;
    int buffered = 0;
    for (int i = 0; i < count; i++) {
      int r = rows[i];
      if (ks.isNull(r)) throw new SqlFunctionException("k is NULL; give the number of components");
      long k = ks.get(r);
      if (k < 1) {
        throw new SqlFunctionException("k must be at least 1 (the number of components), got " + k);
      }
      state.acceptK(k);
      if (x.isNull(r)) continue;
      state.acceptDim(x.dim(r));
      if (state.k > state.dim) {
        throw new SqlFunctionException(
            "k = "
                + state.k
                + " exceeds the dimension of x ("
                + state.dim
                + "); ask for at most "
                + state.dim
                + " components");
      }
      if (block == null) {
        blockRows = (int) Math.clamp(BLOCK_BYTES / ((long) state.dim * Float.BYTES), 1, BLOCK_ROWS);
        block = blockFor(blockRows, state.dim);
      }
      RowBlock.copyFinite(x, r, block, buffered * state.dim, "x");
      if (++buffered == blockRows) {
        flush(state, block, buffered);
        buffered = 0;
      }
    }
    flush(state, block, buffered);
  }

  private static float[] blockFor(int rows, int dim) {
    float[][] holder = BLOCK.get();
    int needed = Math.toIntExact((long) rows * dim);
    if (holder[0] == null || holder[0].length < needed) holder[0] = new float[needed];
    return holder[0];
  }

  private void flush(State state, float[] block, int rows) {
    if (rows == 0) return;
    int d = state.dim;
    if (state.moments == null) {
      float[] shift = new float[d];
      for (int c = 0; c < d; c++) {
        double s = 0;
        for (int r = 0; r < rows; r++) s += block[r * d + c];
        shift[c] = (float) (s / rows);
      }
      state.moments = newMoments(d, shift);
    }
    state.moments.addBlock(kernels, block, rows, PARALLELISM);
  }

  private static SecondMoments newMoments(int dim, float[] shift) {
    String what = "the covariance of " + dim + " dimensions";
    // Finalize holds the covariance and its eigenvectors beside the moments.
    long bytes = SecondMoments.bytes(dim) + 2L * dim * dim * Double.BYTES;
    HeapBudget.require(bytes, what);
    try {
      return new SecondMoments(dim, shift);
    } catch (OutOfMemoryError e) {
      throw HeapBudget.outOfHeap(bytes, what);
    }
  }

  @Override
  public void combine(State source, State target) {
    if (source.k >= 0) target.acceptK(source.k);
    if (source.dim < 0) return;
    target.acceptDim(source.dim);
    if (source.moments == null) return;
    if (target.moments == null) {
      target.moments = newMoments(source.dim, source.moments.shift.clone());
    }
    target.moments.addAll(source.moments);
  }

  @Override
  public void finalize(State state, ResultWriter out) {
    Result result = state == null ? null : compute(state);
    if (result == null) {
      out.setNull();
      for (int f = 0; f < 4; f++) out.field(f).setNull();
      return;
    }
    ResultWriter mean = out.field(0);
    mean.list(result.mean.length);
    for (int c = 0; c < result.mean.length; c++) mean.listElement(c).setFloat(result.mean[c]);
    ResultWriter components = out.field(1);
    components.list(result.components.length);
    for (int i = 0; i < result.components.length; i++) {
      ResultWriter component = components.listElement(i);
      float[] v = result.components[i];
      component.list(v.length);
      for (int c = 0; c < v.length; c++) component.listElement(c).setFloat(v[c]);
    }
    ResultWriter variance = out.field(2);
    variance.list(result.explainedVariance.length);
    for (int i = 0; i < result.explainedVariance.length; i++) {
      variance.listElement(i).setDouble(result.explainedVariance[i]);
    }
    out.field(3).setDouble(result.totalVariance);
  }

  /** One group's PCA. */
  record Result(
      float[] mean, float[][] components, double[] explainedVariance, double totalVariance) {}

  /** The PCA of a group, or null when it has fewer than two rows (no sample covariance). */
  static Result compute(State state) {
    SecondMoments m = state.moments;
    if (m == null || m.n < 2) return null;
    int d = m.dim;
    int k = (int) state.k;
    double[] mean = m.mean();
    double[] covariance = m.covariance();
    double total = 0;
    for (int i = 0; i < d; i++) total += covariance[i * d + i];
    Cancellation.checkpoint();
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
    if (!eig.decompose(DMatrixRMaj.wrap(d, d, covariance))) {
      throw new SqlFunctionException(
          "the eigen-decomposition of the " + d + " × " + d + " covariance did not converge");
    }
    Cancellation.checkpoint();
    Integer[] order = new Integer[d];
    double[] values = new double[d];
    for (int i = 0; i < d; i++) {
      order[i] = i;
      values[i] = eig.getEigenvalue(i).getReal();
    }
    // Descending variance; equal variances keep EJML's order, so the result is repeatable.
    Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));
    float[] meanOut = new float[d];
    for (int c = 0; c < d; c++) meanOut[c] = (float) mean[c];
    float[][] components = new float[k][];
    double[] explained = new double[k];
    for (int i = 0; i < k; i++) {
      int e = order[i];
      DMatrixRMaj vector = eig.getEigenVector(e);
      double[] v = unitWithSign(vector.data, d);
      float[] f = new float[d];
      for (int c = 0; c < d; c++) f[c] = (float) v[c];
      components[i] = f;
      // A covariance is positive semi-definite: a negative eigenvalue is rounding of a zero one.
      explained[i] = Math.max(0.0, values[e]);
    }
    return new Result(meanOut, components, explained, Math.max(0.0, total));
  }

  /**
   * {@code v} scaled to unit length with the sign that makes its largest-magnitude coordinate
   * positive (the first one on a tie), so a component does not flip between runs or engines.
   */
  static double[] unitWithSign(double[] v, int d) {
    double norm = 0;
    int largest = 0;
    for (int c = 0; c < d; c++) {
      norm += v[c] * v[c];
      if (Math.abs(v[c]) > Math.abs(v[largest])) largest = c;
    }
    double scale = (v[largest] < 0 ? -1 : 1) / Math.sqrt(norm);
    double[] out = new double[d];
    for (int c = 0; c < d; c++) out[c] = v[c] * scale;
    return out;
  }
}
