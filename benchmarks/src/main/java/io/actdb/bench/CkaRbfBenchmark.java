package io.actdb.bench;

import io.actdb.cli.CommandFailure;
import io.actdb.sql.ActdbFunctions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import java.util.SplittableRandom;
import org.duckdb.DuckDBConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code actdb bench cka-rbf}: cka_rbf against NumPy's Gram-form RBF CKA on the same rows. */
@Command(
    name = "cka-rbf",
    mixinStandardHelpOptions = true,
    header = "Times cka_rbf against NumPy's Gram-form RBF CKA on the same rows.",
    footer = {
      "",
      "Examples:",
      "  ./actdb bench cka-rbf",
      "  ./actdb bench cka-rbf --n 2000 --dim 512 --frac 0.8"
    },
    description = {
      "Times cka_rbf(x, y, --frac) over --n rows of FLOAT[--dim] x FLOAT[--dim], and NumPy's",
      "float32 RBF CKA in the Gram form of Kornblith et al.'s demo (n x n distance matrices,",
      "exact median, centred kernels) on the same rows, values checked against each other."
    })
final class CkaRbfBenchmark extends Benchmark {
  @Option(names = "--n", description = "Rows (default: ${DEFAULT-VALUE}).")
  int n = 10_000;

  @Option(names = "--dim", description = "Dimension of x and of y (default: ${DEFAULT-VALUE}).")
  int dim = 2048;

  @Option(names = "--frac", description = "sigma_frac (default: ${DEFAULT-VALUE}).")
  double frac = 0.4;

  @Option(names = "--runs", description = "Timed runs (default: ${DEFAULT-VALUE}).")
  int runs = 3;

  @Override
  protected void execute() throws Exception {
    if (n < 4 || dim < 1) throw new CommandFailure("bench cka-rbf needs --n >= 4, --dim >= 1");
    print("benchmark", "cka-rbf");
    printMachine();
    print("n", n);
    print("dim", dim);
    print("frac", frac);
    float[] rows = new float[Math.multiplyExact(n, 2 * dim)];
    double value;
    double seconds;
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
      ActdbFunctions.register(c);
      exec(c, "CREATE TABLE bench (x FLOAT[" + dim + "], y FLOAT[" + dim + "])");
      // A few clusters, so that the kernel has structure; y = x/2 + noise.
      SplittableRandom random = new SplittableRandom(7);
      float[][] centres = new float[10][dim];
      for (float[] centre : centres)
        for (int k = 0; k < dim; k++) centre[k] = (float) random.nextGaussian();
      float[] x = new float[dim];
      float[] y = new float[dim];
      try (var appender = c.unwrap(DuckDBConnection.class).createAppender("bench")) {
        for (int i = 0; i < n; i++) {
          float[] centre = centres[i % centres.length];
          for (int k = 0; k < dim; k++) {
            x[k] = centre[k] + (float) random.nextGaussian();
            y[k] = x[k] / 2 + (float) random.nextGaussian();
          }
          System.arraycopy(x, 0, rows, i * 2 * dim, dim);
          System.arraycopy(y, 0, rows, i * 2 * dim + dim, dim);
          appender.beginRow().append(x).append(y).endRow();
        }
      }
      String query = "SELECT cka_rbf(x, y, " + frac + ") FROM bench";
      value(c, "SELECT cka_rbf(x, y, " + frac + ") FROM bench LIMIT 500"); // JIT
      Object[] row = new Object[1];
      seconds = timedRuns(c, query, runs, "cka_rbf_seconds", row);
      value = ((Number) row[0]).doubleValue();
      print("cka_rbf", value);
      print("cka_rbf_seconds", seconds);
    }
    String[] whyNot = new String[1];
    Map<String, String> numpy =
        NumpyYardstick.run("cka_rbf_numpy.py", rows, whyNot, "" + n, "" + dim, "" + dim, "" + frac);
    if (numpy == null) {
      print("numpy", "unavailable: " + whyNot[0]);
      return;
    }
    numpy.forEach(this::print);
    double numpyValue = Double.parseDouble(numpy.get("numpy_cka_rbf"));
    // NumPy works in float32 here: its value is good to about 1e-4.
    if (Math.abs(numpyValue - value) > 1e-3) {
      throw new CommandFailure("check failed: cka_rbf " + value + " but NumPy's " + numpyValue);
    }
    print(
        "cka_rbf_to_numpy_float32",
        seconds / Double.parseDouble(numpy.get("numpy_float32_seconds")));
  }
}
