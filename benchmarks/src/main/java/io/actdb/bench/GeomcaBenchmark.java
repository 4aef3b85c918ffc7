package io.actdb.bench;

import io.actdb.cli.CommandFailure;
import io.actdb.sql.ActdbFunctions;
import io.actdb.sql.kernels.Kernels;
import java.sql.Connection;
import java.sql.DriverManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code actdb bench geomca}: geomca over R and E sets of Gaussian points. */
@Command(
    name = "geomca",
    mixinStandardHelpOptions = true,
    header = "Times geomca on Gaussian points, and its distance kernel alone.",
    footer = {"", "Examples:", "  ./actdb bench geomca --n 2000 --dim 256"},
    description = {
      "Times geomca(x, ref) (default epsilon) over --n reference and --n evaluation points of",
      "FLOAT[D] in DuckDB, and the distance kernel alone."
    })
final class GeomcaBenchmark extends Benchmark {
  @Option(names = "--n", description = "Points per set (default: ${DEFAULT-VALUE}).")
  int n = 5_000;

  @Option(
      names = "--threads",
      description = "DuckDB threads (default: all cores); see docs/sql-functions.md on threads.")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(names = "--dim", description = "Dimension (default: ${DEFAULT-VALUE}).")
  int dim = 2048;

  @Option(
      names = "--runs",
      description = "Timed runs; the median is reported (default: ${DEFAULT-VALUE}).")
  int runs = 3;

  @Option(
      names = "--sgemm-gflops",
      description = "The machine's fp32 GEMM rate measured in this sitting; adds a ratio.")
  Double sgemmGflops;

  @Override
  protected void execute() throws Exception {
    if (n < 4 || dim < 1 || runs < 1)
      throw new CommandFailure("bench geomca needs --n >= 4, --dim >= 1 and --runs >= 1");
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
          timedRuns(
              c,
              "SELECT g.precision, g.recall, g.epsilon, g.n_components, g.n_edges FROM"
                  + " (SELECT geomca(x, ref) AS g FROM pts)",
              runs,
              "geomca_seconds",
              row);
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
