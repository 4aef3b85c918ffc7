package io.actdb.bench;

import io.actdb.cli.CommandFailure;
import io.actdb.sql.StoreConnections;
import io.actdb.sql.kernels.Kernels;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code actdb bench ipr}: ipr over R and E sets of Gaussian points, and NumPy on the same. */
@Command(
    name = "ipr",
    mixinStandardHelpOptions = true,
    header = "Times ipr on Gaussian points against its distance kernel and NumPy.",
    footer = {
      "",
      "Examples:",
      "  ./actdb bench ipr --n 2000 --dim 256",
      "  ./actdb bench ipr --store actdb-demo/store --layer cnn-s1/fc1"
    },
    description = {
      "Times ipr(x, ref) over --n reference and --n evaluation points of FLOAT[D] in DuckDB,",
      "the distance kernel alone, and (when python3 with numpy is there) the straightforward",
      "NumPy IPR (full distance matrices + partition) on the same data, in float32 and as prdc",
      "computes it; then the least work any exact IPR must do here, timed at NumPy's GEMM rate."
    })
final class IprBenchmark extends Benchmark {
  @Option(names = "--n", description = "Points per set (default: ${DEFAULT-VALUE}).")
  int n = 10_000;

  @Option(names = "--dim", description = "Dimension (default: ${DEFAULT-VALUE}).")
  int dim = 2048;

  @Option(
      names = "--runs",
      description = "Timed runs; the median is reported (default: ${DEFAULT-VALUE}).")
  int runs = 3;

  @Option(
      names = "--threads",
      description = "DuckDB threads (default: all cores); see docs/sql-functions.md on threads.")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(
      names = "--store",
      paramLabel = "<dir>",
      description =
          "Time real activations from this store (with --layer) instead of Gaussian points.")
  Path store;

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
    if (n < 4 || dim < 1 || runs < 1)
      throw new CommandFailure("bench ipr needs --n >= 4, --dim >= 1 and --runs >= 1");
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
          timedRuns(
              c,
              "SELECT r.precision, r.recall FROM (SELECT ipr(x, ref) AS r FROM pts)",
              runs,
              "ipr_seconds",
              row);
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
    try (var ps =
        c.prepareStatement("SELECT dim, rows FROM layers WHERE model = ? AND layer = ?")) {
      ps.setString(1, model);
      ps.setString(2, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new CommandFailure(
              "bench ipr: "
                  + store
                  + " has no layer "
                  + layer
                  + " (list them: actdb sql --store "
                  + store
                  + " -c 'FROM layers')");
        }
        dim = rs.getInt(1);
        rows = rs.getLong(2);
      }
    }
    n = (int) Math.min(n, rows / 2);
    if (n < 4) throw new CommandFailure("bench ipr: " + layer + " has " + rows + " rows; 8 needed");
    exec(
        c,
        String.format(
            Locale.ROOT,
            "CREATE TABLE pts AS SELECT i, i %% 2 = 0 AS ref, vec::FLOAT[%d] AS x FROM (SELECT"
                + " row_number() OVER (ORDER BY sample_id) - 1 AS i, vec FROM layer(%s, %s)) WHERE"
                + " i < %d",
            dim,
            sqlString(model),
            sqlString(name),
            2L * n));
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
   * The least work of an exact IPR that cannot rule out a pair without its distance (on this data
   * no bound can: Gaussian distances concentrate within a few per cent): every R–R and E–E pair
   * once for the k-NN radii, and in the cross pass all of R for each E point outside R's manifold
   * and all of E for each R point outside E's. At the machine's float32 GEMM rate, a pair costs
   * 2·dim flops; NumPy computes all nR² + nE² + nR·nE pairs.
   */
  private void printFloor(
      long nR,
      long nE,
      double precision,
      double recall,
      double sgemm,
      double seconds,
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
