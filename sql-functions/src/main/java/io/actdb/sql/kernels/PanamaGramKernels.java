package io.actdb.sql.kernels;

import java.util.List;
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
 * <p>{@link #addUpperGram} is a gemm ({@code zᵀz}) blocked the way BLAS blocks one, in float32 (an
 * sgemm, {@link Accumulation#FLOAT_RUNS}) or in float64 (a dgemm on widened floats, {@link
 * Accumulation#EXACT}):
 *
 * <ol>
 *   <li>A <em>pass</em> of rows (for float32, up to {@link #MAX_RUNS_PER_PASS} runs of {@link
 *       #FLOAT_RUN} rows; for float64, the rows that fit {@link #EXACT_PASS_BYTES}) is copied into
 *       column <em>panels</em> {@link #TJ} floats or {@link #TJD} doubles wide, one panel row after
 *       another. The float64 path widens each float once, here.
 *   <li>For every <em>strip</em> of {@link #TI} gram rows {@code i0 .. i0+TI-1} (and, for float32,
 *       every run), the strip's {@code TI} columns are gathered into a <em>sliver</em>, and a
 *       register-tiled microkernel multiplies the sliver with each panel that holds a column {@code
 *       j >= i0}, writing tile sums into a scratch strip.
 *   <li>The strip is added into {@code gram} row by row (float32 sums widened to float64).
 * </ol>
 *
 * <p>The float64 path turns steps 2 and 3 around for each thread's range of strips: its slivers are
 * gathered once, then the panels are taken a block at a time ({@link #EXACT_BLOCK_BYTES}, in L2)
 * and every strip of the range multiplies the block and adds its tiles into {@code gram}. A pass of
 * thousands of columns (32 MiB at 16 384) does not fit the last-level cache, and streaming it from
 * memory once per strip held the kernel to half its rate.
 *
 * <p>The float64 path runs at half the float32 rate, as a dgemm does: a vector register holds half
 * as many doubles and the FMA units take one vector per cycle either way. It is the default all the
 * same, because its result does not depend on how the rows are ordered or cut into calls.
 *
 * <p>With several threads ({@code parallelism}), the caller packs each pass's panels together with
 * its helpers, then all of them share the panels read-only and take strips, in ranges of about
 * equal triangle area, until none is left (see {@link KernelThreads}). A strip's sums do not depend
 * on who computes it, so the result does not depend on the thread count, bit for bit.
 *
 * <p>Each thread keeps its buffers for its lifetime: a caller its panels (about {@link #PASS_BYTES}
 * or {@link #EXACT_PASS_BYTES} bytes, or the smallest pass's when that is more), every thread that
 * computes strips its slivers and strips. Concurrent callers, each with its own {@code gram}, never
 * share them, and a thread does not reallocate them call after call.
 */
public final class PanamaGramKernels implements GramKernels {

  // ---- Species and blocking: every tuning constant of this class is here. ----

  /**
   * System property narrowing the kernels' vectors, as Lucene's {@code tests.vectorsize}: 128, 256
   * or 512 bits, at most the CPU's preferred width. Unset: the preferred width. With 256 an AVX-512
   * machine runs the AVX2 paths, tile shapes included, so both are tested on either CPU.
   */
  public static final String VECTOR_BITS_PROPERTY = "actdb.vector.bits";

  /** System property overriding {@link #VECTORS_PER_ROW}: 2 or 4. */
  public static final String VECTORS_PER_ROW_PROPERTY = "actdb.gram.vectors_per_row";

  /** What is wrong with the two properties, or null; the constructor reports it. */
  private static final String SETTINGS_PROBLEM = settingsProblem();

  /**
   * The vectors the kernels compute on: the widest the CPU has natively (16 floats with AVX-512, 8
   * with AVX2) unless {@link #VECTOR_BITS_PROPERTY} narrows them.
   */
  static final VectorSpecies<Float> FLOATS =
      SETTINGS_PROBLEM == null && System.getProperty(VECTOR_BITS_PROPERTY) != null
          ? VectorSpecies.of(
              float.class,
              VectorShape.forBitSize(Integer.parseInt(System.getProperty(VECTOR_BITS_PROPERTY))))
          : FloatVector.SPECIES_PREFERRED;

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
   * Vectors of columns per tile row, for floats and doubles alike (the register count, not the lane
   * type, sets it). 4 with 32 vector registers (AVX-512): 24 accumulators + 4 panel vectors + 1
   * broadcast = 29. 2 elsewhere: AVX2 has only 16 registers (12 + 2 + 1).
   */
  static final int VECTORS_PER_ROW =
      SETTINGS_PROBLEM == null && System.getProperty(VECTORS_PER_ROW_PROPERTY) != null
          ? Integer.parseInt(System.getProperty(VECTORS_PER_ROW_PROPERTY))
          : FLOATS.vectorBitSize() >= 512 ? 4 : 2;

  /** Gram columns per float32 tile, and the width of a packed float panel. */
  static final int TJ = VECTORS_PER_ROW * FLOATS.length();

  /** Gram columns per float64 tile, and the width of a packed double panel: half of {@link #TJ}. */
  static final int TJD = VECTORS_PER_ROW * DOUBLES.length();

  /**
   * Budget for one float32 pass's packed panels. Every strip streams the whole pass's panels again,
   * so they must stay in the last-level cache, which two or more threads share; 8 MiB holds two
   * runs of 4096 columns. More runs per pass mean fewer read-modify-writes of the float64 {@code
   * gram}, which does not fit in any cache and costs a trip to DRAM per pass.
   */
  static final long PASS_BYTES = 8L << 20;

  /** A DuckDB vector is 2048 rows: one pass covers a whole chunk when the columns are few. */
  static final int MAX_RUNS_PER_PASS = 8;

  /**
   * Budget for one float64 pass's packed panels that stay in the last-level cache: 256 rows of 4096
   * columns. A wider pass (at least {@link #MIN_EXACT_PASS_ROWS} rows) is multiplied in blocks of
   * {@link #EXACT_BLOCK_BYTES} instead.
   */
  static final long EXACT_PASS_BYTES = 8L << 20;

  /**
   * Budget for the float64 panels that every strip of a thread's range multiplies before the next
   * ones ({@link #addExactStrips}) when a pass does not fit {@link #EXACT_PASS_BYTES}: half of a 1
   * MiB L2 (Zen 4), all of a 512 KiB one (Zen 2/3). At 16 384 columns, 15% faster than streaming
   * the pass from memory once per strip (one thread, Zen 4).
   */
  static final long EXACT_BLOCK_BYTES = 512L << 10;

  /**
   * Fewest rows in a float64 pass, whatever {@code dim}: each pass reads and writes the whole
   * {@code gram} once. At 16 384 columns, 512 rows ran 7% faster than 256 (one thread, Zen 4), and
   * a sliver of 512 rows still fits L1.
   */
  static final int MIN_EXACT_PASS_ROWS = 512;

  /**
   * Most rows in a float64 pass: a sliver ({@link #TI} doubles a row) stays within L2, and a DuckDB
   * vector (2048 rows) of up to 512 columns is one pass.
   */
  static final int MAX_EXACT_PASS_ROWS = 2048;

  /** Gram doubles per step of {@link #addStrip}: 8 KiB, a quarter of a typical L1. */
  static final int ROW_CHUNK = 1024;

  /**
   * Work ({@code rows * dim * dim}) below which a call stays on the caller's thread. A helper costs
   * a wake-up (some 50 µs in a VM), a wait for the packing, and caches it must fill. Measured on
   * 2-core AVX-512 (Zen 4, KVM), two threads gain: at 2^22 work, 20-30% in float64 but 0-20% in
   * float32; at 2^23 (2048 rows of 64 columns, 256 rows of 181), 15-35% in both; at 2^27 (2048 rows
   * of 256), 60-70%; with thousands of columns, 95-100%.
   */
  static final long PARALLEL_MIN_WORK = 1L << 23;

  /**
   * Strip ranges per thread. Threads take ranges until none is left, so when one thread is slowed
   * (another process on its core) the others take over all but its last range.
   */
  static final int RANGES_PER_THREAD = 8;

  private static String settingsProblem() {
    return settingsProblem(
        System.getProperty(VECTOR_BITS_PROPERTY),
        System.getProperty(VECTORS_PER_ROW_PROPERTY),
        FloatVector.SPECIES_PREFERRED.vectorBitSize());
  }

  /** What is wrong with these property values on a CPU of {@code preferred} bits, or null. */
  static String settingsProblem(String bits, String perRow, int preferred) {
    if (bits != null
        && !(List.of("128", "256", "512").contains(bits) && Integer.parseInt(bits) <= preferred)) {
      return VECTOR_BITS_PROPERTY
          + " must be 128, 256 or 512 and at most this CPU's "
          + preferred
          + " bits, got '"
          + bits
          + "'";
    }
    if (perRow != null && !List.of("2", "4").contains(perRow)) {
      return VECTORS_PER_ROW_PROPERTY + " must be 2 or 4, got '" + perRow + "'";
    }
    return null;
  }

  /** Public for reflection from {@link Kernels}. */
  public PanamaGramKernels() {
    if (SETTINGS_PROBLEM != null) throw new IllegalArgumentException(SETTINGS_PROBLEM);
    if (FLOATS.vectorBitSize() < MIN_VECTOR_BITS) {
      throw new UnsupportedOperationException(
          "the CPU's preferred vectors are "
              + FLOATS.vectorBitSize()
              + " bits, narrower than the "
              + MIN_VECTOR_BITS
              + " bits the Vector API needs to beat plain Java");
    }
  }

  @Override
  public int vectorBits() {
    return FLOATS.vectorBitSize();
  }

  /** Vectors per tile row in effect (2 or 4). */
  static int vectorsPerRow() {
    return VECTORS_PER_ROW;
  }

  /**
   * A caller's packed panels, shared read-only with its helpers during a call. Grows to the largest
   * problem seen, never shrinks.
   */
  private static final class Panels {
    float[] floats = new float[0];
    double[] doubles = new double[0];

    float[] floats(int length) {
      if (floats.length < length) {
        floats = new float[length];
      }
      return floats;
    }

    double[] doubles(int length) {
      if (doubles.length < length) {
        doubles = new double[length];
      }
      return doubles;
    }
  }

  /** One thread's sliver and strip, for the strips it computes. Grows, never shrinks. */
  private static final class Scratch {
    final float[] sliver = new float[FLOAT_RUN * TI];
    float[] strip = new float[0];
    double[] wideSliver = new double[0];
    double[] wideBlock = new double[0];

    float[] strip(int length) {
      if (strip.length < length) {
        strip = new float[length];
      }
      return strip;
    }

    double[] wideSliver(int length) {
      if (wideSliver.length < length) {
        wideSliver = new double[length];
      }
      return wideSliver;
    }

    double[] wideBlock(int length) {
      if (wideBlock.length < length) {
        wideBlock = new double[length];
      }
      return wideBlock;
    }
  }

  private static final ThreadLocal<Panels> PANELS = ThreadLocal.withInitial(Panels::new);
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  @Override
  public void addUpperGram(
      float[] z, int rows, int dim, double[] gram, Accumulation accumulation, int parallelism) {
    ScalarGramKernels.checkGramArguments(z, rows, dim, gram, accumulation, parallelism);
    if (rows == 0 || dim == 0) {
      return;
    }
    int threads = KernelThreads.threadsFor(parallelism, rows, dim, PARALLEL_MIN_WORK);
    switch (accumulation) {
      case EXACT -> addExact(z, null, rows, dim, gram, threads);
      case FLOAT_RUNS -> addFloatRuns(z, rows, dim, gram, threads);
    }
  }

  /**
   * Cuts {@code panels} panels into ranges for the packing tasks. Packing is a memory copy: one
   * range per thread is enough, as long as each range is at least one panel.
   */
  private static int[] panelRanges(int panels, int threads) {
    int parts = Math.min(panels, threads);
    int[] bounds = new int[parts + 1];
    for (int p = 0; p <= parts; p++) {
      bounds[p] = (int) ((long) panels * p / parts);
    }
    return bounds;
  }

  // ---- FLOAT_RUNS: float32 sums over runs of FLOAT_RUN rows. ----

  private static void addFloatRuns(float[] z, int rows, int dim, double[] gram, int threads) {
    int padded = ceilTo(dim, TJ);
    long runBytes = (long) FLOAT_RUN * padded * Float.BYTES;
    int maxRuns = Math.clamp(PASS_BYTES / runBytes, 1, MAX_RUNS_PER_PASS);
    int runs = Math.min(maxRuns, ceilTo(rows, FLOAT_RUN) / FLOAT_RUN);
    int passRows = runs * FLOAT_RUN;
    float[] panels = PANELS.get().floats(passRows * padded);
    int[] packs = panelRanges(padded / TJ, threads);
    int[] strips = KernelThreads.splitTriangle(dim, TI, RANGES_PER_THREAD * threads);
    for (int r0 = 0; r0 < rows; r0 += passRows) {
      int first = r0;
      int n = Math.min(passRows, rows - r0);
      KernelThreads.forEach(
          threads,
          packs.length - 1,
          k -> packPanels(z, first, n, dim, passRows, panels, packs[k] * TJ, packs[k + 1] * TJ),
          strips.length - 1,
          k -> {
            Scratch scratch = SCRATCH.get();
            float[] strip = scratch.strip(runs * TI * padded);
            for (int i0 = strips[k]; i0 < strips[k + 1]; i0 += TI) {
              addFloatStrip(panels, n, passRows, dim, padded, i0, scratch.sliver, strip, gram);
            }
          });
    }
  }

  /**
   * Copies rows {@code r0 .. r0+n-1} of {@code z}, columns {@code jFrom .. jTo-1} (whole panels)
   * into panels: column {@code j} of pass row {@code r} goes to {@code panels[((j / TJ) * passRows
   * + r) * TJ + j % TJ]}. Unpacked, consecutive rows of a tile are {@code dim} floats apart: for a
   * power-of-two {@code dim} they fall into the same few L1 sets and each on its own page; packed,
   * the microkernel walks one contiguous block that the prefetchers follow.
   */
  private static void packPanels(
      float[] z, int r0, int n, int dim, int passRows, float[] panels, int jFrom, int jTo) {
    for (int r = 0; r < n; r++) {
      int src = (r0 + r) * dim;
      for (int j0 = jFrom; j0 < Math.min(dim, jTo); j0 += TJ) {
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

  /**
   * Adds gram rows {@code i0 .. i0+TI-1} of one packed pass of {@code n} rows into {@code gram},
   * run by run through the microkernel into {@code strip}, then {@link #addStrip}.
   */
  private static void addFloatStrip(
      float[] panels,
      int n,
      int passRows,
      int dim,
      int padded,
      int i0,
      float[] sliver,
      float[] strip,
      double[] gram) {
    int runs = ceilTo(n, FLOAT_RUN) / FLOAT_RUN;
    int firstPanel = i0 / TJ; // the first panel holding a column j >= i0
    for (int run = 0; run < runs; run++) {
      int rFirst = run * FLOAT_RUN;
      int kc = Math.min(FLOAT_RUN, n - rFirst);
      gatherSliver(panels, passRows, rFirst, kc, i0, dim, sliver);
      int stripRun = run * TI * padded;
      for (int j0 = firstPanel * TJ; j0 < dim; j0 += TJ) {
        int panel = ((j0 / TJ) * passRows + rFirst) * TJ;
        int tile = stripRun + j0 - firstPanel * TJ;
        FloatTiles.tile(sliver, panels, panel, kc, strip, tile, padded);
      }
    }
    addStrip(strip, runs, padded, i0, firstPanel * TJ, dim, gram);
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
  public void addUpperGramShifted(
      float[] x, float[] shift, int rows, int dim, double[] gram, int parallelism) {
    ScalarGramKernels.checkGramArguments(x, rows, dim, gram, Accumulation.EXACT, parallelism);
    ScalarGramKernels.checkShift(shift, dim);
    if (rows == 0 || dim == 0) {
      return;
    }
    int threads = KernelThreads.threadsFor(parallelism, rows, dim, PARALLEL_MIN_WORK);
    addExact(x, shift, rows, dim, gram, threads);
  }

  // ---- EXACT: float64 sums of exact float64 products. ----

  /** {@code shift} null: the Gram of z itself; else of {@code z − shift}, taken in float64. */
  private static void addExact(
      float[] z, float[] shift, int rows, int dim, double[] gram, int threads) {
    int padded = ceilTo(dim, TJD);
    long rowBytes = (long) padded * Double.BYTES;
    int passRows =
        Math.min(
            rows,
            Math.clamp(EXACT_PASS_BYTES / rowBytes, MIN_EXACT_PASS_ROWS, MAX_EXACT_PASS_ROWS));
    double[] panels = PANELS.get().doubles(passRows * padded);
    int[] packs = panelRanges(padded / TJD, threads);
    int[] strips = KernelThreads.splitTriangle(dim, TI, RANGES_PER_THREAD * threads);
    for (int r0 = 0; r0 < rows; r0 += passRows) {
      int first = r0;
      int n = Math.min(passRows, rows - r0);
      KernelThreads.forEach(
          threads,
          packs.length - 1,
          k ->
              packWidePanels(
                  z, shift, first, n, dim, passRows, panels, packs[k] * TJD, packs[k + 1] * TJD),
          strips.length - 1,
          k -> addExactStrips(panels, n, passRows, dim, strips[k], strips[k + 1], gram));
    }
  }

  /**
   * Adds gram rows {@code from .. to-1} (whole strips of {@link #TI}) of one packed float64 pass of
   * {@code n} rows into {@code gram}. Every strip's sliver is gathered once; then, one block of
   * {@link #exactBlockPanels} panels at a time, every strip that reaches the block multiplies its
   * sliver with the block's panels, so a block is read from L2 by all the strips of the range
   * rather than from memory by each: a pass of thousands of columns does not fit the last-level
   * cache. Every tile sums all {@code n} rows in its registers, and its sums are added to {@code
   * gram} at once ({@link #addWideBlock}): each gram entry gets the same one sum per pass, whatever
   * the order.
   */
  private static void addExactStrips(
      double[] panels, int n, int passRows, int dim, int from, int to, double[] gram) {
    int strips = (to - from + TI - 1) / TI;
    Scratch scratch = SCRATCH.get();
    double[] slivers = scratch.wideSliver(strips * passRows * TI);
    for (int s = 0; s < strips; s++) {
      gatherWideSliver(panels, passRows, n, from + s * TI, dim, slivers, s * passRows * TI);
    }
    int blockPanels = exactBlockPanels(passRows, ceilTo(dim, TJD));
    double[] block = scratch.wideBlock(TI * blockPanels * TJD);
    int lastPanel = (dim - 1) / TJD;
    for (int p0 = from / TJD; p0 <= lastPanel; p0 += blockPanels) {
      int p1 = Math.min(lastPanel + 1, p0 + blockPanels);
      for (int s = 0; s < strips; s++) {
        int i0 = from + s * TI;
        int firstPanel = i0 / TJD; // the first panel holding a column j >= i0
        if (firstPanel >= p1) break; // so do the later strips
        int sliver = s * passRows * TI;
        for (int p = Math.max(p0, firstPanel); p < p1; p++) {
          int panel = p * passRows * TJD;
          int tile = (p - p0) * TJD;
          if (VECTORS_PER_ROW == 4) {
            wideTile6x4(slivers, sliver, panels, panel, n, block, tile, blockPanels * TJD);
          } else {
            wideTile6x2(slivers, sliver, panels, panel, n, block, tile, blockPanels * TJD);
          }
        }
        addWideBlock(block, blockPanels * TJD, i0, p0 * TJD, Math.min(dim, p1 * TJD), dim, gram);
      }
    }
  }

  /**
   * Panels per block of {@link #addExactStrips}: all of them when the pass fits {@link
   * #EXACT_PASS_BYTES} (it then stays in the last-level cache, and long blocks cost fewer gram
   * updates), else as many as fit {@link #EXACT_BLOCK_BYTES}, at least one.
   */
  static int exactBlockPanels(int passRows, int padded) {
    long panelBytes = (long) passRows * TJD * Double.BYTES;
    int panels = padded / TJD;
    if (panelBytes * panels <= EXACT_PASS_BYTES) return panels;
    return (int) Math.clamp(EXACT_BLOCK_BYTES / panelBytes, 1, panels);
  }

  /**
   * {@link #packPanels} for the float64 path: rows {@code r0 .. r0+n-1}, columns {@code jFrom ..
   * jTo-1}, widened to double once here rather than once per strip in the microkernel; column
   * {@code j} of pass row {@code r} goes to {@code panels[((j / TJD) * passRows + r) * TJD + j %
   * TJD]}. With a {@code shift}, its column's value is subtracted after widening: the difference is
   * then the float64 one.
   */
  private static void packWidePanels(
      float[] z,
      float[] shift,
      int r0,
      int n,
      int dim,
      int passRows,
      double[] panels,
      int jFrom,
      int jTo) {
    final int dl = DOUBLES.length();
    for (int r = 0; r < n; r++) {
      int src = (r0 + r) * dim;
      for (int j0 = jFrom; j0 < Math.min(dim, jTo); j0 += TJD) {
        int dst = ((j0 / TJD) * passRows + r) * TJD;
        int width = Math.min(TJD, dim - j0);
        int c = 0;
        if (shift == null) {
          for (int bound = DOUBLES.loopBound(width); c < bound; c += dl) {
            widen(z, src + j0 + c).intoArray(panels, dst + c);
          }
        } else {
          for (int bound = DOUBLES.loopBound(width); c < bound; c += dl) {
            widen(z, src + j0 + c).sub(widen(shift, j0 + c)).intoArray(panels, dst + c);
          }
        }
        // scalar tail
        for (; c < width; c++) {
          panels[dst + c] = z[src + j0 + c] - (shift == null ? 0.0 : shift[j0 + c]);
        }
        // Zeros past dim, as in packPanels.
        for (; c < TJD; c++) {
          panels[dst + c] = 0;
        }
      }
    }
  }

  /** {@link #gatherSliver} for the float64 panels: {@code sliver[at + r * TI + ii]}, all n rows. */
  private static void gatherWideSliver(
      double[] panels, int passRows, int n, int i0, int dim, double[] sliver, int at) {
    for (int ii = 0; ii < TI; ii++) {
      int i = i0 + ii;
      if (i < dim) {
        int src = ((i / TJD) * passRows) * TJD + i % TJD;
        for (int r = 0; r < n; r++) {
          sliver[at + r * TI + ii] = panels[src + r * TJD];
        }
      } else {
        for (int r = 0; r < n; r++) {
          sliver[at + r * TI + ii] = 0;
        }
      }
    }
  }

  /**
   * {@link FloatTiles#tile6x4} in float64: 6 rows by 4 vectors (6 x 32 doubles with AVX-512), 24
   * accumulators in registers for all {@code kc} rows. Half the lanes of the float32 tile for the
   * same registers and the same FMA rate, so half its flops; the loads per FMA are the same. The
   * FMA's one rounding is the sum's, since a product of two widened floats is exact in float64.
   */
  private static void wideTile6x4(
      double[] sliver,
      int sliverAt,
      double[] panels,
      int panel,
      int kc,
      double[] out,
      int outOff,
      int outStride) {
    final int l = DOUBLES.length();
    DoubleVector c00 = DoubleVector.zero(DOUBLES), c01 = c00, c02 = c00, c03 = c00;
    DoubleVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
    DoubleVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
    DoubleVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
    DoubleVector c40 = c00, c41 = c00, c42 = c00, c43 = c00;
    DoubleVector c50 = c00, c51 = c00, c52 = c00, c53 = c00;
    for (int r = 0; r < kc; r++) {
      int b = panel + r * TJD;
      int a = sliverAt + r * TI;
      DoubleVector b0 = DoubleVector.fromArray(DOUBLES, panels, b);
      DoubleVector b1 = DoubleVector.fromArray(DOUBLES, panels, b + l);
      DoubleVector b2 = DoubleVector.fromArray(DOUBLES, panels, b + 2 * l);
      DoubleVector b3 = DoubleVector.fromArray(DOUBLES, panels, b + 3 * l);
      DoubleVector x = DoubleVector.broadcast(DOUBLES, sliver[a]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      c02 = x.fma(b2, c02);
      c03 = x.fma(b3, c03);
      x = DoubleVector.broadcast(DOUBLES, sliver[a + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      c12 = x.fma(b2, c12);
      c13 = x.fma(b3, c13);
      x = DoubleVector.broadcast(DOUBLES, sliver[a + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      c22 = x.fma(b2, c22);
      c23 = x.fma(b3, c23);
      x = DoubleVector.broadcast(DOUBLES, sliver[a + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      c32 = x.fma(b2, c32);
      c33 = x.fma(b3, c33);
      x = DoubleVector.broadcast(DOUBLES, sliver[a + 4]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      c42 = x.fma(b2, c42);
      c43 = x.fma(b3, c43);
      x = DoubleVector.broadcast(DOUBLES, sliver[a + 5]);
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

  /** {@link #wideTile6x4} for 16-register machines (AVX2, SSE): a 6 x 2-vector tile. */
  private static void wideTile6x2(
      double[] sliver,
      int sliverAt,
      double[] panels,
      int panel,
      int kc,
      double[] out,
      int outOff,
      int outStride) {
    final int l = DOUBLES.length();
    DoubleVector c00 = DoubleVector.zero(DOUBLES), c01 = c00;
    DoubleVector c10 = c00, c11 = c00;
    DoubleVector c20 = c00, c21 = c00;
    DoubleVector c30 = c00, c31 = c00;
    DoubleVector c40 = c00, c41 = c00;
    DoubleVector c50 = c00, c51 = c00;
    for (int r = 0; r < kc; r++) {
      int b = panel + r * TJD;
      int a = sliverAt + r * TI;
      DoubleVector b0 = DoubleVector.fromArray(DOUBLES, panels, b);
      DoubleVector b1 = DoubleVector.fromArray(DOUBLES, panels, b + l);
      DoubleVector x = DoubleVector.broadcast(DOUBLES, sliver[a]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = DoubleVector.broadcast(DOUBLES, sliver[a + 1]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = DoubleVector.broadcast(DOUBLES, sliver[a + 2]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = DoubleVector.broadcast(DOUBLES, sliver[a + 3]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = DoubleVector.broadcast(DOUBLES, sliver[a + 4]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = DoubleVector.broadcast(DOUBLES, sliver[a + 5]);
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
   * Adds a block's float64 tile sums into gram rows {@code i0 .. i0+TI-1}, columns {@code jFirst ..
   * jEnd-1} on or right of the diagonal; block column 0 is gram column {@code jFirst}. Row by row,
   * as sequential streams, for the prefetcher (see {@link #addStrip}).
   */
  private static void addWideBlock(
      double[] block, int stride, int i0, int jFirst, int jEnd, int dim, double[] gram) {
    final int dl = DOUBLES.length();
    for (int i = i0; i < Math.min(dim, i0 + TI); i++) {
      int g = i * dim;
      int s = (i - i0) * stride - jFirst; // block index of column j is s + j
      int j = Math.max(i, jFirst);
      for (int bound = j + DOUBLES.loopBound(jEnd - j); j < bound; j += dl) {
        DoubleVector.fromArray(DOUBLES, gram, g + j)
            .add(DoubleVector.fromArray(DOUBLES, block, s + j))
            .intoArray(gram, g + j);
      }
      // scalar tail
      for (; j < jEnd; j++) {
        gram[g + j] += block[s + j];
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
