package io.actdb.sql.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.actdb.sql.kernels.GramKernels.Accumulation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both {@link GramKernels} implementations against an independent float64 triple loop, at sizes
 * chosen to hit every tail: columns around the vector width and the tile width, rows around {@link
 * GramKernels#FLOAT_RUN} and a DuckDB chunk (2048); then the promises of {@link Accumulation#EXACT}
 * (row order does not matter) and of {@code parallelism} (it does not change the result, bit for
 * bit), and the threads of {@link KernelThreads}.
 */
class GramKernelsTest {

  /** Error bound relative to sqrt(G[i][i] * G[j][j]), which bounds Σ|z_i z_j|: float32 runs. */
  private static final double TOLERANCE = 1e-5;

  /** The same for {@link Accumulation#EXACT}: float64 sums of exact products. */
  private static final double EXACT_TOLERANCE = 1e-12;

  private static final int[] DIMS = {1, 2, 13, 15, 16, 17, 31, 33, 63, 65, 207, 255, 257};
  private static final int[] ROWS = {0, 1, 2, 3, 255, 256, 257, 2047, 2048, 2049};

  /** Row counts for the widest dims, where the triple loop gets slow. */
  private static final int[] ROWS_WIDE = {0, 1, 3, 256, 257, 2049};

  private static final boolean VECTOR_MODULE_PRESENT =
      ModuleLayer.boot().findModule(Kernels.VECTOR_MODULE).isPresent();

  static Stream<Arguments> sizes() {
    List<Arguments> out = new ArrayList<>();
    for (int dim : DIMS) {
      for (int rows : dim > 65 ? ROWS_WIDE : ROWS) {
        out.add(Arguments.of(dim, rows));
      }
    }
    return out.stream();
  }

  /** Every implementation this JVM can run, by name. */
  static List<Arguments> implementations() {
    List<Arguments> out = new ArrayList<>();
    out.add(Arguments.of("scalar", new ScalarGramKernels()));
    if (VECTOR_MODULE_PRESENT) {
      out.add(Arguments.of("panama", Kernels.choose("panama").kernels()));
    }
    return out;
  }

  @Test
  void theExpectedImplementationIsChosen() {
    String forced = System.getProperty(Kernels.PROPERTY, "");
    String expected = forced.equals("scalar") || !VECTOR_MODULE_PRESENT ? "scalar" : "panama";
    assertEquals(
        expected,
        Kernels.name(),
        "the JVM has "
            + (VECTOR_MODULE_PRESENT ? "" : "no ")
            + Kernels.VECTOR_MODULE
            + " and "
            + Kernels.PROPERTY
            + "='"
            + forced
            + "': the kernels fell back silently");
    assertEquals(expected, Kernels.get() instanceof ScalarGramKernels ? "scalar" : "panama");
  }

  @Test
  void panamaIsRunUnderTestWhenTheModuleIsThere() {
    // Surefire adds the module; without it every SIMD comparison below would pass vacuously.
    if (!"scalar".equals(System.getProperty(Kernels.PROPERTY))) {
      assertTrue(
          VECTOR_MODULE_PRESENT, "tests must run with --add-modules " + Kernels.VECTOR_MODULE);
      assertEquals(2, implementations().size());
    }
  }

  @Test
  void propertyValuesAreChecked() {
    assertEquals("scalar", Kernels.choose("scalar").name());
    assertEquals("scalar", Kernels.choose(" Scalar ").name());
    assertThrows(IllegalArgumentException.class, () -> Kernels.choose("avx"));
    if (VECTOR_MODULE_PRESENT) {
      assertEquals("panama", Kernels.choose("panama").name());
      assertEquals("panama", Kernels.choose("").name());
    } else {
      assertThrows(IllegalStateException.class, () -> Kernels.choose("panama"));
      assertEquals("scalar", Kernels.choose("").name());
    }
  }

  @ParameterizedTest(name = "dim={0} rows={1}")
  @MethodSource("sizes")
  void upperGramMatchesFloat64(int dim, int rows) {
    float[] z = randomRows(new SplittableRandom(31L * dim + rows), rows, dim);
    double[] want = naiveUpperGram(z, rows, dim);
    for (Arguments impl : implementations()) {
      String name = (String) impl.get()[0];
      GramKernels kernels = (GramKernels) impl.get()[1];
      for (Accumulation accumulation : Accumulation.values()) {
        double[] gram = startingGram(dim);
        kernels.addUpperGram(z, rows, dim, gram, accumulation, 1);
        assertUpperAdded(name + " " + accumulation, want, gram, dim, tolerance(accumulation));
      }
      double[] byDefault = startingGram(dim);
      kernels.addUpperGram(z, rows, dim, byDefault);
      double[] exact = startingGram(dim);
      kernels.addUpperGram(z, rows, dim, exact, Accumulation.EXACT, 1);
      assertArrayEquals(exact, byDefault, name + ": the default is EXACT on one thread");
    }
  }

  /** Columns past 512 take several float64 passes per call, rows past 2048 several float ones. */
  @ParameterizedTest(name = "dim={0} rows={1}")
  @MethodSource("largeSizes")
  void exactMatchesFloat64OverSeveralPasses(int dim, int rows) {
    float[] z = randomRows(new SplittableRandom(dim + 7L * rows), rows, dim);
    double[] want = naiveUpperGram(z, rows, dim);
    for (Arguments impl : implementations()) {
      for (int parallelism : new int[] {1, 2}) {
        double[] gram = startingGram(dim);
        ((GramKernels) impl.get()[1])
            .addUpperGram(z, rows, dim, gram, Accumulation.EXACT, parallelism);
        assertUpperAdded(
            impl.get()[0] + " parallelism=" + parallelism, want, gram, dim, EXACT_TOLERANCE);
      }
    }
  }

  /**
   * The shifted Gram is that of the float64 differences: data a million away from the origin, with
   * a spread of a few units, loses nothing (a float32 difference would keep only 2^-24 of the
   * offset, 0.06, of each value), for every tail of both implementations.
   */
  @ParameterizedTest(name = "dim={0} rows={1}")
  @MethodSource("sizes")
  void shiftedGramIsTheGramOfFloat64Differences(int dim, int rows) {
    SplittableRandom random = new SplittableRandom(101L * dim + rows);
    float[] x = offsetRows(random, rows, dim);
    float[] shift = shiftOf(random, dim);
    double[] want = naiveShiftedGram(x, shift, rows, dim);
    for (Arguments impl : implementations()) {
      double[] gram = startingGram(dim);
      ((GramKernels) impl.get()[1]).addUpperGramShifted(x, shift, rows, dim, gram, 1);
      assertUpperAdded(impl.get()[0] + " shifted", want, gram, dim, EXACT_TOLERANCE);
    }
  }

  @ParameterizedTest(name = "dim={0} rows={1}")
  @MethodSource("largeSizes")
  void shiftedGramDoesNotDependOnParallelism(int dim, int rows) {
    SplittableRandom random = new SplittableRandom(7L * dim + rows);
    float[] x = offsetRows(random, rows, dim);
    float[] shift = shiftOf(random, dim);
    double[] want = naiveShiftedGram(x, shift, rows, dim);
    for (Arguments impl : implementations()) {
      GramKernels kernels = (GramKernels) impl.get()[1];
      double[] serial = startingGram(dim);
      kernels.addUpperGramShifted(x, shift, rows, dim, serial, 1);
      assertUpperAdded(impl.get()[0] + " shifted, serial", want, serial, dim, EXACT_TOLERANCE);
      for (int parallelism : new int[] {2, 4}) {
        double[] parallel = startingGram(dim);
        kernels.addUpperGramShifted(x, shift, rows, dim, parallel, parallelism);
        assertArrayEquals(serial, parallel, impl.get()[0] + " shifted parallelism=" + parallelism);
      }
    }
  }

  @Test
  void aShortShiftIsRejected() {
    for (Arguments impl : implementations()) {
      GramKernels kernels = (GramKernels) impl.get()[1];
      assertThrows(
          IllegalArgumentException.class,
          () -> kernels.addUpperGramShifted(new float[6], new float[2], 2, 3, new double[9], 1));
    }
  }

  /** Columns around ±1e6 (a different offset each) with a spread of a few units, in 1/64 steps. */
  static float[] offsetRows(SplittableRandom random, int rows, int dim) {
    float[] x = new float[rows * dim];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < dim; c++) {
        double offset = (c % 3 - 1) * 1e6 + c;
        x[r * dim + c] = (float) (offset + Math.round(random.nextDouble() * 512) / 64.0);
      }
    }
    return x;
  }

  /**
   * A shift near each column's offset, as a state's first-rows mean would be, except every fourth
   * column's, at 0.3 of it: there a float32 difference (some 7e5, with bits down to 1/64) rounds.
   */
  static float[] shiftOf(SplittableRandom random, int dim) {
    float[] shift = new float[dim];
    for (int c = 0; c < dim; c++) {
      double offset = (c % 3 - 1) * 1e6 + c;
      shift[c] = (float) ((c % 4 == 0 ? 0.3 : 1) * offset + random.nextDouble() * 8);
    }
    return shift;
  }

  /** The definition: float64 differences {@code x − shift}, their products summed in float64. */
  static double[] naiveShiftedGram(float[] x, float[] shift, int rows, int dim) {
    double[] g = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int j = i; j < dim; j++) {
        double sum = 0;
        for (int r = 0; r < rows; r++) {
          sum += ((double) x[r * dim + i] - shift[i]) * ((double) x[r * dim + j] - shift[j]);
        }
        g[i * dim + j] = sum;
      }
    }
    return g;
  }

  /**
   * Problems big enough to run in parallel (at least {@code PARALLEL_MIN_WORK} of both
   * implementations), covering one and several passes.
   */
  static Stream<Arguments> largeSizes() {
    return Stream.of(Arguments.of(257, 2049), Arguments.of(600, 2049), Arguments.of(130, 4100));
  }

  /**
   * A float64 pass wider than the last-level cache budget is multiplied a block of panels at a time
   * (at every vector width the build tests: 2 085 columns, passes of 512 rows, the last one short):
   * the same sums as a plain float64 loop, and the same bits whatever the thread count.
   */
  @Test
  void exactPassesWiderThanTheCacheAreMultipliedInBlocks() {
    int dim = 2085;
    int rows = 1030;
    SplittableRandom random = new SplittableRandom(2085);
    float[] x = offsetRows(random, rows, dim);
    float[] shift = shiftOf(random, dim);
    double[] want = naiveShiftedGram(x, shift, rows, dim);
    for (Arguments impl : implementations()) {
      if (impl.get()[0].equals("scalar")) continue; // its twin is checked at every other size
      GramKernels kernels = (GramKernels) impl.get()[1];
      double[] serial = startingGram(dim);
      kernels.addUpperGramShifted(x, shift, rows, dim, serial, 1);
      assertUpperAdded(impl.get()[0] + " wide pass", want, serial, dim, EXACT_TOLERANCE);
      double[] parallel = startingGram(dim);
      kernels.addUpperGramShifted(x, shift, rows, dim, parallel, 2);
      assertArrayEquals(serial, parallel, impl.get()[0] + " wide pass, parallelism=2");
    }
  }

  @ParameterizedTest(name = "dim={0} rows={1}")
  @MethodSource("largeSizes")
  void exactDoesNotDependOnRowOrder(int dim, int rows) {
    SplittableRandom random = new SplittableRandom(17L * dim + rows);
    float[] z = randomRows(random, rows, dim);
    float[] shuffled = new float[z.length];
    int[] order = permutation(random, rows);
    for (int r = 0; r < rows; r++) {
      System.arraycopy(z, order[r] * dim, shuffled, r * dim, dim);
    }
    for (Arguments impl : implementations()) {
      GramKernels kernels = (GramKernels) impl.get()[1];
      double[] gram = new double[dim * dim];
      kernels.addUpperGram(z, rows, dim, gram, Accumulation.EXACT, 1);
      double[] gramShuffled = new double[dim * dim];
      kernels.addUpperGram(shuffled, rows, dim, gramShuffled, Accumulation.EXACT, 2);
      for (int i = 0; i < dim; i++) {
        for (int j = i; j < dim; j++) {
          double scale = Math.sqrt(gram[i * dim + i] * gram[j * dim + j]);
          assertEquals(
              gram[i * dim + j],
              gramShuffled[i * dim + j],
              EXACT_TOLERANCE * scale,
              impl.get()[0] + ": (" + i + ", " + j + ") after shuffling the rows");
        }
      }
    }
  }

  @ParameterizedTest(name = "dim={0} rows={1}")
  @MethodSource("largeSizes")
  void parallelismDoesNotChangeTheResult(int dim, int rows) {
    // Not vacuous: these sizes are past both thresholds, so 2 and 4 really use helpers.
    long work = (long) rows * dim * dim;
    assertTrue(work >= PanamaGramKernels.PARALLEL_MIN_WORK);
    assertTrue(work >= ScalarGramKernels.PARALLEL_MIN_WORK);
    if (KernelThreads.POOL_SIZE > 1) {
      assertTrue(KernelThreads.threadsFor(4, rows, dim, PanamaGramKernels.PARALLEL_MIN_WORK) > 1);
    }
    float[] z = randomRows(new SplittableRandom(3L * dim + rows), rows, dim);
    for (Arguments impl : implementations()) {
      GramKernels kernels = (GramKernels) impl.get()[1];
      for (Accumulation accumulation : Accumulation.values()) {
        double[] serial = startingGram(dim);
        kernels.addUpperGram(z, rows, dim, serial, accumulation, 1);
        for (int parallelism : new int[] {2, 4}) {
          double[] parallel = startingGram(dim);
          kernels.addUpperGram(z, rows, dim, parallel, accumulation, parallelism);
          assertArrayEquals(
              serial, parallel, impl.get()[0] + " " + accumulation + " parallelism=" + parallelism);
        }
      }
    }
  }

  @Test
  void successiveCallsAccumulateAndWorkspacesAdaptToTheShape() {
    // One thread, changing shapes: the per-thread scratch must grow and be reused correctly,
    // and so must the helpers' (calls past the parallel threshold share the caller's panels).
    int[][] calls = {{65, 300}, {13, 2049}, {257, 40}, {65, 1}, {1, 5000}, {65, 700}, {300, 700}};
    for (Arguments impl : implementations()) {
      GramKernels kernels = (GramKernels) impl.get()[1];
      for (Accumulation accumulation : Accumulation.values()) {
        for (int parallelism : new int[] {1, 2}) {
          String name = impl.get()[0] + " " + accumulation + " parallelism=" + parallelism;
          double[] gram65 = startingGram(65);
          double[] want65 = new double[65 * 65];
          SplittableRandom random = new SplittableRandom(5);
          for (int[] call : calls) {
            int dim = call[0];
            int rows = call[1];
            float[] z = randomRows(random, rows, dim);
            if (dim == 65) {
              kernels.addUpperGram(z, rows, dim, gram65, accumulation, parallelism);
              double[] add = naiveUpperGram(z, rows, dim);
              for (int k = 0; k < want65.length; k++) {
                want65[k] += add[k];
              }
            } else {
              double[] gram = startingGram(dim);
              kernels.addUpperGram(z, rows, dim, gram, accumulation, parallelism);
              assertUpperAdded(
                  name, naiveUpperGram(z, rows, dim), gram, dim, tolerance(accumulation));
            }
          }
          assertUpperAdded(name, want65, gram65, 65, tolerance(accumulation));
        }
      }
    }
  }

  @Test
  void longerArraysThanRowsTimesDimAreFine() {
    int rows = 300;
    int dim = 33;
    float[] z = randomRows(new SplittableRandom(8), rows + 7, dim);
    double[] want = naiveUpperGram(z, rows, dim);
    for (Arguments impl : implementations()) {
      double[] gram = startingGram(dim);
      double[] bigger = new double[dim * dim + 11];
      System.arraycopy(gram, 0, bigger, 0, gram.length);
      ((GramKernels) impl.get()[1]).addUpperGram(z, rows, dim, bigger);
      assertUpperAdded(
          (String) impl.get()[0], want, Arrays.copyOf(bigger, dim * dim), dim, EXACT_TOLERANCE);
      for (int k = dim * dim; k < bigger.length; k++) {
        assertEquals(0.0, bigger[k], "past dim * dim");
      }
    }
  }

  @Test
  void concurrentCallersEachWithTheirOwnGram() throws Exception {
    // Like DuckDB's threads, each calling with parallelism 2: more helpers asked for than the
    // pool has, so some callers do all their work themselves. Nothing may change any result.
    int threads = 4;
    int rows = 2049;
    int dim = 130;
    int repeats = 3;
    assertTrue((long) rows * dim * dim >= PanamaGramKernels.PARALLEL_MIN_WORK);
    for (Arguments impl : implementations()) {
      GramKernels kernels = (GramKernels) impl.get()[1];
      for (Accumulation accumulation : Accumulation.values()) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
          List<Future<?>> done = new ArrayList<>();
          for (int t = 0; t < threads; t++) {
            int seed = t;
            done.add(
                pool.submit(
                    () -> {
                      float[] z = randomRows(new SplittableRandom(seed), rows, dim);
                      double[] gram = startingGram(dim);
                      double[] serial = startingGram(dim);
                      for (int repeat = 0; repeat < repeats; repeat++) {
                        kernels.addUpperGram(z, rows, dim, gram, accumulation, 2);
                        kernels.addUpperGram(z, rows, dim, serial, accumulation, 1);
                      }
                      String name = impl.get()[0] + " " + accumulation + " thread " + seed;
                      assertArrayEquals(serial, gram, name);
                      double[] want = naiveUpperGram(z, rows, dim);
                      for (int k = 0; k < want.length; k++) {
                        want[k] *= repeats;
                      }
                      assertUpperAdded(name, want, gram, dim, tolerance(accumulation));
                      return null;
                    }));
          }
          for (Future<?> f : done) {
            f.get();
          }
        } finally {
          pool.shutdownNow();
        }
      }
    }
  }

  @Test
  void badArgumentsAreRejected() {
    for (Arguments impl : implementations()) {
      GramKernels kernels = (GramKernels) impl.get()[1];
      assertThrows(
          IllegalArgumentException.class,
          () -> kernels.addUpperGram(new float[10], 3, 4, new double[16]));
      assertThrows(
          IllegalArgumentException.class,
          () -> kernels.addUpperGram(new float[12], 3, 4, new double[15]));
      assertThrows(
          IllegalArgumentException.class,
          () -> kernels.addUpperGram(new float[12], -1, 4, new double[16]));
      assertThrows(
          IllegalArgumentException.class,
          () -> kernels.addUpperGram(new float[12], 3, 4, new double[16], Accumulation.EXACT, 0));
      assertThrows(
          NullPointerException.class,
          () -> kernels.addUpperGram(new float[12], 3, 4, new double[16], null, 1));
      assertThrows(
          IndexOutOfBoundsException.class, () -> kernels.sumOfSquares(new float[10], 5, 6));
      assertThrows(
          IndexOutOfBoundsException.class, () -> kernels.sumOfSquares(new float[10], -1, 2));
      double[] untouched = {7};
      kernels.addUpperGram(new float[0], 0, 1, untouched);
      kernels.addUpperGram(new float[0], 5, 0, new double[0]);
      assertEquals(7.0, untouched[0]);
    }
  }

  @Test
  void sumOfSquaresAtAwkwardLengthsAndOffsets() {
    int[] lengths = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 207, 702, 1021};
    int[] offsets = {0, 1, 3, 5, 17};
    float[] z = randomRows(new SplittableRandom(3), 1, 1100);
    for (Arguments impl : implementations()) {
      GramKernels kernels = (GramKernels) impl.get()[1];
      for (int length : lengths) {
        for (int offset : offsets) {
          double want = 0;
          for (int k = offset; k < offset + length; k++) {
            want += (double) z[k] * z[k];
          }
          double got = kernels.sumOfSquares(z, offset, length);
          assertEquals(
              want, got, 1e-12 * want, impl.get()[0] + " length=" + length + " offset=" + offset);
        }
      }
    }
  }

  @Test
  void sumOfSquaresIsFloat64() {
    // 2^24 + 1 is not a float; summed in float32 these ones would stop growing at 2^24.
    float[] ones = new float[(1 << 24) + 9];
    Arrays.fill(ones, 1f);
    for (Arguments impl : implementations()) {
      assertEquals(
          ones.length, ((GramKernels) impl.get()[1]).sumOfSquares(ones, 0, ones.length), 0.0);
    }
  }

  // ---- KernelThreads ----

  @Test
  void helpersRunAtTheSameTimeAsTheCaller() throws Exception {
    assumeTrue(KernelThreads.POOL_SIZE > 1, "one core: no helpers");
    // A helper is recruited only for an idle core: no earlier test's kernel work may still count.
    KernelThreadsSharingTest.awaitIdle();
    // Each task waits for the other: this only finishes if two threads run them at once. The
    // bound on the wait is a guard against hanging the build, not a measurement.
    CountDownLatch both = new CountDownLatch(2);
    AtomicInteger met = new AtomicInteger();
    KernelThreads.forEach(
        2,
        2,
        k -> {
          both.countDown();
          try {
            if (both.await(5, TimeUnit.MINUTES)) {
              met.incrementAndGet();
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertEquals(2, met.get());
  }

  @Test
  void theSecondStageStartsWhenTheFirstHasFinished() {
    int firstCount = 7;
    AtomicIntegerArray firstDone = new AtomicIntegerArray(firstCount);
    AtomicIntegerArray thenDone = new AtomicIntegerArray(50);
    AtomicInteger early = new AtomicInteger();
    KernelThreads.forEach(
        4,
        firstCount,
        k -> firstDone.incrementAndGet(k),
        thenDone.length(),
        k -> {
          for (int f = 0; f < firstCount; f++) {
            if (firstDone.get(f) != 1) {
              early.incrementAndGet();
            }
          }
          thenDone.incrementAndGet(k);
        });
    assertEquals(0, early.get());
    for (int k = 0; k < thenDone.length(); k++) {
      assertEquals(1, thenDone.get(k), "task " + k + " ran once");
    }
  }

  @Test
  void callsFromPoolThreadsAndManyCallersDoNotDeadlock() throws Exception {
    // Every task of every outer call makes a call of its own, from whatever thread runs it, and
    // there are more outer callers than pool threads.
    AtomicInteger inner = new AtomicInteger();
    ExecutorService callers = Executors.newFixedThreadPool(2 * KernelThreads.POOL_SIZE + 1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < 2 * KernelThreads.POOL_SIZE + 1; c++) {
        done.add(
            callers.submit(
                () ->
                    KernelThreads.forEach(
                        4, 8, k -> KernelThreads.forEach(4, 8, j -> inner.incrementAndGet()))));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      callers.shutdownNow();
    }
    assertEquals((2 * KernelThreads.POOL_SIZE + 1) * 64, inner.get());
  }

  @Test
  void aTaskFailureReachesTheCaller() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                KernelThreads.forEach(
                    2,
                    16,
                    k -> {
                      if (k == 5) {
                        throw new IllegalStateException("task 5 failed");
                      }
                    }));
    assertEquals("task 5 failed", e.getMessage());
  }

  @Test
  void triangleRangesAreAlignedAndBalanced() {
    for (int dim : new int[] {1, 5, 6, 7, 13, 100, 4096}) {
      for (int parts : new int[] {1, 2, 3, 16}) {
        int[] bounds = KernelThreads.splitTriangle(dim, 6, parts);
        assertEquals(0, bounds[0]);
        assertEquals(dim, bounds[bounds.length - 1]);
        assertTrue(bounds.length - 1 <= parts && bounds.length >= 2);
        for (int b = 1; b < bounds.length; b++) {
          assertTrue(bounds[b] > bounds[b - 1], "increasing");
          assertTrue(b == bounds.length - 1 || bounds[b] % 6 == 0, "aligned");
        }
      }
    }
    // 4096 rows in 16 ranges: each within one strip's area (6 rows) of a 16th of the triangle.
    int dim = 4096;
    int[] bounds = KernelThreads.splitTriangle(dim, 6, 16);
    assertEquals(17, bounds.length);
    double share = (double) dim * (dim + 1) / 2 / 16;
    for (int b = 1; b < bounds.length; b++) {
      double area = 0;
      for (int i = bounds[b - 1]; i < bounds[b]; i++) {
        area += dim - i;
      }
      assertEquals(share, area, 6.0 * dim, "range " + b);
    }
  }

  // ---- helpers ----

  private static double tolerance(Accumulation accumulation) {
    return accumulation == Accumulation.EXACT ? EXACT_TOLERANCE : TOLERANCE;
  }

  static int[] permutation(SplittableRandom random, int n) {
    int[] order = new int[n];
    for (int k = 0; k < n; k++) {
      order[k] = k;
    }
    for (int k = n - 1; k > 0; k--) {
      int other = random.nextInt(k + 1);
      int t = order[k];
      order[k] = order[other];
      order[other] = t;
    }
    return order;
  }

  static float[] randomRows(SplittableRandom random, int rows, int dim) {
    float[] z = new float[rows * dim];
    for (int k = 0; k < z.length; k++) {
      // An offset makes columns correlated, so Gram entries are large and errors would show.
      z[k] = (float) (random.nextDouble() * 2 - 0.5);
    }
    return z;
  }

  /** The definition, in float64, written independently of both implementations. */
  static double[] naiveUpperGram(float[] z, int rows, int dim) {
    double[] g = new double[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int j = i; j < dim; j++) {
        double sum = 0;
        for (int r = 0; r < rows; r++) {
          sum += (double) z[r * dim + i] * (double) z[r * dim + j];
        }
        g[i * dim + j] = sum;
      }
    }
    return g;
  }

  /** A non-zero starting gram: distinct values everywhere, so any stray write shows. */
  static double[] startingGram(int dim) {
    double[] g = new double[dim * dim];
    for (int k = 0; k < g.length; k++) {
      g[k] = 1000.0 + k * 0.25;
    }
    return g;
  }

  /**
   * Checks {@code gram == startingGram + want} on and above the diagonal (within {@code tolerance}
   * relative) and {@code gram == startingGram} bit for bit below it.
   */
  private static void assertUpperAdded(
      String name, double[] want, double[] gram, int dim, double tolerance) {
    double[] start = startingGram(dim);
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        int k = i * dim + j;
        if (j < i) {
          if (Double.doubleToRawLongBits(gram[k]) != Double.doubleToRawLongBits(start[k])) {
            fail(name + ": wrote below the diagonal at (" + i + ", " + j + ") dim=" + dim);
          }
          continue;
        }
        double scale = Math.sqrt(want[i * dim + i] * want[j * dim + j]);
        double added = gram[k] - start[k];
        // The starting value itself carries rounding of ulp(gram) into the difference.
        double slack = tolerance * scale + 4 * Math.ulp(Math.abs(gram[k]));
        if (!(Math.abs(added - want[k]) <= slack)) {
          fail(
              name
                  + ": gram("
                  + i
                  + ", "
                  + j
                  + ") dim="
                  + dim
                  + " added "
                  + added
                  + ", float64 gives "
                  + want[k]);
        }
      }
    }
  }
}
