package io.actdb.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code actdb bench} at tiny sizes: the same command line and {@code name=value} lines as before
 * the benchmarks left the CLI, and answers that match a plain-Java computation on the data the
 * benchmark generates. The timings themselves are not checked.
 */
class BenchCommandTest {
  /** Exit status and the two output streams of one in-process run of {@link Bench}. */
  private record Run(int status, String out, String err) {
    static Run of(String... args) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine cli = Bench.commandLine();
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(err, true));
      int status = cli.execute(args);
      return new Run(status, out.toString(), err.toString());
    }

    /** The {@code name=value} lines, in order. */
    Map<String, String> values() {
      Map<String, String> values = new LinkedHashMap<>();
      for (String line : out.split("\n")) {
        int eq = line.indexOf('=');
        if (eq > 0) values.put(line.substring(0, eq), line.substring(eq + 1).strip());
      }
      return values;
    }

    double number(String name) {
      String text = values().get(name);
      assertTrue(text != null, name + " missing from:\n" + out);
      return Double.parseDouble(text);
    }
  }

  @Test
  void usageReadsAsPartOfTheActdbCommandLine() {
    Run help = Run.of("bench", "--help");
    assertEquals(0, help.status(), help.err());
    assertTrue(help.out().startsWith("Usage: actdb bench [-hV] [COMMAND]"), help.out());
    for (String name : List.of("cka", "ipr", "geomca", "store", "extract")) {
      assertTrue(help.out().contains("\n  " + name + " "), name + " not listed:\n" + help.out());
    }
    Run viaHelp = Run.of("help", "bench");
    assertEquals(help.out(), viaHelp.out());

    // A usage error (its message goes to the process's stderr, as before the move).
    assertEquals(2, Run.of("bench").status());

    Run tooSmall = Run.of("bench", "cka", "--n", "2");
    assertEquals(1, tooSmall.status());
    assertEquals("bench cka needs --n >= 4 and --dim >= 1", tooSmall.err().strip());
  }

  @Test
  void extractWithATextModelRefusesWhatItCannotTime(@TempDir Path dir) throws Exception {
    assertRefused(
        "actdb: bench extract --model resnet18.pt: expected a pretrained text encoder (minilm-l6,"
            + " bge-small, e5-small) or an .onnx file taking token sequences",
        "--model",
        "resnet18.pt");
    assertRefused(
        "actdb: bench extract --model needs --batch >= 1, --rounds >= 1 and --limit >= 1",
        "--model",
        "minilm-l6",
        "--rounds",
        "0");
    assertRefused(
        "actdb: bench extract --model needs --batch >= 1, --rounds >= 1 and --limit >= 1",
        "--model",
        "minilm-l6",
        "--limit",
        "0");
    assertRefused(
        "actdb: bench extract --model: --batches and --python apply to the ResNet-18 benchmark;"
            + " a text encoder is timed over the whole text set (--limit N takes its first N)",
        "--model",
        "minilm-l6",
        "--batches",
        "5");
    assertRefused(
        "actdb: bench extract: --data, --rounds apply to text encoders; add --model (e.g. --model"
            + " minilm-l6)",
        "--data",
        "sentences",
        "--rounds",
        "2");
    Run images = Run.of("bench", "extract", "--model", "minilm-l6", "--data", "fashion-mnist");
    assertEquals(1, images.status());
    assertTrue(
        images.err().startsWith("actdb: bench extract --model: --data fashion-mnist is not a text"),
        images.err());

    // A file named .onnx that is not one: ONNX's own refusal, before anything runs.
    Path notOnnx = dir.resolve("encoder.onnx");
    Files.writeString(notOnnx, "not a model");
    Run broken = Run.of("bench", "extract", "--model", notOnnx.toString());
    assertEquals(1, broken.status());
    assertTrue(broken.err().startsWith("actdb: " + notOnnx), broken.err());
    assertEquals("", broken.out());
  }

  private static void assertRefused(String message, String... options) {
    String[] args = new String[options.length + 2];
    args[0] = "bench";
    args[1] = "extract";
    System.arraycopy(options, 0, args, 2, options.length);
    Run run = Run.of(args);
    assertEquals(1, run.status(), String.join(" ", args));
    assertEquals(message, run.err().strip());
    assertEquals("", run.out(), "nothing timed before the refusal");
  }

  @Test
  void ckaWithoutTheCcaFamilyEndsAfterItsOwnFigures() {
    Run run =
        Run.of(
            "bench",
            "cka",
            "--n",
            "64",
            "--dim",
            "8",
            "--kernel-seconds",
            "1",
            "--no-numpy",
            "--no-cca");
    assertEquals(0, run.status(), run.err());
    List<String> keys = List.copyOf(run.values().keySet());
    assertEquals("cka_ours_outside_kernel_share", keys.get(keys.size() - 1), keys.toString());
    assertTrue(keys.stream().noneMatch(k -> k.contains("cca")), keys.toString());
  }

  @Test
  void ckaPrintsItsFiguresAndTheRightCka() {
    int n = 64;
    int dim = 8;
    Run run =
        Run.of(
            "bench",
            "cka",
            "--n",
            "" + n,
            "--dim",
            "" + dim,
            "--kernel-seconds",
            "1",
            "--no-numpy");
    assertEquals(0, run.status(), run.err());
    assertEquals(
        List.of(
            "benchmark",
            "n",
            "dim",
            "threads",
            "kernel",
            "setup_seconds",
            "cka",
            "cka_debiased",
            "cka_seconds",
            "cka_debiased_seconds",
            "cka_float_runs_seconds",
            "cka_query_gflops",
            "cka_debiased_query_gflops",
            "cka_float_runs_query_gflops",
            "kernel_gflops",
            "kernel_float_runs_gflops",
            "cka_outside_kernel_share",
            "cka_float_runs_outside_kernel_share",
            "scan_floor_seconds",
            "scan_floor_share",
            "cka_ours_outside_kernel_share",
            "cca",
            "cca_seconds",
            "cca_finalize_seconds",
            "cca_over_cka_plus_finalize",
            "svcca",
            "svcca_seconds",
            "svcca_finalize_seconds",
            "svcca_over_cka_plus_finalize",
            "pwcca",
            "pwcca_seconds",
            "pwcca_finalize_seconds",
            "pwcca_over_cka_plus_finalize",
            "linreg_r2",
            "linreg_r2_seconds",
            "linreg_r2_finalize_seconds",
            "linreg_r2_over_cka_plus_finalize"),
        List.copyOf(run.values().keySet()));

    // The benchmark's table: x uniform in [-1, 1), y = x/2 + the same noise, in float32.
    SplittableRandom random = new SplittableRandom(42);
    double[][] x = new double[n][dim];
    double[][] y = new double[n][dim];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < dim; k++) {
        float xk = (float) (random.nextDouble() * 2 - 1);
        x[i][k] = xk;
        y[i][k] = xk / 2 + (float) (random.nextDouble() * 2 - 1);
      }
    }
    assertEquals(linearCka(x, y), run.number("cka"), 1e-5);
    // Per coordinate corr(x, y) = (1/6) / √(1/3 · 5/12) ≈ 0.447, so the population R² of x from
    // y is 0.2; 8 predictors on 64 rows lift the in-sample value to about 0.3.
    double r2 = run.number("linreg_r2");
    assertTrue(r2 > 0.1 && r2 < 0.6, "linreg_r2 = " + r2);
  }

  @Test
  void iprPrintsThePrecisionAndRecallOfItsPoints() {
    int n = 40;
    int dim = 4;
    Run run = Run.of("bench", "ipr", "--n", "" + n, "--dim", "" + dim, "--runs", "1", "--no-numpy");
    assertEquals(0, run.status(), run.err());
    assertEquals(
        List.of(
            "benchmark",
            "data",
            "n_reference",
            "n_evaluation",
            "dim",
            "threads",
            "kernel",
            "setup_seconds",
            "ipr_first_run_seconds",
            "ipr_seconds_runs",
            "ipr_seconds",
            "precision",
            "recall",
            "distance_kernel",
            "distance_threads",
            "distance_gflops"),
        List.copyOf(run.values().keySet()));

    // The benchmark's points: n reference then n evaluation standard Gaussians, in float32.
    SplittableRandom random = new SplittableRandom(42);
    double[][] reference = new double[n][dim];
    double[][] evaluation = new double[n][dim];
    for (int i = 0; i < 2 * n; i++) {
      double[] point = i < n ? reference[i] : evaluation[i - n];
      for (int k = 0; k < dim; k++) point[k] = (float) random.nextGaussian();
    }
    assertEquals(coveredFraction(evaluation, reference, 3), run.number("precision"), 1e-9);
    assertEquals(coveredFraction(reference, evaluation, 3), run.number("recall"), 1e-9);
  }

  @Test
  void storePrintsItsFiguresAndTheCkaOfItsTwoLayers(@TempDir Path dir) {
    int rows = 64;
    int dim = 4;
    Run run =
        Run.of("bench", "store", "--rows", "" + rows, "--dim", "" + dim, "--dir", dir.toString());
    assertEquals(0, run.status(), run.err());
    assertEquals(
        List.of(
            "benchmark",
            "rows",
            "dim",
            "threads",
            "layer_bytes",
            "write_rounds",
            "write_seconds",
            "write_mb_per_s",
            "plain_write_mb_per_s",
            "write_to_plain",
            "write_seconds_all",
            "plain_write_seconds_all",
            "scan_seconds",
            "scan_gb_per_s",
            "scan_unchecked_gb_per_s",
            "scan_checked_to_unchecked",
            "scan_seconds_all",
            "scan_unchecked_seconds_all",
            "cka",
            "cka_store_seconds",
            "cka_table_seconds",
            "cka_store_to_table",
            "cka_one_table_seconds",
            "cka_store_to_one_table"),
        List.copyOf(run.values().keySet()));
    assertTrue(run.number("layer_bytes") >= (double) rows * dim * Float.BYTES);
    // Layers a and b: the first rows of two Gaussian pools, seeds 1 and 2, joined by row.
    assertEquals(
        linearCka(gaussianRows(1, rows, dim), gaussianRows(2, rows, dim)), run.number("cka"), 1e-5);
    assertEquals(List.of(), List.of(dir.toFile().list()), "the temporary store was left behind");
  }

  private static double[][] gaussianRows(long seed, int rows, int dim) {
    SplittableRandom random = new SplittableRandom(seed);
    double[][] z = new double[rows][dim];
    for (double[] row : z) for (int k = 0; k < dim; k++) row[k] = (float) random.nextGaussian();
    return z;
  }

  /** ‖YᵀX‖²_F / (‖XᵀX‖_F ‖YᵀY‖_F) on column-centred X and Y, in float64. */
  private static double linearCka(double[][] x, double[][] y) {
    double[][] xc = centred(x);
    double[][] yc = centred(y);
    double cross = squaredFrobeniusOfProduct(yc, xc);
    return cross / Math.sqrt(squaredFrobeniusOfProduct(xc, xc) * squaredFrobeniusOfProduct(yc, yc));
  }

  private static double[][] centred(double[][] z) {
    int n = z.length;
    int d = z[0].length;
    double[][] c = new double[n][d];
    for (int k = 0; k < d; k++) {
      double mean = 0;
      for (double[] row : z) mean += row[k];
      mean /= n;
      for (int i = 0; i < n; i++) c[i][k] = z[i][k] - mean;
    }
    return c;
  }

  /** ‖AᵀB‖²_F for row-major A (n × p) and B (n × q). */
  private static double squaredFrobeniusOfProduct(double[][] a, double[][] b) {
    double sum = 0;
    for (int p = 0; p < a[0].length; p++) {
      for (int q = 0; q < b[0].length; q++) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) dot += a[i][p] * b[i][q];
        sum += dot * dot;
      }
    }
    return sum;
  }

  /**
   * Improved precision and recall's membership: the share of {@code points} within the k-NN radius
   * (the point itself not counted, boundary inside) of some point of {@code manifold}.
   */
  private static double coveredFraction(double[][] points, double[][] manifold, int k) {
    double[] radius = new double[manifold.length];
    for (int i = 0; i < manifold.length; i++) {
      double[] others = new double[manifold.length - 1];
      for (int j = 0, at = 0; j < manifold.length; j++) {
        if (j != i) others[at++] = squaredDistance(manifold[i], manifold[j]);
      }
      Arrays.sort(others);
      radius[i] = others[k - 1];
    }
    int covered = 0;
    for (double[] p : points) {
      for (int i = 0; i < manifold.length; i++) {
        if (squaredDistance(p, manifold[i]) <= radius[i]) {
          covered++;
          break;
        }
      }
    }
    return (double) covered / points.length;
  }

  private static double squaredDistance(double[] a, double[] b) {
    double sum = 0;
    for (int k = 0; k < a.length; k++) sum += (a[k] - b[k]) * (a[k] - b[k]);
    return sum;
  }
}
