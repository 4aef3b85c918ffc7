package io.actdb.bench;

import io.actdb.cli.CommandFailure;
import io.actdb.spark.ActdbSpark;
import io.actdb.sql.ActdbFunctions;
import java.io.BufferedReader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code actdb bench spark}: cka on Spark in local mode with one and two cores, against DuckDB on
 * the same Parquet files, and a projection to a cluster from the measured per-row cost and state.
 */
@Command(
    name = "spark",
    mixinStandardHelpOptions = true,
    header = "Times cka on Spark (local[1], local[2]) against DuckDB on the same Parquet files.",
    footer = {
      "",
      "Examples:",
      "  ./actdb bench spark",
      "  ./actdb bench spark --n 500000 --dim 128 --runs 1",
      "  ./actdb bench spark --executors 16,64,256 --executor-cores 8 --network-gbps 25"
    },
    description = {
      "Writes --n rows of x, y FLOAT[D] (y = x/2 + noise) as Parquet with DuckDB, then times"
          + " SELECT cka(x, y) over them on Spark with local[1] and local[2] (scaling ratio;"
          + " target >= 1.7) and on DuckDB with all cores (target: Spark on local[2] within 2x),"
          + " medians of --runs runs after a warm-up. Every engine's answer must agree to 1e-9"
          + " relative.",
      "From the measured per-row costs on one core (of cka, and of reading the rows alone), the"
          + " parallel efficiency of local[2] and the partial state's size (Spark's shuffle bytes"
          + " of a task), it projects the time for 1 B rows of 4096-d on N executors; the model is"
          + " printed with the figures. Not part of the tests."
    })
final class SparkBenchmark extends Benchmark {
  @Option(names = "--n", description = "Rows (default: ${DEFAULT-VALUE}).")
  int n = 2_000_000;

  @Option(names = "--dim", description = "Dimension of x and of y (default: ${DEFAULT-VALUE}).")
  int dim = 256;

  @Option(
      names = "--runs",
      description = "Timed runs per engine; the median is reported (default: ${DEFAULT-VALUE}).")
  int runs = 3;

  @Option(
      names = "--executors",
      split = ",",
      description = "Executor counts to project for (default: 16,64,256).")
  int[] executors = {16, 64, 256};

  @Option(
      names = "--executor-cores",
      description = "Cores per executor in the projection (default: ${DEFAULT-VALUE}).")
  int executorCores = 4;

  @Option(
      names = "--network-gbps",
      description = "Network rate into the final merge, Gbit/s (default: ${DEFAULT-VALUE}).")
  double networkGbps = 10;

  @Option(
      names = "--data",
      paramLabel = "<dir>",
      description =
          "Keep the Parquet files in this directory, and use the ones it holds from an earlier"
              + " run of the same --n and --dim instead of writing them again.")
  Path keptData;

  /** What the projection is for. */
  private static final long PROJECTED_ROWS = 1_000_000_000L;

  private static final int PROJECTED_DIM = 4096;

  @Override
  protected void execute() throws Exception {
    if (n < 1000 || dim < 1 || runs < 1) {
      throw new CommandFailure("bench spark needs --n >= 1000, --dim >= 1 and --runs >= 1");
    }
    print("benchmark", "spark");
    printMachine();
    print("n", n);
    print("dim", dim);
    Path data = keptData != null ? keptData : Files.createTempDirectory("actdb-bench-spark");
    try {
      String files = data.resolve("*.parquet").toString();
      long t0 = System.nanoTime();
      double duck;
      double duckSeconds;
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
        ActdbFunctions.register(c);
        if (holdsParquet(data)) {
          checkKeptData(c, files);
        } else {
          Files.createDirectories(data);
          writeParquet(c, data);
        }
        print("setup_seconds", seconds(t0));
        print("parquet_bytes", directoryBytes(data));
        String sql = "SELECT cka(x, y) FROM read_parquet('" + files + "')";
        value(c, sql + " WHERE i < 10000");
        Object[] row = new Object[1];
        duckSeconds = timedRuns(c, sql, runs, "duckdb_seconds", row);
        duck = ((Number) row[0]).doubleValue();
      }
      print("duckdb_cka", duck);
      print("duckdb_seconds", duckSeconds);

      SparkRun one = sparkRun(1, data);
      SparkRun two = sparkRun(2, data);
      for (SparkRun r : List.of(one, two)) {
        if (!(Math.abs(r.cka - duck) <= 1e-9 * Math.abs(duck))) {
          throw new CommandFailure(
              "check failed: cka on Spark local[" + r.cores + "] " + r.cka + ", DuckDB " + duck);
        }
      }
      double scaling = one.seconds / two.seconds;
      double versusDuckdb = two.seconds / duckSeconds;
      print("spark_scaling_local2_over_local1", scaling);
      print("spark_scaling_target", 1.7);
      print("spark_scaling_met", scaling >= 1.7);
      print("spark_local2_over_duckdb", versusDuckdb);
      print("spark_over_duckdb_target", 2.0);
      print("spark_over_duckdb_met", versusDuckdb <= 2.0);
      project(one, scaling);
    } finally {
      if (keptData == null) deleteTree(data);
    }
  }

  private static boolean holdsParquet(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) return false;
    try (Stream<Path> files = Files.list(dir)) {
      return files.anyMatch(p -> p.getFileName().toString().endsWith(".parquet"));
    }
  }

  /** Parquet files kept from an earlier run must be of this run's shape. */
  private void checkKeptData(Connection c, String files) throws Exception {
    String shape =
        "SELECT count(*) = "
            + n
            + " AND min(len(x)) = "
            + dim
            + " AND max(len(y)) = "
            + dim
            + " FROM read_parquet('"
            + files
            + "')";
    if (value(c, "SELECT (" + shape + ")::INTEGER") != 1) {
      throw new CommandFailure(
          "bench spark: "
              + keptData
              + " holds Parquet files of another shape than --n "
              + n
              + " --dim "
              + dim
              + "; give another --data directory or the run's --n and --dim");
    }
  }

  /**
   * The DuckDB-written data set: row groups of about 32 MB in files of about 128 MB, so that Spark
   * splits it into even tasks (a split holds whole row groups).
   */
  private void writeParquet(Connection c, Path dir) throws Exception {
    long rowGroupRows = Math.max(1024, (32L << 20) / (8L * dim));
    exec(c, "SELECT setseed(0.42)");
    exec(
        c,
        "COPY (SELECT i, x, [(v / 2 + random() - 0.5)::FLOAT FOR v IN x] AS y"
            + " FROM (SELECT i, [(random() - 0.5)::FLOAT FOR j IN range("
            + dim
            + ")] AS x FROM range("
            + n
            + ") t(i))) TO '"
            + dir
            + "' (FORMAT parquet, OVERWRITE_OR_IGNORE, FILE_SIZE_BYTES '128MB', ROW_GROUP_SIZE "
            + rowGroupRows
            + ")");
  }

  /** One Spark master's figures. */
  private record SparkRun(
      int cores, double seconds, double scanSeconds, double cka, double stateBytes) {}

  /**
   * Runs one Spark measurement in a JVM of its own that sees only {@code cores} CPUs: actdb's
   * kernels size their thread pool from the CPU count, so in this JVM local[1] would still compute
   * on every core, and neither the scaling nor the cost per core would be measured.
   */
  private SparkRun sparkRun(int cores, Path data) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.add("-XX:ActiveProcessorCount=" + cores);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Child.class.getName());
    command.add(Integer.toString(cores));
    command.add(data.toString());
    command.add(Integer.toString(runs));
    Process child =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Map<String, String> values = new LinkedHashMap<>();
    try (BufferedReader lines = child.inputReader()) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        int eq = line.indexOf('=');
        if (eq < 0) continue;
        String name = line.substring(0, eq);
        String value = line.substring(eq + 1);
        values.put(name, value);
        print(name, name.endsWith("_runs") ? value : (Object) Double.parseDouble(value));
      }
    }
    int status = child.waitFor();
    String prefix = "spark_local" + cores;
    if (status != 0 || !values.containsKey(prefix + "_cka")) {
      throw new CommandFailure(
          "bench spark: the local[" + cores + "] run failed (exit " + status + "); see above");
    }
    return new SparkRun(
        cores,
        Double.parseDouble(values.get(prefix + "_seconds")),
        Double.parseDouble(values.get(prefix + "_scan_seconds")),
        Double.parseDouble(values.get(prefix + "_cka")),
        Double.parseDouble(values.get(prefix + "_partial_state_bytes")));
  }

  /**
   * The child JVM of {@link #sparkRun}: arguments cores, Parquet directory, runs; prints {@code
   * name=value} lines with every digit.
   */
  static final class Child {
    private Child() {}

    public static void main(String[] args) {
      try {
        measure(Integer.parseInt(args[0]), args[1], Integer.parseInt(args[2]));
      } catch (Exception e) {
        System.err.println("bench spark: " + e.getMessage());
        System.exit(1);
      }
      System.exit(0);
    }

    private static void measure(int cores, String data, int runs) {
      SparkSession spark =
          SparkSession.builder()
              .master("local[" + cores + "]")
              .appName("actdb-bench-spark")
              .config("spark.ui.enabled", "false")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.sql.shuffle.partitions", String.valueOf(cores))
              .getOrCreate();
      try {
        spark.sparkContext().setLogLevel("ERROR");
        ActdbSpark.register(spark);
        spark.read().parquet(data).createOrReplaceTempView("bench");
        String name = "spark_local" + cores;
        print(name + "_cpus", Runtime.getRuntime().availableProcessors());
        // Warm-up (JIT, Spark's code generation) on a slice.
        spark.sql("SELECT cka(x, y) FROM bench WHERE i < 10000").first();
        ShuffleBytes shuffle = new ShuffleBytes();
        spark.sparkContext().addSparkListener(shuffle);
        double[] cka = new double[1];
        double median =
            timed(
                name,
                runs,
                () -> cka[0] = spark.sql("SELECT cka(x, y) FROM bench").first().getDouble(0));
        spark.sparkContext().removeSparkListener(shuffle);
        print(name + "_seconds", median);
        // The same rows read and decoded without cka: the cost that grows with D, not with D².
        double scan =
            timed(
                name + "_scan",
                runs,
                () -> spark.sql("SELECT sum(size(x) + size(y)) FROM bench").first().getLong(0));
        print(name + "_scan_seconds", scan);
        print(name + "_cka", cka[0]);
        print(name + "_partial_state_bytes", shuffle.largest.get());
      } finally {
        spark.stop();
      }
    }

    private static void print(String name, Object value) {
      System.out.println(name + "=" + value);
      System.out.flush();
    }

    /** Runs {@code query} {@code runs} times; prints the times and returns their median. */
    private static double timed(String name, int runs, Runnable query) {
      double[] times = new double[runs];
      StringBuilder list = new StringBuilder();
      for (int r = 0; r < runs; r++) {
        long t0 = System.nanoTime();
        query.run();
        times[r] = seconds(t0);
        list.append(r == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.3f", times[r]));
      }
      print(name + "_seconds_runs", list);
      Arrays.sort(times);
      return times[runs / 2];
    }
  }

  /**
   * The largest shuffle output of one task: a partial state (a task that read no rows, e.g. of a
   * split without row groups, writes a smaller, empty one).
   */
  private static final class ShuffleBytes extends SparkListener {
    final AtomicLong largest = new AtomicLong();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      if (end.taskMetrics() == null) return;
      largest.accumulateAndGet(end.taskMetrics().shuffleWriteMetrics().bytesWritten(), Math::max);
    }
  }

  /**
   * The cluster projection. Per row, cka's cost has a part that grows with D = dim(x) + dim(y)
   * (reading, decoding and handing over the vectors: measured by the scan without cka) and one that
   * grows with D² (the update of the moment matrices: the rest); its partial state is those
   * matrices, O(D²). The rows are spread over executors × cores tasks at local[2]'s measured
   * parallel efficiency; each task sends one partial state to the single reducer of the one group,
   * which receives them at the network's rate.
   */
  private void project(SparkRun one, double scaling) {
    double linear = (double) PROJECTED_DIM / dim;
    double square = linear * linear;
    double perRow = one.seconds / n;
    double perRowScan = Math.min(one.scanSeconds, one.seconds) / n;
    double perRowProjected = perRowScan * linear + (perRow - perRowScan) * square;
    double efficiency = Math.min(1.0, scaling / 2);
    double stateProjected = one.stateBytes * square;
    double bytesPerSecond = networkGbps * 1e9 / 8;
    print(
        "model",
        "seconds = rows x (scan_per_row x (4096/dim) + (cka_per_row - scan_per_row) x (4096/dim)^2)"
            + " / (executors x cores x efficiency) + executors x cores x state_bytes x (4096/dim)^2"
            + " / network_bytes_per_second");
    print("cka_per_row_core_seconds", perRow);
    print("scan_per_row_core_seconds", perRowScan);
    print("parallel_efficiency", efficiency);
    print("projected_rows", PROJECTED_ROWS);
    print("projected_dim", PROJECTED_DIM);
    print("projected_per_row_core_seconds", perRowProjected);
    print("projected_state_bytes", stateProjected);
    print("projected_executor_cores", executorCores);
    print("projected_network_gbps", networkGbps);
    for (int executorCount : executors) {
      long tasks = (long) executorCount * executorCores;
      double compute = PROJECTED_ROWS * perRowProjected / (tasks * efficiency);
      double merge = tasks * stateProjected / bytesPerSecond;
      print("projected_seconds_" + executorCount + "_executors", compute + merge);
      print("projected_merge_seconds_" + executorCount + "_executors", merge);
    }
  }

  private static long directoryBytes(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      long total = 0;
      for (Path p : files.toList()) total += Files.size(p);
      return total;
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (Stream<Path> paths = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(paths.sorted(Comparator.reverseOrder()).toList());
      for (Path p : all) Files.delete(p);
    }
  }
}
