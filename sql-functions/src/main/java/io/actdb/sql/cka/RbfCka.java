package io.actdb.sql.cka;

import io.actdb.sql.spi.Cancellation;
import io.actdb.sql.input.HeapBudget;
import io.actdb.sql.input.PowerOfTwoScale;
import io.actdb.sql.input.RowBlock;

import io.actdb.sql.spi.AggregateFunction;
import io.actdb.sql.spi.InputChunk;
import io.actdb.sql.spi.ResultWriter;
import io.actdb.sql.spi.SqlFunctionException;
import io.actdb.sql.spi.SqlType;
import io.actdb.sql.spi.VectorColumn;
import java.util.Arrays;
import java.util.List;

/**
 * {@code cka_rbf(x, y, sigma_frac)}: CKA with RBF kernels {@code K_ij = exp(−‖x_i − x_j‖² /
 * (2σ²))}, {@code σ² = sigma_frac² · median of all n² squared distances} (zero diagonal
 * included, as {@code gram_rbf} of Kornblith et al.'s demo), and the biased HSIC.
 *
 * <p>The kernel is a function of all pairs, so the group's rows are kept (float32, O(n·d)
 * memory) up to {@link #MAX_ROWS}; the n×n matrices are never stored: the median is found by an
 * exact two-pass radix selection over the squared distances, and the HSIC sums stream over rows.
 */
public final class RbfCka implements AggregateFunction<RbfCka.State> {

  /** Largest group cka_rbf accepts: its work grows as n²·d. */
  public static final int MAX_ROWS = 10_000;

  /** Up to this many pairs (16 MiB of floats) the median comes from sorting them all. */
  private static final long SORT_PAIRS_UP_TO = 1 << 22;

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
          "sigma_frac must be the same for all rows of a group (" + state.sigmaFrac + " vs " + value + ")");
    }
  }

  private static void ensureCapacity(State state, int rows) {
    if ((long) rows * state.dx() > state.xs.length || (long) rows * state.dy() > state.ys.length) {
      long grown = Math.max(rows, Math.min(MAX_ROWS, Math.max(16, state.n * 2L)));
      String what = "a group of " + grown + " rows of " + state.dx() + " + " + state.dy() + " floats";
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
    int n = s.n;
    // K and L depend on distances only through their ratio to the median, so each side may be
    // rescaled by a power of two: exactly, and its squared distances then fit float32.
    PowerOfTwoScale.normalize(s.xs, (long) n * s.dx());
    PowerOfTwoScale.normalize(s.ys, (long) n * s.dy());
    double medX = medianOfAllSquaredDistances(s.xs, n, s.dx());
    double medY = medianOfAllSquaredDistances(s.ys, n, s.dy());
    if (!(medX > 0) || !(medY > 0)) return null; // half the pairs or more coincide
    double gx = -1.0 / (2 * s.sigmaFrac * s.sigmaFrac * medX);
    double gy = -1.0 / (2 * s.sigmaFrac * s.sigmaFrac * medY);
    // Centred inner products from streamed sums: tr(KHLH) = ΣKL − (2/n)Σ k_i l_i + ΣK ΣL / n².
    double[] rowK = new double[n];
    double[] rowL = new double[n];
    double kl = 0;
    double kk = 0;
    double ll = 0;
    for (int i = 0; i < n; i++) {
      Cancellation.checkpoint();
      rowK[i] += 1; // K_ii = exp(0)
      rowL[i] += 1;
      kl += 1;
      kk += 1;
      ll += 1;
      for (int j = i + 1; j < n; j++) {
        double k = Math.exp(gx * squaredDistance(s.xs, i, j, s.dx()));
        double l = Math.exp(gy * squaredDistance(s.ys, i, j, s.dy()));
        rowK[i] += k;
        rowK[j] += k;
        rowL[i] += l;
        rowL[j] += l;
        kl += 2 * k * l;
        kk += 2 * k * k;
        ll += 2 * l * l;
      }
    }
    double sumK = 0;
    double sumL = 0;
    double rkl = 0;
    double rkk = 0;
    double rll = 0;
    for (int i = 0; i < n; i++) {
      sumK += rowK[i];
      sumL += rowL[i];
      rkl += rowK[i] * rowL[i];
      rkk += rowK[i] * rowK[i];
      rll += rowL[i] * rowL[i];
    }
    double hkl = kl - 2.0 / n * rkl + sumK * sumL / ((double) n * n);
    double hkk = kk - 2.0 / n * rkk + sumK * sumK / ((double) n * n);
    double hll = ll - 2.0 / n * rll + sumL * sumL / ((double) n * n);
    if (!(hkk > 0) || !(hll > 0)) return null;
    return hkl / Math.sqrt(hkk * hll);
  }

  static double squaredDistance(float[] rows, int i, int j, int dim) {
    int a = i * dim;
    int b = j * dim;
    double s = 0;
    for (int k = 0; k < dim; k++) {
      double d = (double) rows[a + k] - rows[b + k];
      s += d * d;
    }
    return s;
  }

  /**
   * numpy's {@code median} of the full n×n matrix of squared distances: n zeros on the diagonal
   * and every pair twice. Its sorted element at rank r is 0 for r &lt; n, else the pair distance of
   * rank ⌊(r − n)/2⌋; for even n² it averages ranks n²/2 − 1 and n²/2.
   */
  static double medianOfAllSquaredDistances(float[] rows, int n, int dim) {
    long total = (long) n * n;
    long lowRank = (total - 1) / 2;
    long highRank = total / 2;
    long[] pairRanks = {Math.max(0, (lowRank - n) / 2), Math.max(0, (highRank - n) / 2)};
    float[] pairValues = pairDistancesOfRanks(rows, n, dim, pairRanks);
    double low = lowRank < n ? 0 : pairValues[0];
    double high = highRank < n ? 0 : pairValues[1];
    return (low + high) / 2;
  }

  /**
   * The pair squared distances (i &lt; j, rounded to float) of the given 0-based ranks, exactly,
   * by a two-pass radix selection on their bits (non-negative floats order like their bit
   * patterns): pass one fixes the high 16 bits, pass two the low 16 bits.
   */
  static float[] pairDistancesOfRanks(float[] rows, int n, int dim, long[] ranks) {
    return pairDistancesOfRanks(rows, n, dim, ranks, SORT_PAIRS_UP_TO);
  }

  /** As above; with more than {@code sortUpTo} pairs it selects by radix instead of sorting. */
  static float[] pairDistancesOfRanks(float[] rows, int n, int dim, long[] ranks, long sortUpTo) {
    long pairs = (long) n * (n - 1) / 2;
    if (pairs <= sortUpTo) {
      float[] all = new float[(int) pairs];
      int p = 0;
      for (int i = 0; i < n; i++) {
        Cancellation.checkpoint();
        for (int j = i + 1; j < n; j++) all[p++] = (float) squaredDistance(rows, i, j, dim);
      }
      Arrays.sort(all);
      float[] values = new float[ranks.length];
      for (int t = 0; t < ranks.length; t++) values[t] = all[(int) ranks[t]];
      return values;
    }
    long[] high = new long[1 << 16];
    for (int i = 0; i < n; i++) {
      Cancellation.checkpoint();
      for (int j = i + 1; j < n; j++) {
        high[Float.floatToRawIntBits((float) squaredDistance(rows, i, j, dim)) >>> 16]++;
      }
    }
    int[] highDigit = new int[ranks.length];
    long[] remaining = new long[ranks.length];
    for (int t = 0; t < ranks.length; t++) {
      long rest = ranks[t];
      int digit = 0;
      while (rest >= high[digit]) rest -= high[digit++];
      highDigit[t] = digit;
      remaining[t] = rest;
    }
    long[][] low = new long[ranks.length][1 << 16];
    for (int i = 0; i < n; i++) {
      Cancellation.checkpoint();
      for (int j = i + 1; j < n; j++) {
        int bits = Float.floatToRawIntBits((float) squaredDistance(rows, i, j, dim));
        for (int t = 0; t < ranks.length; t++) {
          if (bits >>> 16 == highDigit[t]) low[t][bits & 0xFFFF]++;
        }
      }
    }
    float[] values = new float[ranks.length];
    for (int t = 0; t < ranks.length; t++) {
      long rest = remaining[t];
      int digit = 0;
      while (rest >= low[t][digit]) rest -= low[t][digit++];
      values[t] = Float.intBitsToFloat(highDigit[t] << 16 | digit);
    }
    return values;
  }
}
