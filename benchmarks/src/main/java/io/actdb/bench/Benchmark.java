package io.actdb.bench;

import io.actdb.cli.ActdbCommand;
import io.actdb.sql.kernels.Kernels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import jdk.incubator.vector.FloatVector;
import org.duckdb.DuckDBConnection;

/** Output and timing helpers shared by the benchmarks. */
abstract class Benchmark extends ActdbCommand {
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
   * Runs {@code sql} {@code runs} times, prints the times as {@code <name>_runs} and returns their
   * median; {@code row} receives the last run's first row. Several runs because DuckDB runs an
   * aggregate's finalize on the calling thread or on a worker, and in the second case its client
   * thread busy-waits meanwhile (docs/sql-functions.md, Threads).
   */
  double timedRuns(Connection c, String sql, int runs, String name, Object[] row)
      throws SQLException {
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
    Arrays.sort(times);
    return times[runs / 2];
  }

  /**
   * The machine the figures come from: cores, the CPU, and the SIMD width the JVM's Vector API
   * prefers here (ONNX Runtime picks its own kernels by the same CPU features).
   */
  void printMachine() {
    print("threads", Runtime.getRuntime().availableProcessors());
    print("cpu", cpuModel());
    print("vector_bits", Kernels.vectorBits());
    print("cpu_vector_bits", FloatVector.SPECIES_PREFERRED.vectorBitSize());
    print("kernel", Kernels.name());
    print("java", Runtime.version());
  }

  private static String cpuModel() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).strip())
          .findFirst()
          .orElse(System.getProperty("os.arch"));
    } catch (IOException | UncheckedIOException e) {
      return System.getProperty("os.arch");
    }
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
    SplittableRandom random = new SplittableRandom(42);
    float[] all = new float[Math.multiplyExact(nRef + nEval, dim)];
    float[] x = new float[dim];
    try (var appender = c.unwrap(DuckDBConnection.class).createAppender("pts")) {
      for (int i = 0; i < nRef + nEval; i++) {
        for (int k = 0; k < dim; k++) x[k] = all[i * dim + k] = (float) random.nextGaussian();
        appender.beginRow().append((long) i).append(i < nRef).append(x).endRow();
      }
    }
    return all;
  }
}
