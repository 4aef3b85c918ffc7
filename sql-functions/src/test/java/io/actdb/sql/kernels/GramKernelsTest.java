package io.actdb.sql.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both {@link GramKernels} implementations against an independent float64 triple loop, at sizes
 * chosen to hit every tail: columns around the vector width and the tile width, rows around {@link
 * GramKernels#FLOAT_RUN} and a DuckDB chunk (2048).
 */
class GramKernelsTest {

  /** Error bound relative to sqrt(G[i][i] * G[j][j]), which bounds Σ|z_i z_j|. */
  private static final double TOLERANCE = 1e-5;

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
      double[] gram = startingGram(dim);
      kernels.addUpperGram(z, rows, dim, gram);
      assertUpperAdded(name, want, gram, dim);
    }
  }

  @Test
  void successiveCallsAccumulateAndWorkspacesAdaptToTheShape() {
    // One thread, changing shapes: the per-thread scratch must grow and be reused correctly.
    int[][] calls = {{65, 300}, {13, 2049}, {257, 40}, {65, 1}, {1, 5000}, {65, 700}};
    for (Arguments impl : implementations()) {
      String name = (String) impl.get()[0];
      GramKernels kernels = (GramKernels) impl.get()[1];
      double[] gram65 = startingGram(65);
      double[] want65 = new double[65 * 65];
      SplittableRandom random = new SplittableRandom(5);
      for (int[] call : calls) {
        int dim = call[0];
        int rows = call[1];
        float[] z = randomRows(random, rows, dim);
        if (dim == 65) {
          kernels.addUpperGram(z, rows, dim, gram65);
          double[] add = naiveUpperGram(z, rows, dim);
          for (int k = 0; k < want65.length; k++) {
            want65[k] += add[k];
          }
        } else {
          double[] gram = startingGram(dim);
          kernels.addUpperGram(z, rows, dim, gram);
          assertUpperAdded(name, naiveUpperGram(z, rows, dim), gram, dim);
        }
      }
      assertUpperAdded(name, want65, gram65, 65);
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
      assertUpperAdded((String) impl.get()[0], want, Arrays.copyOf(bigger, dim * dim), dim);
      for (int k = dim * dim; k < bigger.length; k++) {
        assertEquals(0.0, bigger[k], "past dim * dim");
      }
    }
  }

  @Test
  void concurrentCallersEachWithTheirOwnGram() throws Exception {
    int threads = 4;
    int rows = 2049;
    int dim = 130;
    int repeats = 3;
    for (Arguments impl : implementations()) {
      GramKernels kernels = (GramKernels) impl.get()[1];
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
                    for (int repeat = 0; repeat < repeats; repeat++) {
                      kernels.addUpperGram(z, rows, dim, gram);
                    }
                    double[] want = naiveUpperGram(z, rows, dim);
                    for (int k = 0; k < want.length; k++) {
                      want[k] *= repeats;
                    }
                    assertUpperAdded(impl.get()[0] + " thread " + seed, want, gram, dim);
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

  // ---- helpers ----

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
   * Checks {@code gram == startingGram + want} on and above the diagonal (within {@link
   * #TOLERANCE}) and {@code gram == startingGram} bit for bit below it.
   */
  private static void assertUpperAdded(String name, double[] want, double[] gram, int dim) {
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
        double slack = TOLERANCE * scale + 4 * Math.ulp(Math.abs(gram[k]));
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
