package io.actdb.bench;

import io.actdb.cli.CommandFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code actdb bench startup}: the wall time of a whole {@code actdb sql -c} call, launcher
 * included, beside the JVM's own start-up ({@code java -version}) in the same sitting. The runs
 * alternate, so that a busy machine slows all of them alike.
 */
@Command(
    name = "startup",
    mixinStandardHelpOptions = true,
    header = "Times the CLI's start-up (./actdb sql -c) against java -version's.",
    footer = {"", "Examples:", "  ./actdb bench startup", "  ./actdb bench startup --runs 9"},
    description = {
      "Times ./actdb sql -c \"SELECT 41 + 1\" from start to exit, as the launcher runs it (with"
          + " its",
      "fast start: DuckDB's library unpacked once and a JDK AOT cache), without the fast start",
      "(ACTDB_FAST_START=off), and java -version of the same JDK; prints the medians and ratios."
    })
final class StartupBenchmark extends Benchmark {
  /** Set by the ./actdb launcher: the launcher script itself. */
  static final String LAUNCHER_PROPERTY = "actdb.launcher";

  @Option(
      names = "--runs",
      description = "Timed runs of each; the median is reported (default: ${DEFAULT-VALUE}).")
  int runs = 9;

  @Option(
      names = "--launcher",
      paramLabel = "<file>",
      description = "The actdb launcher to time (default: the one that runs this benchmark).")
  Path launcher;

  @Option(names = "--no-plain", description = "Skip the runs without the fast start.")
  boolean noPlain;

  @Override
  protected void execute() throws Exception {
    if (runs < 1) throw new CommandFailure("bench startup needs --runs >= 1");
    if (launcher == null && System.getProperty(LAUNCHER_PROPERTY) != null) {
      launcher = Path.of(System.getProperty(LAUNCHER_PROPERTY));
    }
    if (launcher == null || !Files.isExecutable(launcher)) {
      throw new CommandFailure(
          "bench startup: no actdb launcher to time"
              + (launcher == null ? "" : " at " + launcher)
              + "; run it as ./actdb bench startup, or give --launcher path/to/actdb");
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> sql = List.of(launcher.toString(), "sql", "-c", "SELECT 41 + 1 AS answer");
    List<String> javaVersion = List.of(java, "-version");
    // Once untimed: a first call after a build prepares the fast start, and fills the page cache.
    timed(sql, true, "actdb sql");
    double[] fast = new double[runs];
    double[] plain = new double[noPlain ? 0 : runs];
    double[] jvm = new double[runs];
    for (int r = 0; r < runs; r++) {
      fast[r] = timed(sql, true, "actdb sql");
      if (!noPlain) plain[r] = timed(sql, false, "actdb sql");
      jvm[r] = timed(javaVersion, true, "java -version");
    }
    printMachine();
    print("startup_runs", list(fast));
    if (!noPlain) print("startup_plain_runs", list(plain));
    print("java_version_runs", list(jvm));
    double fastMedian = median(fast);
    double jvmMedian = median(jvm);
    print("startup_median_s", fastMedian);
    if (!noPlain) print("startup_plain_median_s", median(plain));
    print("java_version_median_s", jvmMedian);
    print("startup_to_java_version", fastMedian / jvmMedian);
    if (!noPlain) print("startup_plain_to_fast", median(plain) / fastMedian);
  }

  /**
   * Runs {@code command} to its end and returns the seconds it took; checks that an actdb call
   * printed the answer, so that a broken run cannot pass for a fast one.
   */
  private static double timed(List<String> command, boolean fastStart, String what)
      throws IOException, InterruptedException, CommandFailure {
    ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
    if (!fastStart) builder.environment().put("ACTDB_FAST_START", "off");
    long t0 = System.nanoTime();
    Process p = builder.start();
    byte[] output = p.getInputStream().readAllBytes();
    int status = p.waitFor();
    double seconds = seconds(t0);
    String text = new String(output, StandardCharsets.UTF_8);
    if (status != 0 || (what.startsWith("actdb") && !text.contains("42"))) {
      throw new CommandFailure(
          "bench startup: " + what + " failed (exit " + status + "); its output:\n" + text);
    }
    return seconds;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static String list(double[] values) {
    StringBuilder s = new StringBuilder();
    for (double v : values)
      s.append(s.isEmpty() ? "" : ",").append(String.format(Locale.ROOT, "%.3f", v));
    return s.toString();
  }
}
