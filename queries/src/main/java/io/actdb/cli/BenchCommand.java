package io.actdb.cli;

import io.actdb.sql.ActdbFunctions;
import io.actdb.sql.cka.LinearCka;
import io.actdb.sql.kernels.DistanceKernelBenchmark;
import io.actdb.sql.kernels.GramKernelBenchmark;
import io.actdb.sql.kernels.GramKernels;
import io.actdb.sql.kernels.Kernels;
import io.actdb.sql.StoreConnections;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code actdb bench}: benchmarks that print {@code name=value} lines. They are not part of the
 * tests; compare their figures only with a yardstick measured in the same sitting (e.g. numpy's
 * fp32 GEMM rate, passed as {@code --sgemm-gflops}).
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks (name=value output).",
    subcommands = {
      BenchCommand.Cka.class,
      BenchCommand.Ipr.class,
      BenchCommand.Geomca.class,
      StoreBenchmark.class,
      ExtractBenchmark.class
    })
final class BenchCommand implements Runnable {
  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this), "Missing benchmark: use one of cka, ipr, geomca, store, extract");
  }

  /** {@code actdb bench cka}: cka and cka_debiased over an n × D table built in DuckDB. */
  @Command(
      name = "cka",
      mixinStandardHelpOptions = true,
      description = {
        "Times cka(x, y) and cka_debiased(x, y) over n rows of FLOAT[D] x FLOAT[D] in DuckDB,",
        "and the Gram kernel alone on the same shape and thread count."
      })
  static final class Cka extends Benchmark {
    @Option(names = "--n", description = "Rows (default: ${DEFAULT-VALUE}).")
    int n = 10_000;

    @Option(names = "--dim", description = "Dimension of x and of y (default: ${DEFAULT-VALUE}).")
    int dim = 2048;

    @Option(names = "--threads", description = "DuckDB threads (default: all cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(
        names = "--kernel-seconds",
        description = "How long to time the kernel alone (default: ${DEFAULT-VALUE}).")
    int kernelSeconds = 5;

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
      if (n < 4 || dim < 1) throw new CommandFailure("bench cka needs --n >= 4 and --dim >= 1");
      print("benchmark", "cka");
      print("n", n);
      print("dim", dim);
      print("threads", threads);
      print("kernel", Kernels.name());
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
        ActdbFunctions.register(c);
        exec(c, "SET threads = " + threads);
        long t0 = System.nanoTime();
        buildTable(c);
        print("setup_seconds", seconds(t0));

        // Warm-up on a slice (JIT), and a check of the answer: CKA(X, X) = 1.
        double self = value(c, "SELECT cka(x, x) FROM bench WHERE i < 1000");
        if (Math.abs(self - 1) > 1e-6) throw new CommandFailure("check failed: cka(x, x) = " + self);
        value(c, "SELECT cka_debiased(x, y) FROM bench WHERE i < 1000");

        t0 = System.nanoTime();
        double cka = value(c, "SELECT cka(x, y) FROM bench");
        double ckaSeconds = seconds(t0);
        t0 = System.nanoTime();
        double debiased = value(c, "SELECT cka_debiased(x, y) FROM bench");
        double debiasedSeconds = seconds(t0);
        if (!(cka >= 0 && cka <= 1)) throw new CommandFailure("check failed: cka = " + cka);

        // The opt-in float32-run accumulation, for comparison.
        String previous = System.setProperty(LinearCka.ACCUMULATION_PROPERTY, "float_runs");
        double fast;
        double fastSeconds;
        try {
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
      }
      // The Gram kernel alone on the same shape: one gram, `threads` threads on it, as in a query.
      double exact = kernelGflops(GramKernels.Accumulation.EXACT);
      double floatRuns = kernelGflops(GramKernels.Accumulation.FLOAT_RUNS);
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
    }

    private double kernelGflops(GramKernels.Accumulation accumulation) throws Exception {
      Map<String, Object> kernel =
          GramKernelBenchmark.run(
              n, 2 * dim, threads, Math.max(1, kernelSeconds), accumulation, true);
      return Double.parseDouble(kernel.get("kernel_gflops").toString());
    }

    private void buildTable(Connection c) throws SQLException {
      // Deterministic pseudo-random data, appended from Java (a per-element SQL expression over
      // n·D elements is far slower); y = x/2 + independent noise, so 0 < CKA < 1.
      exec(c, String.format(Locale.ROOT,
          "CREATE TABLE bench (i BIGINT, x FLOAT[%1$d], y FLOAT[%1$d])", dim));
      java.util.SplittableRandom random = new java.util.SplittableRandom(42);
      float[] x = new float[dim];
      float[] y = new float[dim];
      try (var appender = c.unwrap(org.duckdb.DuckDBConnection.class).createAppender("bench")) {
        for (int i = 0; i < n; i++) {
          for (int k = 0; k < dim; k++) {
            x[k] = (float) (random.nextDouble() * 2 - 1);
            y[k] = x[k] / 2 + (float) (random.nextDouble() * 2 - 1);
          }
          appender.beginRow().append((long) i).append(x).append(y).endRow();
        }
      }
    }
  }

  /** Output and timing helpers shared by the benchmarks. */
  abstract static class Benchmark extends ActdbCommand {
    static void exec(Connection c, String sql) throws SQLException {
      try (Statement st = c.createStatement()) {
        st.execute(sql);
      }
    }

    static double value(Connection c, String sql) throws SQLException {
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery(sql)) {
        rs.next();
        return rs.getDouble(1);
      }
    }

    static double seconds(long start) {
      return (System.nanoTime() - start) / 1e9;
    }

    /**
     * Runs {@code sql} {@code runs} times, prints the times as {@code <name>_runs} and returns
     * their median; {@code row} receives the last run's first row. Several runs because DuckDB
     * runs an aggregate's finalize on the calling thread or on a worker, and in the second case
     * its client thread busy-waits meanwhile (docs/sql-functions.md, Threads).
     */
    double timedRuns(Connection c, String sql, int runs, String name, Object[] row) throws SQLException {
      double[] times = new double[runs];
      StringBuilder list = new StringBuilder();
      for (int r = 0; r < runs; r++) {
        long t0 = System.nanoTime();
        try (Statement st = c.createStatement();
            ResultSet rs = st.executeQuery(sql)) {
          rs.next();
          for (int i = 0; i < row.length; i++) row[i] = rs.getObject(i + 1);
        }
        times[r] = seconds(t0);
        list.append(r == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.3f", times[r]));
      }
      print(name + "_runs", list);
      java.util.Arrays.sort(times);
      return times[runs / 2];
    }

    void print(String name, Object value) {
      String text =
          value instanceof Double d ? String.format(Locale.ROOT, "%.6g", d) : String.valueOf(value);
      out().println(name + "=" + text);
      out().flush();
    }

    /** The distance kernel alone, on {@code dim}-d points, all cores, for a few seconds. */
    void printDistanceKernel(int dim, Double sgemmGflops) {
      Map<String, Object> k =
          DistanceKernelBenchmark.run(2048, dim, Runtime.getRuntime().availableProcessors(), 5);
      k.forEach(this::print);
      if (sgemmGflops != null) {
        print("sgemm_gflops", sgemmGflops);
        print("distance_to_sgemm", (Double) k.get("distance_gflops") / sgemmGflops);
      }
    }

    /**
     * Creates {@code pts(i BIGINT, ref BOOLEAN, x FLOAT[dim])}: {@code nRef} then {@code nEval}
     * standard Gaussian points, and returns them (R rows then E rows) for the NumPy yardstick.
     */
    static float[] buildSets(Connection c, int nRef, int nEval, int dim) throws SQLException {
      exec(c, "CREATE OR REPLACE TABLE pts (i BIGINT, ref BOOLEAN, x FLOAT[" + dim + "])");
      java.util.SplittableRandom random = new java.util.SplittableRandom(42);
      float[] all = new float[Math.multiplyExact(nRef + nEval, dim)];
      float[] x = new float[dim];
      try (var appender = c.unwrap(org.duckdb.DuckDBConnection.class).createAppender("pts")) {
        for (int i = 0; i < nRef + nEval; i++) {
          for (int k = 0; k < dim; k++) x[k] = all[i * dim + k] = (float) random.nextGaussian();
          appender.beginRow().append((long) i).append(i < nRef).append(x).endRow();
        }
      }
      return all;
    }
  }

  /** {@code actdb bench ipr}: ipr over R and E sets of Gaussian points, and NumPy on the same. */
  @Command(
      name = "ipr",
      mixinStandardHelpOptions = true,
      description = {
        "Times ipr(x, ref) over --n reference and --n evaluation points of FLOAT[D] in DuckDB,",
        "the distance kernel alone, and (when python3 with numpy is there) the straightforward",
        "NumPy IPR (full distance matrices + partition) on the same data, in float32 and as prdc",
        "computes it; then the least work any exact IPR must do here, timed at NumPy's GEMM rate."
      })
  static final class Ipr extends Benchmark {
    @Option(names = "--n", description = "Points per set (default: ${DEFAULT-VALUE}).")
    int n = 10_000;

    @Option(names = "--dim", description = "Dimension (default: ${DEFAULT-VALUE}).")
    int dim = 2048;

    @Option(names = "--runs", description = "Timed runs; the median is reported (default: ${DEFAULT-VALUE}).")
    int runs = 3;

    @Option(
        names = "--threads",
        description = "DuckDB threads (default: all cores); see docs/sql-functions.md on threads.")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(
        names = "--store",
        paramLabel = "<dir>",
        description = "Time real activations from this store (with --layer) instead of Gaussian points.")
    java.nio.file.Path store;

    @Option(
        names = "--layer",
        paramLabel = "<model>/<layer>",
        description =
            "The layer of --store: its samples of even rank by sample_id form R, those of odd rank"
                + " E, --n of each at most.")
    String layer;

    @Option(names = "--no-numpy", description = "Skip the NumPy yardsticks.")
    boolean noNumpy;

    @Option(
        names = "--numpy",
        description =
            "NumPy forms to time: float32 (float32 matrices), prdc (prdc's float64 blocks),"
                + " or both (default: ${DEFAULT-VALUE}).")
    String numpyForms = "float32,prdc";

    @Option(
        names = "--sgemm-gflops",
        description =
            "The machine's fp32 GEMM rate measured in this sitting; adds a ratio (default for the"
                + " floor: NumPy's, measured by the yardstick script).")
    Double sgemmGflops;

    @Override
    protected void execute() throws Exception {
      if (n < 4 || dim < 1 || runs < 1) throw new CommandFailure("bench ipr needs --n >= 4, --dim >= 1 and --runs >= 1");
      if (!numpyForms.matches("(float32|prdc)(,(float32|prdc))?")) {
        throw new CommandFailure("bench ipr: --numpy takes float32, prdc or float32,prdc");
      }
      if ((store == null) != (layer == null)) {
        throw new CommandFailure("bench ipr: --store and --layer go together");
      }
      print("benchmark", "ipr");
      float[] data;
      double seconds;
      double precision;
      double recall;
      try (Connection c = StoreConnections.open(store)) {
        long t0 = System.nanoTime();
        data = store == null ? buildSets(c, n, n, dim) : setsFromStore(c);
        print("data", store == null ? "gaussian" : "store " + layer);
        print("n_reference", n);
        print("n_evaluation", n);
        print("dim", dim);
        print("threads", threads);
        print("kernel", Kernels.name());
        print("setup_seconds", seconds(t0));
        exec(c, "SET threads = " + threads);
        // The first run pays for compiling the Vector API code (a tenth of the rows did not
        // suffice: the first large tiles still ran slowly); the timed run is the second.
        t0 = System.nanoTime();
        value(c, "SELECT ipr(x, ref).precision FROM pts");
        print("ipr_first_run_seconds", seconds(t0));
        Object[] row = new Object[2];
        seconds =
            timedRuns(c, "SELECT r.precision, r.recall FROM (SELECT ipr(x, ref) AS r FROM pts)", runs,
                "ipr_seconds", row);
        print("ipr_seconds", seconds);
        precision = ((Number) row[0]).doubleValue();
        recall = ((Number) row[1]).doubleValue();
        print("precision", precision);
        print("recall", recall);
      }
      printDistanceKernel(dim, sgemmGflops);
      if (noNumpy) return;
      String[] whyNot = new String[1];
      Map<String, String> numpy = NumpyYardstick.ipr(data, n, n, dim, 3, numpyForms, whyNot);
      if (numpy == null) {
        print("numpy_skipped", whyNot[0]);
        return;
      }
      numpy.forEach(this::print);
      double numpySeconds = Double.parseDouble(numpy.getOrDefault("numpy_ipr_seconds", "NaN"));
      double prdcSeconds = Double.parseDouble(numpy.getOrDefault("numpy_prdc_ipr_seconds", "NaN"));
      if (!Double.isNaN(numpySeconds)) print("ipr_speedup_vs_numpy", numpySeconds / seconds);
      if (!Double.isNaN(prdcSeconds)) print("ipr_speedup_vs_numpy_prdc", prdcSeconds / seconds);
      double sgemm =
          sgemmGflops != null ? sgemmGflops : Double.parseDouble(numpy.get("numpy_sgemm_gflops"));
      printFloor(n, n, precision, recall, sgemm, seconds, numpySeconds);
    }

    /**
     * Fills {@code pts} from the store's layer: samples of even rank by sample_id form R, those of
     * odd rank E, {@code n} of each at most (sets {@code n} and {@code dim}); returns R's rows then
     * E's for the NumPy yardstick.
     */
    private float[] setsFromStore(Connection c) throws SQLException, CommandFailure {
      int slash = layer.indexOf('/');
      if (slash < 1 || slash == layer.length() - 1) {
        throw new CommandFailure("bench ipr: --layer takes <model>/<layer>, got " + layer);
      }
      String model = layer.substring(0, slash);
      String name = layer.substring(slash + 1);
      long rows;
      try (var ps = c.prepareStatement("SELECT dim, rows FROM layers WHERE model = ? AND layer = ?")) {
        ps.setString(1, model);
        ps.setString(2, name);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new CommandFailure(
                "bench ipr: " + store + " has no layer " + layer
                    + " (list them: actdb sql --store " + store + " -c 'FROM layers')");
          }
          dim = rs.getInt(1);
          rows = rs.getLong(2);
        }
      }
      n = (int) Math.min(n, rows / 2);
      if (n < 4) throw new CommandFailure("bench ipr: " + layer + " has " + rows + " rows; 8 needed");
      exec(c, String.format(Locale.ROOT,
          "CREATE TABLE pts AS SELECT i, i %% 2 = 0 AS ref, vec::FLOAT[%d] AS x FROM (SELECT"
              + " row_number() OVER (ORDER BY sample_id) - 1 AS i, vec FROM layer(%s, %s)) WHERE i < %d",
          dim, sqlString(model), sqlString(name), 2L * n));
      float[] all = new float[Math.multiplyExact(2 * n, dim)];
      int at = 0;
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT x FROM pts ORDER BY ref DESC, i")) {
        while (rs.next()) {
          for (Object v : (Object[]) rs.getArray(1).getArray()) all[at++] = ((Number) v).floatValue();
        }
      }
      return all;
    }

    private static String sqlString(String s) {
      return "'" + s.replace("'", "''") + "'";
    }

    /**
     * The least work of an exact IPR that cannot rule out a pair without its distance (on this
     * data no bound can: Gaussian distances concentrate within a few per cent): every R–R and E–E
     * pair once for the k-NN radii, and in the cross pass all of R for each E point outside R's
     * manifold and all of E for each R point outside E's. At the machine's float32 GEMM rate, a
     * pair costs 2·dim flops; NumPy computes all nR² + nE² + nR·nE pairs.
     */
    private void printFloor(
        long nR, long nE, double precision, double recall, double sgemm, double seconds,
        double numpySeconds) {
      long outE = Math.round((1 - precision) * nE);
      long outR = Math.round((1 - recall) * nR);
      long pairs = nR * (nR - 1) / 2 + nE * (nE - 1) / 2 + outE * nR + outR * nE - outE * outR;
      double floor = pairs * 2.0 * dim / (sgemm * 1e9);
      print("ipr_min_pairs", pairs);
      print("numpy_pairs", nR * nR + nE * nE + nR * nE);
      print("ipr_floor_seconds", floor);
      print("ipr_to_floor", seconds / floor);
      if (!Double.isNaN(numpySeconds)) print("numpy_to_floor", numpySeconds / floor);
    }
  }

  /** {@code actdb bench geomca}: geomca over R and E sets of Gaussian points. */
  @Command(
      name = "geomca",
      mixinStandardHelpOptions = true,
      description = {
        "Times geomca(x, ref) (default epsilon) over --n reference and --n evaluation points of",
        "FLOAT[D] in DuckDB, and the distance kernel alone."
      })
  static final class Geomca extends Benchmark {
    @Option(names = "--n", description = "Points per set (default: ${DEFAULT-VALUE}).")
    int n = 5_000;

    @Option(
        names = "--threads",
        description = "DuckDB threads (default: all cores); see docs/sql-functions.md on threads.")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--dim", description = "Dimension (default: ${DEFAULT-VALUE}).")
    int dim = 2048;

    @Option(names = "--runs", description = "Timed runs; the median is reported (default: ${DEFAULT-VALUE}).")
    int runs = 3;

    @Option(
        names = "--sgemm-gflops",
        description = "The machine's fp32 GEMM rate measured in this sitting; adds a ratio.")
    Double sgemmGflops;

    @Override
    protected void execute() throws Exception {
      if (n < 4 || dim < 1 || runs < 1) throw new CommandFailure("bench geomca needs --n >= 4, --dim >= 1 and --runs >= 1");
      print("benchmark", "geomca");
      print("n_reference", n);
      print("n_evaluation", n);
      print("dim", dim);
      print("kernel", Kernels.name());
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
        ActdbFunctions.register(c);
        long t0 = System.nanoTime();
        buildSets(c, n, n, dim);
        print("setup_seconds", seconds(t0));
        exec(c, "SET threads = " + threads);
        long first = System.nanoTime();
        value(c, "SELECT geomca(x, ref).precision FROM pts"); // compiles the Vector API code
        print("geomca_first_run_seconds", seconds(first));
        Object[] row = new Object[5];
        double seconds =
            timedRuns(c, "SELECT g.precision, g.recall, g.epsilon, g.n_components, g.n_edges FROM"
                + " (SELECT geomca(x, ref) AS g FROM pts)", runs, "geomca_seconds", row);
        print("geomca_seconds", seconds);
        print("precision", ((Number) row[0]).doubleValue());
        print("recall", ((Number) row[1]).doubleValue());
        print("epsilon", ((Number) row[2]).doubleValue());
        print("n_components", row[3]);
        print("n_edges", row[4]);
      }
      printDistanceKernel(dim, sgemmGflops);
    }
  }
}
