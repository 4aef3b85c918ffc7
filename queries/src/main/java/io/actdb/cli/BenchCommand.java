package io.actdb.cli;

import io.actdb.sql.ActdbFunctions;
import io.actdb.sql.kernels.GramKernelBenchmark;
import io.actdb.sql.kernels.GramKernels;
import io.actdb.sql.kernels.Kernels;
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
    subcommands = {BenchCommand.Cka.class})
final class BenchCommand implements Runnable {
  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this), "Missing benchmark: use one of cka");
  }

  /** {@code actdb bench cka}: cka and cka_debiased over an n × D table built in DuckDB. */
  @Command(
      name = "cka",
      mixinStandardHelpOptions = true,
      description = {
        "Times cka(x, y) and cka_debiased(x, y) over n rows of FLOAT[D] x FLOAT[D] in DuckDB,",
        "and the Gram kernel alone on the same shape and thread count."
      })
  static final class Cka extends ActdbCommand {
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

        double flops = GramKernels.upperGramFlops(n, 2 * dim);
        print("cka", cka);
        print("cka_debiased", debiased);
        print("cka_seconds", ckaSeconds);
        print("cka_debiased_seconds", debiasedSeconds);
        print("cka_query_gflops", flops / ckaSeconds / 1e9);
        print("cka_debiased_query_gflops", flops / debiasedSeconds / 1e9);
      }
      Map<String, Object> kernel =
          GramKernelBenchmark.run(n, 2 * dim, threads, Math.max(1, kernelSeconds));
      double kernelGflops = Double.parseDouble(kernel.get("kernel_gflops").toString());
      print("kernel_gflops", kernelGflops);
      if (sgemmGflops != null) {
        print("sgemm_gflops", sgemmGflops);
        print("kernel_to_sgemm", kernelGflops / sgemmGflops);
      }
    }

    private void buildTable(Connection c) throws SQLException {
      // Deterministic pseudo-random data; y = x/2 + independent noise, so 0 < CKA < 1.
      exec(
          c,
          String.format(
              Locale.ROOT,
              "CREATE TABLE base AS SELECT i, [(hash(i * %1$d + k) %% 20001)::FLOAT / 10000 - 1"
                  + " FOR k IN range(%1$d)]::FLOAT[%1$d] AS x FROM range(%2$d) r(i)",
              dim,
              n));
      exec(
          c,
          String.format(
              Locale.ROOT,
              "CREATE TABLE bench AS SELECT i, x, [x[k + 1] / 2 + (hash(i * %1$d + k + 7) %% 2001)::FLOAT"
                  + " / 1000 - 1 FOR k IN range(%1$d)]::FLOAT[%1$d] AS y FROM base",
              dim));
      exec(c, "DROP TABLE base");
    }

    private static void exec(Connection c, String sql) throws SQLException {
      try (Statement st = c.createStatement()) {
        st.execute(sql);
      }
    }

    private static double value(Connection c, String sql) throws SQLException {
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery(sql)) {
        rs.next();
        return rs.getDouble(1);
      }
    }

    private static double seconds(long start) {
      return (System.nanoTime() - start) / 1e9;
    }

    private void print(String name, Object value) {
      String text =
          value instanceof Double d ? String.format(Locale.ROOT, "%.6g", d) : String.valueOf(value);
      out().println(name + "=" + text);
      out().flush();
    }
  }
}
