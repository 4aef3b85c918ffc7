package io.actdb.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code actdb bench spark} at a tiny size: it runs, the engines agree (the benchmark checks it and
 * prints all three answers), and the printed projection follows the printed model from the printed
 * measurements. The timings themselves are not checked.
 */
class SparkBenchmarkTest {
  @Test
  void tinyRunPrintsAgreeingAnswersAndAProjectionThatFollowsItsModel() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Bench.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int status =
        cli.execute(
            "bench", "spark", "--n", "20000", "--dim", "16", "--runs", "1", "--executors", "4,32");
    assertEquals(0, status, err + "\n" + out);
    Map<String, String> v = new LinkedHashMap<>();
    for (String line : out.toString().split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) v.put(line.substring(0, eq), line.substring(eq + 1).strip());
    }
    double duck = number(v, "duckdb_cka");
    assertTrue(duck > 0 && duck < 1, "cka of y = x/2 + noise lies strictly inside (0, 1): " + duck);
    assertEquals(duck, number(v, "spark_local1_cka"), 1e-5 * duck);
    assertEquals(duck, number(v, "spark_local2_cka"), 1e-5 * duck);
    assertTrue(v.containsKey("cpu_vector_bits"), out.toString());
    // local[1] ran in a JVM of one CPU, so that actdb's kernels too computed on one core
    assertEquals(1, number(v, "spark_local1_cpus"));
    assertEquals(
        Math.min(2, Runtime.getRuntime().availableProcessors()), number(v, "spark_local2_cpus"));
    assertTrue(number(v, "spark_local1_partial_state_bytes") > 8.0 * 32 * 33 / 2, out.toString());

    double ratio = number(v, "spark_local1_seconds") / number(v, "spark_local2_seconds");
    assertEquals(ratio, number(v, "spark_scaling_local2_over_local1"), 1e-4 * ratio);
    double linear = 4096.0 / 16;
    double cka = number(v, "spark_local1_seconds") / 20000;
    double scan = Math.min(number(v, "spark_local1_scan_seconds") / 20000, cka);
    double perRow = scan * linear + (cka - scan) * linear * linear;
    double state = number(v, "spark_local1_partial_state_bytes") * linear * linear;
    double efficiency = Math.min(1, ratio / 2);
    for (int executors : new int[] {4, 32}) {
      double tasks = executors * 4.0;
      double expected = 1e9 * perRow / (tasks * efficiency) + tasks * state / (10e9 / 8);
      double printed = number(v, "projected_seconds_" + executors + "_executors");
      assertEquals(expected, printed, 1e-3 * expected, executors + " executors");
    }
  }

  private static double number(Map<String, String> values, String name) {
    String text = values.get(name);
    assertTrue(text != null, name + " missing from " + values);
    return Double.parseDouble(text);
  }
}
