package io.actdb.bench;

import io.actdb.sql.kernels.GramKernels;
import io.actdb.sql.kernels.Kernels;
import io.actdb.sql.kernels.ScalarGramKernels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Throughput of {@link GramKernels#addUpperGram} as the CKA aggregates use it, fed in blocks of
 * {@value #BLOCK_ROWS} rows (a DuckDB vector), in one of two shapes: {@code threads} callers at
 * once, each with its own {@code gram} and its own data ({@code sharedGram=false}, DuckDB scanning
 * a big table on several threads), or one caller whose calls each use {@code threads} threads on
 * one {@code gram} ({@code sharedGram=true}, a small table that DuckDB scans on one thread). The
 * answers are checked, before timing on a small problem against {@link ScalarGramKernels} and after
 * timing on sampled entries of every gram against float64 dot products; a wrong result throws
 * {@link AssertionError}.
 *
 * <p>Run it, with the Vector API enabled, as {@code java --add-modules jdk.incubator.vector -cp
 * "benchmarks/target/actdb-benchmarks.jar:benchmarks/target/lib/*"
 * io.actdb.bench.GramKernelBenchmark rows=10000 dim=4096 threads=2 seconds=10 accumulation=exact
 * shared=true}. It prints {@code name=value} lines; {@code kernel_gflops} counts {@link
 * GramKernels#upperGramFlops} over all threads per wall-clock second.
 */
public final class GramKernelBenchmark {

  /** Rows per {@code addUpperGram} call, like a DuckDB data chunk. */
  public static final int BLOCK_ROWS = 2048;

  /** Error allowed, relative to {@code Σ|z_i z_j|}, for float32 runs (which round at ~1e-7). */
  private static final double FLOAT_RUNS_TOLERANCE = 1e-4;

  private GramKernelBenchmark() {}

  /**
   * {@link #run(int, int, int, int, GramKernels.Accumulation, boolean)} with {@link
   * GramKernels.Accumulation#EXACT} and one shared gram: the aggregates' default.
   */
  public static Map<String, Object> run(int rows, int dim, int threads, int seconds)
      throws Exception {
    return run(rows, dim, threads, seconds, GramKernels.Accumulation.EXACT, true);
  }

  /**
   * Times {@link Kernels#get()} for about {@code seconds} seconds, adding {@code rows} random rows
   * of {@code dim} columns into a gram, pass after pass.
   *
   * @param threads with {@code sharedGram}, the {@code parallelism} of every call; without, the
   *     number of independent callers, each with its own data and gram and parallelism 1
   * @return the figures, in print order: kernel, kernel_gflops, threads, accumulation, shared_gram,
   *     dim, rows, seconds, check
   */
  public static Map<String, Object> run(
      int rows,
      int dim,
      int threads,
      int seconds,
      GramKernels.Accumulation accumulation,
      boolean sharedGram)
      throws Exception {
    if (rows < 1 || dim < 1 || threads < 1 || seconds < 0) {
      throw new IllegalArgumentException("rows, dim and threads must be >= 1, seconds >= 0");
    }
    GramKernels kernels = Kernels.get();
    int parallelism = sharedGram ? threads : 1;
    int checkRows = 2 * BLOCK_ROWS + 1;
    checkAgainstScalar(
        kernels,
        checkRows,
        Math.min(dim, 203),
        accumulation,
        parallelism,
        tolerance(accumulation, checkRows));

    List<Worker> workers = new ArrayList<>();
    for (int t = 0; t < (sharedGram ? 1 : threads); t++) {
      workers.add(new Worker(kernels, rows, dim, accumulation, parallelism, 42 + t));
    }
    ExecutorService pool = Executors.newFixedThreadPool(workers.size());
    try {
      // Warm-up: every worker compiles and touches its gram once before the clock starts.
      runAll(pool, workers, 0);
      long start = System.nanoTime();
      long deadline = start + seconds * 1_000_000_000L;
      runAll(pool, workers, deadline);
      double wallSeconds = (System.nanoTime() - start) / 1e9;

      double flops = 0;
      for (Worker w : workers) {
        flops += w.timedFlops;
      }
      for (Worker w : workers) {
        w.checkSampledEntries(64);
      }

      Map<String, Object> out = new LinkedHashMap<>();
      out.put("kernel", Kernels.name());
      out.put("kernel_gflops", String.format(Locale.ROOT, "%.1f", flops / wallSeconds / 1e9));
      out.put("threads", threads);
      out.put("accumulation", accumulation.name().toLowerCase(Locale.ROOT));
      out.put("shared_gram", sharedGram);
      out.put("dim", dim);
      out.put("rows", rows);
      out.put("seconds", String.format(Locale.ROOT, "%.2f", wallSeconds));
      out.put("check", "ok");
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private static final String USAGE =
      "usage: GramKernelBenchmark [rows=N] [dim=N] [threads=N] [seconds=N]"
          + " [accumulation=exact|float_runs] [shared=true|false]";

  /**
   * Entry point: {@code rows=N dim=N threads=N seconds=N accumulation=exact|float_runs
   * shared=true|false}, each optional.
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    opts.put("rows", "10000");
    opts.put("dim", "4096");
    opts.put("threads", Integer.toString(Runtime.getRuntime().availableProcessors()));
    opts.put("seconds", "10");
    opts.put("accumulation", "exact");
    opts.put("shared", "true");
    for (String arg : args) {
      String[] kv = arg.replaceFirst("^--", "").split("=", 2);
      if (kv.length != 2 || !opts.containsKey(kv[0])) {
        usage();
      }
      opts.put(kv[0], kv[1]);
    }
    Map<String, Object> result;
    try {
      String shared = opts.get("shared").toLowerCase(Locale.ROOT);
      if (!shared.equals("true") && !shared.equals("false")) {
        throw new IllegalArgumentException("shared must be true or false");
      }
      result =
          run(
              Integer.parseInt(opts.get("rows")),
              Integer.parseInt(opts.get("dim")),
              Integer.parseInt(opts.get("threads")),
              Integer.parseInt(opts.get("seconds")),
              GramKernels.Accumulation.valueOf(opts.get("accumulation").toUpperCase(Locale.ROOT)),
              Boolean.parseBoolean(shared));
    } catch (IllegalArgumentException e) { // NumberFormatException included
      System.err.println(e.getMessage());
      usage();
      return;
    }
    result.forEach((k, v) -> System.out.println(k + "=" + v));
  }

  private static void usage() {
    System.err.println(USAGE);
    System.exit(2);
  }

  /** Error allowed, relative to {@code Σ|z_i z_j|}, when {@code terms} products were summed. */
  private static double tolerance(GramKernels.Accumulation accumulation, long terms) {
    return switch (accumulation) {
      // Float64 sums of exact products: in any order, n terms err by at most (n - 1) 2^-53
      // Σ|p|; doubled for the reference's own sums. A gram fed for seconds sums many terms.
      case EXACT -> Math.max(1e-13, terms * Math.ulp(1.0));
      case FLOAT_RUNS -> FLOAT_RUNS_TOLERANCE;
    };
  }

  /** Runs every worker's passes at once; {@code deadline == 0} means one block each. */
  private static void runAll(ExecutorService pool, List<Worker> workers, long deadline)
      throws Exception {
    List<Future<?>> running = new ArrayList<>();
    for (Worker w : workers) {
      running.add(pool.submit(() -> w.feed(deadline)));
    }
    for (Future<?> f : running) {
      f.get();
    }
  }

  /** Compares {@code kernels} with the scalar twin on a problem small enough to run both. */
  static void checkAgainstScalar(
      GramKernels kernels,
      int rows,
      int dim,
      GramKernels.Accumulation accumulation,
      int parallelism,
      double tolerance) {
    float[] z = randomRows(new SplittableRandom(7), rows, dim);
    double[] got = new double[dim * dim];
    double[] want = new double[dim * dim];
    kernels.addUpperGram(z, rows, dim, got, accumulation, parallelism);
    new ScalarGramKernels().addUpperGram(z, rows, dim, want);
    for (int i = 0; i < dim; i++) {
      for (int j = i; j < dim; j++) {
        double scale = Math.sqrt(want[i * dim + i] * want[j * dim + j]);
        if (Math.abs(got[i * dim + j] - want[i * dim + j]) > tolerance * scale) {
          throw new AssertionError(
              "kernel disagrees with the scalar twin at ("
                  + i
                  + ", "
                  + j
                  + "): "
                  + got[i * dim + j]
                  + " vs "
                  + want[i * dim + j]);
        }
      }
      for (int j = 0; j < i; j++) {
        if (got[i * dim + j] != 0) {
          throw new AssertionError("kernel wrote below the diagonal at (" + i + ", " + j + ")");
        }
      }
    }
    double sumSq = kernels.sumOfSquares(z, 1, z.length - 1);
    double sumSqWant = new ScalarGramKernels().sumOfSquares(z, 1, z.length - 1);
    if (Math.abs(sumSq - sumSqWant) > 1e-9 * sumSqWant) {
      throw new AssertionError("sumOfSquares: " + sumSq + " vs " + sumSqWant);
    }
  }

  static float[] randomRows(SplittableRandom random, int rows, int dim) {
    float[] z = new float[rows * dim];
    for (int k = 0; k < z.length; k++) {
      z[k] = (float) (random.nextDouble() * 2 - 1);
    }
    return z;
  }

  /** One thread's data (in blocks), gram, and count of how often each block was added. */
  private static final class Worker {
    final GramKernels kernels;
    final int dim;
    final GramKernels.Accumulation accumulation;
    final int parallelism;
    final List<float[]> blocks = new ArrayList<>();
    final List<Integer> blockRows = new ArrayList<>();
    final int[] timesAdded;
    final double[] gram;
    double timedFlops;

    Worker(
        GramKernels kernels,
        int rows,
        int dim,
        GramKernels.Accumulation accumulation,
        int parallelism,
        long seed) {
      this.kernels = kernels;
      this.dim = dim;
      this.accumulation = accumulation;
      this.parallelism = parallelism;
      SplittableRandom random = new SplittableRandom(seed);
      for (int r = 0; r < rows; r += BLOCK_ROWS) {
        int n = Math.min(BLOCK_ROWS, rows - r);
        blocks.add(randomRows(random, n, dim));
        blockRows.add(n);
      }
      timesAdded = new int[blocks.size()];
      gram = new double[Math.multiplyExact(dim, dim)];
    }

    void feed(long deadline) {
      if (deadline == 0) {
        add(0);
        return;
      }
      timedFlops = 0;
      do {
        for (int b = 0; b < blocks.size() && System.nanoTime() < deadline; b++) {
          add(b);
          timedFlops += GramKernels.upperGramFlops(blockRows.get(b), dim);
        }
      } while (System.nanoTime() < deadline);
    }

    private void add(int b) {
      kernels.addUpperGram(blocks.get(b), blockRows.get(b), dim, gram, accumulation, parallelism);
      timesAdded[b]++;
    }

    /** Recomputes {@code samples} random upper entries in float64 and compares. */
    void checkSampledEntries(int samples) {
      long terms = 0;
      for (int b = 0; b < blocks.size(); b++) {
        terms += (long) timesAdded[b] * blockRows.get(b);
      }
      double tolerance = tolerance(accumulation, terms);
      SplittableRandom random = new SplittableRandom(99);
      for (int s = 0; s < samples; s++) {
        int i = random.nextInt(dim);
        int j = i + random.nextInt(dim - i);
        double want = 0;
        double scale = 0;
        for (int b = 0; b < blocks.size(); b++) {
          float[] z = blocks.get(b);
          double dot = 0;
          double abs = 0;
          for (int r = 0; r < blockRows.get(b); r++) {
            double p = (double) z[r * dim + i] * z[r * dim + j];
            dot += p;
            abs += Math.abs(p);
          }
          want += timesAdded[b] * dot;
          scale += timesAdded[b] * abs;
        }
        double got = gram[i * dim + j];
        if (Math.abs(got - want) > tolerance * scale) {
          throw new AssertionError(
              "gram(" + i + ", " + j + ") = " + got + " but float64 gives " + want);
        }
      }
    }
  }
}
