package io.actdb.sql.kernels;

import java.util.Objects;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link GramKernels}. Obtain it through {@link Kernels#get()}: this class links against
 * {@code jdk.incubator.vector} and fails to load without that module.
 *
 * <p>{@link #addUpperGram} is an sgemm ({@code zᵀz}) blocked the way BLAS blocks one:
 *
 * <ol>
 *   <li>A <em>pass</em> of up to {@link #MAX_RUNS_PER_PASS} runs of {@link #FLOAT_RUN} rows is
 *       copied into column <em>panels</em> {@link #TJ} floats wide, one panel row after another.
 *   <li>For every <em>strip</em> of {@link #TI} gram rows {@code i0 .. i0+TI-1}, and every run, the
 *       strip's {@code TI} columns of {@code z} are gathered into a <em>sliver</em>, and a
 *       register-tiled microkernel multiplies the sliver with each panel that holds a column {@code
 *       j >= i0}, writing float32 tile sums into a float scratch strip.
 *   <li>The strip is added into {@code gram} row by row, each run's sums widened to float64.
 * </ol>
 *
 * <p>Each thread keeps its scratch buffers (about {@link #PASS_BYTES} bytes, or one run's panels
 * when that is more) for its lifetime, so concurrent callers, each with its own {@code gram}, never
 * share them and a thread does not reallocate them call after call.
 */
public final class PanamaGramKernels implements GramKernels {

  // ---- Species and blocking: every tuning constant of this class is here. ----

  /** Widest vector the CPU computes on natively (16 floats with AVX-512, 8 with AVX2). */
  static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;

  /** Doubles in a vector of the same width; float64 sums are built in these. */
  static final VectorSpecies<Double> DOUBLES = VectorSpecies.of(double.class, FLOATS.vectorShape());

  /** Half-width float vectors: one widens to exactly one {@link #DOUBLES} vector. */
  static final VectorSpecies<Float> HALF_FLOATS =
      VectorSpecies.of(float.class, VectorShape.forBitSize(FLOATS.vectorBitSize() / 2));

  /** Narrower vectors than this lose to the scalar twin; {@link Kernels} then falls back. */
  static final int MIN_VECTOR_BITS = 128;

  /**
   * Gram rows per microkernel tile: each is a scalar broadcast once per {@code z} row. With {@link
   * #VECTORS_PER_ROW} vectors per row, the accumulators, the loaded panel vectors and a broadcast
   * must all fit the register file: C2's code for 8 x 3 on AVX-512 (24 + 3, but it hoists several
   * broadcasts) kept two accumulators on the stack, and ran 15% slower than 6 x 4.
   */
  static final int TI = 6;

  /**
   * Vectors of columns per tile row. 4 with 32 vector registers (AVX-512): 24 accumulators + 4
   * panel vectors + 1 broadcast = 29. 2 elsewhere: AVX2 has only 16 registers (12 + 2 + 1).
   */
  static final int VECTORS_PER_ROW = FLOATS.vectorBitSize() >= 512 ? 4 : 2;

  /** Gram columns per tile, and the width of a packed panel. */
  static final int TJ = VECTORS_PER_ROW * FLOATS.length();

  /**
   * Budget for one pass's packed panels. Every strip streams the whole pass's panels again, so they
   * must stay in the last-level cache, which two or more threads share; 8 MiB per thread holds two
   * runs of 4096 columns. More runs per pass mean fewer read-modify-writes of the float64 {@code
   * gram}, which does not fit in any cache and costs a trip to DRAM per pass.
   */
  static final long PASS_BYTES = 8L << 20;

  /** A DuckDB vector is 2048 rows: one pass covers a whole chunk when the columns are few. */
  static final int MAX_RUNS_PER_PASS = 8;

  /** Gram doubles per step of {@link #addStrip}: 8 KiB, a quarter of a typical L1. */
  static final int ROW_CHUNK = 1024;

  /** Public for reflection from {@link Kernels}. */
  public PanamaGramKernels() {
    if (FLOATS.vectorBitSize() < MIN_VECTOR_BITS) {
      throw new UnsupportedOperationException(
          "the CPU's preferred vectors are "
              + FLOATS.vectorBitSize()
              + " bits, narrower than the "
              + MIN_VECTOR_BITS
              + " bits the Vector API needs to beat plain Java");
    }
  }

  /** One thread's scratch space; grows to the largest problem seen, never shrinks. */
  private static final class Workspace {
    float[] panels = new float[0];
    float[] sliver = new float[FLOAT_RUN * TI];
    float[] strip = new float[0];

    void ensure(int passRows, int runs, int padded) {
      if (panels.length < passRows * padded) {
        panels = new float[passRows * padded];
      }
      if (strip.length < runs * TI * padded) {
        strip = new float[runs * TI * padded];
      }
    }
  }

  private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

  @Override
  public void addUpperGram(float[] z, int rows, int dim, double[] gram) {
    ScalarGramKernels.checkGramArguments(z, rows, dim, gram);
    if (rows == 0 || dim == 0) {
      return;
    }
    int padded = ceilTo(dim, TJ);
    long runBytes = (long) FLOAT_RUN * padded * Float.BYTES;
    int runs = Math.clamp(PASS_BYTES / runBytes, 1, MAX_RUNS_PER_PASS);
    runs = Math.min(runs, ceilTo(rows, FLOAT_RUN) / FLOAT_RUN);
    int passRows = runs * FLOAT_RUN;
    Workspace ws = WORKSPACE.get();
    ws.ensure(passRows, runs, padded);
    for (int r0 = 0; r0 < rows; r0 += passRows) {
      int n = Math.min(passRows, rows - r0);
      packPanels(z, r0, n, dim, passRows, ws.panels);
      addPass(ws, n, passRows, dim, padded, gram);
    }
  }

  /**
   * Copies rows {@code r0 .. r0+n-1} of {@code z} into panels: column {@code j} of pass row {@code
   * r} goes to {@code panels[((j / TJ) * passRows + r) * TJ + j % TJ]}. Unpacked, consecutive rows
   * of a tile are {@code dim} floats apart: for a power-of-two {@code dim} they fall into the same
   * few L1 sets and each on its own page; packed, the microkernel walks one contiguous block that
   * the prefetchers follow.
   */
  private static void packPanels(float[] z, int r0, int n, int dim, int passRows, float[] panels) {
    for (int r = 0; r < n; r++) {
      int src = (r0 + r) * dim;
      for (int j0 = 0; j0 < dim; j0 += TJ) {
        int dst = ((j0 / TJ) * passRows + r) * TJ;
        int width = Math.min(TJ, dim - j0);
        System.arraycopy(z, src + j0, panels, dst, width);
        // Lanes past dim are computed but never added to gram; zeros keep stale NaNs or
        // subnormals from an earlier call out of the FMAs, where they could cost microcode.
        for (int c = width; c < TJ; c++) {
          panels[dst + c] = 0f;
        }
      }
    }
  }

  /** Adds one packed pass of {@code n} rows into {@code gram}, strip by strip. */
  private static void addPass(
      Workspace ws, int n, int passRows, int dim, int padded, double[] gram) {
    float[] panels = ws.panels;
    float[] sliver = ws.sliver;
    float[] strip = ws.strip;
    int runs = ceilTo(n, FLOAT_RUN) / FLOAT_RUN;
    for (int i0 = 0; i0 < dim; i0 += TI) {
      int firstPanel = i0 / TJ; // the first panel holding a column j >= i0
      for (int run = 0; run < runs; run++) {
        int rFirst = run * FLOAT_RUN;
        int kc = Math.min(FLOAT_RUN, n - rFirst);
        gatherSliver(panels, passRows, rFirst, kc, i0, dim, sliver);
        int stripRun = run * TI * padded;
        for (int j0 = firstPanel * TJ; j0 < dim; j0 += TJ) {
          int panel = ((j0 / TJ) * passRows + rFirst) * TJ;
          int tile = stripRun + j0 - firstPanel * TJ;
          if (VECTORS_PER_ROW == 4) {
            tile6x4(sliver, panels, panel, kc, strip, tile, padded);
          } else {
            tile6x2(sliver, panels, panel, kc, strip, tile, padded);
          }
        }
      }
      addStrip(strip, runs, padded, i0, firstPanel * TJ, dim, gram);
    }
  }

  /**
   * Copies columns {@code i0 .. i0+TI-1} of pass rows {@code rFirst .. rFirst+kc-1} out of the
   * panels into {@code sliver[r * TI + ii]}, so the microkernel's broadcasts read one short
   * contiguous row per step. Columns past {@code dim} are zero, as in the panels.
   */
  private static void gatherSliver(
      float[] panels, int passRows, int rFirst, int kc, int i0, int dim, float[] sliver) {
    for (int ii = 0; ii < TI; ii++) {
      int i = i0 + ii;
      if (i < dim) {
        int src = ((i / TJ) * passRows + rFirst) * TJ + i % TJ;
        for (int r = 0; r < kc; r++) {
          sliver[r * TI + ii] = panels[src + r * TJ];
        }
      } else {
        for (int r = 0; r < kc; r++) {
          sliver[r * TI + ii] = 0f;
        }
      }
    }
  }

  /**
   * The 32-register microkernel: a tile of 6 rows by 4 vectors (6 x 64 floats with AVX-512) of
   * float32 sums over {@code kc} rows, kept in 24 registers for the whole run. Per row it loads 4
   * panel vectors and broadcasts 6 sliver floats for 24 FMAs, so the FMA units, not the loads, set
   * the pace; the 24 independent accumulator chains cover the FMA latency several times over. Tile
   * row {@code ii} is stored at {@code out[outOff + ii * outStride]}.
   */
  private static void tile6x4(
      float[] sliver, float[] panels, int panel, int kc, float[] out, int outOff, int outStride) {
    final int l = FLOATS.length();
    FloatVector c00 = FloatVector.zero(FLOATS), c01 = c00, c02 = c00, c03 = c00;
    FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
    FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
    FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
    FloatVector c40 = c00, c41 = c00, c42 = c00, c43 = c00;
    FloatVector c50 = c00, c51 = c00, c52 = c00, c53 = c00;
    for (int r = 0; r < kc; r++) {
      int b = panel + r * TJ;
      int a = r * TI;
      FloatVector b0 = FloatVector.fromArray(FLOATS, panels, b);
      FloatVector b1 = FloatVector.fromArray(FLOATS, panels, b + l);
      FloatVector b2 = FloatVector.fromArray(FLOATS, panels, b + 2 * l);
      FloatVector b3 = FloatVector.fromArray(FLOATS, panels, b + 3 * l);
      FloatVector x = FloatVector.broadcast(FLOATS, sliver[a]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      c02 = x.fma(b2, c02);
      c03 = x.fma(b3, c03);
      x = FloatVector.broadcast(FLOATS, sliver[a + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      c12 = x.fma(b2, c12);
      c13 = x.fma(b3, c13);
      x = FloatVector.broadcast(FLOATS, sliver[a + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      c22 = x.fma(b2, c22);
      c23 = x.fma(b3, c23);
      x = FloatVector.broadcast(FLOATS, sliver[a + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      c32 = x.fma(b2, c32);
      c33 = x.fma(b3, c33);
      x = FloatVector.broadcast(FLOATS, sliver[a + 4]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      c42 = x.fma(b2, c42);
      c43 = x.fma(b3, c43);
      x = FloatVector.broadcast(FLOATS, sliver[a + 5]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
      c52 = x.fma(b2, c52);
      c53 = x.fma(b3, c53);
    }
    int o = outOff;
    c00.intoArray(out, o);
    c01.intoArray(out, o + l);
    c02.intoArray(out, o + 2 * l);
    c03.intoArray(out, o + 3 * l);
    o += outStride;
    c10.intoArray(out, o);
    c11.intoArray(out, o + l);
    c12.intoArray(out, o + 2 * l);
    c13.intoArray(out, o + 3 * l);
    o += outStride;
    c20.intoArray(out, o);
    c21.intoArray(out, o + l);
    c22.intoArray(out, o + 2 * l);
    c23.intoArray(out, o + 3 * l);
    o += outStride;
    c30.intoArray(out, o);
    c31.intoArray(out, o + l);
    c32.intoArray(out, o + 2 * l);
    c33.intoArray(out, o + 3 * l);
    o += outStride;
    c40.intoArray(out, o);
    c41.intoArray(out, o + l);
    c42.intoArray(out, o + 2 * l);
    c43.intoArray(out, o + 3 * l);
    o += outStride;
    c50.intoArray(out, o);
    c51.intoArray(out, o + l);
    c52.intoArray(out, o + 2 * l);
    c53.intoArray(out, o + 3 * l);
  }

  /** {@link #tile6x4} for 16-register machines (AVX2, SSE): a 6 x 2-vector tile. */
  private static void tile6x2(
      float[] sliver, float[] panels, int panel, int kc, float[] out, int outOff, int outStride) {
    final int l = FLOATS.length();
    FloatVector c00 = FloatVector.zero(FLOATS), c01 = c00;
    FloatVector c10 = c00, c11 = c00;
    FloatVector c20 = c00, c21 = c00;
    FloatVector c30 = c00, c31 = c00;
    FloatVector c40 = c00, c41 = c00;
    FloatVector c50 = c00, c51 = c00;
    for (int r = 0; r < kc; r++) {
      int b = panel + r * TJ;
      int a = r * TI;
      FloatVector b0 = FloatVector.fromArray(FLOATS, panels, b);
      FloatVector b1 = FloatVector.fromArray(FLOATS, panels, b + l);
      FloatVector x = FloatVector.broadcast(FLOATS, sliver[a]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(FLOATS, sliver[a + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(FLOATS, sliver[a + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(FLOATS, sliver[a + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(FLOATS, sliver[a + 4]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(FLOATS, sliver[a + 5]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
    }
    int o = outOff;
    c00.intoArray(out, o);
    c01.intoArray(out, o + l);
    o += outStride;
    c10.intoArray(out, o);
    c11.intoArray(out, o + l);
    o += outStride;
    c20.intoArray(out, o);
    c21.intoArray(out, o + l);
    o += outStride;
    c30.intoArray(out, o);
    c31.intoArray(out, o + l);
    o += outStride;
    c40.intoArray(out, o);
    c41.intoArray(out, o + l);
    o += outStride;
    c50.intoArray(out, o);
    c51.intoArray(out, o + l);
  }

  /**
   * Adds the strip's float32 sums of every run, widened to float64, into gram rows {@code i0 ..
   * i0+TI-1} from the diagonal on; strip column 0 is gram column {@code jFirst}. Row by row, as
   * long sequential streams: {@code gram} is far larger than the caches, and a stream is what the
   * hardware prefetcher hides best. Within a row, chunk by chunk and run by run, so every run after
   * the first finds its {@code gram} chunk still in L1.
   */
  private static void addStrip(
      float[] strip, int runs, int stride, int i0, int jFirst, int dim, double[] gram) {
    final int dl = DOUBLES.length();
    for (int i = i0; i < Math.min(dim, i0 + TI); i++) {
      int g = i * dim;
      for (int c0 = i; c0 < dim; c0 += ROW_CHUNK) {
        int c1 = Math.min(dim, c0 + ROW_CHUNK);
        for (int run = 0; run < runs; run++) {
          int s = (run * TI + i - i0) * stride - jFirst; // strip index of column j is s + j
          int j = c0;
          for (int bound = c0 + DOUBLES.loopBound(c1 - c0); j < bound; j += dl) {
            DoubleVector sum =
                DoubleVector.fromArray(DOUBLES, gram, g + j).add(widen(strip, s + j));
            sum.intoArray(gram, g + j);
          }
          // scalar tail
          for (; j < c1; j++) {
            gram[g + j] += strip[s + j];
          }
        }
      }
    }
  }

  @Override
  public double sumOfSquares(float[] z, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, z.length);
    final int dl = DOUBLES.length();
    // Four accumulators: an FMA's latency is several times its issue interval, so a single
    // dependent chain would leave most FMA slots idle.
    DoubleVector acc0 = DoubleVector.zero(DOUBLES), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    int i = 0;
    for (int bound = length - length % (4 * dl); i < bound; i += 4 * dl) {
      DoubleVector x0 = widen(z, offset + i);
      DoubleVector x1 = widen(z, offset + i + dl);
      DoubleVector x2 = widen(z, offset + i + 2 * dl);
      DoubleVector x3 = widen(z, offset + i + 3 * dl);
      acc0 = x0.fma(x0, acc0);
      acc1 = x1.fma(x1, acc1);
      acc2 = x2.fma(x2, acc2);
      acc3 = x3.fma(x3, acc3);
    }
    // vector tail
    for (int bound = DOUBLES.loopBound(length); i < bound; i += dl) {
      DoubleVector x = widen(z, offset + i);
      acc0 = x.fma(x, acc0);
    }
    double sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
    // scalar tail
    for (; i < length; i++) {
      double x = z[offset + i];
      sum += x * x;
    }
    return sum;
  }

  /** Loads {@code DOUBLES.length()} floats from {@code a[from]} as doubles (exact). */
  private static DoubleVector widen(float[] a, int from) {
    return (DoubleVector)
        FloatVector.fromArray(HALF_FLOATS, a, from).convertShape(VectorOperators.F2D, DOUBLES, 0);
  }

  private static int ceilTo(int n, int multiple) {
    return (n + multiple - 1) / multiple * multiple;
  }
}
