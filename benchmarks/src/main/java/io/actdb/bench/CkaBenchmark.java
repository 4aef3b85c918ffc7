package io.actdb.bench;

import io.actdb.cli.CommandFailure;
import io.actdb.sql.ActdbFunctions;
import io.actdb.sql.StoreConnections;
import io.actdb.sql.cca.CcaFamily;
import io.actdb.sql.cka.CentredScatter;
import io.actdb.sql.cka.LinearCka;
import io.actdb.sql.kernels.GramKernels;
import io.actdb.sql.kernels.Kernels;
import io.actdb.storage.LayerWriter;
import io.actdb.storage.StoreWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.duckdb.DuckDBConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code actdb bench cka}: cka and cka_debiased over an n × D table built in DuckDB. */
@Command(
    name = "cka",
    mixinStandardHelpOptions = true,
    header = "Times cka, cka_debiased and the CCA family over an n x D table in DuckDB.",
    footer = {
      "",
      "Examples:",
      "  ./actdb bench cka --n 10000 --dim 512 --threads 2",
      "  ./actdb bench cka --no-cca --threads 1",
      "  ./actdb bench cka --wide"
    },
    description = {
      "Times cka(x, y) and cka_debiased(x, y) over n rows of FLOAT[D] x FLOAT[D] in DuckDB, and"
          + " the Gram kernel alone on the same shape and thread count. Without --wide, cca,"
          + " svcca, pwcca and linreg_r2 follow on the same table, their finalize timed apart"
          + " (--no-cca skips them: at 2 048-d their finalize takes minutes).",
      "With --wide, a layer wider than the data (n = 2 000, D = 50 000 unless given): cka in its"
          + " example-space (Gram) form against the kernel's rate on the n x n Gram matrices it"
          + " computes."
    })
final class CkaBenchmark extends Benchmark {
  @Option(names = "--n", description = "Rows (default: 10 000; 2 000 with --wide).")
  Integer n;

  @Option(
      names = "--dim",
      description = "Dimension of x and of y (default: 2048; 50 000 with --wide).")
  Integer dim;

  @Option(
      names = "--wide",
      description = "Time the example-space form (layers wider than the data) instead.")
  boolean wide;

  @Option(
      names = "--source",
      description =
          "With --wide: where the rows come from, store (an actdb store's two layers joined on"
              + " sample_id, as extracted layers are) or table (one DuckDB table on disk)"
              + " (default: ${DEFAULT-VALUE}).")
  WideSource source = WideSource.store;

  enum WideSource {
    store,
    table
  }

  @Option(names = "--threads", description = "DuckDB threads (default: all cores).")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(
      names = "--kernel-seconds",
      description = "How long to time the kernel alone (default: ${DEFAULT-VALUE}).")
  int kernelSeconds = 5;

  @Option(names = "--no-numpy", description = "Skip the NumPy yardstick.")
  boolean noNumpy;

  @Option(
      names = "--no-cca",
      description = "Skip the CCA family (cca, svcca, pwcca, linreg_r2) after cka.")
  boolean noCca;

  @Option(
      names = "--sgemm-gflops",
      description = "The machine's fp32 GEMM rate measured in this sitting; adds ratios.")
  Double sgemmGflops;

  @Option(
      names = "--dgemm-gflops",
      description = "The machine's fp64 GEMM rate measured in this sitting; adds a ratio.")
  Double dgemmGflops;

  @Override
  protected void execute() throws Exception {
    int n = this.n != null ? this.n : wide ? 2_000 : 10_000;
    int dim = this.dim != null ? this.dim : wide ? 50_000 : 2048;
    if (n < 4 || dim < 1) throw new CommandFailure("bench cka needs --n >= 4 and --dim >= 1");
    if (wide) {
      if (n > 2 * dim) {
        throw new CommandFailure("bench cka --wide needs --n <= 2 × --dim (the Gram form's range)");
      }
      executeWide(n, dim);
      return;
    }
    print("benchmark", "cka");
    print("n", n);
    print("dim", dim);
    print("threads", threads);
    print("kernel", Kernels.name());
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
      ActdbFunctions.register(c);
      exec(c, "SET threads = " + threads);
      long t0 = System.nanoTime();
      buildTable(c, n, dim);
      print("setup_seconds", seconds(t0));

      // Warm-up on a slice (JIT), and a check of the answer: CKA(X, X) = 1.
      double self = value(c, "SELECT cka(x, x) FROM bench WHERE i < 1000");
      if (Math.abs(self - 1) > 1e-6) throw new CommandFailure("check failed: cka(x, x) = " + self);
      value(c, "SELECT cka_debiased(x, y) FROM bench WHERE i < 1000");
      for (int run = 0; run < 3; run++) value(c, warmUp(n, dim));

      t0 = System.nanoTime();
      double cka = value(c, "SELECT cka(x, y) FROM bench");
      double ckaSeconds = seconds(t0);
      t0 = System.nanoTime();
      double debiased = value(c, "SELECT cka_debiased(x, y) FROM bench");
      double debiasedSeconds = seconds(t0);
      if (!(cka >= 0 && cka <= 1)) throw new CommandFailure("check failed: cka = " + cka);

      // The opt-in float32-run accumulation, for comparison; warmed up too (its kernel is
      // another code path for the JIT).
      String previous = System.setProperty(LinearCka.ACCUMULATION_PROPERTY, "float_runs");
      double fast;
      double fastSeconds;
      try {
        value(c, "SELECT cka(x, y) FROM bench WHERE i < 1000");
        for (int run = 0; run < 3; run++) value(c, warmUp(n, dim));
        t0 = System.nanoTime();
        fast = value(c, "SELECT cka(x, y) FROM bench");
        fastSeconds = seconds(t0);
      } finally {
        if (previous == null) System.clearProperty(LinearCka.ACCUMULATION_PROPERTY);
        else System.setProperty(LinearCka.ACCUMULATION_PROPERTY, previous);
      }
      if (Math.abs(fast - cka) > 1e-5 * cka) {
        throw new CommandFailure("check failed: float_runs cka " + fast + " vs exact " + cka);
      }

      double flops = GramKernels.upperGramFlops(n, 2 * dim);
      print("cka", cka);
      print("cka_debiased", debiased);
      print("cka_seconds", ckaSeconds);
      print("cka_debiased_seconds", debiasedSeconds);
      print("cka_float_runs_seconds", fastSeconds);
      print("cka_query_gflops", flops / ckaSeconds / 1e9);
      print("cka_debiased_query_gflops", flops / debiasedSeconds / 1e9);
      print("cka_float_runs_query_gflops", flops / fastSeconds / 1e9);
      // The Gram kernel alone on the same shape: one gram, `threads` threads on it, as in a query.
      double exact = kernelGflops(n, 2 * dim, GramKernels.Accumulation.EXACT);
      double floatRuns = kernelGflops(n, 2 * dim, GramKernels.Accumulation.FLOAT_RUNS);
      print("kernel_gflops", exact);
      print("kernel_float_runs_gflops", floatRuns);
      if (sgemmGflops != null) {
        print("sgemm_gflops", sgemmGflops);
        print("kernel_to_sgemm", exact / sgemmGflops);
        print("kernel_float_runs_to_sgemm", floatRuns / sgemmGflops);
      }
      if (dgemmGflops != null) {
        print("dgemm_gflops", dgemmGflops);
        print("kernel_to_dgemm", exact / dgemmGflops);
      }
      // Time the query spends outside the kernel: scan, copies, per-row sums, finalize.
      print("cka_outside_kernel_share", 1 - flops / exact / 1e9 / ckaSeconds);
      print("cka_float_runs_outside_kernel_share", 1 - flops / floatRuns / 1e9 / fastSeconds);
      // DuckDB's part of that: the same scan with an aggregate that reads every vector and does
      // nothing with it (an array element pulls the whole array); what is left is ours (copies,
      // per-row sums, finalize).
      String floor = "SELECT sum(x[" + dim + "]) + sum(y[" + dim + "]) FROM bench";
      value(c, floor);
      double floorSeconds = Double.MAX_VALUE;
      for (int run = 0; run < 3; run++) {
        t0 = System.nanoTime();
        value(c, floor);
        floorSeconds = Math.min(floorSeconds, seconds(t0));
      }
      print("scan_floor_seconds", floorSeconds);
      print("scan_floor_share", floorSeconds / ckaSeconds);
      print("cka_ours_outside_kernel_share", 1 - (flops / exact / 1e9 + floorSeconds) / ckaSeconds);
      numpyYardstick(n, dim, cka, ckaSeconds, fastSeconds);
      if (!noCca) timeCcaFamily(c, ckaSeconds, n, dim);
    }
  }

  /**
   * A warm-up through the timed query's code: 1 000 rows of all columns stay rows (fewer than the
   * columns), so the feature-space moments, the shifted Gram kernel and (for float_runs) the
   * float32 kernel would first be compiled inside the timed query. A chunk of rows of the first 256
   * columns of x and y goes through all of them.
   */
  private static String warmUp(int n, int dim) {
    int columns = Math.min(dim, 256);
    int rows = Math.min(n, 2048);
    return "SELECT cka((x::FLOAT[])[1:"
        + columns
        + "], (y::FLOAT[])[1:"
        + columns
        + "]) FROM bench WHERE i < "
        + rows;
  }

  /**
   * NumPy's feature form on the same rows (x and y side by side, one Gram matrix through syrk), in
   * float64 and float32, run as blas_limit.py runs (OpenBLAS overrides unset); the ratios are the
   * issue's targets: exact against float64, float_runs against float32.
   */
  private void numpyYardstick(int n, int dim, double cka, double ckaSeconds, double fastSeconds)
      throws Exception {
    if (noNumpy) return;
    float[] rows = new float[Math.multiplyExact(n, 2 * dim)];
    BenchRows source = new BenchRows(dim);
    float[] x = new float[dim];
    float[] y = new float[dim];
    for (int i = 0; i < n; i++) {
      source.next(x, y);
      System.arraycopy(x, 0, rows, i * 2 * dim, dim);
      System.arraycopy(y, 0, rows, i * 2 * dim + dim, dim);
    }
    String[] whyNot = new String[1];
    Map<String, String> numpy = NumpyYardstick.ckaMatrix(rows, n, new int[] {dim, dim}, whyNot);
    if (numpy == null) {
      print("numpy", "unavailable: " + whyNot[0]);
      return;
    }
    double numpyCka = Double.parseDouble(numpy.get("numpy_float64_matrix").split(",")[1]);
    if (Math.abs(numpyCka - cka) > 1e-6) {
      throw new CommandFailure("check failed: cka " + cka + " but NumPy's " + numpyCka);
    }
    double f64 = Double.parseDouble(numpy.get("numpy_float64_seconds"));
    double f32 = Double.parseDouble(numpy.get("numpy_float32_seconds"));
    print("numpy_sgemm_gflops", numpy.get("numpy_sgemm_gflops"));
    print("numpy_dgemm_gflops", numpy.get("numpy_dgemm_gflops"));
    print("numpy_float64_seconds", f64);
    print("numpy_float32_seconds", f32);
    print("cka_to_numpy_float64", ckaSeconds / f64);
    print("cka_float_runs_to_numpy_float32", fastSeconds / f32);
  }

  /**
   * The CCA family on the same rows: each query is {@code cka}'s pass plus a finalize, which is
   * timed apart on the centred scatter of a slice of the rows (its cost depends on the dimensions,
   * not on n). A wrong answer fails: cca of x with itself is 1.
   */
  private void timeCcaFamily(Connection c, double ckaSeconds, int n, int dim) throws Exception {
    double self = value(c, "SELECT cca(x, x).rho_mean FROM bench WHERE i < " + (2 * dim + 64));
    if (Math.abs(self - 1) > 1e-6) throw new CommandFailure("check failed: cca(x, x) = " + self);
    CentredScatter scatter = sliceScatter(Math.min(n, 2 * dim + 64), dim);
    for (CcaFamily.Index index : CcaFamily.Index.values()) {
      String name = index.name().toLowerCase(Locale.ROOT);
      String select =
          switch (index) {
            case CCA -> "cca(x, y).rho_mean";
            case SVCCA -> "svcca(x, y).rho_mean";
            case PWCCA -> "pwcca(x, y)";
            case LINREG_R2 -> "linreg_r2(x, y)";
          };
      long t0 = System.nanoTime();
      double v = value(c, "SELECT " + select + " FROM bench");
      double querySeconds = seconds(t0);
      if (!(v >= 0 && v <= 1)) throw new CommandFailure("check failed: " + name + " = " + v);
      t0 = System.nanoTime();
      CcaFamily.decompose(index, scatter);
      double finalizeSeconds = seconds(t0);
      print(name, v);
      print(name + "_seconds", querySeconds);
      print(name + "_finalize_seconds", finalizeSeconds);
      print(name + "_over_cka_plus_finalize", querySeconds / (ckaSeconds + finalizeSeconds));
    }
  }

  /** The centred scatter of the first {@code rows} rows of the bench data, regenerated. */
  private CentredScatter sliceScatter(int rows, int dim) {
    int dz = 2 * dim;
    float[] block = new float[rows * dz];
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < rows; i++) {
      for (int k = 0; k < dim; k++) {
        float x = (float) (random.nextDouble() * 2 - 1);
        block[i * dz + k] = x;
        block[i * dz + dim + k] = x / 2 + (float) (random.nextDouble() * 2 - 1);
      }
    }
    double[] gram = new double[dz * dz];
    Kernels.get().addUpperGram(block, rows, dz, gram, GramKernels.Accumulation.EXACT, threads);
    double[] mean = new double[dz];
    for (int i = 0; i < rows; i++) for (int k = 0; k < dz; k++) mean[k] += block[i * dz + k];
    for (int k = 0; k < dz; k++) mean[k] /= rows;
    for (int i = 0; i < dz; i++) {
      for (int j = i; j < dz; j++) {
        double v = gram[i * dz + j] - rows * mean[i] * mean[j];
        gram[i * dz + j] = v;
        gram[j * dz + i] = v;
      }
    }
    return new CentredScatter(rows, dim, dim, gram);
  }

  /**
   * The Gram form: the rows kept off the heap, then K and L (n × n) from transposed blocks of
   * columns, 2·D of them, through the same kernel. Its yardstick is that kernel on blocks of that
   * shape (2 048 columns of n), so the ratio shows what the transposition and centring cost.
   */
  private void executeWide(int n, int dim) throws Exception {
    print("benchmark", "cka --wide");
    print("n", n);
    print("dim", dim);
    print("threads", threads);
    print("kernel", Kernels.name());
    print("source", source);
    // The rows on disk, as a store's layers or a checkpointed table; the peak resident size is
    // measured from after the setup to the end of the queries.
    Path dir = Files.createTempDirectory("actdb-bench-wide");
    try (Connection c = openWide(dir, n, dim)) {
      exec(c, "SET threads = " + threads);
      print("setup_peak_rss_mib", peakResidentKib() / 1024);
      boolean peakReset = resetPeakResidentSize();
      String from =
          source == WideSource.store
              ? " FROM layer('bench', 'x') a JOIN layer('bench', 'y') b USING (sample_id)"
              : " FROM bench";
      String x = source == WideSource.store ? "a.vec" : "x";
      String y = source == WideSource.store ? "b.vec" : "y";
      String firstRows = source == WideSource.store ? " WHERE sample_id < 100" : " WHERE i < 100";
      double self = value(c, "SELECT cka(" + x + ", " + x + ")" + from + firstRows);
      if (Math.abs(self - 1) > 1e-9) throw new CommandFailure("check failed: cka(x, x) = " + self);
      long t0 = System.nanoTime();
      double cka = value(c, "SELECT cka(" + x + ", " + y + ")" + from);
      double ckaSeconds = seconds(t0);
      t0 = System.nanoTime();
      double debiased = value(c, "SELECT cka_debiased(" + x + ", " + y + ")" + from);
      double debiasedSeconds = seconds(t0);
      if (!(cka > 0 && cka < 1)) throw new CommandFailure("check failed: cka = " + cka);
      // K and L: 2·D columns of n values each, every upper-triangle product once.
      double flops = GramKernels.upperGramFlops(2 * dim, n);
      print("cka", cka);
      print("cka_debiased", debiased);
      print("cka_seconds", ckaSeconds);
      print("cka_debiased_seconds", debiasedSeconds);
      print("cka_query_gflops", flops / ckaSeconds / 1e9);
      print("cka_debiased_query_gflops", flops / debiasedSeconds / 1e9);
      if (peakReset) print("queries_peak_rss_mib", peakResidentKib() / 1024);
    } finally {
      try (var files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
      }
    }
    print("kernel_gflops", kernelGflops(2048, n, GramKernels.Accumulation.EXACT));
  }

  /** Linux: restarts the process's peak resident size (VmHWM); false where that is not offered. */
  private static boolean resetPeakResidentSize() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Linux: the peak resident size (VmHWM) in KiB since the last reset. */
  private static long peakResidentKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
    return -1;
  }

  private double kernelGflops(int rows, int dim, GramKernels.Accumulation accumulation)
      throws Exception {
    Map<String, Object> kernel =
        GramKernelBenchmark.run(rows, dim, threads, Math.max(1, kernelSeconds), accumulation, true);
    return Double.parseDouble(kernel.get("kernel_gflops").toString());
  }

  /** Writes the rows, as {@link #source} says, and returns a connection that sees them. */
  private Connection openWide(Path dir, int n, int dim) throws Exception {
    long t0 = System.nanoTime();
    Connection c;
    if (source == WideSource.store) {
      Path store = dir.resolve("store");
      try (StoreWriter w = StoreWriter.open(store);
          LayerWriter xs = w.beginLayer("bench", "x", dim, "none");
          LayerWriter ys = w.beginLayer("bench", "y", dim, "none")) {
        float[] x = new float[dim];
        float[] y = new float[dim];
        BenchRows rows = new BenchRows(dim);
        for (int i = 0; i < n; i++) {
          rows.next(x, y);
          xs.append(i, x, 0);
          ys.append(i, y, 0);
        }
        xs.commit();
        ys.commit();
      }
      c = StoreConnections.open(store);
    } else {
      c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("bench.duckdb"));
      ActdbFunctions.register(c);
      buildTable(c, n, dim);
      exec(c, "CHECKPOINT");
    }
    print("setup_seconds", seconds(t0));
    return c;
  }

  /** Deterministic pseudo-random rows; y = x/2 + independent noise, so 0 < CKA < 1. */
  private static final class BenchRows {
    private final SplittableRandom random = new SplittableRandom(42);
    private final int dim;

    BenchRows(int dim) {
      this.dim = dim;
    }

    void next(float[] x, float[] y) {
      for (int k = 0; k < dim; k++) {
        x[k] = (float) (random.nextDouble() * 2 - 1);
        y[k] = x[k] / 2 + (float) (random.nextDouble() * 2 - 1);
      }
    }
  }

  private void buildTable(Connection c, int n, int dim) throws SQLException {
    // Appended from Java (a per-element SQL expression over n·D elements is far slower).
    exec(
        c,
        String.format(
            Locale.ROOT, "CREATE TABLE bench (i BIGINT, x FLOAT[%1$d], y FLOAT[%1$d])", dim));
    BenchRows rows = new BenchRows(dim);
    float[] x = new float[dim];
    float[] y = new float[dim];
    try (var appender = c.unwrap(DuckDBConnection.class).createAppender("bench")) {
      for (int i = 0; i < n; i++) {
        rows.next(x, y);
        appender.beginRow().append((long) i).append(x).append(y).endRow();
        // The appender buffers a whole 2048-row chunk otherwise: 1.6 GB at D = 100 000.
        if (i % 64 == 63) appender.flush();
      }
    }
  }
}
