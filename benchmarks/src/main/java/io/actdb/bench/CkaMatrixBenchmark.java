package io.actdb.bench;

import io.actdb.cli.CommandFailure;
import io.actdb.sql.ActdbFunctions;
import io.actdb.sql.StoreConnections;
import io.actdb.sql.cka.LinearCka;
import io.actdb.sql.kernels.GramKernels;
import io.actdb.storage.LayerWriter;
import io.actdb.storage.StoreWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.duckdb.DuckDBConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code actdb bench cka-matrix}: the L × L CKA matrix of one query against NumPy's one Gram. */
@Command(
    name = "cka-matrix",
    mixinStandardHelpOptions = true,
    header = "Times cka_matrix (every layer pair in one pass) against NumPy's one Gram.",
    footer = {
      "",
      "Examples:",
      "  ./actdb bench cka-matrix",
      "  ./actdb bench cka-matrix --layers 16 --dim 1024 --n 10000"
    },
    description = {
      "Times cka_matrix over a table of activations, one row per sample and layer (SELECT"
          + " unnest(cka_matrix(vecs)) FROM (SELECT sample_id, list(vec ORDER BY layer) ..."
          + " GROUP BY sample_id)): every pair of --layers layers of --dim floats over --n"
          + " samples, against NumPy computing the same matrix from one Gram matrix of all layers"
          + " side by side, in float64 (the yardstick of the exact default) and float32 (that of"
          + " float_runs).",
      "Then layer_cka(model_a, model_b) over a store of the same rows, which reads each layer"
          + " file straight into the matrix's row blocks."
    })
final class CkaMatrixBenchmark extends Benchmark {
  @Option(names = "--layers", description = "Layers (default: ${DEFAULT-VALUE}).")
  int layers = 8;

  @Option(names = "--dim", description = "Floats per layer (default: ${DEFAULT-VALUE}).")
  int dim = 512;

  @Option(names = "--n", description = "Samples (default: ${DEFAULT-VALUE}).")
  int n = 10_000;

  @Option(names = "--runs", description = "Timed runs of each query (default: ${DEFAULT-VALUE}).")
  int runs = 3;

  @Option(names = "--no-numpy", description = "Skip the NumPy yardstick.")
  boolean noNumpy;

  @Option(
      names = "--store-only",
      description =
          "Time layer_cka over a store only, not the aggregate over a table (whose per-thread"
              + " states need twice the heap for wide layers).")
  boolean storeOnly;

  @Override
  protected void execute() throws Exception {
    if (layers < 2 || dim < 1 || n < 4) {
      throw new CommandFailure("bench cka-matrix needs --layers >= 2, --dim >= 1 and --n >= 4");
    }
    print("benchmark", "cka-matrix");
    printMachine();
    print("layers", layers);
    print("dim", dim);
    print("n", n);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
      ActdbFunctions.register(c);
      long t0 = System.nanoTime();
      float[] rows = buildTable(c);
      print("setup_seconds", seconds(t0));
      int sum = layers * dim;
      double flops = GramKernels.upperGramFlops(n, sum);
      if (storeOnly) {
        LayerCkaTimes store = timeLayerCka(rows, null, flops);
        compareWithNumpy(rows, store.matrix(), Double.NaN, Double.NaN, store);
        return;
      }
      String query =
          "SELECT list(p.cka ORDER BY p.i, p.j), list(p.cka_debiased ORDER BY p.i, p.j) FROM"
              + " (SELECT unnest(cka_matrix(vecs)) AS p FROM (SELECT sample_id, list(vec ORDER BY"
              + " layer) AS vecs FROM acts GROUP BY sample_id))";
      double[] exact = matrix(c, query);
      double exactSeconds = timedRuns(c, query, runs, "cka_matrix_seconds", new Object[1]);
      print("cka_matrix_seconds", exactSeconds);
      String previous = System.getProperty(LinearCka.ACCUMULATION_PROPERTY);
      double floatSeconds;
      double[] floatRuns;
      try {
        System.setProperty(LinearCka.ACCUMULATION_PROPERTY, "float_runs");
        floatRuns = matrix(c, query);
        floatSeconds = timedRuns(c, query, runs, "cka_matrix_float_runs_seconds", new Object[1]);
      } finally {
        if (previous == null) System.clearProperty(LinearCka.ACCUMULATION_PROPERTY);
        else System.setProperty(LinearCka.ACCUMULATION_PROPERTY, previous);
      }
      print("cka_matrix_float_runs_seconds", floatSeconds);
      print("float_runs_max_difference", maxDifference(exact, floatRuns));
      // What the query costs outside the aggregate: DuckDB gathering each sample's layers.
      String gather =
          "SELECT sum(len(vecs)) FROM (SELECT sample_id, list(vec ORDER BY layer) AS vecs FROM"
              + " acts GROUP BY sample_id)";
      double gatherSeconds = timedRuns(c, gather, runs, "gather_seconds", new Object[1]);
      print("gather_seconds", gatherSeconds);
      // The Gram of all layers side by side: n·Σd·(Σd + 1) flops for its upper triangle, timed
      // alone on blocks of the aggregate's shape (its block rows, all cores).
      print("query_gflops", flops / exactSeconds / 1e9);
      int blockRows = (int) Math.min(2048, (16L << 20) / (4L * sum));
      for (var accumulation : GramKernels.Accumulation.values()) {
        Map<String, Object> kernel =
            GramKernelBenchmark.run(
                blockRows, sum, Runtime.getRuntime().availableProcessors(), 3, accumulation, true);
        double rate = Double.parseDouble(kernel.get("kernel_gflops").toString());
        String name = accumulation == GramKernels.Accumulation.EXACT ? "exact" : "float_runs";
        double querySeconds = name.equals("exact") ? exactSeconds : floatSeconds;
        print(name + "_kernel_gflops", rate);
        print(name + "_outside_kernel_share", 1 - flops / rate / 1e9 / querySeconds);
      }
      LayerCkaTimes store = timeLayerCka(rows, exact, flops);
      compareWithNumpy(rows, exact, exactSeconds, floatSeconds, store);
    }
  }

  /**
   * NumPy's one-Gram times on the same rows, its matrix checked against {@code exact}, and the
   * ratios of the table form (unless its times are NaN) and of {@code layer_cka}.
   */
  private void compareWithNumpy(
      float[] rows, double[] exact, double exactSeconds, double floatSeconds, LayerCkaTimes store)
      throws Exception {
    if (noNumpy) return;
    int[] dims = new int[layers];
    Arrays.fill(dims, dim);
    String[] whyNot = new String[1];
    Map<String, String> numpy = NumpyYardstick.ckaMatrix(rows, n, dims, whyNot);
    if (numpy == null) {
      print("numpy", "unavailable: " + whyNot[0]);
      return;
    }
    for (String key :
        new String[] {
          "numpy_version",
          "numpy_sgemm_gflops",
          "numpy_dgemm_gflops",
          "numpy_gram_form",
          "numpy_float64_seconds",
          "numpy_float32_seconds"
        }) {
      print(key, numpy.get(key));
    }
    double[] reference = parse(numpy.get("numpy_float64_matrix"));
    double difference = maxDifference(exact, reference);
    print("max_difference_to_numpy", difference);
    if (difference > 1e-6) throw new CommandFailure("check failed: actdb's matrix != NumPy's");
    double f64 = Double.parseDouble(numpy.get("numpy_float64_seconds"));
    double f32 = Double.parseDouble(numpy.get("numpy_float32_seconds"));
    if (!Double.isNaN(exactSeconds)) {
      print("exact_to_numpy_float64", exactSeconds / f64);
      print("float_runs_to_numpy_float32", floatSeconds / f32);
    }
    print("layer_cka_exact_to_numpy_float64", store.exactSeconds() / f64);
    print("layer_cka_float_runs_to_numpy_float32", store.floatRunsSeconds() / f32);
  }

  /** The median times of layer_cka, exact and with float_runs, and its exact matrix. */
  private record LayerCkaTimes(double exactSeconds, double floatRunsSeconds, double[] matrix) {}

  /**
   * Times {@code layer_cka} over a store of the same rows (layer files read straight into the
   * matrix's row blocks, no DuckDB gather), exact and with float_runs; checks its matrix against
   * the table form's unless {@code expected} is null.
   */
  private LayerCkaTimes timeLayerCka(float[] rows, double[] expected, double flops)
      throws Exception {
    Path dir = Files.createTempDirectory("actdb-bench-layer-cka");
    try {
      long t0 = System.nanoTime();
      writeStore(dir, rows);
      print("store_setup_seconds", seconds(t0));
      try (Connection c = StoreConnections.open(dir)) {
        String query =
            "SELECT list(cka ORDER BY position_a, position_b), list(cka_debiased ORDER BY"
                + " position_a, position_b) FROM layer_cka('m', 'm')";
        double[] exact = matrix(c, query);
        double exactSeconds = timedRuns(c, query, runs, "layer_cka_seconds", new Object[1]);
        print("layer_cka_seconds", exactSeconds);
        if (expected != null) {
          double difference = maxDifference(expected, exact);
          print("layer_cka_max_difference", difference);
          if (difference > 1e-9) throw new CommandFailure("check failed: layer_cka != cka_matrix");
        }
        String previous = System.getProperty(LinearCka.ACCUMULATION_PROPERTY);
        double floatSeconds;
        try {
          System.setProperty(LinearCka.ACCUMULATION_PROPERTY, "float_runs");
          matrix(c, query);
          floatSeconds = timedRuns(c, query, runs, "layer_cka_float_runs_seconds", new Object[1]);
        } finally {
          if (previous == null) System.clearProperty(LinearCka.ACCUMULATION_PROPERTY);
          else System.setProperty(LinearCka.ACCUMULATION_PROPERTY, previous);
        }
        print("layer_cka_float_runs_seconds", floatSeconds);
        print("layer_cka_gflops", flops / exactSeconds / 1e9);
        return new LayerCkaTimes(exactSeconds, floatSeconds, exact);
      }
    } finally {
      DirectoryTree.delete(dir);
    }
  }

  /** A store of model m with the layers side by side in {@code rows}, named layer01, layer02, … */
  private void writeStore(Path dir, float[] rows) throws Exception {
    int width = layers * dim;
    try (StoreWriter w = StoreWriter.open(dir)) {
      for (int l = 0; l < layers; l++) {
        try (LayerWriter lw =
            w.beginLayer("m", String.format(Locale.ROOT, "layer%02d", l + 1), dim, "avg")) {
          for (int i = 0; i < n; i++) lw.append(i, rows, i * width + l * dim);
          lw.commit();
        }
      }
    }
  }

  /** The biased matrix, row-major, from the query's first column. */
  private static double[] matrix(Connection c, String query) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(query)) {
      r.next();
      Object[] values = (Object[]) r.getArray(1).getArray();
      double[] out = new double[values.length];
      for (int i = 0; i < out.length; i++) out[i] = ((Number) values[i]).doubleValue();
      return out;
    }
  }

  private static double[] parse(String csv) {
    String[] parts = csv.split(",");
    double[] out = new double[parts.length];
    for (int i = 0; i < out.length; i++) out[i] = Double.parseDouble(parts[i]);
    return out;
  }

  private static double maxDifference(double[] a, double[] b) {
    if (a.length != b.length) return Double.POSITIVE_INFINITY;
    double max = 0;
    for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
    return max;
  }

  /**
   * {@code acts(sample_id BIGINT, layer INTEGER, vec FLOAT[dim])}: layer l of a sample is layer l −
   * 1 permuted, shrunk and given fresh noise, so similarity decays with distance as in a network.
   * Returns the rows side by side (sample-major, layers in order) for NumPy.
   */
  private float[] buildTable(Connection c) throws Exception {
    if (!storeOnly) {
      exec(c, "CREATE TABLE acts (sample_id BIGINT, layer INTEGER, vec FLOAT[" + dim + "])");
    }
    SplittableRandom random = new SplittableRandom(8);
    int width = layers * dim;
    float[] all = new float[Math.multiplyExact(n, width)];
    float[] v = new float[dim];
    try (var appender =
        storeOnly ? null : c.unwrap(DuckDBConnection.class).createAppender("acts")) {
      for (int i = 0; i < n; i++) {
        int base = i * width;
        for (int l = 0; l < layers; l++) {
          for (int k = 0; k < dim; k++) {
            double noise = random.nextGaussian();
            v[k] =
                l == 0
                    ? (float) noise
                    : (float) (0.9 * all[base + (l - 1) * dim + (k * 7 + l) % dim] + 0.45 * noise);
            all[base + l * dim + k] = v[k];
          }
          if (appender != null) appender.beginRow().append((long) i).append(l).append(v).endRow();
        }
      }
    }
    return all;
  }
}
